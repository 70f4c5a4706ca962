"""The redaction rules (pure): pseudonyms, names in free text, addresses, dates of birth,
phone numbers and health details, as the engine (jagtui.redaction) applies them."""

from __future__ import annotations

from datetime import date

import pytest

from jagtui.export.redact import (
    PHONE_REMOVED, WITHHELD, Place, Redactor, Subject, age_band, letters,
)

ON = date(2026, 11, 22)

ANN = Subject(1, "Ann Example", date(1950, 3, 1), "1 Larkspur Close, Loughborough", "LE11 3AB",
              "62", "07700 900123")
TOMAS = Subject(3, "Tomas Example", date(2012, 2, 29), "1 Larkspur Close", "LE11 3AB", "62")
KEV = Subject(28, "Kevin O'Neill", date(2010, 5, 6), "Flat 2, 14a Acacia Avenue", "LE11 2XY", "63")
OTHER = Subject(40, "Zed Zebedee", date(1980, 1, 2), "9 Far Lane", "LE12 9ZZ", "56")
PARK = Place(7, "Larkspur Park", "Park Road", "LE11 5PQ", "63", "Shelthorpe")


@pytest.fixture
def redactor():
    return Redactor(
        parties=[(10, "victim", ANN), (10, "household member", TOMAS), (11, "perpetrator", KEV),
                 (10, "witness", KEV)],
        places=[PARK], others=[OTHER],
        keep=["Bell Foundry Estate", "Shelthorpe"], professionals=["Ann Smith", "PC Kevin Jones"],
        on=ON,
    )


