"""``jagtui`` / ``jagtui run``: open the app."""

from __future__ import annotations

from jagtui.commands.common import open_db


def register(sub, common) -> None:
    parser = sub.add_parser("run", parents=[common], help="open the app (the default)")
    parser.set_defaults(handler=run)


def run(args, cfg) -> int:
    store = open_db(args, cfg)
    try:
        from jagtui.app import JagApp

        JagApp(store, cfg).run()
    finally:
        store.dispose()
    return 0
