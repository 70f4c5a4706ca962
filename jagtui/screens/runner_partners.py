"""The agenda runner's partner keys: what partners wrote before the meeting, accepted
into the minutes with one key, and items added during the meeting.

On the action log, under the highlighted action, the updates partners wrote since
the group's last meeting (who, agency, when); ``p`` accepts the first one waiting on
that action, ``P`` every update waiting on the log. On a Partner agency updates or
Subgroup chairs' updates item, the reports written for this meeting; ``p`` accepts
the next, ``P`` all. Accepted is marked ✓ and never offered again. ``+`` adds an
ad-hoc item (title, kind) straight after the current one; ``[`` ``]`` move any item.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Select, Static

from jagtui.display import initials, literal
from jagtui.store.agenda import ADHOC_KINDS, add_item_after
from jagtui.store.models import MeetingItem
from jagtui.store.partner_reports import SECTION_TITLES, PartnersView, ReportRow, accept_report
from jagtui.store.partner_tables import REPORT_SECTIONS
from jagtui.store.partner_work import PartnerUpdate, accept_updates

REPORT_KINDS = ("agency updates", "subgroup updates")
KIND_LABELS = {"other": "Ad-hoc item", "agency updates": "Partner agency updates",
               "subgroup updates": "Subgroup chairs' updates"}
TITLE_MAX = MeetingItem.__table__.c.title.type.length  # what the store keeps


def updates_text(updates: tuple[PartnerUpdate, ...], private_mask) -> Text:
    """The partners' updates under one action: who, agency, when, and ✓ once minuted."""
    out = Text()
    if not updates:
        return out
    out.append("\nPartners' updates since the last meeting", style="bold")
    out.append("  p accepts the next · P all on the log\n", style="dim")
    for update in updates:
        out.append("✓ " if update.accepted else "• ", style="bold green" if update.accepted else "bold")
        out.append_text(literal(private_mask(update.name)))
        out.append(f" ({update.agency}, {update.on:%d %b})", style="dim")
        if update.status != "open":
            out.append(f" [{update.status}]", style="bold")
        out.append(": ")
        out.append_text(literal(update.text))
        out.append("  in the minutes\n" if update.accepted else "\n", style="green")
    return out


def reports_text(reports: list[ReportRow], kind: str) -> Text:
    if not reports:
        return Text(f"No {KIND_LABELS[kind].lower()} written for this meeting. Partners write "
                    "them in My work (w, then r); notes and decisions as for any item.",
                    style="dim")
    out = Text("p accepts the next into the minutes · P all\n", style="dim")
    for report in reports:
        out.append("\n✓ " if report.accepted else "\n• ", style="bold green" if report.accepted else "bold")
        out.append_text(literal(report.source_name, "bold"))
        out.append(" (")
        out.append_text(literal(report.author))
        out.append(f", {report.written_on:%d %b %Y})", style="dim")
        if report.accepted:
            out.append("  in the minutes", style="green")
        if report.title:
            out.append("\n")
            out.append_text(literal(report.title, "italic"))
        for key in REPORT_SECTIONS:
            if report.sections.get(key):
                out.append(f"\n{SECTION_TITLES[key]}: ", style="bold")
                out.append_text(literal(report.sections[key]))
        out.append("\n")
    return out


class AddItemForm(ModalScreen[tuple[str, str]]):
    """``+``: the title and kind of an item added during the meeting. A title too long
    to keep is said under the box as it is typed (or pasted) and keeps the dialog open
    with the text, to be shortened; a save the store refuses reopens it as it was."""

    CSS_PATH = "meeting.tcss"  # its box (#goto), wherever it is opened from
    BINDINGS = [
        Binding("ctrl+s", "save", "Add", id="additem-save", tooltip="Add the item after this one"),
        Binding("escape", "dismiss", "Cancel", key_display="Esc", id="additem-cancel",
                tooltip="Close without adding"),
    ]
    HINT = "Enter or ctrl+s adds · Esc cancels"

    def __init__(self, title: str = "", kind: str = "other", problem: str = "") -> None:
        super().__init__()
        self.title_text, self.kind, self.problem = title, kind, problem

    def compose(self) -> ComposeResult:
        with Vertical(id="goto"):
            yield Static("Add an item after this one", classes="goto-title", markup=False)
            # No max_length: it would cut a paste silently; the line below says instead.
            yield Input(self.title_text, id="item_title",
                        placeholder="Title, e.g. Update on the summer plan")
            yield Select([(KIND_LABELS[k], k) for k in ADHOC_KINDS], id="item_kind",
                         allow_blank=False, value=self.kind if self.kind in ADHOC_KINDS else "other",
                         compact=True)
            yield Static(Text(self.problem, style="bold red") if self.problem else self.HINT,
                         id="item_msg", classes="hint", markup=False)

    def _wrong(self, title: str) -> str:
        if not title:
            return "Type the item's title"
        if len(title) > TITLE_MAX:
            return (f"Too long: {len(title)} characters, at most {TITLE_MAX}. Shorten it "
                    "(the rest can go in the notes)")
        return ""

    @on(Input.Changed, "#item_title")
    def typed(self, event: Input.Changed) -> None:
        if self.problem and event.value == self.title_text:
            return  # reopened after a refusal: why stays said until the title changes
        wrong = self._wrong(event.value.strip()) if event.value.strip() else ""
        self.query_one("#item_msg", Static).update(
            Text(wrong, style="bold red") if wrong else Text(self.HINT))

    @on(Input.Submitted)
    def submitted(self, _event) -> None:
        self.action_save()

    def action_save(self) -> None:
        title = self.query_one("#item_title", Input).value.strip()
        wrong = self._wrong(title)
        if wrong:
            self.query_one("#item_msg", Static).update(Text(wrong, style="bold red"))
            self.app.bell()
            self.query_one("#item_title", Input).focus()
            return
        self.dismiss((title, self.query_one("#item_kind", Select).value))