def test_letters_are_bijective_base_26():
    assert [letters(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
    with pytest.raises(ValueError):
        letters(0)


def test_pseudonyms_come_from_ids_and_the_role_on_the_case(redactor):
    assert redactor.pseudonym(1, 10) == "Victim A"
    assert redactor.pseudonym(28, 11) == "Perpetrator AB"
    assert redactor.pseudonym(28, 10) == "Witness AB"
    assert redactor.pseudonym(28, None) == "Perpetrator AB"  # first role listed
    # the same whatever order the parties are listed in
    again = Redactor(parties=[(11, "perpetrator", KEV), (10, "victim", ANN)])
    assert again.pseudonym(1, 10) == "Victim A" and again.pseudonym(28, 11) == "Perpetrator AB"


def test_full_names_in_any_case_and_written_forms(redactor):
    text = ("Ann Example; ANN EXAMPLE; ann example; Example, Ann; A. Example; Miss Ann Example; "
            "Kevin O'Neill; Kevin O’Neill; Kevin  O'Neill")
    out = redactor.text(text, 10)
    assert "Example" not in out and "Ann" not in out and "Neill" not in out and "Kevin" not in out
    assert out.count("Victim A") == 6 and out.count("Witness AB") == 3


def test_single_names_pseudonymised_when_unambiguous_else_withheld(redactor):
    out = redactor.text("Tomas was upset. Mrs Example called. O'Neill denied it.", 10)
    assert out == f"Household member C was upset. {WITHHELD} called. Witness AB denied it."


def test_first_name_a_professional_shares_is_withheld(redactor):
    # "Kevin" could be PC Kevin Jones or Kevin O'Neill: nobody is named.
    out = redactor.text("Kevin's mother spoke to PC Kevin Jones.", 11)
    assert out == f"{WITHHELD}'s mother spoke to PC Kevin Jones."
    alone = Redactor(parties=[(11, "perpetrator", KEV)])
    assert alone.text("Kevin's mother", 11) == "Perpetrator AB's mother"


def test_first_name_shared_with_a_professional_is_withheld_and_the_professional_kept(redactor):
    out = redactor.text("Ann Smith visited Ann at home.", 10)
    assert out == f"Ann Smith visited {WITHHELD} at home."


def test_lower_case_words_that_are_also_names_survive():
    will = Subject(5, "Will Example")
    out = Redactor(parties=[(1, "victim", will)], common_words=["will"]).text(
        "Will said he will call. will example.", 1)
    assert out == "Victim E said he will call. Victim E."


def test_addresses_postcodes_and_places_become_beat_or_locality(redactor):
    out = redactor.text("Lives at 1 Larkspur Close, Loughborough, LE11 3AB; "
                        "also at 14a Acacia Avenue (le112xy). Seen on Acacia Avenue and at "
                        "Larkspur Park, Park Road. Another postcode: NG7 2RD.", 10)
    assert "Larkspur" not in out and "Acacia" not in out and "Park Road" not in out
    assert "LE11" not in out.upper() and "NG7" not in out
    assert "[address in Beat 62], Loughborough" not in out  # one address, one label
    assert out.startswith("Lives at [address in Beat 62]; also at [address in Beat 63]")
    assert "[Shelthorpe, Beat 63]" in out and "[postcode removed]" in out


def test_localities_and_professionals_are_kept(redactor):
    text = "PC Kevin Jones of the Bell Foundry Estate team; Shelthorpe patrols; Ann Smith."
    assert redactor.text(text, 10) == text


@pytest.mark.parametrize("written", [
    "01/03/1950", "1/3/1950", "1/3/50", "01.03.1950", "01-03-1950", "1950-03-01",
    "1 March 1950", "1st March 1950", "1 Mar 1950", "1st of March 1950", "March 1, 1950",
    "Mar 1st 1950",
])
def test_dates_of_birth_in_common_formats_become_an_age_band(redactor, written):
    out = redactor.text(f"Victim seen ({written}) today", 10)
    assert out == "Victim seen ([aged 75 and over]) today"


def test_any_date_after_dob_or_born_becomes_an_age_band_but_other_dates_stay(redactor):
    out = redactor.text("DOB: 12/12/2001, born on 3 June 1999, D.O.B. 2000-01-01; "
                        "review on 01/12/2026 and 29/02/2012", 10)
    assert out == ("[aged 18-24], [aged 25-34], [aged 25-34]; "
                   "review on 01/12/2026 and [aged 10-17]")


def test_other_people_held_are_removed_first_names_too(redactor):
    # A held person's distinctive first name alone no longer survives (issue 13); alone it
    # may be someone else of that name, so it is masked, not given their label.
    out = redactor.text("Zed Zebedee of 9 Far Lane, born 02/01/1980, rang. Zed rang again.", 10)
    assert out == "Person AN of [address in Beat 56], [aged 45-54], rang. [name] rang again."


def test_phone_numbers_and_emails_are_removed(redactor):
    out = redactor.text("Call 07700 900123, +44 7700 900124 or ann@example.org", 10)
    assert "07700" not in out and "7700" not in out and "@" not in out
    assert out.count(PHONE_REMOVED) == 2


def test_names_inside_other_words_are_left_alone():
    bell = Subject(2, "Ben Bell")
    out = Redactor(parties=[(1, "victim", bell)], keep=["Bell Foundry Estate"]).text(
        "Bellamy rang; the Bell Foundry Estate; Bell was there; bells rang", 1)
    assert out == "Bellamy rang; the Bell Foundry Estate; Victim B was there; bells rang"


def test_age_bands():
    on = date(2026, 11, 22)
    assert age_band(date(2010, 11, 23), on) == "aged 10-17"
    assert age_band(date(2008, 11, 22), on) == "aged 18-24"
    assert age_band(date(1950, 1, 1), on) == "aged 75 and over"
    assert age_band(None, on) == ""


def test_empty_text_and_no_parties():
    assert Redactor().text("", None) == ""
    assert Redactor().text("Nothing to remove here.", None) == "Nothing to remove here."


def test_a_common_street_stem_alone_is_an_ordinary_word():
    from jagtui.config import load_config

    home = Subject(9, "Zed Quorlby", address="12 High Street, Quorn", beat="56")
    out = Redactor(parties=[(1, "victim", home)],
                   common_words=load_config().redaction.common_words).text(
        "A high risk case; lives at 12 High St; High Street residents", 1)
    assert out == "A high risk case; lives at [address in Beat 56]; [address in Beat 56] residents"
