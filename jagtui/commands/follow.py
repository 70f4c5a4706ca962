"""``jagtui follow``: the running meeting, live and read-only (``jagtui.screens.follow``)."""

from __future__ import annotations

from jagtui.commands.common import CliError, open_session

HELP = "follow the running meeting live (read-only); send the chair your update"


def register(sub, common) -> None:
    parser = sub.add_parser("follow", parents=[common], help=HELP,
                            description="Follow the meeting in progress as the chair runs it: "
                            "the item being discussed, its notes, decisions and actions, within "
                            "a second. u sends your agency's update on the item, c a correction; "
                            "the chair accepts or declines each. Esc leaves.")
    parser.add_argument("--meeting", type=int, metavar="ID",
                        help="the meeting to follow (default: the one in progress)")
    parser.set_defaults(handler=run)


def run(args, cfg) -> int:
    store, user = open_session(args, cfg, "view")
    try:
        from jagtui.commands.run import announce
        from jagtui.identity import connected_from
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

        app = follow_app(store, cfg, user.role, user.display_name, args.meeting)
        app.startup_warnings = announce(sqlite_path(store.engine.url.render_as_string()),
                                        cfg.exports.directory)
        app.run()
    finally:
        store.dispose()
    return app.return_code or 0


def follow_app(store, cfg, role: str, user_name: str, meeting_id: int | None):
    """The app for ``jagtui follow``: the follow view on its own; leaving it (Esc, its
    footer's "Leave") ends the session, as the user asked for the follow view, not the app."""
    # Imported here, as in ``run``: ``jagtui --help`` and argument errors load no Textual.
    from jagtui.app import JagApp
    from jagtui.screens.follow import FollowScreen

    class FollowApp(JagApp):
        DEFAULT_MODE = "meeting"

        def on_mount(self) -> None:
            self.push_screen(FollowScreen(meeting_id), lambda _left: self.exit())

    return FollowApp(store, cfg, role=role, user_name=user_name)
