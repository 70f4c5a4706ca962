"""Hostile and odd text everywhere a user (or a partner's extract) can put it.

Every validator answers with a value or its own clean refusal, never a crash;
the store keeps text exactly as given or refuses it with ``Invalid``; what is
shown on screen is never interpreted (no terminal escapes reach the terminal,
no Rich markup is obeyed); and SQL-injection strings in searches and filters
are matched literally and leave the schema alone. About 1,000 examples in all.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text as sql

from jagtui.config import ConfigError, load_config
from jagtui.display import literal, visible
from jagtui.rules.dates import DateInputError, parse_date
from jagtui.rules.postcodes import tidy_postcode
from jagtui.rules.risk import answer_from_key
from jagtui.screens.widgets import DateField
from jagtui.store import actions, audit, cases, incidents, people
from jagtui.store.caselist import case_rows
from jagtui.store.errors import Invalid
from jagtui.store.models import Action, Case, Incident, Person

TODAY = date(2026, 11, 22)
NEXT_MEETING = date(2026, 12, 3)
# What must never reach the terminal from user text: C0/C1 controls (ESC, CSI,
# BEL...) other than tab and newline, and bidirectional overrides.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

NASTY = [
    "\x00", "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b[31mred\x1b[0m", "\x9b31m", "\x07\x08",
    "[bold red]shout[/]", "[link=https://example.invalid]click[/link]", "[/]", "[", "\\[escaped]",
    "\u202eevil\u202c", "\u2066isolate\u2069", "\u200b", "\ufeff", "\r\n", "\r", "\t",
    "😀", "𝕏", "e\u0301", "ß", "İ", "Robert'); DROP TABLE people;--", "%", "_", "\\", "''",
    "\ud7ff", "\uffff",
]
nasty_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=12).map("".join),
    # 100 kB, built by repetition (hypothesis would be slow to draw it character by character)
    st.tuples(st.sampled_from(NASTY + ["a", "ü", "名"]), st.text(min_size=1, max_size=8))
    .map(lambda pair: ((pair[0] + pair[1]) * 100_000)[:100_000]),
)
PER_DB = settings(max_examples=60, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# -- validators --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(nasty_text, st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31)),
       st.one_of(st.none(), st.dates()))
def test_parse_date_reads_or_refuses_cleanly(text, today, next_meeting):
    try:
        result = parse_date(text, today, next_meeting)
    except DateInputError as refusal:
        message = str(refusal)
        assert message and not UNSAFE.search(message), message
        assert len(message) < 500  # bounded however long the text typed
    else:
        assert isinstance(result, date)


@settings(max_examples=100, deadline=None)
@given(nasty_text, st.booleans())
def test_date_field_validation_never_crashes(text, optional):
    field = DateField(today=TODAY, next_meeting=NEXT_MEETING, optional=optional)
    result = field.validators[0].validate(text)
    for description in result.failure_descriptions:
        assert not UNSAFE.search(description), description
    if result.is_valid and text.strip():
        assert isinstance(parse_date(text, TODAY, NEXT_MEETING), date)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=4), st.sampled_from(NASTY + list("yYnN0123456789"))),
       st.sampled_from(["yn", "scale"]), st.integers(min_value=1, max_value=9))
def test_answer_from_key_is_in_range_or_none(key, kind, top):
    from jagtui.config import Question

    question = Question(key="q", text="A question?", kind=kind, weight=1, max=top)
    answer = answer_from_key(question, key)
    assert answer is None or (isinstance(answer, int) and 0 <= answer <= (1 if kind == "yn" else top))


@settings(max_examples=100, deadline=None)
@given(nasty_text)
def test_config_loader_on_arbitrary_text(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _load_or_refuse(path)


SECTIONS = ["partnership", "database", "exports", "meetings", "retention", "harm", "flags",
            "risk", "subgroups", "agencies", "beats", "categories", "ladder", "priorities", "bogus"]
KEYS = ["name", "short_name", "url", "busy_timeout_ms", "directory", "cadence_weeks", "default_start",
        "closed_case_years", "window_days", "key", "code", "localities", "harm_weight", "asb",
        "medium_from", "high_from", "questions", "youth_under", "\x1b[2J", "[b]x[/b]", "\u202e"]
toml_values = st.recursive(
    st.one_of(st.integers(min_value=-2**63, max_value=2**63 - 1), st.booleans(), nasty_text.filter(
        lambda s: "\x00" not in s and len(s) < 1000), st.floats(allow_nan=False), st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(SECTIONS), toml_values, max_size=4))
def test_config_loader_on_well_formed_but_wrong_toml(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    try:
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
    except (TypeError, ValueError):
        return  # not representable as TOML (e.g. a list of mixed tables)
    _load_or_refuse(path)


def _load_or_refuse(path):
    try:
        cfg = load_config(path)
    except ConfigError as refusal:
        message = str(refusal)
        assert message.startswith(str(path)) or str(path) in message
        assert not UNSAFE.search(message), message
    else:
        assert cfg.categories and cfg.ladder
        tomllib.loads(path.read_text(encoding="utf-8"))


# -- what the screen shows -------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(nasty_text)
def test_literal_text_is_shown_not_obeyed(value):
    shown = literal(value)
    assert not UNSAFE.search(shown.plain)
    assert shown.spans == []  # no markup parsed into styles
    assert shown.plain == visible(value)
    console = Console(width=100, color_system=None, file=None, force_terminal=False,
                      legacy_windows=False, record=True)
    with console.capture() as captured:  # the first screenful is enough (and quick)
        console.print(literal(value[:2000]))
    output = captured.get()
    assert "\x1b" not in output and "\x9b" not in output and "\x07" not in output
    if "[bold red]shout[/]" in value:
        assert "[bold red]shout[/]" in output.replace("\n", "")


# -- the store keeps text exactly, or refuses it cleanly ----------------------------------------


def _refuses_or_keeps(store, make, read_back, expected):
    try:
        with store.write() as session:
            record_id = make(session).id
    except Invalid as refusal:
        assert str(refusal) and not isinstance(refusal, KeyError)
        return None
    with store.read() as session:
        assert read_back(session, record_id) == expected
    return record_id


def _must_refuse(*values, limit: int | None = None) -> bool:
    return any("\x00" in v for v in values) or (limit is not None and any(len(v) > limit for v in values))


@PER_DB
@given(name=nasty_text, address=nasty_text, notes=nasty_text, postcode=st.text(max_size=20))
def test_people_text_is_kept_or_refused(store, name, address, notes, postcode):
    def make(session):
        return people.add_person(session, name, address=address, notes=notes, postcode=postcode,
                                 vulnerabilities=notes)

    def read_back(session, person_id):
        p = session.get(Person, person_id)
        return (p.name, p.address, p.notes, p.postcode, p.vulnerabilities)

    # A postcode is kept in its one spelling (rules.postcodes): upper case, spaces collapsed.
    tidied = tidy_postcode(postcode)
    kept = _refuses_or_keeps(store, make, read_back,
                             (name.strip(), address, notes, tidied, notes))
    refused = kept is None
    must = (_must_refuse(name, address, notes, tidied) or not name.strip()
            or len(name.strip()) > 200 or len(tidied) > 16)
    assert refused == must


@PER_DB
@given(title=nasty_text, summary=nasty_text, officer=nasty_text)
def test_case_text_is_kept_or_refused(store, title, summary, officer):
    def make(session):
        return cases.open_case(session, case_type="victim", title=title, subgroup="JAG",
                               lead_agency="POLICE", opened_on=TODAY, summary=summary,
                               lead_officer=officer)

    def read_back(session, case_id):
        c = session.get(Case, case_id)
        return (c.title, c.summary, c.lead_officer)

    kept = _refuses_or_keeps(store, make, read_back, (title.strip(), summary, officer))
    must = (_must_refuse(title, summary, officer) or not title.strip() or len(title.strip()) > 200
            or len(officer) > 200)
    assert (kept is None) == must


@PER_DB
@given(ref=nasty_text, description=nasty_text)
def test_incident_text_is_kept_or_refused(store, ref, description):
    from sqlalchemy import select

    with store.read() as session:
        duplicate = "\x00" not in ref and session.scalar(select(Incident.id).where(
            Incident.source == "police", Incident.source_ref == ref.strip())) is not None

    def make(session):
        return incidents.add_incident(session, occurred_on=TODAY, category="ASB-PERSONAL",
                                      source="police", source_ref=ref, categories=["ASB-PERSONAL"],
                                      description=description)

    def read_back(session, incident_id):
        i = session.get(Incident, incident_id)
        return (i.source_ref, i.description)

    kept = _refuses_or_keeps(store, make, read_back, (ref.strip(), description))
    must = (_must_refuse(ref, description) or not ref.strip() or len(ref.strip()) > 64
            or duplicate)
    assert (kept is None) == must


@PER_DB
@given(what=nasty_text, owner=nasty_text)
def test_action_text_is_kept_or_refused(store, what, owner):
    def make(session):
        return actions.add_action(session, ref="261122 Item 1", text=what, owner=owner)

    def read_back(session, action_id):
        a = session.get(Action, action_id)
        return (a.text, a.owner)

    kept = _refuses_or_keeps(store, make, read_back, (what.strip(), owner.strip()))
    must = (_must_refuse(what, owner) or not what.strip() or not owner.strip()
            or len(owner.strip()) > 200)
    assert (kept is None) == must


# -- SQL injection in every search and filter ----------------------------------------------------

INJECTIONS = [
    "'; DROP TABLE cases; --", "' OR '1'='1", "' OR 1=1 --", "\" OR \"\"=\"", "'); DELETE FROM people; --",
    "1; UPDATE users SET role='admin'", "' UNION SELECT login, role FROM users --", "%", "_", "\\",
    "%' OR 1=1 --", "\\%", "_%_", "%%", "[a-z]*", "*", "?", "' ESCAPE '", "$1", ":name", "%(x)s",
    "'; PRAGMA writable_schema=1; --", "/* comment */", "`id`",
]


def _schema(store) -> tuple[list[str], dict[str, int]]:
    names = sorted(sa_inspect(store.engine).get_table_names())
    with store.read() as session:
        counts = {n: session.execute(sql(f'SELECT count(*) FROM "{n}"')).scalar() for n in names}
    return names, counts


def _seed_injections(store, strings):
    with store.write() as session:
        for n, value in enumerate(strings):
            person = people.add_person(session, f"Name {value} end", address=f"{n} {value} Street")
            place = people.add_location(session, f"Place {value}", locality=f"Town {value}")
            case = cases.open_case(session, case_type="victim", title=f"Title {value}",
                                   subgroup=value[:32], lead_agency=value[:64], beat=value[:16],
                                   opened_on=TODAY, reference=f"INJ-{n:04d}")
            cases.link_party(session, case.id, "victim", person_id=person.id, primary=True)
            cases.link_party(session, case.id, "location of concern", location_id=place.id)
            actions.add_action(session, ref=f"INJ {n}", text=f"Do {value} now",
                               owner=f"Owner {value}", case_id=case.id)


def _contains(haystack: str, needle: str) -> bool:
    # NUL can never be stored, so searches leave it out (people.like_pattern).
    return needle.strip().lower().replace("\x00", "") in haystack.lower()


def _check_searches(store, cfg, strings, probe):
    with store.read() as session:
        found = {row.reference for row in case_rows(session, cfg, TODAY, search=probe)}
        expected = {f"INJ-{n:04d}" for n, v in enumerate(strings)
                    if _contains(f"Title {v}", probe) or _contains(f"Name {v} end", probe)
                    or _contains(f"Place {v}", probe) or _contains(f"Town {v}", probe)
                    or _contains(f"INJ-{n:04d}", probe)}
        assert found == expected, probe
        people_found = {p.name for p in people.search_people(session, probe, limit=1000)}
        assert people_found == {f"Name {v} end" for n, v in enumerate(strings)
                                if _contains(f"Name {v} end", probe)
                                or _contains(f"{n} {v} Street", probe)}
        places = {p.name for p in people.search_locations(session, probe, limit=1000)}
        assert places == {f"Place {v}" for v in strings
                          if _contains(f"Place {v}", probe) or _contains(f"Town {v}", probe)}
        acts = {row.action.text for row in actions.action_rows(session, search=probe)}
        assert acts == {f"Do {v} now" for n, v in enumerate(strings)
                        if any(_contains(h, probe) for h in (f"INJ {n}", f"Do {v} now",
                                                              f"Owner {v}", f"INJ-{n:04d}"))}
        owners = {name for name, _agency in actions.owner_names(session, probe, limit=1000)}
        assert owners == {f"Owner {v}" for v in strings if _contains(f"Owner {v}", probe)}
        if "\x00" in probe:
            return  # exact-match filters come from pick lists, never typed text
        for key in ("subgroup", "lead_agency", "beat"):
            rows = case_rows(session, cfg, TODAY, **{key: probe})
            assert {row.reference for row in rows} == {
                f"INJ-{n:04d}" for n, v in enumerate(strings)
                if {"subgroup": v[:32], "lead_agency": v[:64], "beat": v[:16]}[key] == probe}, (key, probe)
        assert case_rows(session, cfg, TODAY, status=probe) == [] or probe == "open"
        assert audit.entries(session, login=probe) == []


def test_sql_injection_strings_are_matched_literally(store, cfg):
    _seed_injections(store, INJECTIONS)
    before = _schema(store)
    for probe in [*INJECTIONS, "\x00", "Title \x00'", "a\x00b"]:
        _check_searches(store, cfg, INJECTIONS, probe)
    assert _schema(store) == before


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(alphabet="'\"%_\\;-=*()[]`$:?ORDAND SELECTxz01 ", min_size=1, max_size=24))
def test_generated_sql_metacharacters_are_matched_literally(sqlite_store, cfg, probe):
    if not hasattr(sqlite_store, "_seeded"):
        _seed_injections(sqlite_store, INJECTIONS)
        sqlite_store._seeded = _schema(sqlite_store)
    _check_searches(sqlite_store, cfg, INJECTIONS, probe)
    assert _schema(sqlite_store) == sqlite_store._seeded


@pytest.mark.parametrize("value", ["[red]not red[/red]", "\x1b[2J\x1b[Hwiped", "\u202eevil"])
async def test_the_case_list_shows_stored_text_literally(sqlite_store, cfg, value):
    from textual.widgets import DataTable

    from jagtui.app import JagApp

    with sqlite_store.write() as session:
        cases.open_case(session, case_type="location", title=value, subgroup="JAG",
                        lead_agency="POLICE", opened_on=TODAY)
    app = JagApp(sqlite_store, cfg, today=lambda: TODAY)
    app.change_poll_seconds = 0
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        cell = table.get_row_at(0)[1]
        assert cell.plain == visible(value)
        assert not UNSAFE.search(cell.plain) and not cell.spans
