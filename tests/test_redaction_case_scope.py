"""A name part alone is given a person's label only on that person's own case.

Siobhan O'Brien is on one case. In the redacted minutes, "O'Brien's shop" in an
ad-hoc item and "Dr O'Brien" in a MARAC referral on another case are someone else of
that name as far as anyone can tell: hidden as ``[name]``, never her label, and never
her initials in privacy mode. A name held in NFC is found written in NFD ("Nguyễn").
An action naming a person on its own case is masked in the redacted action log.
SQLite and PostgreSQL; the privacy-mode screen by keys."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date

from jagtui.app import JagApp
from jagtui.export.action_log import export_action_log
from jagtui.export.minutes import export_minutes
from jagtui.redaction.engine import NAME, Redactor, letters
from jagtui.redaction.lexicon import Subject
from jagtui.screens.case_view import CaseScreen, open_case
from jagtui.screens.referrals import CaseReferralsScreen
from jagtui.store import actions, cases, meetings, people, referrals, users

from export_fixture import exports_cfg
from pilot_help import settle

TODAY = date(2026, 12, 4)
NFD = unicodedata.normalize("NFD", "the Nguyễn family")


def seed(store, cfg) -> dict:
    with store.write() as session:
        users.add_user(session, "tester", "Terry Tester", agency="POLICE", role="admin")
        siobhan = people.add_person(session, "Siobhan O'Brien", beat="63")
        hoa = people.add_person(session, unicodedata.normalize("NFC", "Nguyễn Thị Hoa"), beat="62")
        kyle = people.add_person(session, "Kyle Ashworth", beat="62")
        first = cases.open_case(session, case_type="victim", title="Harassment", subgroup="JAG",
                                lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, first.id, "victim", person_id=siobhan.id, primary=True)
        other = cases.open_case(session, case_type="victim", title="Domestic abuse",
                                subgroup="JAG", lead_agency="POLICE", opened_on=TODAY)
        cases.link_party(session, other.id, "victim", person_id=kyle.id, primary=True)
        cases.link_party(session, other.id, "household member", person_id=hoa.id)
        held = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG", chair="Insp. X")
        one = meetings.add_item(session, held.id, "case", f"{first.reference} Harassment",
                                case_id=first.id)
        two = meetings.add_item(session, held.id, "case", f"{other.reference} Domestic abuse",
                                case_id=other.id)
        meetings.add_item(session, held.id, "other", "Any other business: O'Brien's shop")
        meetings.add_note(session, two.id, f"Dr O'Brien spoke to {NFD}")
        referrals.make_referral(
            session, cfg, TODAY, case_id=other.id, person_id=kyle.id, service="MARAC",
            referred_on=TODAY, reason="Dr O'Brien referred after the surgery visit",
            made_by="tester", meeting_id=held.id, item_id=two.id)
        actions.add_action(session, ref="041226 Item 1", case_id=first.id, meeting_id=held.id,
                           item_id=one.id, owner="PC Dana Whitlow",
                           text="Visit Siobhan O'Brien; ring O'Brien after")
        actions.add_action(session, ref="041226 Item 2", case_id=other.id, meeting_id=held.id,
                           item_id=two.id, owner="PC Dana Whitlow",
                           text="Ask Dr O'Brien for the surgery notes")
        return {"meeting": held.id, "siobhan": siobhan.id, "other": other.id}


def test_engine_masks_a_lone_name_part_off_its_case():
    siobhan = Subject(155, "Siobhan O'Brien")
    redactor = Redactor(parties=[(1, "victim", siobhan), (2, "victim", Subject(3, "Kyle Ash"))])
    assert redactor.text("O'Brien rang", 1) == "Victim EY rang"  # her own case
    assert redactor.text("Dr O'Brien rang", 2) == f"{NAME} rang"  # another case
    assert redactor.text("Any other business: O'Brien's shop") == \
        f"Any other business: {NAME}'s shop"
    assert redactor.text("Siobhan O'Brien rang", 2) == "Victim EY rang"  # in full: her
    screen = Redactor(parties=[(None, "", Subject(3, "Kyle Ash"))], others=[siobhan],
                      screen=True)
    assert screen.text("Dr O'Brien referred") == f"{NAME} referred"


def test_decomposed_accents_are_matched():
    hoa = Subject(8, unicodedata.normalize("NFC", "Nguyễn Thị Hoa"))
    for stored in ("NFC", "NFD"):
        held = Subject(8, unicodedata.normalize(stored, hoa.name))
        redactor = Redactor(parties=[(1, "household member", held)])
        for written in ("NFC", "NFD"):
            text = unicodedata.normalize(written, "The Nguyễn family; NGUYỄN; nguyễn")
            assert redactor.text(text, 1) == ("The Household member H family; "
                                             "Household member H; Household member H")


def test_redacted_minutes_and_log_mask_a_surname_off_its_case(store, cfg, tmp_path):
    seeded = seed(store, cfg)
    label = f"Victim {letters(seeded['siobhan'])}"
    ecfg = exports_cfg(cfg, tmp_path / "exports")
    (md,) = export_minutes(store, ecfg, seeded["meeting"], redacted=True, formats=["md"])
    text = md.read_text(encoding="utf-8").replace("\\", "")
    assert "## 3. ANY OTHER BUSINESS: [NAME]'S SHOP\n" in text
    assert f"{label.upper()}'S" not in text
    assert "[name] spoke to the Household member" in text
    assert "[name] referred after the surgery visit" in text
    for leak in ("O'Brien", "Nguy", "nguy", "Siobhan"):
        assert leak not in text, leak

    (full,) = export_action_log(store, ecfg, meeting_id=seeded["meeting"], formats=["csv"])
    (red,) = export_action_log(store, ecfg, meeting_id=seeded["meeting"], formats=["csv"],
                               redacted=True)
    assert full.read_bytes() != red.read_bytes()
    rows = {row[0]: row[2] for row in
            csv.reader(io.StringIO(red.read_text(encoding="utf-8-sig")))}
    assert rows["041226 Item 1"] == f"Visit {label}; ring {label} after"
    assert rows["041226 Item 2"] == "Ask [name] for the surgery notes"


async def test_privacy_mode_referral_shows_no_initials_for_a_surname_off_the_case(store, cfg):
    seeded = seed(store, cfg)
    app = JagApp(store, cfg, role="admin", today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        open_case(app, seeded["other"])
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseReferralsScreen)
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.private
        shown = app.screen.query_one("#referral-detail").render().plain
    assert "Reason: [name] referred after the surgery visit" in shown
    assert "S.O." not in shown and "O'Brien" not in shown
