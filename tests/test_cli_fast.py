"""`jagtui --version`, `--help` and argument errors answer without importing the app,
the database layer or pandas: only the command typed has its module imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from jagtui import cli
from jagtui.commands import COMMANDS

HEAVY = ("sqlalchemy", "sqlmodel", "pandas", "textual", "alembic", "psycopg", "docx", "openpyxl",
         "jagtui.app", "jagtui.store.db", "jagtui.store.models")
# Runs the CLI in a fresh interpreter and reports its exit status and what it imported.
PROBE = """
import json, sys
from jagtui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def run_cli(*argv: str) -> tuple[int, str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                          timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], done.stdout + done.stderr, report["modules"]


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


@pytest.mark.parametrize("argv, code, says", [
    (["--version"], 0, "jagtui 0."),
    (["--help"], 0, "export    write minutes, the action log or plan progress"),
    (["--bogus"], 2, "unrecognized arguments: --bogus"),
    (["exprot"], 2, "invalid choice: 'exprot'"),
    (["--db", "x.db", "db", "--help"], 0, "create or upgrade the schema"),
], ids=["version", "help", "bad-option", "bad-command", "command-help"])
def test_answers_without_importing_the_app_or_the_database_layer(argv, code, says):
    status, output, modules = run_cli(*argv)
    assert status == code
    assert says in output
    assert heavy(modules) == []
    assert "pydantic" not in modules  # not even the config's


def test_a_commands_argument_error_imports_that_command_only():
    status, output, modules = run_cli("export", "minutes", "--nope")
    assert status == 2 and "unrecognized arguments: --nope" in output
    assert heavy(modules) == []
    assert "jagtui.commands.export" in modules and "jagtui.commands.retention" not in modules


def test_each_commands_help_line_is_the_one_its_module_registers():
    parser = cli.build_parser()  # every command in full
    subparsers = parser._subparsers._group_actions[0]
    assert {action.dest: action.help for action in subparsers._choices_actions} == {
        name: line for name, (_module, line) in COMMANDS.items()}


@pytest.mark.parametrize("argv, command", [
    (["export", "minutes", "--meeting", "3"], "export"),
    (["--db", "import", "export", "plan"], "export"),   # --db's value is not the command
    (["--db=x.db", "--config", "c.toml", "users", "list"], "users"),
    (["--version"], None), ([], None), (["nonsense", "export"], None),
])
def test_the_command_typed_is_found_past_the_global_options(argv, command):
    assert cli.command_typed(argv) == command


@pytest.mark.parametrize("typed", ["backup", "restore"])
def test_a_module_with_two_commands_registers_both_once(typed):
    parser = cli.build_parser([typed, "--help"])
    assert set(parser._subparsers._group_actions[0].choices) == set(COMMANDS)


# Each command's own argument error, as typed: the parser of that command alone.
OWN_ERRORS = {
    "run": ["run", "--bogus"], "demo": ["demo", "--bogus"], "db": ["db", "--bogus"],
    "config": ["config", "--bogus"], "users": ["users", "--bogus"],
    "audit": ["audit", "--bogus"], "retention": ["retention", "--bogus"],
    "backup": ["backup", "--bogus"], "restore": ["restore", "--bogus"],
    "import": ["import", "--bogus"], "export": ["export", "--bogus"],
    "follow": ["follow", "--bogus"],
}


def test_every_command_is_tried():
    assert set(OWN_ERRORS) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(OWN_ERRORS))
def test_a_commands_own_argument_error_answers_without_the_database_layer(command):
    status, output, modules = run_cli(*OWN_ERRORS[command])
    assert status == 2 and "error:" in output, output
    assert heavy(modules) == []
    assert "pydantic" not in modules  # the config is read only once the arguments are


def test_users_bogus_answers_within_the_budget():
    """`jagtui users --bogus` imported the tables for the role names: 0.5 s. The budget is
    0.3 s; the best of three fresh interpreters, so a busy shared core does not decide."""
    import time

    best = 10.0
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "jagtui.cli", "users", "--bogus"],
                              capture_output=True, text=True, timeout=60)
        best = min(best, time.perf_counter() - started)
        assert done.returncode == 2 and "jagtui users: error:" in done.stderr
    assert best <= 0.3


def test_the_roles_offered_are_the_ones_the_users_table_allows():
    from jagtui.access import PERMISSIONS, ROLES
    from jagtui.store.models import ROLES as TABLE_ROLES

    assert ROLES == TABLE_ROLES
    assert set(ROLES) == set().union(*PERMISSIONS.values())
