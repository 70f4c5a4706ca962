"""Subcommands of ``jagtui``, one module each.

Each module has ``register(subparsers, common)``, which adds its parser and sets
``handler`` (a function ``(args, cfg) -> int``). Modules import nothing heavy at
the top: the work happens inside the handler.
"""

MODULES = (
    "jagtui.commands.run",
    "jagtui.commands.demo",
    "jagtui.commands.db",
    "jagtui.commands.config",
    "jagtui.commands.users",
    "jagtui.commands.audit",
    "jagtui.commands.retention",
    "jagtui.commands.backup",
    "jagtui.commands.imports",
    "jagtui.commands.export",
)
