"""Importing into the store, on SQLite and PostgreSQL: matching, updates, all or nothing."""

from __future__ import annotations

import codecs
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from import_data import SENTINEL, STORM, TODAY, csv_to_xlsx
from jagtui.importer.apply import run_import
from jagtui.importer.plan import ConfirmError, parse_decisions
from jagtui.importer.prepare import prepare
from jagtui.store import cases, incidents, people
from jagtui.store.caselist import case_rows
from jagtui.store.errors import StoreError
from jagtui.store.models import AuditEntry, Incident, IncidentParty, Location, Person

TABLES = (Incident, IncidentParty, Person, Location, AuditEntry)


def counts(store) -> dict[str, int]:
    with store.read() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def do_import(store, cfg, path, mapping="", **options):
    return run_import(store, cfg, prepare(path, cfg, TODAY, mapping), **options)


def incident(store, ref) -> tuple[Incident, list[tuple[str, str]], Location | None]:
    with store.read() as session:
        found = session.scalar(select(Incident).where(Incident.source_ref == ref))
        linked = [(role, person.name) for person, role in incidents.people_of_incident(session, found.id)]
        place = session.get(Location, found.location_id) if found.location_id else None
        return found, sorted(linked), place


def test_both_shipped_formats_import_with_people_places_and_audit(store, cfg):
    report = do_import(store, cfg, STORM)
    assert report.applied and (report.created, report.people_created, report.locations_created) == (6, 7, 5)
    report = do_import(store, cfg, SENTINEL)
    assert report.applied and (report.created, report.people_created) == (5, 4)
    first, linked, place = incident(store, "LP-20261001-0112")
    assert (first.source, first.occurred_on, first.category, first.beat, first.hate) == (
        "police", date(2026, 10, 1), "ASB-NUISANCE", "63", False)
    assert linked == [("perpetrator", "Cody Madeup"), ("reporter", "Pat Caller"),
                      ("victim", "Bea Fictional")]
    assert (place.name, place.postcode, place.beat, place.locality) == (
        "14 Larkspur Close, Shelthorpe, Loughborough LE11 2TT", "LE11 2TT", "63", "Shelthorpe")
    hate, _, _ = incident(store, "SEN-2026-0519")
    assert (hate.source, hate.category, hate.hate, hate.beat) == ("sentinel", "HATE", True, "59")
    # One person for the caller who is also the victim; Hal is one person across two rows.
    with store.read() as session:
        assert session.scalar(select(func.count()).where(Person.name == "Bea Fictional")) == 1
        hal = session.scalar(select(Person).where(Person.name == "Hal Fabricated"))
        assert (hal.date_of_birth, hal.postcode) == (date(1988, 11, 22), "LE12 7QQ")
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.operation == "import",
                                                           AuditEntry.detail["file"].as_string() == "storm.csv"))
        assert entry.login == "tester" and entry.table_name == "incidents"
        assert entry.detail["sha256"] == report_sha(STORM) and entry.detail["created"] == 6
        assert entry.detail["mapping"] == "storm" and entry.detail["people_created"] == 7
        assert entry.detail["outcome"] == "imported" and entry.detail["size"] == STORM.stat().st_size
        # One create row per table per import, naming the ids (not copying the values:
        # the trail is append-only, and erasure must be able to reach personal data).
        created = session.scalars(select(AuditEntry).where(
            AuditEntry.operation == "create", AuditEntry.table_name == "incidents")).all()
        assert [(c.detail["rows"], c.detail["file"]) for c in created] == [(6, "storm.csv"), (5, "sentinel.csv")]
        ids = sorted(session.scalars(select(Incident.id)))
        assert [r for c in created for r in c.detail["ids"]] == [[ids[0], ids[5]], [ids[6], ids[10]]]
        assert "Bea Fictional" not in str([c.detail for c in session.scalars(select(AuditEntry))
                                           if c.operation == "create"])


