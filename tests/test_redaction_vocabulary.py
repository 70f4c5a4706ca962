"""A document's redaction index covers only the document's words (issue 14, speed): it must
redact exactly as the index of everyone held does.

The lexicon given a vocabulary must hold every phrase of the full index made of those words,
with the same claims in the same order, and nothing else; the quick tests that skip a person
(``Vocabulary.may_name_*``) must never skip a phrase the document could contain. People and
addresses are generated in the awkward shapes the lexicon handles (O'Neill, Smith-Jones,
titles, "Flat 2" lines, "Park Road" streets of street words only, "Xwharf", postcodes), and
the vocabularies from the very words of their phrases (plurals, joined and split forms too).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from jagtui.config import load_config
from jagtui.export.redact import Lexicon, Place, Redactor, Subject, keep_phrases
from jagtui.redaction.vocabulary import text_words

CFG = load_config()
KEEP = keep_phrases(CFG)
COMMON = CFG.redaction.common_words
ON = date(2026, 11, 22)
SYLLABLES = ("bra", "kel", "mor", "vin", "o", "tas", "lusk", "wex", "fen", "al", "cob", "sarn")
WORDS = ("Park", "Green", "Lane", "Road", "Hill", "Wharf", "Close", "Field", "Row", "Brow",
         "Flat", "No", "Unit", "Rear", "Land", "At", "The", "Will", "Grace", "Bell", "High",
         "Shelthorpe", "Loughborough", "Mrs", "Mr", "Dr")

invented = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map(
    lambda parts: "".join(parts).capitalize())
any_word = st.one_of(invented, st.sampled_from(WORDS))
name_part = st.one_of(any_word, st.builds(lambda a, b: f"{a}'{b}", any_word, any_word),
                      st.builds(lambda a, b: f"{a}-{b}", any_word, any_word))
names = st.lists(name_part, min_size=1, max_size=4).map(" ".join)
numbers = st.one_of(st.integers(1, 300).map(str), st.sampled_from(("2a", "14b", "12345")))
street = st.one_of(
    st.builds(lambda n, a, b: f"{n} {a} {b}", numbers, any_word, any_word),
    st.builds(lambda a, b: f"{a} {b}", any_word, any_word),
    st.builds(lambda n, a: f"{n} {a}wharf", numbers, invented),
    st.builds(lambda w, n: f"{w} {n}", st.sampled_from(("Flat", "Unit", "No")), numbers),
    st.builds(lambda n, m: f"{n} {m}", numbers, numbers),
    any_word)
addresses = st.lists(street, min_size=0, max_size=3).map(", ".join)
postcodes = st.one_of(st.just(""), st.builds(lambda a, n, u: f"{a}{n} {u}", st.sampled_from(
    ("LE", "NG")), st.integers(1, 19), st.sampled_from(("1AB", "2ZZ", "9QX"))))
vulnerable = st.sampled_from(("", "Lives alone; early-stage dementia", "Hoarding and alcohol"))


@st.composite
def held(draw):
    people = [Subject(n, draw(names), None, draw(addresses), draw(postcodes), str(50 + n % 9),
                      "", draw(vulnerable))
              for n in range(1, draw(st.integers(1, 6)) + 1)]
    places = [Place(100 + n, draw(names) + draw(st.sampled_from(("", " (Shelthorpe)"))),
                    draw(addresses), draw(postcodes), "60", "Shelthorpe")
              for n in range(draw(st.integers(0, 3)))]
    return people, places


def _phrases(trie: dict, prefix: tuple = ()) -> dict[tuple, list]:
    found = {}
    for key, child in trie.items():
        if key is None:
            found[prefix] = child
        else:
            found.update(_phrases(child, prefix + (key,)))
    return found


def _every_word(lexicon: Lexicon) -> list[str]:
    """The words of every phrase held, and the forms a text could hold of them."""
    out = sorted({t for phrase in _phrases(lexicon.trie) for t in phrase})
    return out + [w + "s" for w in out] + [w[:2] for w in out] + ["2", "the", "road", "wharf"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(held(), st.data())
def test_a_document_index_is_the_full_index_cut_to_the_documents_words(found, data):
    people, places = found
    full = Lexicon(people, places, keep=KEEP, common_words=COMMON)
    words = data.draw(st.sets(st.sampled_from(_every_word(full)), max_size=12))
    cut = Lexicon(people, places, keep=KEEP, common_words=COMMON, vocabulary=words)
    expected = {phrase: claims for phrase, claims in _phrases(full.trie).items()
                if set(phrase) <= words}
    assert _phrases(cut.trie) == expected
    # Dates of birth, phones and everyone's details are known whatever the words.
    assert cut.people == full.people and cut.places == full.places
    assert cut.dobs == full.dobs and cut.phones == full.phones


@pytest.mark.parametrize("name, address, postcode, words", [
    ("Sean O'Neill", "", "", {"oneills"}),                    # a joined name, in the plural
    ("Ann Smith-Jones", "", "", {"smithjones"}),
    ("Kev Joness", "", "", {"jonesses"}),                      # "the Jonesses"
    ("Ann Quillfield", "", "", {"the", "quillfields"}),        # "the Quillfields"
    ("Ann Bell", "4 Millbeckwharf, Shelthorpe", "", {"millbeck"}),       # "Millbeck residents"
    ("Ann Bell", "4 Millbeckwharf, Shelthorpe", "", {"millbeck", "wharf"}),  # "Millbeck Wharf"
    ("Ann Bell", "9 Larkspur Close", "", {"larkspurclose"}),
    ("Ann Bell", "9 Park Larkspur", "", {"parklarkspur"}),
    ("Ann Bell", "Flat 2, 9 Park Road", "", {"flat", "2"}),    # a line of street words only
    ("Ann Bell", "9 Park Road", "", {"park", "road"}),
    ("Ann Bell", "", "LE11 3AB", {"le113ab"}),
    ("Ann Bell", "", "LE11 3AB", {"le11", "3ab"}),
])
def test_each_written_form_of_a_phrase_is_kept_in_the_document_index(name, address, postcode,
                                                                      words):
    person = Subject(1, name, None, address, postcode, "62")
    full = Lexicon([person], keep=KEEP, common_words=COMMON)
    cut = Lexicon([person], keep=KEEP, common_words=COMMON, vocabulary=words)
    expected = {p: c for p, c in _phrases(full.trie).items() if set(p) <= words}
    assert expected and _phrases(cut.trie) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(held(), st.data())
def test_redacted_text_is_the_same_with_the_document_index(found, data):
    people, places = found
    full = Lexicon(people, places, keep=KEEP, common_words=COMMON)
    pool = [w.capitalize() for w in _every_word(full)] + ["visited", "near", "the", "Smiths"]
    text = " ".join(data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=10)))
    parties = [(10, "victim", people[0])]
    cut = Lexicon(people, places, keep=KEEP, common_words=COMMON, vocabulary=text_words([text]))

    def redact(lexicon):
        return Redactor(parties=parties, lexicon=lexicon, professionals=["PC Dana Whitlow"],
                        common_words=COMMON, on=ON).text(text, 10)

    assert redact(cut) == redact(full), text
    assert cut.builds == 1  # the document's words were enough


def test_a_text_outside_the_vocabulary_widens_the_index_and_is_still_redacted():
    kev = Subject(7, "Kevin Oakenfold", None, "3 Larkspur Close, Loughborough", "LE11 3AB", "62")
    other = Subject(8, "Mary Pennycook", None, "9 Wimbrel Way, Shelthorpe", "LE11 4ZZ", "63")
    lexicon = Lexicon([kev, other], keep=KEEP, vocabulary=text_words(["A visit was made."]))
    redactor = Redactor(parties=[(1, "victim", kev)], lexicon=lexicon, on=ON)
    out = redactor.text("Mary Pennycook of 9 Wimbrel Way was seen with Kevin.", 1)
    assert "Pennycook" not in out and "Wimbrel" not in out and "Kevin" not in out, out
    assert "Person H" in out and "Victim G" in out and lexicon.builds == 2


# -- the exports: the same documents, the index built once from the document's words ----------

def _crowd(session, n: int) -> None:
    """People and places held on no case: namesakes, neighbours and strangers."""
    from jagtui.store import people as held

    for k in range(n):
        held.add_person(session, f"{('Ann', 'Tomas', 'Zoë', 'Kev')[k % 4]} Crowdson{k}",
                        address=f"{k + 1} {('Larkspur Close', 'Wimbrel Way', 'Park Road')[k % 3]}, "
                                f"Loughborough", postcode=f"LE11 {k % 9}QQ", beat="60")
        if k % 10 == 0:
            held.add_location(session, f"Crowdson{k} Rec", address=f"{k} Mill Lane",
                              postcode="LE11 8AA", beat="61", locality="Shelthorpe")


def test_redacted_minutes_and_action_log_are_the_same_as_with_everyone_indexed(
        store, cfg, tmp_path, monkeypatch):
    from export_fixture import build_meeting, exports_cfg

    from jagtui.export import action_log, minutes, redact
    from jagtui.export.document import render_markdown
    from jagtui.store.identities import load_lexicon
    from jagtui.store.minutes import minutes_data

    with store.write() as session:
        built = build_meeting(session, cfg, n_cases=3)
        _crowd(session, 60)
    cfg = exports_cfg(cfg, tmp_path)
    made: list[Lexicon] = []
    original = redact.document_lexicon

    def recording(session, cfg, words):
        made.append(original(session, cfg, words))
        return made[-1]

    monkeypatch.setattr(redact, "document_lexicon", recording)
    monkeypatch.setattr(minutes, "document_lexicon", recording)
    paths = minutes.export_minutes(store, cfg, built.meeting_id, redacted=True, formats=["md"])
    with store.read() as session:
        data = minutes_data(session, cfg, built.meeting_id)
        everyone = load_lexicon(session, keep_phrases(cfg), cfg.redaction.common_words)
    expected = render_markdown(minutes.build_minutes(data, cfg, redacted=True, lexicon=everyone))
    assert paths[0].read_bytes() == expected
    # Built once, from the minutes' own words, and far smaller than everyone's index.
    assert len(made) == 1 and made[0].builds == 1
    assert len(_phrases(made[0].trie)) < len(_phrases(everyone.trie)) / 2
    assert "Crowdson" not in paths[0].read_text()

    # The meeting's redacted action log: the same rows as through the whole index.
    rows, case_ids, held_on, _group = action_log._meeting_rows(store, cfg, built.meeting_id)
    got = action_log._redacted(store, cfg, rows, case_ids, held_on)
    assert len(made) == 2 and made[1].builds == 1
    monkeypatch.setattr(redact, "document_lexicon",
                        lambda session, cfg, words: original(session, cfg, None))
    assert got == action_log._redacted(store, cfg, rows, case_ids, held_on)


def test_a_text_redacted_again_for_another_case_names_the_role_on_that_case():
    """Texts are redacted once each (a log repeats them), but a person's label depends on
    the case the text is about: the same words give each case's role."""
    kev = Subject(7, "Kevin Oakenfold", None, "3 Larkspur Close, Loughborough", "LE11 3AB", "62")
    redactor = Redactor(parties=[(1, "victim", kev), (2, "perpetrator", kev)], on=ON)
    text = "Visit Kevin Oakenfold at 3 Larkspur Close"
    assert redactor.text(text, 1) == "Visit Victim G at [address in Beat 62]"
    assert redactor.text(text, 2) == "Visit Perpetrator G at [address in Beat 62]"
    assert redactor.text(text, 1) == "Visit Victim G at [address in Beat 62]"
    assert redactor.text("PC Bench to visit", 1) == redactor.text("PC Bench to visit", 2)
