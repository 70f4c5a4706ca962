"""``jagtui`` / ``jagtui run``: open the app as the registered user."""

from __future__ import annotations

import sys

from jagtui.commands.common import open_session


def register(sub, common) -> None:
    parser = sub.add_parser("run", parents=[common], help="open the app (the default)")
    parser.set_defaults(handler=run)


def run(args, cfg) -> int:
    store, user = open_session(args, cfg, "view")
    try:
        from jagtui.app import JagApp
        from jagtui.identity import connected_from
        from jagtui.store.db import sqlite_path
        from jagtui.store.privileges import startup_warning
        from jagtui.store.users import record_login

        with store.write() as session:
            record_login(session, user, connected_from())
        app = JagApp(store, cfg, role=user.role, user_name=user.display_name)
        app.startup_warnings = announce(sqlite_path(store.engine.url.render_as_string()),
                                        cfg.exports.directory)
        # Running as the owner or a superuser, the app's own login could rewrite the trail.
        exposed = startup_warning(store.engine)
        if exposed:
            print(f"jagtui: warning: {exposed}", file=sys.stderr)
            app.startup_notices = [("Audit trail at risk", exposed)]
        app.run()
    finally:
        store.dispose()
    # 128 + the signal number after a hang-up or SIGTERM (jagtui.screens.lifecycle).
    return app.return_code or 0


def announce(db_path, exports_directory: str) -> list[str]:
    """Print each start-up warning (file modes) as one line on stderr; returns them for the app."""
    from jagtui.files import startup_warnings

    found = startup_warnings(db_path, exports_directory)
    for line in found:
        print(f"jagtui: warning: {line}", file=sys.stderr)
    return found
