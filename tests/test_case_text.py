"""What the case view says, in words, without a terminal."""

from __future__ import annotations

from jagtui.screens import case_text
from jagtui.store.casefile import case_file

from case_data import TODAY, seed


def _plain(group) -> str:
    return "\n".join(part.plain for part in group.renderables)


def test_header_names_the_facts_and_masks_in_privacy_mode(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    with sqlite_store.read() as session:
        file = case_file(session, cfg, TODAY, ids.case_id)
    shown = _plain(case_text.header(file, cfg, private=False))
    assert shown.splitlines() == [
        f"{file.case.reference}  Ann Example  victim · JAG · Beat 63 (Nanpantan)",
        " RED   Risk STANDARD · review OVERDUE 2d (20 Nov 2026)  Harm 5 ↓ (was 20)",
        "Lead: Leicestershire Police / PC Dana Jones · Priority P1 · Intimidation, Larkspur Close",
        "Flags: Risk review overdue",
    ]
    private = _plain(case_text.header(file, cfg, private=True))
    assert "A.E." in private and "Ann" not in private and "Larkspur" not in private


def test_harm_ladder_and_history_explain_themselves(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    with sqlite_store.read() as session:
        file = case_file(session, cfg, TODAY, ids.case_id)
    harm = case_text.harm_summary(file, cfg).plain
    assert "Harm index 5 ↓  down from 20 in the 90 days before" in harm
    assert "Why: 1 x ASB - personal (5) = 5 → 5" in harm
    assert case_text.harm_months(file).plain.startswith("DJFMAMJJASON  harm per month, Dec 2025 to Nov 2026")
    ladder = case_text.ladder(file, cfg).plain
    assert "Acceptable Behaviour Contract → Community Protection Warning" in ladder
    assert ladder.endswith("Breach of Acceptable Behaviour Contract on 12 Nov 2026: "
                           "propose Community Protection Warning")
    history = case_text.history(file, private=True).plain
    assert "JAG · Item 1 (review): A.E., Shelthorpe" in history  # the title named her and her street
    assert "1. A.E. reports daily shouting from B.S." in history
    assert "AGREED: ABC to be issued by the ASB team" in history
    assert case_text.risk_summary(file, private=False).plain.startswith(
        "Latest: STANDARD  score 6  assessed 23 Oct 2026 by PC Dana Jones")


def test_the_flag_line_shows_every_flag_in_the_words_that_fit():
    from types import SimpleNamespace

    codes = ["community_trigger", "repeat_victim", "hate", "vulnerable", "review_overdue"]
    file = SimpleNamespace(flags=[SimpleNamespace(code=code) for code in codes])
    assert case_text.flag_line(file).plain == (
        "Flags: Community Trigger threshold met, Repeat victim, Hate incident, "
        "Vulnerable victim (medium or high risk), Risk review overdue")
    assert case_text.flag_line(file, 78).plain.splitlines() == [
        "Flags: Community Trigger, Repeat victim, Hate, Vulnerable victim,",
        "       Review overdue"]
    assert case_text.flag_line(file, 30).plain == "Flags: CT RV H VV OD"
    assert case_text.flag_line(SimpleNamespace(flags=[]), 78).plain == "Flags: none"
