"""Mapping, validation and matching rules: pure, no database."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from import_data import SENTINEL, STORM, TODAY
from jagtui.config import ConfigError, load_config
from jagtui.importer.mapping import MappingError, beat_code, choose, parse_dates
from jagtui.importer.match import (
    IncomingPerson, LocationIndex, PersonIndex, address_key, name_key, postcode_of, same_row_people,
)
from jagtui.importer.prepare import prepare
from jagtui.importer.report import ImportReport, PossibleMatch, Candidate, Problem, render_text
from jagtui.store.imports import LocationRecord, PersonRecord

STORM_HEAD = ("Incident No,Date/Time Reported,Call Type,Location,Beat,Caller Name,Victim Name,"
              "Victim DOB,Suspect Name,Suspect DOB,Hate Crime Flag,Remarks\n")


def _storm(tmp_path, *rows: str):
    path = tmp_path / "storm.csv"
    path.write_text(STORM_HEAD + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def _problems(prepared) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in prepared.report.problems]


def test_the_shipped_mappings_load_and_name_real_categories(cfg):
    assert set(cfg.imports) >= {"storm", "sentinel"}
    storm = cfg.imports["storm"]
    assert (storm.source, storm.reference, storm.date) == ("police", "Incident No", "Date/Time Reported")
    assert [p.role for p in cfg.imports["sentinel"].people] == ["victim", "perpetrator"]
    assert set(storm.categories.values()) <= set(cfg.category_by_key)


def test_a_mapping_naming_an_unknown_category_is_a_config_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[imports.mine]\ntitle = "Mine"\nsource = "housing"\nreference = "Ref"\n'
                    'date = "Date"\ncategory = "Type"\n[imports.mine.categories]\n"Loud" = "LOUD"\n')
    with pytest.raises(ConfigError, match="imports.mine.categories: no category with key 'LOUD'"):
        load_config(path)


def test_the_mapping_is_chosen_by_the_headers_or_by_name(cfg):
    storm_headers = STORM_HEAD.strip().split(",")
    assert choose(cfg, storm_headers) == "storm"
    assert choose(cfg, ["Case Ref", "Date Reported", "ASB Category", "Complainant"]) == "sentinel"
    assert choose(cfg, ["anything"], "sentinel") == "sentinel"
    with pytest.raises(MappingError, match="No import mapping fits"):
        choose(cfg, ["Ref", "When"])
    with pytest.raises(MappingError, match="No import mapping 'nope'"):
        choose(cfg, storm_headers, "nope")


def test_dates_are_read_day_first_in_any_listed_format_and_iso():
    values = pd.Series(["01/02/2026 10:30", "3/4/2026", "2026-05-06", "06-Jul-2026", "31/02/2026",
                        "sometime", "", "01/01/1066"])
    got = parse_dates(values, ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%b-%Y"])
    assert [None if pd.isna(v) else v.date() for v in got] == [
        date(2026, 2, 1), date(2026, 4, 3), date(2026, 5, 6), date(2026, 7, 6), None, None, None,
        None]


def test_beats_are_read_loosely():
    assert [beat_code(t) for t in ("62", " Beat 62", "beat-63", "62.0", "B64")] == [
        "62", "62", "63", "62", "64"]


def test_the_fixture_extracts_check_clean(cfg):
    for path in (STORM, SENTINEL):
        prepared = prepare(path, cfg, TODAY)
        assert prepared.report.problems == [], path
        assert len(prepared.checked.incidents) == prepared.report.rows


def test_rows_become_incidents_with_beats_people_and_hate(cfg):
    prepared = prepare(STORM, cfg, TODAY)
    first, _, car_park, hate, drugs, noise = prepared.checked.incidents
    assert (first.ref, first.occurred_on, first.category, first.beat) == (
        "LP-20261001-0112", date(2026, 10, 1), "ASB-NUISANCE", "63")
    assert first.postcode == "LE11 2TT" and first.locality == "Shelthorpe"
    assert [(p.role, p.name, p.date_of_birth) for p in first.people] == [
        ("reporter", "Pat Caller", None), ("victim", "Bea Fictional", date(1961, 4, 12)),
        ("perpetrator", "Cody Madeup", date(2009, 2, 3))]
    assert car_park.beat == ""  # no beat given and no locality named
    assert hate.hate and hate.category == "HATE" and hate.beat == "61"
    assert [p.role for p in drugs.people] == ["perpetrator"]  # "Anon" names nobody
    assert noise.beat == "65"  # "Meadow Lane" is a beat 65 locality
    # Sentinel: the locality column gives the beat; the complainant's address is the row's.
    sentinel = prepare(SENTINEL, cfg, TODAY).checked.incidents
    assert [i.beat for i in sentinel] == ["63", "59", "59", "58", "63"]
    assert sentinel[0].people[0].address == "1 Larkspur Close, Loughborough"


def test_every_problem_is_reported_with_its_row_and_column(cfg, tmp_path):
    path = _storm(
        tmp_path,
        "R1,01/10/2026 10:00,ASB - Nuisance,Somewhere,62,,,,,,N,ok",
        ",02/10/2026 10:00,ASB - Nuisance,Somewhere,62,,,,,,N,no reference",
        "R3,31/02/2026 10:00,ASB - Nuisance,Somewhere,62,,,,,,N,bad date",
        "R4,01/10/2026 10:00,Alien landing,Somewhere,62,,,,,,N,unknown category",
        "R5,01/10/2026 10:00,ASB - Nuisance,Somewhere,99,,,,,,N,unknown beat",
        "R1,03/10/2026 10:00,ASB - Nuisance,Somewhere,62,,,,,,N,duplicate reference",
        "R7,01/12/2026 10:00,ASB - Nuisance,Somewhere,62,,,,,,N,future",
        "R8,01/10/2026 10:00,,Somewhere,62,,Vic Tim,30/02/1980,,,N,no category and a bad DOB",
    )
    prepared = prepare(path, cfg, TODAY, "storm")
    assert _problems(prepared) == [
        (3, "Incident No", "no reference"),
        (4, "Date/Time Reported",
         "cannot read '31/02/2026 10:00' as a date (day first, e.g. 21/11/2026)"),
        (5, "Call Type", "unknown category 'Alien landing': map it to a category key in the "
                         "mapping's categories"),
        (6, "Beat", "unknown beat '99': the beats are 56, 57, 58, 59, 60, 61, 62, 63, 64, 65"),
        (7, "Incident No", "the reference 'R1' is also on row 2"),
        (8, "Date/Time Reported", "the date '01/12/2026 10:00' is after today"),
        (9, "Call Type", "no category"),
        (9, "Victim DOB", "cannot read '30/02/1980' as a date of birth"),
    ]
    assert [i.ref for i in prepared.checked.incidents] == ["R1"]
    assert prepared.checked.invalid[9] == ("R8", "Call Type: no category")


def test_a_date_column_full_of_text_says_the_mapping_may_be_wrong(cfg, tmp_path):
    path = _storm(tmp_path, "R1,last week,Noise Nuisance,,,,,,,,N,", "R2,soon,Noise Nuisance,,,,,,,,N,")
    prepared = prepare(path, cfg, TODAY)
    assert [p.row for p in prepared.report.problems] == [2, 3]
    assert any("No value in the 'Date/Time Reported' column reads as a date" in n
               for n in prepared.report.notes)


def test_a_required_column_missing_or_duplicated_stops_the_file(cfg, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Incident No,Call Type,Location\nR1,Noise Nuisance,Here\n")
    [problem] = prepare(path, cfg, TODAY, "storm").report.problems
    assert problem.row is None and "The file has no 'Date/Time Reported' column" in problem.message
    path.write_text("Incident No,Date/Time Reported,Call Type,Call Type,Remarks,Remarks\n"
                    "R1,01/10/2026,Noise,Noise,a,b\n")
    report = prepare(path, cfg, TODAY, "storm").report
    assert [p.message for p in report.problems] == [
        "Columns 3 and 4 are headed 'Call Type': rename one so the mapping knows which to use",
        "Columns 5 and 6 are headed 'Remarks': rename one so the mapping knows which to use"]


def test_names_addresses_and_postcodes_normalise():
    assert name_key("  BLOGGS,  Jo ") == name_key("jo bloggs") == "jo bloggs"
    assert name_key("Mary-Jane O'Neill") == "mary jane oneill"
    assert address_key("12, Elm  Road.") == "12 elm road"
    assert postcode_of("4 Elm Rd, Loughborough le11 2ab") == "LE112AB"
    assert postcode_of("no postcode here") == ""


def _person(name, dob=None, address="", role="victim"):
    return IncomingPerson(0, "Victim Name", role, name, dob, address, postcode_of(address))


def test_people_match_exactly_on_name_and_birth_else_are_offered_as_possible():
    index = PersonIndex([
        PersonRecord(1, "Jo Bloggs", date(1990, 2, 3), "4 Elm Road, Loughborough", "LE11 2AB"),
        PersonRecord(2, "Sam Smith", None, "9 Oak Road, Syston", "LE7 1AA"),
        PersonRecord(3, "Jo Bloggs", None, "", ""),
    ])
    assert index.match(_person("BLOGGS, Jo", date(1990, 2, 3))).person_id == 1
    fuzzy = index.match(_person("Jo Blogs", date(1990, 2, 3)))
    assert fuzzy.kind == "possible" and [c[0].id for c in fuzzy.candidates] == [1]
    assert "same date of birth" in fuzzy.candidates[0][2]
    by_postcode = index.match(_person("Sam Smyth", None, "9 Oak Rd, Syston LE7 1AA"))
    assert by_postcode.kind == "possible" and by_postcode.candidates[0][0].id == 2
    # Same name, nothing else in common: a different person as far as anyone can tell.
    assert index.match(_person("Jo Bloggs", date(2001, 1, 1))).kind == "new"
    assert index.match(_person("Jo Bloggs")).kind == "new"
    # A different name at the same address is someone else in the household.
    assert index.match(_person("Kim Smith", None, "9 Oak Road, Syston")).kind == "new"


def test_a_name_given_twice_on_one_row_is_one_person():
    caller = _person("Bea Fictional", role="reporter")
    victim = _person("Bea Fictional", date(1961, 4, 12))
    merged = same_row_people([caller, victim])
    assert merged[0].identity == merged[1].identity
    assert merged[0].role == "reporter"


def test_locations_match_on_normalised_name_or_address():
    index = LocationIndex([LocationRecord(5, "Queens Park", "", "", "62", ""),
                           LocationRecord(6, "Flat 2", "2 High St, Syston", "", "", "")])
    assert index.find("QUEENS  PARK").id == 5
    assert index.find("2 High St. Syston").id == 6
    assert index.find("Queens Park Road") is None


def test_the_text_report_lists_problems_matches_and_totals():
    report = ImportReport(
        file_name="x.csv", mapping="storm", mapping_title="Police STORM incident log",
        source="police", rows=3, created=1, problems=[Problem(3, "Call Type", "no category")],
        possible_matches=[PossibleMatch("2", (2, 4), "victim", "Victim Name", "Jo Blogs",
                                        date(1990, 2, 3), "", (Candidate(
                                            7, "Jo Bloggs", date(1990, 2, 3), "4 Elm Road", 0.94,
                                            "similar name (94%), same date of birth"),))])
    text = render_text(report)
    assert "row 3, Call Type: no category" in text
    assert "[2] victim 'Jo Blogs', born 3 Feb 1990 (rows 2, 4, Victim Name): undecided" in text
    assert "could be person 7 'Jo Bloggs', born 3 Feb 1990" in text
    assert "--confirm-matches 2=7" in text
    assert "3 rows: 1 would be created" in text
    assert text.endswith("import with --skip-invalid to leave those rows out.")
    many = ImportReport(file_name="y.csv", problems=[Problem(n, "", "bad") for n in range(2, 80)])
    assert "... and 28 more" in render_text(many)
