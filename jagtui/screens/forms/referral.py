"""Forms for referrals out: make one (case view ``R``, or a case item in the meeting
runner), and move one on (accepted, declined, closed) with its outcome and follow-up.

Both save through ``store.referrals``; the update is version-checked, so a change
someone else saved meanwhile comes back as the clash panel (``clash.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static

from jagtui.config import Config
from jagtui.display import literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.forms.base import FormScreen, field
from jagtui.screens.forms.intervention import RecipientList
from jagtui.screens.widgets import DateField
from jagtui.store import referrals
from jagtui.store.interventions import Recipient
from jagtui.store.referrals import NEXT, ReferralRow

STATUS_WORDS = {"made": "Made: awaiting the service's answer", "accepted": "Accepted by the service",
                "declined": "Declined by the service", "closed": "Closed: the outcome is known"}


class ReferralForm(FormScreen[int]):
    """A new referral of a person on the case. ``people`` are the case's people
    (``chosen``, the one in focus, first highlighted); ``meeting_id``/``item_id`` when
    made in a meeting, so its minutes list it."""

    form_title = "Make a referral"

    def __init__(self, *, case_id: int, about: str, people: Sequence[Recipient],
                 chosen: int | None, cfg: Config, today: date, agency: str = "",
                 meeting_id: int | None = None, item_id: int | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.about = about
        self.people = list(people)
        self.chosen = chosen if chosen in {p.person_id for p in self.people} else (
            self.people[0].person_id if len(self.people) == 1 else None)
        self.cfg = cfg
        self.today = today
        agencies = {a.key for a in cfg.agencies}
        self.agency = agency if agency in agencies else cfg.agencies[0].key
        self.meeting_id = meeting_id
        self.item_id = item_id
        self.draft_key = f"referral:{case_id}"
        self._auto_follow = referrals.default_follow_up(cfg, today).isoformat()

    def fields(self) -> ComposeResult:
        yield Static(literal(self.about), id="form-context", classes="form-context")
        hint = ("↓ ↑ choose, Enter moves on" if self.people else
                "Nobody is linked to this case: link the person first (p then a)")
        yield field("Person", RecipientList(self.people, self.chosen, id="person"), hint)
        yield field("Service", Select([(s.name, s.key) for s in self.cfg.referrals.services],
                                      id="service", prompt="Choose the service"),
                    "Type its first letters, or Enter for the list")
        yield field("Reason", Input(id="reason", placeholder="Why: what the service needs to know"),
                    "Sensitive: shown masked in privacy mode and redacted minutes")
        yield field("Referred on", DateField(self.today, today=self.today, id="referred_on"))
        yield field("Made by (agency)", Select(
            [(a.name, a.key) for a in self.cfg.agencies], value=self.agency, allow_blank=False,
            id="agency"))
        yield field("Follow up on", DateField(self._auto_follow, today=self.today, id="follow_up_on"),
                    f"Chase an answer after this day ({self.cfg.referrals.follow_up_days} days "
                    "after it was made unless you change it)")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#person" if self.chosen is None else "#service").focus()

    def inputs(self) -> list[Widget]:
        return [*super().inputs(), *self.query("#person").results(RecipientList)]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "person":
            self._touched.add("person")
            self.show_problems()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "person":
            self._person_done()

    def _person_done(self) -> None:
        # Enter on the person: the service next, its list closed so letters choose.
        service = self.query_one("#service", Select)
        service.expanded = False
        service.focus()

    def refresh_privacy(self) -> None:
        super().refresh_privacy()
        if self.is_mounted:
            for picker in self.query("#person").results(RecipientList):
                picker.redraw()

    def value_changed(self, widget: Widget) -> None:
        # The follow-up follows the referral date until the user types their own.
        if widget.id != "referred_on":
            return
        follow = self.query_one("#follow_up_on", DateField)
        made = self.query_one("#referred_on", DateField).date
        if follow.value == self._auto_follow and made is not None:
            self._auto_follow = referrals.default_follow_up(self.cfg, made).isoformat()
            follow.value = self._auto_follow

    def problems(self) -> dict[str, str]:
        wrong = {}
        if self.query_one("#person", RecipientList).value is None:
            wrong["person"] = ("Choose who is referred (↓ then Enter)" if self.people else
                               "Nobody is linked to this case: link the person first")
        if self.query_one("#service", Select).value is Select.NULL:
            wrong["service"] = "Choose the service referred to"
        if not self.query_one("#reason", Input).value.strip():
            wrong["reason"] = "Say why: the reason for the referral"
        made = self.query_one("#referred_on", DateField)
        follow = self.query_one("#follow_up_on", DateField)
        if made.date is None:
            wrong["referred_on"] = made.validation_message
        elif made.date > self.today:
            wrong["referred_on"] = "The date is in the future: record it once made"
        if follow.date is None:
            wrong["follow_up_on"] = follow.validation_message
        elif made.date and follow.date < made.date:
            wrong["follow_up_on"] = f"Before the referral was made ({fmt_date(made.date)})"
        return wrong

    def saver(self):
        cfg, today, login = self.cfg, self.today, self.app.store.login
        values = dict(
            case_id=self.case_id, person_id=self.query_one("#person", RecipientList).value,
            service=self.query_one("#service", Select).value,
            referred_on=self.query_one("#referred_on", DateField).date,
            reason=self.query_one("#reason", Input).value.strip(), made_by=login,
            made_by_agency=self.query_one("#agency", Select).value,
            follow_up_on=self.query_one("#follow_up_on", DateField).date,
            meeting_id=self.meeting_id, item_id=self.item_id,
        )
        return lambda session: referrals.make_referral(session, cfg, today, **values).id

    def saved_message(self, result: int) -> str:
        service = self.cfg.referrals.service_name(self.query_one("#service", Select).value)
        return f"Referral made to {service}"


class ReferralUpdateForm(FormScreen[str]):
    """Move a referral on, or change its outcome or follow-up date; version-checked."""

    form_title = "Update a referral"
    CLASH_RECORD = "row"

    def __init__(self, row: ReferralRow, about: str, today: date) -> None:
        super().__init__()
        self.row = row
        self.about = about
        self.today = today
        self.draft_key = f"referral-update:{row.id}"

    def fields(self) -> ComposeResult:
        row = self.row
        yield Static(literal(f"{self.about}\n{row.service_name}, made {fmt_date(row.referred_on)} "
                             f"by {row.made_by}: now {row.status}"),
                     id="form-context", classes="form-context")
        choices = [row.status, *NEXT[row.status]]
        yield field("Status", Select([(STATUS_WORDS[s], s) for s in choices], value=row.status,
                                     allow_blank=False, id="status"),
                    "Keep it to change only the outcome or follow-up")
        yield field("On", DateField(self.today, today=self.today, id="on"),
                    "The day the service answered, or the referral closed")
        yield field("Note", Input(id="note", placeholder="Optional: kept in its history"))
        yield field("Outcome", Input(row.outcome, id="outcome",
                                     placeholder="What came of it (needed to close it)"))
        yield field("Follow up on", DateField(row.follow_up_on, today=self.today,
                                              id="follow_up_on"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#status").focus()

    def problems(self) -> dict[str, str]:
        wrong = {}
        status = self.query_one("#status", Select).value
        on = self.query_one("#on", DateField)
        if status != self.row.status:
            if on.date is None:
                wrong["on"] = on.validation_message
            elif on.date > self.today:
                wrong["on"] = "The date is in the future"
            elif on.date < self.row.referred_on:
                wrong["on"] = f"Before the referral was made ({fmt_date(self.row.referred_on)})"
        if status == "closed" and not self.query_one("#outcome", Input).value.strip():
            wrong["outcome"] = "Closing a referral needs its outcome"
        follow = self.query_one("#follow_up_on", DateField)
        if follow.date is None:
            wrong["follow_up_on"] = follow.validation_message
        elif follow.date < self.row.referred_on:
            wrong["follow_up_on"] = f"Before the referral was made ({fmt_date(self.row.referred_on)})"
        return wrong

    def saver(self):
        today, rid = self.today, self.row.id
        version = self.against(self.row.version)  # after a clash: the version the user saw
        values = dict(status=self.query_one("#status", Select).value,
                      on=self.query_one("#on", DateField).date or today,
                      note=self.query_one("#note", Input).value,
                      outcome=self.query_one("#outcome", Input).value.strip(),
                      follow_up_on=self.query_one("#follow_up_on", DateField).date)

        def write(session) -> str:
            return referrals.change_referral(session, today, rid, version, **values).status

        return write

    def saved_message(self, result: str) -> str:
        return f"Referral {result}"
