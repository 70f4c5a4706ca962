"""The shapes of identifiers as people really write them (pure: regular expressions only).

- Words are compared folded: casefolded, accents dropped ("Zoë" = "zoe", however the
  accent is encoded: one character, or a letter and a combining mark), and the
  usual street abbreviations expanded ("Cl." = "Close", "Rd" = "Road"), so a
  phrase stored one way is found written any of the others.
- UK phone numbers in any spelling: brackets, dots, hyphens, spaces, +44, 0044,
  (0) or a leading 0; and any run of digits equal to a stored number.
- Dates in the common formats (17/03/1988, 17-Mar-1988, 17th Mar 88, March 17th
  1988, 1988-03-17, 17031988) and, after "born" or "DOB", a month and year or a
  year alone.
- Full UK postcodes with or without the space; e-mail addresses.
- Health and vulnerability words, each with the category that replaces it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

# A word: letters and digits, and the combining accents of text in decomposed form (NFD,
# as some systems write it): "Nguyễn" is one word however it is encoded.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
TOKEN = re.compile(rf"[^\W_]+(?:[{_MARKS}]+[^\W_]*)*")
# What may separate the words of one name or address: spaces, line breaks, light punctuation.
GAP = re.compile(r"[\s,.'\u2019\-/&]{1,6}")
# Street words written short; Dr is also a title, which folds the same way on both sides.
STREET_WORDS = {
    "cl": "close", "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue",
    "dr": "drive", "drv": "drive", "ln": "lane", "cres": "crescent", "cresc": "crescent",
    "gdns": "gardens", "gdn": "gardens", "ct": "court", "crt": "court", "pl": "place",
    "terr": "terrace", "ter": "terrace", "tce": "terrace", "sq": "square", "gr": "grove",
    "gro": "grove", "pde": "parade", "wk": "walk", "hse": "house", "ho": "house", "bldgs": "buildings",
    "mws": "mews", "wy": "way",
}
# The last word of a street name: "Larkspur Close" is the street, "Larkspur" its stem.
STREET_TYPES = frozenset({
    "close", "road", "street", "avenue", "drive", "lane", "crescent", "gardens", "court", "place",
    "terrace", "square", "grove", "parade", "walk", "way", "rise", "mews", "row", "view", "wharf",
    "hill", "green", "park", "yard", "gate", "side", "field", "fields", "croft", "mead", "meadow",
    "meadows", "bank", "end", "vale", "dale", "close", "approach", "boulevard", "circle", "link",
    "chase", "glade", "grange", "heights", "path", "passage", "quay", "ridge", "wynd", "brow",
})
# Words that come before a house number: "No.17", "Flat 2", "Unit 4b".
NUMBER_WORDS = frozenset({"no", "number", "flat", "apartment", "apt", "unit", "house", "plot"})
# Words that may come before a street: "off Larkspur Close", "land at Mill Lane".
LEADING = ("off", "near", "rear", "behind", "opposite", "outside", "land", "at")
HOUSE_NUMBER = re.compile(r"\d{1,4}[a-z]?", re.IGNORECASE)
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "drive", "master", "mstr", "sir",
                    "dame", "madam", "lady", "lord"})
RANKS = TITLES | {"insp", "inspector", "ci", "supt", "pc", "pcso", "ps", "sgt", "sergeant", "dc",
                  "ds", "di", "dci", "cllr", "councillor", "prof", "rev"}


@lru_cache(maxsize=1 << 16)  # names and street words repeat: fold each once
def fold(word: str) -> str:
    """A word as compared: casefolded, accents dropped, a street abbreviation expanded."""
    if not word.isascii():  # casefolded first: "İ" folds to "i" and a mark, dropped next
        word = "".join(c for c in unicodedata.normalize("NFKD", word.casefold())
                       if not unicodedata.combining(c))
    word = word.casefold()
    return STREET_WORDS.get(word, word)


@lru_cache(maxsize=1 << 14)
def words(text: str) -> tuple[str, ...]:
    return tuple(map(fold, TOKEN.findall(text)))


# -- contact details ------------------------------------------------------------

_SEP = r"[\s.\-()\u2010-\u2015]{0,3}"
PHONE = re.compile(
    # +44 / 0044 / (+44), an optional (0), then the ten digits after the 0.
    rf"(?<![\w+])(?:\(?(?:\+|00)\s?44\)?{_SEP}(?:\(0\){_SEP})?[1-9](?:{_SEP}\d){{8,9}}"
    # or the national form: 0 and nine or ten more digits.
    rf"|\(?0{_SEP}[1-9](?:{_SEP}\d){{8,9}})(?!\d)")
# Any run of digits that could be a number written some other way (checked against stored ones).
DIGIT_RUN = re.compile(r"(?<![\w+])[+(]?\d[\d\s.\-()]{5,24}\d(?!\d)")
EMAIL = re.compile(r"[\w.+\-']+\s?(?:@|\(at\)|\[at\])\s?[\w\-]+(?:\s?\.\s?[\w\-]+)+", re.IGNORECASE)
POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ]\d[\dA-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y]\d[\dABEHMNPRVWXY]?)"
    r"[\s\-]{0,2}\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)


def phone_digits(text: str) -> str:
    """A number as its national digits without the leading 0: '+44 (0)7700 900123' -> '7700900123'."""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and (text.lstrip().startswith("+") or len(digits) == 12):
        digits = digits[2:]
    return digits.lstrip("0")


# -- dates --------------------------------------------------------------------------

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORD = r"(?:st|nd|rd|th)?"
_DS = r"[\s/.\-,]{0,3}"  # between the parts of a written date: "17-Mar-1988", "17th Mar, 88"
DATE = (
    r"(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})(?!\d)"
    r"|(?P<nd>\d{1,2})(?P<sep>[/.\-])(?P<nm>\d{1,2})(?P=sep)(?P<ny>\d{4}|\d{2})(?!\d)"
    rf"|(?P<wd>\d{{1,2}}){_ORD}{_DS}(?:of\s+)?(?P<wm>{_MONTH})\.?{_DS}(?P<wy>\d{{4}}|\d{{2}})(?!\d)"
    rf"|(?P<mm>{_MONTH})\.?{_DS}(?P<md>\d{{1,2}}){_ORD}{_DS}(?P<my>\d{{4}}|\d{{2}})(?!\d)"
    r"|(?P<cd>[0-3]\d)(?P<cm>[01]\d)(?P<cy>(?:19|20)\d\d|\d\d)(?!\d)"
)
ANY_DATE = re.compile(rf"(?<![\w/.\-])(?:{DATE})(?![\w/])", re.IGNORECASE)
_BIRTH_WORDS = (r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s?date|b\.(?=\s?\d)"
                r"|born(?:\s+(?:on|in))?)")
# "born March 1988", "DOB 03/1988", "born in 1988": a month and year, or a year alone.
_PARTIAL = (rf"(?P<pm>{_MONTH})\.?{_DS}(?P<py>(?:19|20)\d\d)(?!\d)"
            r"|(?P<qm>[01]?\d)/(?P<qy>(?:19|20)\d\d)(?!\d)|(?P<yy>(?:19|20)\d\d)(?!\d)")
BIRTH = re.compile(rf"{_BIRTH_WORDS}\s*[:\-\u2013]?\s*(?:(?:{DATE})|{_PARTIAL})", re.IGNORECASE)


def _month(word: str) -> int:
    word = word.casefold()
    return next(i for i, name in enumerate(MONTHS, 1) if name.startswith(word[:3]))


def _years(text: str) -> list[int]:
    year = int(text)
    return [year] if len(text) == 4 else [1900 + year, 2000 + year]


def written_dates(match: re.Match) -> list[date]:
    """The dates a matched date can mean (a two-digit year can be 19xx or 20xx)."""
    g = match.groupdict()
    try:
        if g.get("iy"):
            return [date(int(g["iy"]), int(g["im"]), int(g["id"]))]
        for d, m, y, named in (("nd", "nm", "ny", False), ("wd", "wm", "wy", True),
                               ("md", "mm", "my", True), ("cd", "cm", "cy", False)):
            if g.get(y):
                month = _month(g[m]) if named else int(g[m])
                return [date(year, month, int(g[d])) for year in _years(g[y])]
        if g.get("py"):
            return [date(int(g["py"]), _month(g["pm"]), 15)]
        if g.get("qy"):
            return [date(int(g["qy"]), int(g["qm"]), 15)]
        if g.get("yy"):
            return [date(int(g["yy"]), 7, 1)]
    except ValueError:
        return []
    return []


# -- health and vulnerability -----------------------------------------------------

_HEALTH = {
    "mental health": (
        r"mental[\s\-]health(?:\s+(?:problems?|issues?|condition|crisis|team|services?))?",
        r"depress(?:ion|ed|ive)", r"anxiety(?:\s+disorder)?", r"bi-?polar(?:\s+disorder)?",
        r"schizo\w*", r"psychos[ie]s", r"psychotic", r"ptsd", r"post[\s\-]traumatic\s+stress",
        r"personality\s+disorder", r"self[\s\-]harm\w*", r"suicid\w*", r"overdos\w*",
        r"sectioned", r"cmht", r"ocd", r"eating\s+disorder", r"anorexi\w*", r"bulimi\w*",
        r"panic\s+attacks?", r"psychiatric\w*"),
    "neurodiversity or learning disability": (
        r"autis\w*", r"asd", r"adhd", r"asperger'?s?", r"learning\s+(?:disabilit\w+|difficult\w+)",
        r"dyslexi\w*", r"dyspraxi\w*", r"global\s+developmental\s+delay"),
    "physical health": (
        r"dementia", r"alzheimer'?s?", r"copd", r"cancer", r"diabet\w*", r"epilep\w*",
        r"had\s+a\s+stroke", r"heart\s+(?:condition|disease|failure|attack)", r"hiv",
        r"hepatitis", r"multiple\s+sclerosis", r"parkinson'?s?", r"terminal(?:ly)?\s+ill\w*",
        r"(?:long[\s\-]term|chronic|terminal)\s+(?:illness|condition|pain)", r"pregnan\w*",
        r"dialysis", r"chemotherapy", r"asthma", r"brain\s+injury"),
    "disability": (
        r"(?:physical\s+)?disabilit(?:y|ies)", r"disabled", r"wheelchair(?:\s+user)?",
        r"mobility\s+(?:impaired|problems?|issues?|scooter)", r"walking\s+(?:frame|stick)",
        r"partially\s+sighted", r"(?:visually|hearing)\s+impaired", r"registered\s+blind",
        r"profoundly\s+deaf"),
    "substance misuse": (
        r"alcohol\s+(?:dependen\w+|addiction|misuse|problems?)", r"alcoholic", r"alcoholism",
        r"drug\s+(?:addict\w*|dependen\w+|misuse|user)", r"addict(?:ed|ion)", r"heroin\s+user",
        r"methadone"),
}
HEALTH_CATEGORIES = tuple(_HEALTH)
HEALTH = re.compile(
    "|".join(rf"(?P<h{i}>\b(?:{'|'.join(terms)})\b)" for i, terms in enumerate(_HEALTH.values())),
    re.IGNORECASE)


def health_category(match: re.Match) -> str:
    return HEALTH_CATEGORIES[int(match.lastgroup[1:])]


def category_of(text: str) -> str:
    """The category a stored vulnerability falls under, from the first health word in it."""
    found = HEALTH.search(text)
    return health_category(found) if found else "personal circumstances"
