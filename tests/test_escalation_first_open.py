"""The Escalation screen's first open does per-case work once and SQL once: what held
its first open at 10,000 cases under 200 ms of CPU (issue 15), checked by counts, not
by the clock. The list it shows is unchanged: the column widths set from each column's
widest text are those set from every case's row of texts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from jagtui.app import JagApp
from jagtui.screens import escalation
from jagtui.screens.list_screen import fit_widths
from jagtui.store import cases, interventions, people
from jagtui.store.interventions import InterventionRow
from pilot_help import settle

TODAY = date(2026, 11, 22)
CASES = 60


def seed_board(store, cfg):
    """``CASES`` perpetrator cases with a spread of steps, outcomes, breaches and dates,
    some subjects with a control character (shown as a code) and a long name."""
    steps = [step.key for step in cfg.ladder]
    with store.write() as session:
        for n in range(CASES):
            name = f"Person {n:02d}" + (" Longer-Name Example" if n % 7 == 0 else "")
            if n == 5:
                name += "\x1b[31m"
            person = people.add_person(session, name, beat=str(60 + n % 4))
            case = cases.open_case(session, case_type="perpetrator", title=f"Case {n}",
                                   subgroup="YJAG", lead_agency=("YOS", "POLICE", "HOUSING")[n % 3],
                                   opened_on=TODAY - timedelta(200), beat=str(60 + n % 5))
            cases.link_party(session, case.id, "perpetrator", person_id=person.id, primary=True)
            for k in range(n % 4):
                row = interventions.record_intervention(
                    session, case_id=case.id, step=steps[k % len(steps)], steps=steps,
                    issuing_agency=("POLICE", "YOS")[k % 2], issued_on=TODAY - timedelta(150 - 30 * k),
                    review_on=TODAY + timedelta(days=(n % 9) * 7 - 20))
                if (n + k) % 5 == 0:
                    interventions.record_breach(session, row.id, TODAY - timedelta(days=100 - 30 * k))


def every_row_widths(screen, wide: bool) -> list[int]:
    """The widths as they were set before: from a row of texts made for every case."""
    columns = escalation.CASE_COLUMNS + (escalation.WIDE_CASE_COLUMNS if wide else ())
    return fit_widths([label for label, _ in columns],
                      [screen.case_texts(item, wide) for item in screen.rows],
                      screen.size.width - 2, flex=1, cap=40 if wide else 18)


async def test_the_first_open_makes_texts_for_the_rows_in_view_only(store, cfg, monkeypatch):
    """Before, the widths came from a row of texts made for each of the 2,041 cases (and
    each case's ladder was worked out from a fact made per intervention): now the texts
    are made for the rows drawn, and the widths are those every row's texts give."""
    seed_board(store, cfg)
    made = {"texts": 0, "facts": 0}
    case_texts = escalation.EscalationScreen.case_texts
    fact = InterventionRow.fact

    def counting_texts(self, item, wide):
        made["texts"] += 1
        return case_texts(self, item, wide)

    def counting_fact(self):
        made["facts"] += 1
        return fact.fget(self)

    monkeypatch.setattr(escalation.EscalationScreen, "case_texts", counting_texts)
    monkeypatch.setattr(InterventionRow, "fact", property(counting_fact))
    app = JagApp(store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        assert type(screen).__name__ == "EscalationScreen" and len(screen.rows) == CASES
        assert made["facts"] == 0
        assert 0 < made["texts"] < CASES // 2  # the rows in view, not every case
        table = screen.query_one("#esc-cases")
        shown = [column.width for column in table.columns.values()]
        assert shown == every_row_widths(screen, wide=True)
        # Narrow, and in privacy mode (initials, shorter dates): the same widths as before.
        for size, private in (((100, 24), False), ((100, 24), True), ((160, 24), True)):
            app.private = private
            await pilot.resize_terminal(*size)
            await settle(app, pilot)
            shown = [column.width for column in table.columns.values()]
            assert shown == every_row_widths(screen, wide=screen.wide), (size, private)


def test_sqlite_runs_the_board_query_once(store, cfg):
    """SQLite ran the board's query (open perpetrator cases, cases with interventions)
    again inside each of the read's four statements (6-10 ms apiece at 10,000 cases):
    it now runs once there and the rest are given the ids found (one JSON array).
    PostgreSQL keeps the subquery, planned in a millisecond."""
    seed_board(store, cfg)
    statements: list[str] = []

    def noted(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", noted)
    try:
        with store.read() as session:
            board = interventions.escalation_cases(session)
    finally:
        event.remove(store.engine, "before_cursor_execute", noted)
    assert len(board) == CASES
    assert len(statements) == 4
    board_queries = sum("cases.status" in statement for statement in statements)
    assert board_queries == (1 if store.engine.dialect.name == "sqlite" else 4)
