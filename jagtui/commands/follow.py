"""``jagtui follow``: the running meeting, live and read-only (``jagtui.screens.follow``)."""

from __future__ import annotations

from jagtui.commands.common import CliError, open_session

HELP = "follow the running meeting live (read-only); send the chair your update"


def register(sub, common) -> None:
    parser = sub.add_parser("follow", parents=[common], help=HELP,
                            description="Follow the meeting in progress as the chair runs it: "
                            "the item being discussed, its notes, decisions and actions, within "
                            "a second. u sends your agency's update on the item, c a correction; "
                            "the chair accepts or declines each. Esc leaves for the app.")
    parser.add_argument("--meeting", type=int, metavar="ID",
                        help="the meeting to follow (default: the one in progress)")
    parser.set_defaults(handler=run)


def run(args, cfg) -> int:
    store, user = open_session(args, cfg, "view")
    try:
        from jagtui.app import JagApp
        from jagtui.commands.run import announce
        from jagtui.identity import connected_from
        from jagtui.screens.follow import FollowScreen
        from jagtui.store import meetings
        from jagtui.store.db import sqlite_path
        from jagtui.store.errors import NotFound
        from jagtui.store.users import record_login

        if args.meeting is not None:
            with store.read() as session:
                try:
                    meetings.get_meeting(session, args.meeting)
                except NotFound:
                    raise CliError(f"No meeting with id {args.meeting}") from None
        with store.write() as session:
            record_login(session, user, connected_from())

        class FollowApp(JagApp):
            """The app, opened on the meetings list with the followed meeting over it."""

            DEFAULT_MODE = "meeting"

            def on_mount(self) -> None:
                self.push_screen(FollowScreen(args.meeting))

        app = FollowApp(store, cfg, role=user.role, user_name=user.display_name)
        app.startup_warnings = announce(sqlite_path(store.engine.url.render_as_string()),
                                        cfg.exports.directory)
        app.run()
    finally:
        store.dispose()
    return app.return_code or 0
