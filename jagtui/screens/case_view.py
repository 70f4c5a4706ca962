"""One case: the key facts in a header, then tabs for everything the meeting reviews.

Opened with ``app.push_screen(CaseScreen(case_id))`` from any screen. The case
file loads in a thread worker (the first load records one audit "view"); after
any save it reloads, and the screen underneath reloads when it resumes.

Opening must be quick (issue 6: 100 ms on a county-sized database), and the
time goes into widgets, not the query: each tab's widgets are built the first
time it is shown, and fills touch only the tabs built so far. The read runs
while the screen mounts, and the screen is filled as it resumes if the read is
in by then (waiting for it a moment if not): the first frame shows the case,
not a "Loading case…" frame painted over again straight after (issue 15).
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual import events, on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Sparkline, Static, TabbedContent, TabPane

from jagtui.display import RISK_STYLES, cell, literal
from jagtui.rules.dates import fmt_date
from jagtui.screens import case_text
from jagtui.screens.case_opening import hold_collector, measure_rows, release_collector
from jagtui.screens.case_panes import pane_content
from jagtui.screens.footer import KeysFooter
from jagtui.screens.palette import binding_commands
from jagtui.screens.privacy import party_address, party_name, person_name, redact, where
from jagtui.store.casefile import CaseFile, case_file, record_view
from jagtui.store.errors import NotFound, StoreError

# (pane id, title with the jump key underlined, jump key)
TABS = (
    ("people", "[u]P[/u]eople & places", "p"),
    ("incidents", "[u]I[/u]ncidents", "i"),
    ("risk", "Ris[u]k[/u]", "k"),
    ("harm", "[u]H[/u]arm", "h"),
    ("interventions", "Inter[u]v[/u]entions", "v"),
    ("actions", "Ac[u]t[/u]ions", "t"),
    ("history", "Histor[u]y[/u]", "y"),
)
TAB_IDS = tuple(pane for pane, _, _ in TABS)
# One footer entry for every tab key: "[]pikhvty Tabs".
TAB_KEYS = Binding.Group("Tabs", compact=True)
# Tabs where "a" adds something.
ADD_TABS = ("people", "incidents", "risk", "actions")
KEPT = "case-view"  # the name the kept case screen is installed under
# How long the screen, as it resumes, waits for a read still under way so that its
# first frame shows the case: a read takes 5-25 ms, a painted frame of this screen
# 15-40 ms of CPU (a "Loading case…" frame, then the case, cost two). Keys typed
# meanwhile wait in the queue; a slower read still shows "Loading case…" first.
READ_WAIT_SECONDS = 0.06


def open_case(app, case_id: int) -> None:
    """Show case ``case_id``: in the case screen kept from the last case, refilled (its
    widgets already built and styled: building a 7-tab screen was most of the time to
    open a case), or in a new one if that is still open somewhere (another screen's stack)."""
    hold_collector(app)
    kept = app.get_screen(KEPT) if app.is_screen_installed(KEPT) else None
    if kept is not None and not _on_a_stack(app, kept):
        kept.reopen(case_id)
        app.push_screen(kept)
        return
    screen = CaseScreen(case_id)
    if kept is None:
        app.install_screen(screen, KEPT)  # installed: kept mounted when it is closed
    app.push_screen(screen)


def _on_a_stack(app, screen: Screen) -> bool:
    """Whether the screen is open in any mode (each top-level screen is a mode, with its
    own stack: a case opened from Flags stays open there while the user goes to Cases)."""
    for mode in {app.current_mode, app.DEFAULT_MODE, *app.MODES}:
        try:
            if screen in app.get_screen_stack(mode):
                return True
        except KeyError:  # a mode not opened yet
            continue
    return False


class CaseScreen(Screen):
    """The case view. ``case_id`` is the case's database id."""

    CSS_PATH = "case_view.tcss"
    TITLE = "Case"
    AUTO_FOCUS = "#people-table"  # straight there: each focus change costs a footer refresh
    BINDINGS = [
        Binding("escape", "back", "Back", key_display="Esc", id="case-back",
                tooltip="Back to the previous screen"),
        Binding("a", "add", "Add", id="case-add",
                tooltip="Add to this tab: link a person or place, add an incident, new risk "
                        "assessment, add an action on this case"),
        Binding("e", "edit_incident", "Edit incident", id="case-edit-incident",
                tooltip="Edit the highlighted incident"),
        Binding("e", "edit_case", "Edit case", id="case-edit",
                tooltip="Edit the case: RAG, status (closing needs a reason), lead, subgroup, beat"),
        Binding("c", "edit_case", "Edit case", show=False, id="case-edit-any",
                tooltip="Edit the case from any tab"),
        Binding("r", "assess", "Risk assessment", id="case-assess",
                tooltip="New risk assessment: one key answers each question"),
        # Not in the footer: at 80 columns it would push out ^t Privacy (? and ^p list it).
        Binding("R", "refer", "Refer", id="case-refer", show=False,
                tooltip="Refer the person in focus (People tab) to a service: MARAC, Prevent, "
                        "youth, CCE, drugs, safeguarding, mental health, housing"),
        Binding("o", "referrals", "Referrals", id="case-referrals", show=False,
                tooltip="Referrals out: each one's status and history; Enter moves one on "
                        "(accepted, declined, closed) with its outcome"),
        Binding("T", "case_review", "Case review", id="case-review", show=False,
                tooltip="ASB case review (Community Trigger): the case's application, or a new "
                        "one for its victim"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", key_display="[", id="case-prev-tab",
                tooltip="Previous tab", group=TAB_KEYS),
        Binding("right_square_bracket", "tab(1)", "Next tab", key_display="]", id="case-next-tab",
                tooltip="Next tab", group=TAB_KEYS),
        *(Binding(key, f"show_tab('{pane}')", Text.from_markup(title).plain, id=f"case-tab-{pane}",
                  tooltip=f"Show the {Text.from_markup(title).plain} tab", group=TAB_KEYS)
          for pane, title, key in TABS),
        Binding("f5", "reload", "Refresh", show=False, id="case-refresh",
                tooltip="Reload the case from the database"),
    ]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.file: CaseFile | None = None
        self._viewed = False
        self._key_context = (True, False)  # the People tab: "a" links, "e" edits the case
        self._built = [TAB_IDS[0]]  # the tabs shown so far: the others have no widgets yet
        self._fitted_to = 0  # the width the header and the ladder were fitted to
        self._resumed = False
        # The latest read: its number, set when it ends (loaded, gone or failed), and
        # what it loaded, taken from the worker before its call back to the UI arrives.
        self._read_number = 0
        self._read_started, self._read_done = threading.Event(), threading.Event()
        self._read_result: tuple[int, CaseFile] | None = None

    def reopen(self, case_id: int) -> None:
        """Show another case in this (kept, mounted) screen: emptied first, so nothing of
        the last case shows while this one loads, on its People tab, its view audited."""
        self.case_id = case_id
        self.file = None
        self._viewed = False
        self.sub_title = ""
        self.query_one("#case-header", Static).update("Loading case…")
        for table in self.query(DataTable):
            table.clear()
            table.move_cursor(row=0, column=0, animate=False)
        # Only the panes' text: the tab labels are Statics too (Textual's Tab).
        for text in self.query("#case-tabs TabPane Static").results(Static):
            text.update("")
        for spark in self.query(Sparkline):
            spark.data = []
        for scroll in self.query("#case-tabs VerticalScroll"):
            scroll.scroll_home(animate=False)
        self.query_one(TabbedContent).active = TAB_IDS[0]
        self.query_one("#people-table", DataTable).focus()
        self.load()

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.load()  # read while the widgets mount (shown once mounted: see on_screen_resume)
        yield Header()
        yield Static("Loading case…", id="case-header")
        with TabbedContent(id="case-tabs"):
            for pane, title, _ in TABS:
                yield TabPane(title, *(pane_content(pane) if pane in self._built else ()), id=pane)
        yield KeysFooter()

    # -- loading -----------------------------------------------------------------

    def load(self) -> None:
        """Read the case in a thread worker (a newer read cancels an older one)."""
        self._read_number += 1
        self._read_started, self._read_done = threading.Event(), threading.Event()
        self._read(self._read_number, self._read_started, self._read_done)

    @work(thread=True, exclusive=True, group="case-file")
    def _read(self, number: int, started: threading.Event, done: threading.Event) -> None:
        started.set()
        try:
            self._read_case(number, done)
        finally:
            done.set()  # however it ended

    def _read_case(self, number: int, done: threading.Event) -> None:
        app = self.app
        first = not self._viewed
        try:
            # The first load is the "view" the audit trail records; reloads are not.
            with (app.store.write() if first else app.store.read()) as session:
                loaded = case_file(session, app.cfg, app.today(), self.case_id)
                if first:
                    record_view(session, loaded.case)
        except NotFound as error:
            done.set()  # before each call back: the UI may be waiting on it (_take_read)
            app.call_from_thread(self._gone, str(error))
            return
        except StoreError as error:
            done.set()
            app.call_from_thread(app.notify, str(error), severity="error", markup=False)
            return
        self._viewed = True
        if get_current_worker().is_cancelled:
            return
        self._read_result = (number, loaded)
        done.set()
        app.call_from_thread(self._arrived, number, loaded)

    def _arrived(self, number: int, loaded: CaseFile) -> None:
        # Not if a newer read began, nor if the screen showed this one as it resumed.
        if number == self._read_number and loaded is not self.file:
            self.show(loaded)

    def _take_read(self) -> bool:
        """As the screen resumes: show the latest read if it is in, after waiting for it
        a moment if it is under way (not if its thread has not started: the wait would
        hold it back). Whether it was shown."""
        latest = self._read_result is not None and self._read_result[0] == self._read_number
        if not latest and self._read_started.is_set():
            self._read_done.wait(READ_WAIT_SECONDS)
        result = self._read_result
        if result is None or result[0] != self._read_number or result[1] is self.file:
            return False
        self.show(result[1])
        return True

    def _gone(self, message: str) -> None:
        self.app.notify(message, severity="error", markup=False)
        self.call_later(self.action_back)  # once the screen has finished mounting

    def show(self, loaded: CaseFile) -> None:
        self.file = loaded
        self.sub_title = loaded.case.reference
        self.fill()
        # Once the frame with the case is out (a message after the refresh's callbacks).
        self.call_after_refresh(self.call_later, release_collector)

    def fill(self) -> None:
        if self.file is None or not self.is_mounted:
            return
        self.fill_header()
        for pane in self._built:
            self.fill_pane(pane)
        for table in self.query(DataTable):
            measure_rows(table)

    def fill_header(self) -> None:
        # Fitted to the width (less the padding): every flag shows at 80 columns.
        self._fitted_to = self.app.size.width  # the ladder too (fill_interventions)
        header = case_text.header(self.file, self.app.cfg, self.app.private, self.app.size.width - 2)
        self.query_one("#case-header", Static).update(header)

    def on_resize(self) -> None:
        # Not for the resize every screen gets after its first layout: refitting the same
        # header would lay the screen out and paint it again before the case shows.
        if self.file is not None and self.is_mounted and self.app.size.width != self._fitted_to:
            self.fill_header()
            if "interventions" in self._built:
                self.fill_interventions()  # the ladder's words follow the width

    def fill_pane(self, pane: str) -> None:
        private = self.app.private
        if pane == "people":
            self.fill_people(private)
        elif pane == "incidents":
            self.fill_incidents(private)
        elif pane == "risk":
            self.fill_risk()
        elif pane == "harm":
            self.fill_harm()
        elif pane == "interventions":
            self.fill_interventions()
        elif pane == "actions":
            self.fill_actions()
        else:
            self.fill_history(private)

    def refresh_privacy(self) -> None:
        self.fill()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Before Textual's own resume handler lays the screen out and paints it. The case
        # may have loaded before the screen was mounted, privacy may have changed on
        # another screen, and forms may have saved.
        if not self._take_read() and self.file is not None:
            self.fill()
        if not self._resumed:
            # Its first: every widget was styled as it mounted, just now; restyling them
            # all again was 10-15 ms of the first opening. Later resumes restyle (a theme
            # may have changed meanwhile).
            self._resumed = True
            event.refresh_styles = False

    def on_data_changed(self, _event) -> None:
        # Someone changed data (jagtui.screens.lifecycle): show the case as it is now.
        if self._viewed:
            self.load()

    # -- the tabs -------------------------------------------------------------------

    def _table(self, table_id: str) -> DataTable:
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear()
        return table

    @staticmethod
    def _restore(table: DataTable, row: int) -> None:
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def fill_people(self, private: bool) -> None:
        table = self.query_one("#people-table", DataTable)
        row = table.cursor_row
        table.clear()
        for party in self.file.parties:
            table.add_row(
                Text(party.role + (" ★" if party.primary else "")),
                literal(party_name(party, private)),
                literal(party_address(party, private) if party.is_person or private
                        else ", ".join(x for x in (party.address, party.locality) if x)),
                literal(party.beat),
                "" if private or not party.date_of_birth else fmt_date(party.date_of_birth),
                literal(redact(party.vulnerabilities, self.file.parties, private)),
                key=str(party.link_id),
            )
        if not self.file.parties:
            table.add_row("", Text("No one linked yet: press a to link a person or place", style="dim"),
                          "", "", "", "")
        self._restore(table, row)

    def fill_incidents(self, private: bool) -> None:
        cfg = self.app.cfg
        table = self.query_one("#incidents-table", DataTable)
        row = table.cursor_row
        table.clear()
        for line in self.file.incidents:
            fact, item = line.item.fact, line.item
            category = cfg.category_by_key.get(fact.category)
            people = "; ".join(f"{person_name(p.name, private)} ({p.role})" for p in line.people)
            place = where(line.location_locality, "") if private and item.location else item.location
            table.add_row(
                fmt_date(fact.occurred_on), literal(fact.ref),
                literal(category.name if category else fact.category),
                Text("HATE", style="bold red") if fact.hate else "",
                item.source, literal(place), literal(people),
                key=str(fact.id),
            )
        self._restore(table, row)
        self.show_incident_detail()

    @on(DataTable.RowHighlighted, "#incidents-table")
    def show_incident_detail(self) -> None:
        detail = self.query_one("#incident-detail", Static)
        line = self.highlighted_incident()
        if line is None:
            detail.update(Text("No incidents reach this case yet: press a to add one", style="dim"))
            return
        text = redact(line.item.description, self.file.parties, self.app.private)
        how = "as victim" if line.item.as_victim else "as perpetrator"
        detail.update(Text.assemble((f"{line.item.fact.ref} ({how}): ", "bold"),
                                    literal(text or "no description")))

    def highlighted_incident(self):
        if self.file is None or not self.file.incidents:
            return None
        # "i" then "e" can arrive before the tab is built; its table would start on the first row.
        table = self.query_one_optional("#incidents-table", DataTable)
        index = min(max(table.cursor_row if table else 0, 0), len(self.file.incidents) - 1)
        return self.file.incidents[index]

    def fill_risk(self) -> None:
        file = self.file
        self.query_one("#risk-latest", Static).update(case_text.risk_summary(file, self.app.private))
        self.query_one("#risk-answers", Static).update(case_text.risk_answers(file.latest_risk, self.app.cfg))
        table = self._table("risk-table")
        for assessment in file.risk:
            table.add_row(fmt_date(assessment.assessed_on),
                          Text(assessment.level, style=RISK_STYLES.get(assessment.level, "")),
                          f"{assessment.score:g}", literal(assessment.assessor),
                          fmt_date(assessment.review_due), key=str(assessment.id))

    def fill_harm(self) -> None:
        file, harm = self.file, self.file.harm
        self.query_one("#harm-summary", Static).update(case_text.harm_summary(file, self.app.cfg))
        self.query_one("#harm-spark", Sparkline).data = list(file.harm_series)
        self.query_one("#harm-months", Static).update(case_text.harm_months(file))
        table = self._table("harm-table")
        for driver in harm.drivers:
            table.add_row(driver.name, str(driver.count), f"{driver.weight:g}", f"{driver.subtotal:g}",
                          key=driver.category)

    def fill_interventions(self) -> None:
        file, private = self.file, self.app.private
        self.query_one("#ladder", Static).update(
            case_text.ladder(file, self.app.cfg, self.app.size.width - 2))
        table = self.query_one("#interventions-table", DataTable)
        row = table.cursor_row
        table.clear()
        # Short codes in the row, so the notes fit; the line below says it all in words.
        for line in reversed(file.interventions):
            item = line.intervention
            table.add_row(
                fmt_date(item.issued_on), literal(item.step),
                cell(case_text.recipient(file, item, private) or "-"),
                literal(item.issuing_agency), fmt_date(item.review_on),
                Text(item.outcome, style="bold red" if item.outcome == "breached" else ""),
                Text(str(len(line.breaches)) if line.breaches else "-",
                     style="red" if line.breaches else "dim"),
                cell(" ".join(redact(item.notes, file.parties, private).split()) or "-"),
                key=str(item.id),
            )
        if not file.interventions:
            table.add_row("", Text("None recorded (the escalation screen records them)", style="dim"),
                          "", "", "", "", "", "")
        self._restore(table, row)
        self.show_intervention_detail()

    @on(DataTable.RowHighlighted, "#interventions-table")
    def show_intervention_detail(self) -> None:
        detail = self.query_one("#intervention-detail", Static)
        table = self.query_one("#interventions-table", DataTable)
        lines = list(reversed(self.file.interventions)) if self.file else []
        if not lines:
            detail.update("")
            return
        line = lines[min(max(table.cursor_row, 0), len(lines) - 1)]
        detail.update(case_text.intervention_detail(self.file, line, self.app.cfg, self.app.private))

    def fill_actions(self) -> None:
        file = self.file
        table = self._table("actions-table")
        for row in file.actions:
            action = row.action
            overdue = action.status == "open" and action.due_on is not None and action.due_on < file.today
            table.add_row(
                literal(action.ref), literal(redact(action.text, file.parties, self.app.private)),
                literal(action.owner), Text(fmt_date(action.due_on), style="bold red" if overdue else ""),
                Text("OVERDUE" if overdue else action.status, style="bold red" if overdue else ""),
                literal(redact(row.latest_update.text, file.parties, self.app.private)
                        if row.latest_update else ""),
                key=str(action.id),
            )
        if not file.actions:
            table.add_row("", Text("No actions for this case", style="dim"), "", "", "", "")

    def fill_history(self, private: bool) -> None:
        self.query_one("#history-body", Static).update(case_text.history(self.file, private))

    # -- tabs and keys --------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or TAB_IDS[0]

    def action_tab(self, step: int) -> None:
        index = TAB_IDS.index(self.active_tab)
        self.action_show_tab(TAB_IDS[(index + step) % len(TAB_IDS)])

    def action_show_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane

    @on(TabbedContent.TabActivated)
    async def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane
        if pane.id not in self._built:
            await pane.mount_all(pane_content(pane.id))
            self._built.append(pane.id)
            if self.file is not None:
                self.fill_pane(pane.id)
                for table in pane.query(DataTable):
                    measure_rows(table)
        # Keep the keyboard in the tab's content so arrows move through its rows.
        scrolls = list(pane.query(VerticalScroll))
        tables = list(pane.query(DataTable))
        # A scrolling tab is read from the top; a list tab starts in its table.
        target = scrolls[0] if scrolls else (tables[0] if tables else None)
        if target is not None:
            target.focus()
        # The Footer is rebuilt only when a and e change meaning (it is not cheap).
        context = (pane.id in ADD_TABS, pane.id == "incidents")
        if context != self._key_context:
            self._key_context = context
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit_incident":
            return self.active_tab == "incidents"
        if action == "add":
            return True if self.active_tab in ADD_TABS else None
        return True

    def palette_commands(self):
        return binding_commands(self)

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    # -- writes: each opens a form; a saved form reloads the case ------------------------

    def _saved(self, result) -> None:
        if result:
            self.load()

    def _can_edit(self) -> bool:
        if self.file is None:
            self.app.notify("The case is still loading", severity="warning")
            return False
        return self.app.allowed("edit")

    def action_add(self) -> None:
        tab = self.active_tab
        if tab == "people":
            self.action_link_party()
        elif tab == "incidents":
            self.action_add_incident()
        elif tab == "risk":
            self.action_assess()
        elif tab == "actions" and self._can_edit():
            from jagtui.screens.forms.action import open_action_form

            open_action_form(self, self._saved, self.file.case.reference)

    def action_link_party(self) -> None:
        if self._can_edit():
            from jagtui.screens.forms.link_party import LinkPartyForm

            self.app.push_screen(LinkPartyForm(self.file), self._saved)

    def action_add_incident(self) -> None:
        if self._can_edit():
            from jagtui.screens.forms.incident_form import IncidentForm

            self.app.push_screen(IncidentForm(self.file), self._saved)

    @on(DataTable.RowSelected, "#incidents-table")
    def action_edit_incident(self) -> None:
        line = self.highlighted_incident()
        if line is None:
            self.app.notify("No incident to edit: press a to add one", severity="warning")
            return
        if self._can_edit():
            from jagtui.screens.forms.incident_form import IncidentForm

            self.app.push_screen(IncidentForm(self.file, incident_id=line.id), self._saved)

    def action_edit_case(self) -> None:
        if self._can_edit():
            from jagtui.screens.forms.case_form import CaseForm

            self.app.push_screen(CaseForm(case=self.file.case), self._saved)

    def action_refer(self) -> None:
        if self._can_edit():
            from jagtui.screens.referrals import default_person, refer_from

            table = self.query_one_optional("#people-table", DataTable)
            parties = self.file.parties
            focus = (parties[min(max(table.cursor_row, 0), len(parties) - 1)]
                     if table is not None and parties and self.active_tab == "people" else None)
            refer_from(self.app, self.file, default_person(self.file, focus), self._saved)

    def action_referrals(self) -> None:
        if self.file is None:
            self.app.notify("The case is still loading", severity="warning")
            return
        from jagtui.screens.referrals import CaseReferralsScreen

        self.app.push_screen(CaseReferralsScreen(self.file))

    def action_case_review(self) -> None:
        if self.file is None:
            self.app.notify("The case is still loading", severity="warning")
            return
        from jagtui.screens.case_review_view import review_from_case

        review_from_case(self.app, self.file)

    def action_assess(self) -> None:
        if self._can_edit():
            from jagtui.screens.forms.risk_form import RiskForm

            self.app.push_screen(RiskForm(self.file), self._saved)
