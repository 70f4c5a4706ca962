"""The case list and the case view, driven with keys only, as a chair would."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import DataTable, Static
from textual.widgets._footer import FooterKey

from jagtui.app import JagApp
from jagtui.screens.case_list import CaseListScreen
from jagtui.screens.case_view import CaseScreen
from jagtui.screens.footer import KeysFooter
from jagtui.screens.forms.case_form import CaseForm
from jagtui.screens.forms.incident_form import IncidentForm
from jagtui.screens.forms.risk_form import RiskForm
from jagtui.store.cases import get_case, parties
from jagtui.store.models import AuditEntry

from case_data import TODAY, seed
from pilot_help import settle


def make_app(store, cfg, **kwargs) -> JagApp:
    app = JagApp(store, cfg, today=lambda: TODAY, **kwargs)
    app.change_poll_seconds = 0  # no background polling: the tests decide when things load
    return app


def column(app, key) -> list[str]:
    table = app.screen.query_one("#cases", DataTable)
    return [str(table.get_cell(row_key, key)) for row_key in table.rows]


def plain(static: Static) -> str:
    """A Static's text, whether it holds Text or a Group of Texts."""
    content = static.content
    parts = getattr(content, "renderables", [content])
    return "\n".join(getattr(part, "plain", str(part)) for part in parts)


def header(app) -> str:
    return plain(app.screen.query_one("#case-header", Static))


def audit_rows(store, operation):
    with store.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.operation == operation)))


async def open_first_case(app, pilot) -> CaseScreen:
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, CaseScreen)
    return app.screen