def report_sha(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reimporting_the_same_file_changes_nothing(store, cfg, tmp_path):
    do_import(store, cfg, STORM)
    before = counts(store)
    report = do_import(store, cfg, STORM)
    assert report.applied and (report.created, report.updates, report.unchanged) == (0, [], 6)
    assert (report.people_created, report.locations_created) == (0, 0)
    after = counts(store)
    assert after == {**before, "audit_log": before["audit_log"] + 1}  # only the import's own row
    # The same rows as a workbook are the same incidents too.
    report = do_import(store, cfg, csv_to_xlsx(STORM, tmp_path / "storm.xlsx"))
    assert (report.created, report.unchanged) == (0, 6)
    assert counts(store)["incidents"] == before["incidents"]


def test_the_xlsx_format_imports_like_the_csv(store, cfg, tmp_path):
    report = do_import(store, cfg, csv_to_xlsx(SENTINEL, tmp_path / "sentinel.xlsx"))
    assert report.applied and report.created == 5 and not report.problems
    summary, _, _ = incident(store, "SEN-2026-0540")
    assert summary.description == "Party noise until 3am\nsecond line of the summary"
    assert summary.occurred_on == date(2026, 11, 15)


def test_a_changed_row_updates_its_incident_and_reports_what_changed(store, cfg, tmp_path):
    do_import(store, cfg, STORM)
    changed = tmp_path / "storm.csv"
    changed.write_text(STORM.read_text().replace(
        "02/11/2026 08:40,Criminal Damage", "03/11/2026 08:40,Assault").replace(
        "Wing mirrors snapped on three cars", "Wing mirrors snapped on four cars"))
    before = counts(store)
    report = do_import(store, cfg, changed)
    assert report.applied and report.unchanged == 5
    [update] = report.updates
    assert update.row == 4 and update.ref == "LP-20261102-0051"
    assert [(c.name, c.before, c.after) for c in update.changes] == [
        ("occurred_on", "2 Nov 2026", "3 Nov 2026"), ("category", "CRIMINAL-DAMAGE", "ASSAULT"),
        ("description", "Wing mirrors snapped on three cars", "Wing mirrors snapped on four cars")]
    got, _, _ = incident(store, "LP-20261102-0051")
    assert (got.category, got.version) == ("ASSAULT", 2)
    after = counts(store)
    assert after["incidents"] == before["incidents"]
    assert after["audit_log"] == before["audit_log"] + 2  # the update and the import


def _existing(store, name="Jo Bloggs", dob=date(1990, 2, 3), address="4 Elm Road, Sileby"):
    with store.write() as session:
        return people.add_person(session, name, date_of_birth=dob, address=address).id


def _one_row(tmp_path, name="Jo Blogs", dob="03/02/1990", ref="SEN-1"):
    path = tmp_path / "sentinel.csv"
    path.write_text(
        "Case Ref,Date Reported,ASB Category,Address,Postcode,Area,Complainant,Complainant DOB,"
        "Alleged Perpetrator,Perpetrator DOB,Hate Motivated,Summary\n"
        f"{ref},01/11/2026,Noise,\"7 Brook St, Sileby\",,Sileby,\"{name}\",{dob},,,No,loud\n")
    return path


def test_an_exact_name_and_birth_match_links_the_existing_person(store, cfg, tmp_path):
    person_id = _existing(store)
    report = do_import(store, cfg, _one_row(tmp_path, name="BLOGGS, Jo"))
    assert (report.people_matched, report.people_created, report.possible_matches) == (1, 0, [])
    assert report.people_updated == 0  # the address on file is kept, not overwritten
    with store.read() as session:
        [(person, role)] = incidents.people_of_incident(session, incident(store, "SEN-1")[0].id)
        assert (person.id, role) == (person_id, "victim")


def test_a_possible_match_is_shown_and_links_nobody_until_confirmed(store, cfg, tmp_path):
    person_id = _existing(store)
    path = _one_row(tmp_path)
    report = do_import(store, cfg, path)
    assert report.applied and report.people_created == 0
    [match] = report.possible_matches
    assert (match.key, match.rows, match.role, match.name, match.decision) == (
        "2", (2,), "victim", "Jo Blogs", "")
    assert [(c.person_id, c.name) for c in match.candidates] == [(person_id, "Jo Bloggs")]
    assert "similar name" in match.candidates[0].why and "same date of birth" in match.candidates[0].why
    assert incident(store, "SEN-1")[1] == []
    # Confirmed on the next run: linked, reported as an update; nothing else changes
    # (the file's address does not overwrite the one on record).
    report = do_import(store, cfg, path, decisions=parse_decisions([f"2={person_id}"]))
    [update] = report.updates
    assert [(c.name, c.after) for c in update.changes] == [("victim", f"Jo Blogs (person {person_id})")]
    assert incident(store, "SEN-1")[1] == [("victim", "Jo Bloggs")]
    # And from then on the link is the match: no question asked again.
    again = do_import(store, cfg, path)
    assert (again.possible_matches, again.updates, again.unchanged) == ([], [], 1)


def test_a_possible_match_confirmed_as_new_creates_a_person(store, cfg, tmp_path):
    _existing(store)
    report = do_import(store, cfg, _one_row(tmp_path), decisions={"2": "new"})
    assert report.people_created == 1 and report.possible_matches[0].decision == "new"
    assert incident(store, "SEN-1")[1] == [("victim", "Jo Blogs")]


def test_bad_confirmations_are_refused_before_anything_is_written(store, cfg, tmp_path):
    person_id = _existing(store)
    path = _one_row(tmp_path)
    before = counts(store)
    with pytest.raises(ConfirmError, match="no possible match has the key 9"):
        do_import(store, cfg, path, decisions={"9": "new"})
    with pytest.raises(ConfirmError, match=f"person 12345 is not a possible match for 2 "
                                           f"\\(the candidates are {person_id}\\)"):
        do_import(store, cfg, path, decisions={"2": "12345"})
    with pytest.raises(ConfirmError, match="should be ROW=PERSON_ID"):
        parse_decisions(["2:345"])
    # Nothing written but the two files' audit rows, saying why they were not imported.
    assert counts(store) == {**before, "audit_log": before["audit_log"] + 2}
    with store.read() as session:
        outcomes = [e.detail["outcome"] for e in session.scalars(
            select(AuditEntry).where(AuditEntry.operation == "import").order_by(AuditEntry.id))]
    assert [o.split(":")[0] for o in outcomes] == ["not imported", "not imported"]
    assert "--confirm-matches" in outcomes[0]


def test_problems_stop_the_import_unless_invalid_rows_are_skipped(store, cfg, tmp_path):
    path = tmp_path / "storm.csv"
    text = STORM.read_text().replace("Criminal Damage", "Alien landing")
    path.write_text(text)
    before = counts(store)
    report = do_import(store, cfg, path)
    assert not report.applied and report.blocked
    assert counts(store) == {**before, "audit_log": before["audit_log"] + 1}
    assert last_import(store)["outcome"] == "not imported: 1 row with problems"
    assert [(p.row, p.column) for p in report.problems] == [(4, "Call Type")]
    assert report.created == 5  # what would happen to the good rows
    report = do_import(store, cfg, path, skip_invalid=True)
    assert report.applied and report.created == 5
    assert [(s.row, s.ref, s.reason) for s in report.skipped] == [
        (4, "LP-20261102-0051", "Call Type: unknown category 'Alien landing': map it to a "
                                "category key in the mapping's categories")]
    assert counts(store)["incidents"] == before["incidents"] + 5


def last_import(store) -> dict:
    """The detail of the newest ``import`` audit row."""
    with store.read() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.operation == "import")
                               .order_by(AuditEntry.id.desc())).first().detail


