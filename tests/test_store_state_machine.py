"""Two people working at once, as Hypothesis interleaves them, on SQLite and PostgreSQL.

Alice and Bob each read records (the version their form holds), save edits
against what they read, open cases, minute points and raise and reassign
actions, in any order. After every step: no save was lost or silently
overwritten (a stale save is a Conflict carrying both values), references and
point numbers are unique and dense, and every change has exactly one audit row
with the right before and after.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test,
)
from sqlalchemy import select
from test_edit_races import b_saves_inside

from jagtui.store import actions, cases, casework, meetings
from jagtui.store.db import create_store, open_store
from jagtui.store.errors import Conflict
from jagtui.store.models import Action, AuditEntry, Case, ItemNote

TODAY = date(2026, 11, 22)
USERS = ("alice", "bob")
words = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool)


class TwoUsers(RuleBasedStateMachine):
    url = ""  # set by the test, one database per run

    cases_ = Bundle("cases")
    actions_ = Bundle("actions")

    @initialize()
    def open(self):
        self.stores = {user: open_store(self.url, user) for user in USERS}
        self.seen: dict[tuple[str, str, int], int] = {}  # (user, table, id) -> version read
        self.model: dict[tuple[str, int], dict] = {}  # (table, id) -> field values as saved
        self.versions: dict[tuple[str, int], int] = {}
        self.changes: dict[tuple[str, int], list[tuple[str, str, object, object]]] = {}
        with self.stores["alice"].write() as session:
            meeting = meetings.create_meeting(session, held_on=TODAY, subgroup="JAG")
            self.item_id = meetings.add_item(session, meeting.id, "aob", "AOB").id
        self.points = 0

    def teardown(self):
        for store in getattr(self, "stores", {}).values():
            store.dispose()

    # -- rules -------------------------------------------------------------------------------

    @rule(target=cases_, user=st.sampled_from(USERS), title=words)
    def open_case(self, user, title):
        with self.stores[user].write() as session:
            case = cases.open_case(session, case_type="location", title=title, subgroup="JAG",
                                   lead_agency="POLICE", opened_on=TODAY)
            key = ("cases", case.id)
        self.model[key], self.versions[key], self.changes[key] = {"title": title}, 1, []
        self.seen[(user, *key)] = 1
        return case.id

    @rule(target=actions_, user=st.sampled_from(USERS), owner=words)
    def raise_action(self, user, owner):
        with self.stores[user].write() as session:
            action = actions.add_action(session, ref="221126 Item 1", text="Visit", owner=owner)
            key = ("actions", action.id)
        self.model[key], self.versions[key], self.changes[key] = {"owner": owner}, 1, []
        self.seen[(user, *key)] = 1
        return action.id

    @rule(user=st.sampled_from(USERS), case_id=cases_)
    def read_case(self, user, case_id):
        self._read(user, Case, "cases", case_id)

    @rule(user=st.sampled_from(USERS), action_id=actions_)
    def read_action(self, user, action_id):
        self._read(user, Action, "actions", action_id)

    @rule(user=st.sampled_from(USERS), case_id=cases_, title=words)
    def edit_case(self, user, case_id, title):
        self._save(user, "cases", case_id, "title", title,
                   lambda s, v: cases.update_case(s, case_id, v, title=title))

    @rule(user=st.sampled_from(USERS), case_id=cases_, mine=words, theirs=words)
    def edit_case_while_the_other_saves(self, user, case_id, mine, theirs):
        """The case form's save, with the other user's landing inside its transaction on
        PostgreSQL (right after it first reads the case), just before it on SQLite."""
        other = USERS[1 - USERS.index(user)]
        store = self.stores[user]

        def theirs_save():
            self._save(other, "cases", case_id, "title", theirs,
                       lambda s, v: cases.update_case(s, case_id, v, title=theirs))

        def around():
            if store.is_sqlite:
                theirs_save()
                return nullcontext()
            return b_saves_inside(store, "cases", theirs_save, self.stores[other].engine)

        self._save(user, "cases", case_id, "title", mine,
                   lambda s, v: casework.edit_case(s, case_id, v, TODAY, title=mine), around)

    @rule(user=st.sampled_from(USERS), action_id=actions_, owner=words)
    def reassign(self, user, action_id, owner):
        self._save(user, "actions", action_id, "owner", owner,
                   lambda s, v: actions.update_action(s, action_id, v, owner=owner))

    @rule(user=st.sampled_from(USERS), text=words, agreed=st.booleans())
    def minute(self, user, text, agreed):
        with self.stores[user].write() as session:
            meetings.add_note(session, self.item_id, text, "agreed" if agreed else "point")
        self.points += 1

    # -- helpers -----------------------------------------------------------------------------

    def _read(self, user, model, table, record_id):
        with self.stores[user].read() as session:
            self.seen[(user, table, record_id)] = session.get(model, record_id).version

    def _save(self, user, table, record_id, field, value, write, around=nullcontext):
        key = (table, record_id)
        seen = self.seen.get((user, *key))
        if seen is None:
            return  # this user never opened it: no form to save from
        try:
            with around(), self.stores[user].write() as session:
                write(session, seen)
        except Conflict as clash:
            current = self.versions[key]  # read after: the other's save may have landed inside
            assert seen != current, "a save against the current version was refused"
            assert clash.yours == {field: value}
            assert clash.theirs == {field: self.model[key][field]}
            assert clash.version == current and clash.by in USERS and clash.at is not None
            return
        current = self.versions[key]
        assert seen == current, f"a stale save ({seen} < {current}) overwrote {table}"
        before = self.model[key][field]
        if before == value:
            return  # saving what is there changes nothing: no new version, no audit row
        self.model[key][field] = value
        self.versions[key] = current + 1
        self.seen[(user, *key)] = current + 1
        self.changes[key].append((user, field, before, value))

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def nothing_lost_and_every_change_audited_once(self):
        if not hasattr(self, "stores"):
            return
        with self.stores["alice"].read() as session:
            for (table, record_id), fields in self.model.items():
                model = Case if table == "cases" else Action
                row = session.get(model, record_id)
                assert {name: getattr(row, name) for name in fields} == fields
                assert row.version == self.versions[(table, record_id)]
                audited = [
                    (entry.login, name, change["before"], change["after"])
                    for entry in session.scalars(
                        select(AuditEntry).where(AuditEntry.table_name == table,
                                                 AuditEntry.record_id == record_id,
                                                 AuditEntry.operation == "update")
                        .order_by(AuditEntry.id))
                    for name, change in entry.detail.items() if name in fields]
                assert audited == self.changes[(table, record_id)]

    @invariant()
    def numbers_unique_and_dense(self):
        if not hasattr(self, "stores"):
            return
        with self.stores["bob"].read() as session:
            references = list(session.scalars(select(Case.reference)))
            assert len(references) == len(set(references))
            numbers = sorted(session.scalars(select(ItemNote.number)
                                             .where(ItemNote.item_id == self.item_id)))
            assert numbers == list(range(1, self.points + 1))


def test_two_users_interleaved(db_url):
    create_store(db_url, "setup").dispose()
    TwoUsers.url = db_url
    run_state_machine_as_test(TwoUsers, settings=settings(
        max_examples=12, stateful_step_count=20, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