async def test_enter_opens_the_highlighted_case_and_escape_comes_back(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        # Highest risk first: Ann's case is the only one assessed.
        assert column(app, "subject")[0] == "Ann Example"
        screen = await open_first_case(app, pilot)
        assert screen.case_id == ids.case_id
        text = header(app)
        for fact in ("Ann Example", "victim · JAG", "Beat 63", "RED", "Risk STANDARD",
                     "review OVERDUE 2d", "Harm 5 ↓", "PC Dana Jones", "Risk review overdue"):
            assert fact in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
    views = audit_rows(sqlite_store, "view")
    assert [(v.table_name, v.record_id) for v in views] == [("cases", ids.case_id)]


async def test_tabs_switch_with_letters_and_brackets(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_case(app, pilot)
        from textual.widgets import TabbedContent

        tabs = screen.query_one(TabbedContent)
        for key, pane in (("i", "incidents"), ("k", "risk"), ("h", "harm"), ("v", "interventions"),
                          ("t", "actions"), ("y", "history"), ("p", "people")):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == pane
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert tabs.active == "incidents"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert tabs.active == "history"
        history = plain(screen.query_one("#history-body", Static))
        assert "AGREED: ABC to be issued by the ASB team" in history
        await pilot.press("h")
        await pilot.pause()
        harm = plain(screen.query_one("#harm-summary", Static))
        assert "Harm index 5 ↓" in harm and "1 x ASB - personal (5) = 5 → 5" in harm
        await pilot.press("v")
        await pilot.pause()
        ladder = plain(screen.query_one("#ladder", Static))
        assert "Breach of Acceptable Behaviour Contract" in ladder and "propose Community Protection Warning" in ladder


def cells(table: DataTable, column: int) -> list[str]:
    return [str(table.get_cell_at((row, column))) for row in range(table.row_count)]


async def test_a_tab_is_built_and_filled_the_first_time_it_is_shown(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_case(app, pilot)
        # Opening builds only the visible tab: the others cost nothing until shown.
        assert cells(screen.query_one("#people-table", DataTable), 1)[0] == "Ann Example"
        assert not screen.query("#incidents-table") and not screen.query("#history-body")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        incidents = screen.query_one("#incidents-table", DataTable)
        assert cells(incidents, 1) == ["STORM-0001", "STORM-0002"]
        assert app.focused is incidents  # arrows move through the new tab's rows at once
        await pilot.press("down")
        await pilot.pause()
        assert "STORM-0002" in plain(screen.query_one("#incident-detail", Static))
        await pilot.press("y")
        await pilot.pause()
        assert "AGREED: ABC to be issued by the ASB team" in plain(screen.query_one("#history-body", Static))
        assert not screen.query("#harm-summary")


async def test_a_reload_after_an_edit_refreshes_every_tab_shown_so_far(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_case(app, pilot)
        await pilot.press("h")
        await pilot.pause()
        assert "1 x ASB - personal (5) = 5" in plain(screen.query_one("#harm-summary", Static))
        # Add an ASB incident from the incidents tab (as in the Community Trigger test).
        await pilot.press("i", "a")
        await settle(app, pilot)
        await pilot.press("enter", "down", "enter", "tab", "tab", "tab", *"CBC-78", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        # The visible tab, the tab visited before it and the header all show the new incident.
        assert "CBC-78" in cells(screen.query_one("#incidents-table", DataTable), 1)
        assert "2 x ASB - personal (5) = 10" in plain(screen.query_one("#harm-summary", Static))
        assert "Community Trigger threshold met" in header(app)
        # A tab first shown after the reload is filled from the reloaded case.
        await pilot.press("y")
        await pilot.pause()
        assert "AGREED" in plain(screen.query_one("#history-body", Static))


async def test_the_footer_is_rebuilt_only_when_its_keys_change(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_case(app, pilot)

        def keys() -> dict[str, FooterKey]:
            return {key.description or key.key: key for key in screen.query(FooterKey)}

        assert {"Back", "Add", "Edit case", "Risk assessment"} <= set(keys())
        await pilot.press("i")  # "e" now edits the highlighted incident
        await settle(app, pilot)
        assert "Edit incident" in keys() and "Edit case" not in keys()
        await pilot.press("h")  # "a" adds nothing on the harm tab: shown dimmed
        await settle(app, pilot)
        before = keys()
        assert before["Add"].has_class("-disabled")
        await pilot.press("v")  # the same keys: focus moved, the footer's widgets stay
        await settle(app, pilot)
        after = keys()
        assert after.keys() == before.keys() and all(after[name] is key for name, key in before.items())


async def test_an_incident_that_tips_the_community_trigger_flags_the_list(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "CT" not in column(app, "flags")[0]
        await open_first_case(app, pilot)
        await pilot.press("i", "a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, IncidentForm)
        # Category: open the list, first category (ASB - personal), pick.
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert form.query_one("#category").value == "ASB-PERSONAL"
        # Date (today) and source (police) keep their defaults; type the reference.
        await pilot.press("tab", "tab", "tab", *"CBC-77")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert "Community Trigger threshold met" in header(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert column(app, "subject")[0] == "Ann Example"
        assert "CT" in column(app, "flags")[0]


async def test_a_risk_assessment_with_one_key_per_answer_changes_the_level(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg, user_name="Sam Assessor")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, RiskForm)
        # ongoing y (3), 9 incidents (9), targeted y (3), hate y (4), fear y (3) = 22: high.
        await pilot.press("y", "9", "y", "y", "y")
        await pilot.pause()
        assert "HIGH" in plain(app.screen.query_one("#risk-score", Static))
        await pilot.press(*"nnnnnnnnn")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        text = header(app)
        assert "Risk HIGH" in text and "review 6 Dec 2026" in text  # high: reviewed in 14 days
        assert "Vulnerable victim" in text and "Risk review overdue" not in text
        await pilot.press("escape")
        await settle(app, pilot)
        assert column(app, "risk")[0] == "HIGH"
    with sqlite_store.read() as session:
        from jagtui.store.risk import latest

        saved = latest(session, ids.case_id)
    assert (saved.level, saved.score, saved.assessor, saved.assessed_on) == ("high", 22, "Sam Assessor", TODAY)
    assert saved.person_id == ids.victim_id


async def test_n_opens_a_new_case_with_its_subject(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseForm)
        # Type stays "victim"; the subject field opens the picker; search and pick Cat.
        await pilot.press("tab", "enter")
        await settle(app, pilot)
        await pilot.press(*"specimen")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseForm)
        assert app.screen.query_one("#title").value == "Cat Specimen"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        new_id = app.screen.case_id
        assert "Cat Specimen" in header(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "Cat Specimen" in column(app, "subject")
    with sqlite_store.read() as session:
        case = get_case(session, new_id)
        links = parties(session, new_id)
    assert (case.case_type, case.subgroup, case.opened_on, case.beat) == ("victim", "JAG", TODAY, "56")
    assert [(link.role, link.primary, person.name) for link, person, _ in links] == [
        ("victim", True, "Cat Specimen")]


async def test_privacy_mode_masks_the_case_view(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_case(app, pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        text = header(app)
        assert "A.E." in text and "Ann Example" not in text
        people = screen.query_one("#people-table", DataTable)
        cells = [str(people.get_cell_at((row, col))) for row in range(people.row_count) for col in range(3)]
        assert "A.E." in cells and "B.S." in cells and "Shelthorpe" in cells
        assert not any("Larkspur" in cell or "Ann" in cell for cell in cells)
        await pilot.press("i")
        await pilot.pause()
        detail = plain(screen.query_one("#incident-detail", Static))
        assert "Ann Example" not in detail and "A.E." in detail and "12 Larkspur Close" not in detail
        await pilot.press("y")
        await pilot.pause()
        history = plain(screen.query_one("#history-body", Static))
        assert "A.E. reports daily shouting from B.S." in history
        # Back on the list the subject stays masked.
        await pilot.press("escape")
        await settle(app, pilot)
        assert column(app, "subject")[0] == "A.E."


async def test_a_viewer_cannot_open_forms(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg, role="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
        await open_first_case(app, pilot)
        for key in ("a", "e", "r"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, CaseScreen)


async def test_a_search_is_audited_once_when_typing_stops(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"ann")
        await settle(app, pilot)
        assert audit_rows(sqlite_store, "search") == []  # not per keystroke
        await pilot.pause(1.3)
        await settle(app, pilot)
        await pilot.press("enter")  # the same search: not recorded twice
        await settle(app, pilot)
        await pilot.press("slash", "ctrl+u", *"bob", "enter")
        await settle(app, pilot)
    assert [(row.detail["text"], row.detail["results"]) for row in audit_rows(sqlite_store, "search")] == [
        ("ann", 1), ("bob", 2)]


async def test_the_highlighted_case_survives_a_reload_and_sorting(sqlite_store, cfg):
    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        await pilot.press("down")
        await pilot.pause()
        chosen = app.screen.rows[table.cursor_row].id
        # Sort by reference (from the chooser), then back to highest risk first.
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("home", "down", "enter")
        await settle(app, pilot)
        refs = column(app, "ref")
        assert refs == sorted(refs)
        assert app.screen.rows[table.cursor_row].id == chosen
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.screen.rows[table.cursor_row].id == chosen
        await pilot.press("d")
        await pilot.pause()
        assert column(app, "subject")[0] == "Ann Example"
        assert app.screen.rows[table.cursor_row].id == chosen
        assert "sorted highest risk first" in plain(app.screen.query_one("#status", Static))
    assert chosen != ids.case_id


async def test_f_filters_by_status_and_risk(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert len(column(app, "ref")) == 3
        await pilot.press("f")
        await settle(app, pilot)
        # Status, subgroup, beat, then risk: choose "not assessed" (the last option).
        await pilot.press("tab", "tab", "tab", "enter", "end", "enter", "ctrl+s")
        await settle(app, pilot)
        assert sorted(column(app, "subject")) == ["Bob Sample", "Cat Specimen"]
        assert "risk none" in plain(app.screen.query_one("#status", Static))
        await pilot.press("f", "ctrl+x")
        await settle(app, pilot)
        assert len(column(app, "ref")) == 3


async def test_the_case_views_commands_are_in_the_palette(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_first_case(app, pilot)
        titles = [command.title for command in app.get_system_commands(screen)]
        for expected in ("Add (a)", "Edit case (e)", "Risk assessment (r)", "Incidents (i)", "Harm (h)"):
            assert expected in titles
        assert "Edit incident (e)" not in titles  # only on the incidents tab
        await pilot.press("ctrl+p", *"risk assessment")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RiskForm"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "New case (n)" in titles and "Filter (f)" in titles


def _state(app):
    from textual.widgets import TabbedContent

    screen = app.screen
    tabs = screen.query(TabbedContent)
    status = screen.query("Static#status")
    return (type(screen).__name__, tabs.first().active if tabs else None, app.private,
            getattr(app.focused, "id", None), plain(status.first()) if status else None,
            len(app._notifications))


async def _press_every_footer_key(app, pilot, skip=()):
    """Each key the Footer shows changes something visible; then put things back."""
    home = app.screen
    shown = [(key, active.binding) for key, active in home.active_bindings.items()
             if active.binding.show and active.enabled and key not in skip]
    assert len(shown) >= 6
    for key, binding in shown:
        if binding.action == f"show_tab('{home.active_tab if hasattr(home, 'active_tab') else ''}')":
            await pilot.press("right_square_bracket")  # already there: move off first
            await pilot.pause()
        before = _state(app)
        await pilot.press(key)
        await settle(app, pilot)
        assert _state(app) != before, f"{key} ({binding.description}) did nothing"
        while app.screen is not home:
            app.pop_screen()
            await settle(app, pilot)
        if app.private != before[2]:
            await pilot.press("ctrl+t")
        if key == "slash":
            await pilot.press("escape")
        await settle(app, pilot)
    return [key for key, _ in shown]


async def test_every_footer_key_of_the_case_screens_reaches_its_target(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        # f5 reloads the same rows (covered by the reload test above).
        keys = await _press_every_footer_key(app, pilot, skip={"f5"})
        assert {"enter", "n", "slash", "f", "s", "d"} <= set(keys)
        await pilot.press("enter")
        await settle(app, pilot)
        # Escape (back) is covered by the first test of this module.
        keys = await _press_every_footer_key(app, pilot, skip={"escape"})
        assert {"a", "e", "r", "left_square_bracket", "p", "y"} <= set(keys)


async def test_a_footer_rebuild_queued_before_the_case_closed_does_nothing(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(app, pilot)  # the kept case screen is open: this one is not kept
        screen = CaseScreen(app.screen.case_id)
        await app.push_screen(screen)
        await settle(app, pilot)
        footer = screen.query_one(KeysFooter)
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen) and not footer.is_attached
        await footer.recompose()  # as Textual runs a rebuild queued by the last focus change


async def test_a_case_that_no_longer_exists_says_so_and_goes_back(sqlite_store, cfg):
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await app.push_screen(CaseScreen(424242))
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert any("424242" in str(note.message) for note in app._notifications)
    assert audit_rows(sqlite_store, "view") == []


# -- one case screen, kept and refilled --------------------------------------------------

def people_names(screen) -> list[str]:
    table = screen.query_one("#people-table", DataTable)
    return [str(table.get_cell_at((row, 1))) for row in range(table.row_count)]


async def test_the_next_case_opens_in_the_same_screen_emptied_then_refilled(store, cfg):
    """Opening a case reuses the case screen kept from the last one (built and styled
    once): it shows the new case from its People tab, nothing of the last one, and
    each opening is audited as a view of its own case."""
    ids = seed(store, cfg)
    app = make_app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        first = await open_first_case(app, pilot)
        assert first.case_id == ids.case_id and "Ann Example" in people_names(first)
        await pilot.press("i")  # leave it on another tab, further down
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        table = app.screen.query_one("#cases", DataTable)
        row = next(n for n, key in enumerate(table.rows) if key.value == str(ids.other_case_id))
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle(app, pilot)
        second = app.screen
        assert second is first and second.case_id == ids.other_case_id
        assert "Noise, Hall Road" in header(app) and "Ann Example" not in header(app)
        assert "Ann Example" not in people_names(second)
        assert second.active_tab == "people" and second.focused.id == "people-table"
        # The tab row still names every tab (the emptying is of the panes only).
        labels = [str(tab.content) for tab in second.query("#case-tabs Tab")]
        assert len(labels) == 7 and all(label.strip() for label in labels), labels
        # While the next case loads, the screen shows none of the last one.
        second.reopen(ids.case_id)
        assert header(app) == "Loading case…" and people_names(second) == []
        assert all(t.row_count == 0 for t in second.query(DataTable))
        await settle(app, pilot)
        assert "Ann Example" in people_names(second)
    views = audit_rows(store, "view")
    assert [v.record_id for v in views] == [ids.case_id, ids.other_case_id, ids.case_id]


async def test_a_case_open_on_another_screen_is_left_there_and_a_new_one_opens(store, cfg):
    """Each top-level screen keeps its own stack: a case left open under Cases stays as it
    was when another case is opened from Actions."""
    ids = seed(store, cfg)
    app = make_app(store, cfg)
    async with app.run_test(size=(100, 30)) as pilot:
        kept = await open_first_case(app, pilot)
        await pilot.press("4")  # Actions, the case still open under Cases
        await settle(app, pilot)
        await pilot.press("enter")  # its first action's case
        await settle(app, pilot)
        other = app.screen
        assert isinstance(other, CaseScreen) and other is not kept
        await pilot.press("escape")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ActionsScreen"
        await pilot.press("1")
        await settle(app, pilot)
        assert app.screen is kept and kept.case_id == ids.case_id
        assert "Ann Example" in people_names(kept)


async def test_the_screens_opened_from_the_list_are_imported_once_it_is_shown(
        sqlite_store, cfg, monkeypatch):
    from jagtui.screens import case_list

    imported = []
    monkeypatch.setattr(case_list, "import_module", imported.append)
    seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert imported == list(case_list.OPENED_NEXT)
        await pilot.press("f5")  # a reload does not import them again
        await settle(app, pilot)
        assert imported == list(case_list.OPENED_NEXT)


async def test_a_gone_case_in_the_kept_screen_says_so_and_the_next_case_still_opens(
        sqlite_store, cfg):
    from jagtui.screens.case_view import open_case

    ids = seed(sqlite_store, cfg)
    app = make_app(sqlite_store, cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        kept = await open_first_case(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        open_case(app, 424242)
        await settle(app, pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert any("424242" in str(note.message) for note in app._notifications)
        open_case(app, ids.other_case_id)
        await settle(app, pilot)
        assert app.screen is kept and "Noise, Hall Road" in header(app)