def test_a_dry_run_writes_nothing_but_its_audit_row(store, cfg):
    before = counts(store)
    report = do_import(store, cfg, STORM, dry_run=True)
    assert report.dry_run and not report.applied and report.created == 6
    assert counts(store) == {**before, "audit_log": before["audit_log"] + 1}
    audited = last_import(store)
    assert (audited["outcome"], audited["file"], audited["path"], audited["size"]) == (
        "dry run", "storm.csv", str(STORM), STORM.stat().st_size)


BROKEN = {
    "truncated": lambda data: data[: data.index(b"Verbal") + 5],
    "date column of text": lambda data: data.replace(b"/2026 ", b" sometime "),
    "empty": lambda data: b"",
    "duplicate headers": lambda data: data.replace(b"Incident No,Date/Time Reported",
                                                   b"Incident No,Incident No", 1),
    "binary": lambda data: b"\x00\xff" * 500,
}


@pytest.mark.parametrize("breakage", BROKEN)
def test_broken_files_are_reported_and_change_nothing(store, cfg, tmp_path, breakage):
    path = tmp_path / "storm.csv"
    path.write_bytes(BROKEN[breakage](STORM.read_bytes()))
    before = counts(store)
    report = do_import(store, cfg, path, "storm")
    assert not report.applied and report.problems
    assert counts(store) == {**before, "audit_log": before["audit_log"] + 1}
    assert last_import(store)["outcome"].startswith("not imported")


