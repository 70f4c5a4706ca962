"""The words of one document, and which people and places held they could name (pure).

A county holds tens of thousands of people; one set of minutes names a few
dozen words' worth of them. A :class:`~jagtui.redaction.lexicon.Lexicon` given
a document's :class:`Vocabulary` indexes only the phrases made entirely of the
document's words, which is exactly the part of the full index the document's
text can reach: a phrase with a word the text lacks can never be found in it.
So the redaction is the same as with everyone indexed, for a fraction of the
work. (Every person and place is still known, with their dates of birth and
phone numbers, which are matched without the index.)

:meth:`Vocabulary.may_name` is the quick test that spares building a person's
phrases at all: every phrase the lexicon makes of a person contains one of
their *anchors* (a word of their name, of their address other than house
numbers and street types, of their postcode or recorded vulnerabilities), or a
word made from one (``O'Neill`` as ``oneill``, ``Smiths``, ``Larkspurclose``,
``Xwharf`` as ``x wharf``). So a person none of whose anchors is a document
word, a word's singular, or the start or end of a document word has no phrase
the document could contain. An address line with nothing but numbers and
street words ("Flat 2", "Park Road") makes all its words anchors.
``tests/test_redaction_vocabulary.py`` holds the lexicon to this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jagtui.redaction.patterns import LEADING, NUMBER_WORDS, STREET_TYPES, TOKEN, fold, words

# Address words that are in thousands of addresses: never an address's only anchor.
WEAK = STREET_TYPES | NUMBER_WORDS | frozenset(LEADING)
LINES = re.compile(r"[,\n;]+")  # as the lexicon splits an address


def text_words(texts: Iterable[str]) -> set[str]:
    """The folded words of these texts, as the redaction engine reads them."""
    found: set[str] = set()
    for text in texts:
        if text:
            found.update(map(fold, TOKEN.findall(text)))
    return found


class Vocabulary:
    """A document's folded words, with their singulars, starts and ends for :meth:`may_name`."""

    def __init__(self, tokens: Iterable[str] = ()):
        self.words: set[str] = set()
        self.exact: set[str] = set()     # the words and their singulars ("smiths" -> "smith")
        self.partial: set[str] = set()   # every start and end of a word ("oneill" -> "o", "neill")
        self._typed: set[str] | None = None  # each word + a street type ("x" -> "xwharf")
        self.add(tokens)

    def add(self, tokens: Iterable[str]) -> bool:
        """Add words; whether any was new."""
        new = set(tokens) - self.words
        if not new:
            return False
        self.words |= new
        self.exact |= new
        self._typed = None
        for word in new:
            if word.endswith("s"):
                self.exact.add(word[:-1])
                if word.endswith("es"):
                    self.exact.add(word[:-2])
            for k in range(1, len(word)):
                self.partial.add(word[:k])
                self.partial.add(word[k:])
        return True

    def covers(self, tokens: Iterable[str]) -> bool:
        return self.words.issuperset(tokens)

    # -- who could be named -------------------------------------------------------------
    # Each test is False only when no phrase the lexicon makes of that part can be made of
    # this vocabulary's words; True means build the phrases (each is checked as it is added).

    def may_name(self, name: str = "", address: str = "", postcode: str = "",
                 vulnerabilities: str = "") -> bool:
        return (self.may_name_name(name) or self.may_name_address(address)
                or self.may_name_code(words(postcode)) or self.may_name_text(vulnerabilities))

    def may_name_name(self, name: str) -> bool:
        exact, partial = self.exact, self.partial
        for part in name.split():
            tokens = words(part)
            if not exact.isdisjoint(tokens):
                return True
            if len(tokens) > 1 and tokens[0] in partial:  # "O'Neill" written "ONeill(s)"
                return True
        return False

    def may_name_text(self, text: str) -> bool:
        return bool(text) and not self.exact.isdisjoint(words(text))

    def may_name_code(self, code: tuple[str, ...]) -> bool:
        return bool(code) and (not self.exact.isdisjoint(code) or code[0] in self.partial)

    def may_name_address(self, address: str) -> bool:
        return any(self.may_name_line(words(line)) for line in LINES.split(address or ""))

    def may_name_any_line(self, tokens: tuple[str, ...]) -> bool:
        """All an address's words at once: False when no line of it can pass
        :meth:`may_name_line` (each line's words are among the address's)."""
        if self._typed is None:
            self._typed = {word + kind for word in self.exact if len(word) >= 3
                           for kind in STREET_TYPES}
        return not (self.exact.isdisjoint(tokens) and self.partial.isdisjoint(tokens)
                    and self._typed.isdisjoint(tokens))

    def may_name_line(self, tokens: tuple[str, ...]) -> bool:
        """One address line: its street words (or, with none, all its words), whole or
        joined to the next ("Larkspurclose"), or split from a street type ("X Wharf")."""
        exact, partial = self.exact, self.partial
        strong = [t for t in tokens if t not in WEAK and not t[0].isdigit()]
        for token in strong or tokens:
            if token in exact or token in partial:
                return True
        if self._typed is None:  # "xwharf" for every word "x" of three letters or more
            self._typed = {word + kind for word in exact if len(word) >= 3
                           for kind in STREET_TYPES}
        return not self._typed.isdisjoint(tokens)
