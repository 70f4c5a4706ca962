"""What the meeting screens show, without a terminal: numbering, clocks, masking, the roll."""

from __future__ import annotations

from datetime import datetime, timezone

from jagtui.screens.forms.meeting_start import Roll
from jagtui.screens.meeting_text import (
    agenda_label, as_utc, elapsed, masked_title, note_labels, notes_text, roman,
)
from jagtui.store.meeting_run import Attendee
from jagtui.store.models import ItemNote, MeetingItem


def test_roman_numerals_for_points():
    assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 10, 14, 19, 24)] == [
        "i", "ii", "iii", "iv", "v", "ix", "x", "xiv", "xix", "xxiv"]


def test_points_and_decisions_are_numbered_apart_in_the_order_recorded():
    notes = [ItemNote(item_id=1, number=n, kind=kind, text=str(n))
             for n, kind in enumerate(["point", "agreed", "point", "point", "agreed"], start=1)]
    assert note_labels(notes) == ["(i)", "AGREED 1.", "(ii)", "(iii)", "AGREED 2."]


def test_notes_are_literal_and_masked_in_privacy_mode():
    from jagtui.store.casefile import Party

    ann = Party(link_id=1, role="victim", primary=True, person_id=1, location_id=None,
                name="Ann Example", address="1 Larkspur Close", postcode="LE11 9ZZ", locality="",
                beat="62", date_of_birth=None, vulnerabilities="")
    notes = [ItemNote(item_id=1, number=1, kind="point", text="[bold]Ann Example[/] at 1 Larkspur Close")]
    assert notes_text(notes, [ann], False).plain == "(i) [bold]Ann Example[/] at 1 Larkspur Close"
    assert notes_text(notes, [ann], True).plain == "(i) [bold]A.E.[/] at Beat 62"


def test_clocks_read_minutes_then_hours():
    assert [elapsed(s) for s in (-5, 0, 59, 61, 3599, 3600, 3723)] == [
        "0:00", "0:00", "0:59", "1:01", "59:59", "1:00:00", "1:02:03"]
    naive = datetime(2026, 11, 22, 10, 0)
    assert as_utc(naive) == datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    assert as_utc(None) is None


def test_agenda_lines_lead_with_the_kind_and_reference():
    item = MeetingItem(meeting_id=1, number=7, kind="review", title="Case review: JAG-26-0004 Youths")
    assert agenda_label(item, item.title, True, 2).plain == "▶  7. 2✎ Review JAG-26-0004 Youths"
    escalated = MeetingItem(meeting_id=1, number=6, kind="high risk",
                            title="High risk review (YJAG): JAG-26-0006 Youth group")
    assert agenda_label(escalated, escalated.title, False, 0).plain == \
        "   6. High risk (YJAG) JAG-26-0006 Youth group"
    other = MeetingItem(meeting_id=1, number=10, kind="aob", title="Any other business")
    assert agenda_label(other, other.title, False, 0).plain == "  10. Any other business"
    assert masked_title("New referral: JAG-1 Ann Example", "Ann Example", True, True) == \
        "New referral: JAG-1 A.E."
    assert masked_title("New referral: JAG-1 Park", "Park", False, True) == "New referral: JAG-1 Park"


def test_the_roll_keeps_a_chair_and_each_person_once():
    roll = Roll()
    ann, bob, cat = Attendee("Ann", "Police"), Attendee("Bob", "CBC"), Attendee("Cat", "Fire")
    dan = Attendee("Dan", "Housing")
    assert roll.add(ann, "present") and roll.add(bob, "present") and roll.add(cat, "apology")
    assert roll.add(dan, "present")
    assert not roll.add(Attendee("ann ", "Other"), "present")
    assert roll.chair == "Ann"
    roll.set_kind("Ann", "apology")
    assert roll.chair == "Bob" and roll.chair_attendee() == bob
    # The attendance records one role per person (the store lists the chair as
    # present and the minute-taker as minutes), so a chair who takes the minutes
    # passes the chair to the next person present, as the start form says.
    roll.set_kind("Bob", "minutes")
    assert roll.chair == "Dan" and roll.chair_attendee() == dan
    roll.remove("Dan")
    assert roll.chair == "" and roll.chair_attendee() is None
    # Bob back from the minutes takes the empty chair again.
    roll.set_kind("Bob", "present")
    assert roll.chair_attendee() == bob
    roll.remove("Bob")
    assert roll.chair == "" and roll.chair_attendee() is None
    again = Roll.loads(roll.dumps())
    assert again == roll
    assert Roll.loads("not json") == Roll() and Roll.loads('{"people": [["x", "y", "boss"]]}') == Roll()


def test_the_end_summary_counts_in_words_singular_for_one():
    from datetime import date

    from jagtui.screens.meeting_text import summary_text
    from jagtui.store.meeting_run import Decision, MeetingSummary
    from jagtui.store.models import Meeting

    meeting = Meeting(held_on=date(2026, 11, 22), subgroup="JAG")
    one = MeetingSummary(meeting, 1, 1, (Decision(1, "A joint visit"),), (), (), ())
    assert "1 item, 1 discussion point, 1 decision, 0 new actions" in summary_text(one, True).plain
    many = MeetingSummary(meeting, 3, 2, (), (), (), ())
    assert "3 items, 2 discussion points, 0 decisions, 0 new actions" in summary_text(many, False).plain


def test_plural_words():
    from jagtui.words import plural

    assert plural(1, "match", "matches") == "1 match"
    assert plural(2, "match", "matches") == "2 matches"
    assert plural(0, "point") == "0 points"
