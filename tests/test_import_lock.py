"""An import planned outside SQLite's write lock must not write from a stale plan:
if the incidents, people or places it depends on change between its plan and its
write, it plans again (SQLite), or fails whole with nothing written (PostgreSQL's
unique references), and never duplicates an incident. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from import_data import STORM, TODAY
from jagtui.importer import apply
from jagtui.importer.apply import run_import
from jagtui.importer.prepare import prepare
from jagtui.store.db import create_store
from jagtui.store.errors import StoreError
from jagtui.store.models import AuditEntry, Incident


def _incidents(store) -> list[str]:
    with store.read() as session:
        return sorted(session.scalars(select(Incident.source_ref)))


def test_another_import_landing_between_plan_and_write_is_not_duplicated(store, db_url, cfg, monkeypatch):
    real_make_plan = apply.make_plan
    plans, others = [], []

    def planning(session, *args, **kwargs):
        plan = real_make_plan(session, *args, **kwargs)
        if session.info["login"] == "other-user":
            return plan
        if not plans:  # another user imports the same file meanwhile, and commits
            other = create_store(db_url, "other-user")
            try:
                others.append(run_import(other, cfg, prepare(STORM, cfg, TODAY)))
            finally:
                other.dispose()
        plans.append(plan)
        return plan

    monkeypatch.setattr(apply, "make_plan", planning)
    prepared = prepare(STORM, cfg, TODAY)
    if store.is_sqlite:
        report = run_import(store, cfg, prepared)
        # The first plan was out of date at the swap: planned again, nothing to create.
        assert len(plans) == 2 and plans[0].report.created == 6
        assert report.applied and (report.created, report.unchanged) == (0, 6)
    else:
        with pytest.raises(StoreError, match="nothing was written"):
            run_import(store, cfg, prepared)
    assert others[0].applied and others[0].created == 6
    refs = _incidents(store)
    assert len(refs) == 6 and len(set(refs)) == 6
    with store.read() as session:
        creates = session.scalar(select(func.count()).where(
            AuditEntry.operation == "create", AuditEntry.table_name == "incidents"))
    assert creates == 1  # only the other user's import created incidents


def test_an_unrelated_save_meanwhile_does_not_make_the_import_plan_again(store, db_url, cfg, monkeypatch):
    from jagtui.store import drafts

    real_make_plan = apply.make_plan
    plans = []

    def planning(session, *args, **kwargs):
        if not plans:
            other = create_store(db_url, "other-user")
            try:
                with other.write() as writing:
                    drafts.save(writing, "case:new", {"#title": "typing"})
            finally:
                other.dispose()
        plans.append(1)
        return real_make_plan(session, *args, **kwargs)

    monkeypatch.setattr(apply, "make_plan", planning)
    report = run_import(store, cfg, prepare(STORM, cfg, TODAY))
    assert report.applied and report.created == 6 and len(plans) == 1
    assert len(_incidents(store)) == 6


def test_checking_a_file_does_not_make_everyones_lists_reload_but_importing_does(store, cfg):
    from jagtui.store.changes import latest_change

    with store.read() as session:
        before = latest_change(session)
    run_import(store, cfg, prepare(STORM, cfg, TODAY), dry_run=True)  # audited, changes nothing
    run_import(store, cfg, prepare("/dev/zero", cfg, TODAY))
    with store.read() as session:
        assert latest_change(session) == before
    assert run_import(store, cfg, prepare(STORM, cfg, TODAY)).applied
    with store.read() as session:
        assert latest_change(session) > before
