"""A case's referrals out: the list (``o`` in the case view), new ones (``R``), and
moving one on (Enter: accepted, declined, closed, with its outcome and follow-up).

The reason is sensitive: in privacy mode (and for the restricted role) it goes
through the redaction engine, as every other free text about a case does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from jagtui.display import cell, literal
from jagtui.rules.dates import fmt_date
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.base import FORMS_CSS
from jagtui.screens.palette import binding_commands
from jagtui.screens.privacy import person_name, redact
from jagtui.store import referrals
from jagtui.store.casefile import CaseFile, Party
from jagtui.store.errors import StoreError
from jagtui.store.interventions import Recipient
from jagtui.store.referrals import ReferralRow
from jagtui.store.users import get_user

STATUS_STYLES = {"made": "bold", "accepted": "green", "declined": "yellow", "closed": "dim"}
# (heading, width or None for the rest); the follow-up before the reason so it always shows.
COLUMNS = (("Made", 11), ("Follow up", 12), ("Person", 14), ("Service", 16), ("Status", 8),
           ("Reason", None))
OVERDUE_MARK = "!"  # before an overdue follow-up date (and the date in red)


def people_of(parties: Sequence[Party]) -> list[Recipient]:
    """The case's people (each once, the primary first): who can be referred."""
    found: dict[int, Recipient] = {}
    for party in sorted(parties, key=lambda p: not p.primary):
        if party.person_id is not None and party.person_id not in found:
            found[party.person_id] = Recipient(party.person_id, party.name, party.role, party.primary)
    return list(found.values())


def user_agency(app) -> str:
    """The agency of the user at the keyboard, the form's default for "made by"."""
    try:
        with app.store.read() as session:
            user = get_user(session, app.store.login)
            return user.agency if user else ""
    except StoreError:
        return ""


def open_referral_form(app, *, case_id: int, about: str, parties: Sequence[Party],
                       chosen: int | None, saved: Callable, meeting_id: int | None = None,
                       item_id: int | None = None) -> None:
    """The new-referral form for the case, the person ``chosen`` highlighted."""
    if not app.allowed("edit"):
        return
    from jagtui.screens.forms.referral import ReferralForm

    app.push_screen(ReferralForm(
        case_id=case_id, about=about, people=people_of(parties), chosen=chosen, cfg=app.cfg,
        today=app.today(), agency=user_agency(app), meeting_id=meeting_id, item_id=item_id),
        saved)


