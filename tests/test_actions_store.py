"""The action log's lookups: search, default refs, owners, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jagtui.store import actions, cases, meetings, users
from jagtui.store.errors import Conflict

TODAY = date(2026, 11, 22)


def test_search_matches_ref_text_owner_agency_and_case_literally(store):
    with store.write() as session:
        case = cases.open_case(session, case_type="victim", title="A", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY)
        actions.add_action(session, ref="011026 Item 4", text="Visit 100% of flats", owner="PC One",
                           owner_agency="POLICE", case_id=case.id)
        actions.add_action(session, ref="011026 Item 5", text="Letter", owner="Ann ASB",
                           owner_agency="CBC-ASB")
    with store.read() as session:
        def texts(search):
            return [row.action.text for row in actions.action_rows(session, search=search)]

        assert texts("100%") == ["Visit 100% of flats"]
        assert texts("%") == ["Visit 100% of flats"]
        assert texts("cbc-asb") == ["Letter"]
        assert texts("ann") == ["Letter"]
        assert texts(case.reference.lower()) == ["Visit 100% of flats"]
        assert texts("item") == ["Visit 100% of flats", "Letter"]
        assert texts("nothing like it") == []


def test_the_ref_outside_a_meeting_and_the_meeting_a_ref_points_at(store):
    assert actions.outside_meeting_ref(date(2026, 12, 4)) == "Outside meeting 041226"
    with store.write() as session:
        old = meetings.create_meeting(session, held_on=date(2026, 10, 1), subgroup="JAG")
        meetings.add_item(session, old.id, "minutes", "Minutes")
        seven = meetings.add_item(session, old.id, "case", "Case", number=7)
        meetings.create_meeting(session, held_on=TODAY + timedelta(42), subgroup="JAG")
    with store.read() as session:
        assert actions.meeting_of_ref(session, actions.outside_meeting_ref(TODAY)) == (None, None)
        assert actions.meeting_of_ref(session, " 011026 item 7 ") == (old.id, seven.id)
        assert actions.meeting_of_ref(session, "011026 Item 9") == (old.id, None)
        assert actions.meeting_of_ref(session, "020226 Item 1") == (None, None)
        assert actions.meeting_of_ref(session, "310226 Item 1") == (None, None)
        assert actions.meeting_of_ref(session, "Ad hoc") == (None, None)


def test_owner_names_come_from_users_and_past_owners(store):
    with store.write() as session:
        users.add_user(session, "s.officer", "Sam Officer", "CBC-ASB")
        gone = users.add_user(session, "gone", "Sam Gone", "POLICE")
        users.set_active(session, gone.login, False)
        actions.add_action(session, ref="R", text="T", owner="Pat Example", owner_agency="YOS")
        actions.add_action(session, ref="R", text="T", owner="sam officer")
    with store.read() as session:
        assert actions.owner_names(session, "sam") == [("Sam Officer", "CBC-ASB")]
        assert actions.owner_names(session) == [("Pat Example", "YOS"), ("Sam Officer", "CBC-ASB")]


def test_owner_names_include_the_meetings_directory_with_their_agency(store):
    with store.write() as session:
        meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
        meetings.add_attendee(session, meeting.id, "Dee Housing", "Charnwood Borough Council Housing")
        meetings.add_attendee(session, meeting.id, "Vic Volunteer", "Neighbourhood Watch")
        meetings.add_attendee(session, meeting.id, "Pat Example", "YOS")
    keys = {"charnwood borough council housing": "CBC-HOUSING", "yos": "YOS"}
    with store.read() as session:
        assert actions.owner_names(session, "dee", agency_keys=keys) == [("Dee Housing", "CBC-HOUSING")]
        # An organisation that is not a configured agency: the person, with no agency.
        assert actions.owner_names(session, "vic", agency_keys=keys) == [("Vic Volunteer", "")]
        assert actions.owner_names(session, "pat", agency_keys=keys) == [("Pat Example", "YOS")]


def test_open_case_refs_and_a_reassign_clash(store):
    with store.write() as session:
        open_one = cases.open_case(session, case_type="victim", title="A", subgroup="JAG",
                                   lead_agency="POLICE", opened_on=TODAY)
        shut = cases.open_case(session, case_type="victim", title="B", subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY)
        cases.close_case(session, shut.id, None, TODAY, "Done")
        action = actions.add_action(session, ref="R", text="T", owner="Pat Sample")
    with store.read() as session:
        assert actions.open_case_refs(session) == {open_one.reference: open_one.id}
    with store.write() as session:
        actions.update_action(session, action.id, 1, owner="Kim Other")
    with pytest.raises(Conflict) as clash, store.write() as session:
        actions.update_action(session, action.id, 1, owner="Lee Mine", owner_agency="POLICE")
    assert clash.value.theirs == {"owner": "Kim Other", "owner_agency": ""}
    assert clash.value.yours == {"owner": "Lee Mine", "owner_agency": "POLICE"}
