"""The county-scale generator used by the benchmarks, at a small size."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from jagtui.demo.scale import build_scale
from jagtui.store.caselist import case_rows
from jagtui.store.errors import StoreError
from jagtui.store.models import Incident, IncidentParty, Person

TODAY = date(2026, 11, 22)


def test_scale_builds_in_proportion_with_a_heavy_tail(store, cfg):
    summary = build_scale(store, cfg, TODAY, cases=300)
    assert (summary.cases, summary.people, summary.incidents) == (300, 900, 3000)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 3000
        oldest = session.scalar(select(func.min(Incident.occurred_on)))
        assert (TODAY - oldest).days > 4 * 365
        busiest = session.scalar(
            select(func.count()).select_from(IncidentParty).where(IncidentParty.role == "victim")
            .group_by(IncidentParty.person_id).order_by(func.count().desc()).limit(1))
        assert busiest >= 20  # a few repeat victims hold many incidents
        rows = case_rows(session, cfg, TODAY)
        assert rows and any(row.flags for row in rows)
    with store.write() as session:  # ids continue after the bulk rows (PostgreSQL sequences)
        from jagtui.store.people import add_person

        assert add_person(session, "After Bulk").id == 901
    with pytest.raises(StoreError, match="not empty"):
        build_scale(store, cfg, TODAY, cases=10)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 901
