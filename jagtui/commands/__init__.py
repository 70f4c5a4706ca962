"""Subcommands of ``jagtui``, one module each.

Each module has ``register(subparsers, common)``, which adds its parser and sets
``handler`` (a function ``(args, cfg) -> int``). Modules import nothing heavy at
the top: the work happens inside the handler.

``COMMANDS`` names each command's module and the line ``jagtui --help`` shows for
it, so ``--version``, ``--help`` and a mistyped command answer without importing
any module (``tests/test_cli_fast.py`` checks the lines match what each registers).
"""

COMMANDS = {  # command: (its module, its line in `jagtui --help`)
    "run": ("jagtui.commands.run", "open the app (the default)"),
    "demo": ("jagtui.commands.demo", "build a database of fictional demo data"),
    "db": ("jagtui.commands.db", "database schema"),
    "config": ("jagtui.commands.config", "configuration"),
    "users": ("jagtui.commands.users", "who may use jagtui (admins)"),
    "audit": ("jagtui.commands.audit", "the audit trail (admins)"),
    "retention": ("jagtui.commands.retention",
                  "closed cases due for review: retain or delete (admins)"),
    "backup": ("jagtui.commands.backup", "back the database up into a new file (admins)"),
    "restore": ("jagtui.commands.backup", "restore a backup into a new database (admins)"),
    "import": ("jagtui.commands.imports", "import incidents from partner extracts, or the "
               "partnership action plan (CSV, .xlsx)"),
    "export": ("jagtui.commands.export", "write minutes, the action log or plan progress"),
    "follow": ("jagtui.commands.follow",
               "follow the running meeting live (read-only); send the chair your update"),
}

MODULES = tuple(dict.fromkeys(module for module, _line in COMMANDS.values()))