class PartnerKeys(Screen):
    """A base of :class:`~jagtui.screens.agenda_runner.AgendaRunnerScreen` (its ``item``,
    ``view``, ``pane``, ``meeting_id``, ``writes``, ``go`` and ``refresh_current``); a
    Screen so that Textual merges its keys into the runner's."""

    BINDINGS = [
        # Out of the footer (its keys fill 80 columns): the pane says "p accepts" wherever
        # something waits; ? and the palette list it.
        Binding("p", "accept_partner(False)", "Accept", id="run-partner-accept", show=False,
                tooltip="Accept the next partner's update (or agency report) into the minutes"),
        Binding("P", "accept_partner(True)", "Accept all", key_display="P", show=False,
                id="run-partner-all",
                tooltip="Accept every partner's update (or report) waiting here into the minutes"),
        Binding("plus", "add_item", "Add item", key_display="+", show=False, id="run-add-item",
                tooltip="Add an ad-hoc item (title, kind) after the current one"),
    ]
    partners: PartnersView = PartnersView({}, ())

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "accept_partner":
            item = self.item
            return item is not None and (item.kind == "actions" or item.kind in REPORT_KINDS)
        return super().check_action(action, parameters)

    def partner_text(self, action_id: int) -> Text:
        private = self.app.private  # a partner is a named person too: initials on a shared screen
        own = self.partners.updates.get(action_id, ())
        if not own and self.view is not None:  # say where the others are
            waiting = self.partners.waiting({row.action.id for row in self.view.review})
            if waiting:
                return Text(f"\nPartners' updates wait on {len({u.action_id for u in waiting})} "
                            "other action(s): ↑ ↓ to them, or P accepts all", style="dim")
        return updates_text(own, lambda name: initials(name) if private else name)

    def action_accept_partner(self, every: bool) -> None:
        item = self.item
        if item is None or not self.app.allowed("chair"):
            return
        if item.kind == "actions":
            self._accept_updates(every)
        elif item.kind in REPORT_KINDS:
            self._accept_reports(item, every)

    def _accept_updates(self, every: bool) -> None:
        if every:
            waiting = self.partners.waiting({row.action.id for row in self.view.review})
        else:
            row = self.pane.review_row(self.view)
            waiting = self.partners.waiting({row.action.id})[:1] if row is not None else []
        if not waiting:
            self.app.notify("No partner's update waiting" + ("" if every else " on this action"),
                            severity="warning")
            return
        ids, meeting_id, cfg = [u.id for u in waiting], self.meeting_id, self.app.cfg
        self.writes.submit(lambda session: accept_updates(session, cfg, meeting_id, ids),
                           lambda done: self._accepted(len(done), "update"))

    def _accept_reports(self, item, every: bool) -> None:
        waiting = [r for r in self.partners.reports_for(item.kind) if not r.accepted]
        if not waiting:
            self.app.notify("No report waiting on this item", severity="warning")
            return
        chosen = waiting if every else waiting[:1]
        cfg, item_id = self.app.cfg, item.id

        def write(session):
            for report in chosen:
                accept_report(session, cfg, item_id, report.id, report.version)
            return chosen

        self.writes.submit(write, lambda done: self._accepted(len(done), "report"))

    def _accepted(self, count: int, what: str) -> None:
        self.app.notify(f"{count} {what}{'s' if count != 1 else ''} accepted into the minutes",
                        timeout=3)
        self.refresh_current()

    def action_add_item(self) -> None:
        item = self.item
        if self.view is None or not self.app.allowed("chair"):
            return
        after = item.id if item is not None else None

        def chosen(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            title, kind = answer
            meeting_id = self.meeting_id
            self.writes.submit(
                lambda session: add_item_after(session, meeting_id, after, kind, title).id,
                self._added,
                # Refused (the notice says why): the dialog back with what was typed.
                lambda: self.app.push_screen(AddItemForm(title, kind, "Not added (the notice says why): change it, or Esc"),
                                             chosen))

        self.app.push_screen(AddItemForm(), chosen)

    def _added(self, item_id: int) -> None:
        self.app.notify("Item added after this one: n goes to it", timeout=3)
        self.load(enter=False)
