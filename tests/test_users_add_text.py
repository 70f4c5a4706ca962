"""``jagtui users add`` takes only what a login, a name and an agency can be: a login
or name holding terminal control codes is refused (never echoed raw to the admin's
terminal nor stored), and an agency must be one the config lists."""

from __future__ import annotations

import pytest

from jagtui.store import users
from jagtui.store.errors import Invalid
from test_identity import empty_db, run_as  # noqa: F401

TITLE = "\x1b]0;pwned\x07"
WIPE = "\x1b[2J"


@pytest.mark.parametrize("login", [f"bad{TITLE}", "two words", "ann\u202e", "an\nn", ""])
def test_the_store_refuses_a_login_that_is_not_one(store, login):
    with pytest.raises(Invalid), store.write() as session:
        users.add_user(session, login, "Ann Admin", "", "admin")
    with store.read() as session:
        assert users.count_users(session) == 0


@pytest.mark.parametrize("name", [f"X{WIPE}", f"Ann{TITLE}", "Ann\u202eDerf", "Ann\x9b31m"])
def test_the_store_refuses_a_display_name_holding_control_codes(store, name):
    with pytest.raises(Invalid) as refused, store.write() as session:
        users.add_user(session, "ann", name, "", "admin")
    assert "\x1b" not in str(refused.value) and "\u202e" not in str(refused.value)
    with store.read() as session:
        assert users.count_users(session) == 0


@pytest.mark.parametrize("login", ["jane.smith", "j_o-brien2", "jane.smith@council.gov.uk",
                                   "Nguyen.T", "svc$", "COUNCIL\\jsmith"])
def test_real_logins_and_names_are_taken(store, login):
    with store.write() as session:
        users.add_user(session, login, "Siobhán O'Brien-Nguyễn", "", "admin")
    with store.read() as session:
        assert users.get_user(session, login).display_name == "Siobhán O'Brien-Nguyễn"


def test_the_command_refuses_escapes_and_unknown_agencies_in_one_clean_line(
        empty_db, run_as, capsys):  # noqa: F811
    assert run_as("ann", "users", "add", f"bad{TITLE}", "--name", "Ann",
                  "--db", empty_db) == 2
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "login" in err.lower() and len(err.strip().splitlines()) == 1
    assert run_as("ann", "users", "add", "ann", "--name", f"X{WIPE}", "--db", empty_db) == 2
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "control" in err.lower()
    assert run_as("ann", "users", "add", "ann", "--name", "Ann", "--agency", "NOPE",
                  "--db", empty_db) == 2
    out, err = capsys.readouterr()
    assert "NOPE" in err and "POLICE" in err and len(err.strip().splitlines()) == 1
    # Nothing was added by the refusals; a proper one is.
    assert run_as("ann", "users", "add", "ann", "--name", "Ann", "--agency", "POLICE",
                  "--db", empty_db) == 0
    assert "Added ann as admin" in capsys.readouterr().out