class CaseReferralsScreen(ModalScreen[None]):
    """The case's referrals, newest first, with the highlighted one's history below."""

    CSS_PATH = FORMS_CSS
    TITLE = "Referrals"
    BINDINGS = [
        Binding("escape", "back", "Back", key_display="Esc", id="referrals-back",
                tooltip="Back to the case"),
        Binding("R", "refer", "Refer", id="referrals-new",
                tooltip="Make a referral of a person on the case to a service"),
        Binding("enter", "update", "Update", key_display="Enter", id="referrals-update",
                tooltip="Move the highlighted referral on (accepted, declined, closed), "
                        "or change its outcome or follow-up date", priority=True),
    ]

    def __init__(self, file: CaseFile) -> None:
        super().__init__()
        self.file = file
        self.rows: list[ReferralRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self._title(), id="form-title", markup=False)
            table = DataTable(id="referrals-table", cursor_type="row", zebra_stripes=True)
            # Widths that keep the follow-up date on an 80-column screen: long service
            # names and people are cut with an ellipsis (the detail below has them whole).
            for label, width in COLUMNS:
                table.add_column(label, width=width, key=label.lower())
            yield table
            yield Static("", id="referral-detail", classes="detail", markup=False)
            yield Static("R refer · Enter update · Esc back", classes="hint")
        yield KeysFooter()

    def _title(self) -> Text:
        return literal(f"Referrals out: {self.file.case.reference}")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def palette_commands(self):
        return binding_commands(self)

    @work(thread=True, exclusive=True, group="case-referrals")
    def load(self) -> None:
        app = self.app
        try:
            with app.store.read() as session:
                rows = referrals.for_case(session, app.cfg, self.file.case.id)
        except StoreError as error:
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        app.call_from_thread(self.show, rows)

    def show(self, rows: list[ReferralRow]) -> None:
        self.rows = rows
        self.fill()

    def refresh_privacy(self) -> None:
        self.fill()

    def _reason(self, text: str) -> str:
        return redact(text, self.file.parties, self.app.private)

    def fill(self) -> None:
        table = self.query_one(DataTable)
        row_at = table.cursor_row
        table.clear()
        today, private = self.app.today(), self.app.private
        for row in self.rows:
            late = row.overdue(today)
            follow = fmt_date(row.follow_up_on) if row.follow_up_on else ""
            table.add_row(
                fmt_date(row.referred_on),
                Text(f"{OVERDUE_MARK}{follow}" if late else follow,
                     style="bold red" if late else ""),
                cell(person_name(row.person, private) or "(erased)"),
                cell(row.service_name),
                Text("AWAITING" if late else row.status,
                     style="bold red" if late else STATUS_STYLES.get(row.status, "")),
                cell(" ".join(self._reason(row.reason).split())), key=str(row.id))
        if table.row_count:
            table.move_cursor(row=min(max(row_at, 0), table.row_count - 1))
        self.show_detail()

    @property
    def selected(self) -> ReferralRow | None:
        if not self.rows:
            return None
        return self.rows[min(max(self.query_one(DataTable).cursor_row, 0), len(self.rows) - 1)]

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        detail = self.query_one("#referral-detail", Static)
        row = self.selected
        if row is None:
            detail.update(Text("No referrals yet: press R to make one", style="dim"))
            return
        private = self.app.private
        text = Text()
        text.append(f"{row.service_name}: ", style="bold")
        text.append_text(literal(person_name(row.person, private)))
        text.append(f", made {fmt_date(row.referred_on)} by ")
        text.append_text(literal(row.made_by + (f" ({self.app.cfg.agency_name(row.made_by_agency)})"
                                                 if row.made_by_agency else "")))
        text.append("\nReason: ", style="bold")
        text.append_text(literal(self._reason(row.reason)))
        if row.outcome:
            text.append("\nOutcome: ", style="bold")
            text.append_text(literal(self._reason(row.outcome)))
        for step in row.steps:
            text.append(f"\n  {fmt_date(step.on)} {step.status}", style="dim")
            by = f" ({step.by})" if step.by else ""
            text.append_text(literal(by + (f": {self._reason(step.note)}" if step.note else ""),
                                     "dim"))
        detail.update(text)

    def action_back(self) -> None:
        self.dismiss(None)

    def _saved(self, result) -> None:
        if result:
            self.load()

    def action_refer(self) -> None:
        open_referral_form(self.app, case_id=self.file.case.id, about=self.file.case.reference,
                           parties=self.file.parties, chosen=None, saved=self._saved)

    def action_update(self) -> None:
        row = self.selected
        if row is None:
            self.app.notify("No referral to update: press R to make one", severity="warning")
            return
        if not self.app.allowed("edit"):
            return
        from jagtui.screens.forms.referral import ReferralUpdateForm

        about = f"{self.file.case.reference}: {person_name(row.person, self.app.private)}"
        self.app.push_screen(ReferralUpdateForm(row, about, self.app.today()), self._saved)


def refer_from(app, file: CaseFile, chosen: int | None, saved: Callable, *,
               meeting_id: int | None = None, item_id: int | None = None) -> None:
    """The referral form from a loaded case file (the case view, the meeting runner)."""
    about = f"{file.case.reference}: {file.case.title}"
    open_referral_form(app, case_id=file.case.id, about=about if not app.private
                       else file.case.reference, parties=file.parties, chosen=chosen,
                       saved=saved, meeting_id=meeting_id, item_id=item_id)


def default_person(file: CaseFile, highlighted: Party | None = None) -> int | None:
    """The person in focus: the highlighted one if a person, else the case's primary person."""
    if highlighted is not None and highlighted.person_id is not None:
        return highlighted.person_id
    return next((p.person_id for p in file.parties if p.primary and p.person_id is not None), None)