@pytest.mark.parametrize("encode", [
    lambda text: codecs.BOM_UTF8 + text.encode(),
    lambda text: text.replace("Bea Fictional", "Zoë Fictional").encode("latin-1"),
])
def test_bom_and_latin1_files_import_correctly(store, cfg, tmp_path, encode):
    path = tmp_path / "storm.csv"
    path.write_bytes(encode(STORM.read_text()))
    report = do_import(store, cfg, path)
    assert report.applied and report.created == 6 and not report.problems
    first, linked, _ = incident(store, "LP-20261001-0112")
    assert first.description == "Youths kicking a ball against the windows"
    assert ("victim", "Zoë Fictional") in linked or ("victim", "Bea Fictional") in linked


def test_formula_and_markup_payloads_are_stored_literally(store, cfg, tmp_path):
    do_import(store, cfg, STORM)
    do_import(store, cfg, csv_to_xlsx(SENTINEL, tmp_path / "sentinel.xlsx"))
    assert incident(store, "LP-20261110-0233")[0].description == \
        '=HYPERLINK("http://example.invalid","click")'
    noise, linked, _ = incident(store, "LP-20261112-0007")
    assert noise.description == "+1" and ("reporter", "@SUM(A1:A9)") in linked
    tipping, linked, _ = incident(store, "SEN-2026-0533")
    assert tipping.description == "Fly-tipping by the gate; [red]not markup[/red]"
    assert linked == [("victim", "[bold]Ivy Unreal[/]")]


def test_an_import_that_tips_a_person_over_the_community_trigger_flags_their_case(store, cfg):
    with store.write() as session:
        ann = people.add_person(session, "Ann Example", date_of_birth=date(1950, 3, 1),
                                address="1 Larkspur Close, Loughborough")
        case = cases.open_case(session, case_type="victim", title="Ann Example household",
                               subgroup="JAG", lead_agency="CBC-ASB", opened_on=TODAY - timedelta(days=90),
                               beat="63")
        cases.link_party(session, case.id, "victim", person_id=ann.id, primary=True)
        incidents.add_incident(session, occurred_on=date(2026, 8, 30), category="NOISE",
                               source="council", source_ref="CBC-1", categories=["NOISE"],
                               people=[(ann.id, "victim")])
        case_id = case.id

    def flags():
        with store.read() as session:
            [row] = case_rows(session, cfg, TODAY, case_ids=[case_id])
            return {flag.code for flag in row.flags}

    assert "community_trigger" not in flags()
    report = do_import(store, cfg, SENTINEL)  # two more ASB incidents against Ann
    assert report.people_matched == 1
    assert "community_trigger" in flags()


def test_a_failure_while_writing_leaves_the_database_unchanged(store, cfg, monkeypatch):
    from jagtui.importer import apply

    before = counts(store)
    written = []

    def failing(session, batches, **detail):
        # Every new row is in by now, in the same transaction: it must all go.
        written.append(session.scalar(select(func.count()).select_from(Incident)))
        raise StoreError("disk full (simulated)")

    monkeypatch.setattr(apply, "audit_batches", failing)
    with pytest.raises(StoreError, match="The import failed and nothing was written: disk full"):
        do_import(store, cfg, STORM)
    assert written == [6]  # it failed part-way, after writing incidents
    assert counts(store) == {**before, "audit_log": before["audit_log"] + 1}
    assert last_import(store)["outcome"] == "failed: disk full (simulated)"


def test_postgresql_statistics_are_refreshed_after_an_import(store, cfg):
    """Fresh rows planned as if absent made chunked look-ups sequential scans; ANALYZE fixes it."""
    if store.is_sqlite:
        pytest.skip("SQLite's planner keeps no statistics")
    assert do_import(store, cfg, STORM).applied
    with store.read() as session:
        analysed = dict(session.execute(text(
            "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname IN ('incidents', 'incident_parties', 'people', 'locations')")).all())
    assert analysed == {"incidents": True, "incident_parties": True, "people": True, "locations": True}
