"""Plan progress shows what the plan editor keeps, in the seed (2017/18) layout: Time
Scales in words with the end date, and the Outcome/Measure cell with its baseline,
target and the counted measure; a retired priority or action is left out. Both databases."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from jagtui.config import Exports
from jagtui.export.plan_progress import export_plan
from jagtui.store import plan
from jagtui.store.models import PlanAction, PlanPriority

TODAY = date(2026, 11, 22)


def test_new_fields_in_the_seed_layout_and_retired_items_left_out(store, cfg, tmp_path):
    cfg = cfg.model_copy(update={"exports": Exports(directory=str(tmp_path))})
    with store.write() as session:
        p1 = plan.add_priority(session, "P1", "Safeguarding communities")
        p2 = plan.add_priority(session, "P2", "Old priority")
        objective = plan.add_objective(session, p1.id, None, "Fewer repeat victims")
        kept = plan.add_plan_action(session, objective.id, None, "Refer repeat victims",
                                    lead="Strategic Group", time_scales="Quarterly",
                                    ends_on=date(2027, 3, 31), measures="Outcome - fewer",
                                    baseline="2022/23: 41", target="10% fewer",
                                    measure_key="repeat_victims")
        gone = plan.add_plan_action(session, objective.id, None, "Stopped work")
        plan.add_objective(session, p2.id, None, "Retired with its priority")
        plan.retire(session, PlanAction, gone.id, gone.version)
        plan.retire(session, PlanPriority, p2.id, p2.version)
        kept_id = kept.id
    paths = export_plan(store, cfg, today=TODAY)
    book = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    assert not any(name.startswith("P2") for name in book.sheetnames)
    sheet = book[next(name for name in book.sheetnames if name.startswith("P1"))]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(row for row in cells if row and row[0] == "Key Action")
    assert header[:5] == ["Key Action", "Lead", "Time Scales",
                          "Financial & Resource Implications", "Outcome/Measure"]
    row = next(r for r in cells if r[0] and str(r[0]).startswith("1.1 Refer repeat victims"))
    assert row[2] == "Quarterly, by 31 Mar 2027"
    assert row[4] == ("Outcome - fewer\nBaseline: 2022/23: 41\nTarget: 10% fewer\n"
                      "Tracked by: Repeat victims identified")
    assert not any(r[0] and "Stopped work" in str(r[0]) for r in cells)
    md = next(p for p in paths if p.suffix == ".md").read_text(encoding="utf-8")
    assert "Old priority" not in md and "Stopped work" not in md
    # History: the retired rows are still there.
    with store.read() as session:
        tree = plan.plan_tree(session, retired=True)
        assert [p.priority.key for p in tree] == ["P1", "P2"]
        assert session.get(PlanAction, kept_id).retired_at is None
