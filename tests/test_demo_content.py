"""The demo's content is fixed by its seed and today: its people, places and stories
(kept as data in jagtui/demo/) and the builder that places them give, row for row, the
database the one-file builder gave. Figures captured from that builder (seed 2026,
2026-11-22, the shipped config); if the demo is changed on purpose, update them."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from jagtui.store.models import Case, ItemNote, Person  # every table registered
from jagtui.demo import build_demo

TODAY = date(2026, 11, 22)
# Who and when a row was written: the clock's, not the demo's.
CLOCK = {"created_at", "updated_at", "created_by", "updated_by", "version"}

COUNTS = {'action_updates': 37,
 'actions': 44,
 'attendance': 55,
 'audit_log': 1,
 'breaches': 25,
 'case_parties': 167,
 'cases': 60,
 'counters': 3,
 'incident_parties': 2400,
 'incidents': 1286,
 'interventions': 41,
 'item_notes': 171,
 'locations': 40,
 'meeting_items': 52,
 'meetings': 4,
 'people': 152,
 'plan_actions': 25,
 'plan_objectives': 12,
 'plan_priorities': 4,
 'plan_updates': 64,
 'referral_steps': 20,
 'referrals': 12,
 'risk_assessments': 58,
 'users': 5}
DIGEST = "79fc8524d665276e8cac38c4d7c398e5c8dfbebbc44053e4f121d65fcce378c2"
WORDS = {'cases': ["JAG-24-0001: Persistent ASB outside a vulnerable adult's home (The Outwoods)",
           'JAG-25-0001: Neighbour dispute: noise and verbal abuse (Hoton)',
           'JAG-25-0002: Disability hate incidents against a tenant (Loughborough College)',
           'JAG-25-0003: Intimidation of children at Hopyard skate park'],
 'notes': ['The next meeting will be held on 17 Dec 2026 at 10:00, Council Offices, Southfield '
           'Road, Loughborough.',
           'The housing provider confirmed that it would attend future meetings as a social '
           'landlord.',
           'Prevent provided its regular update; there were no new concerns for the group.'],
 'people': ['Callum Gorsedale',
            'Ifeoma Gorsedale',
            'Tyler Ambleford',
            'Bronwen Ambleford',
            'Mia Quillfield',
            'Nadia Quillfield']}


def fingerprint(store) -> tuple[dict[str, int], str, dict[str, list[str]]]:
    """Rows per table, one digest of every row's content, and a few stories in words."""
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    with store.read() as session:
        for table in sorted(SQLModel.metadata.sorted_tables, key=lambda t: t.name):
            if table.name == "audit_log":
                counts[table.name] = session.scalar(select(func.count()).select_from(table))
                continue
            columns = [c for c in table.columns if c.name not in CLOCK]
            rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            if rows:
                counts[table.name] = len(rows)
            for row in rows:
                digest.update(f"{table.name}|{tuple(row)!r}\n".encode())
        words = {
            "cases": [f"{ref}: {title}" for ref, title in session.execute(
                select(Case.reference, Case.title).order_by(Case.id).limit(4))],
            "people": list(session.scalars(select(Person.name).order_by(Person.id).limit(6))),
            "notes": list(session.scalars(select(ItemNote.text).order_by(ItemNote.id.desc()).limit(3))),
        }
    return counts, digest.hexdigest(), words


def test_the_demo_holds_what_it_always_held(store, cfg):
    build_demo(store, cfg, TODAY, seed=2026)
    counts, digest, words = fingerprint(store)
    assert counts == COUNTS
    assert words == WORDS
    assert digest == DIGEST
