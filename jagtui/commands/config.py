"""``jagtui config init|check``."""

from __future__ import annotations

from pathlib import Path


def register(sub, common) -> None:
    parser = sub.add_parser("config", help="configuration")
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="write an editable copy of the defaults")
    init.add_argument("--path", help="where to write it (default: the per-user config file)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    actions.add_parser("check", parents=[common], help="validate the configuration")
    parser.set_defaults(handler=config_command)


def config_command(args, cfg) -> int:
    from jagtui.config import write_user_config

    if args.config_command == "init":
        target = write_user_config(Path(args.path) if args.path else None, force=args.force)
        print(f"Wrote {target}")
    else:
        print(f"Configuration OK: {cfg.source}")
    return 0
