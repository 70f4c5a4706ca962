"""``jagtui users add|list|disable|role``: who may use jagtui, and as what."""

from __future__ import annotations

from jagtui.commands.common import open_db
from jagtui.store.models import ROLES


def register(sub, common) -> None:
    parser = sub.add_parser("users", help="who may use jagtui")
    actions = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="register a login")
    add.add_argument("login")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--agency", default="", help="agency key from config")
    add.add_argument("--role", default="member", choices=ROLES)
    actions.add_parser("list", parents=[common], help="list users")
    disable = actions.add_parser("disable", parents=[common], help="disable a login")
    disable.add_argument("login")
    role = actions.add_parser("role", parents=[common], help="change a user's role")
    role.add_argument("login")
    role.add_argument("role", choices=ROLES)
    parser.set_defaults(handler=users_command)


def users_command(args, cfg) -> int:
    from jagtui.store import users

    store = open_db(args, cfg)
    try:
        if args.users_command == "list":
            with store.read() as session:
                for user in users.list_users(session):
                    state = "active" if user.active else "disabled"
                    print(f"{user.login}\t{user.role}\t{state}\t{user.agency}\t{user.display_name}")
            return 0
        with store.write() as session:
            if args.users_command == "add":
                users.add_user(session, args.login, args.name, args.agency, args.role)
                print(f"Added {args.login} as {args.role}")
            elif args.users_command == "disable":
                users.set_active(session, args.login, False)
                print(f"Disabled {args.login}")
            else:
                users.set_role(session, args.login, args.role)
                print(f"{args.login} is now {args.role}")
    finally:
        store.dispose()
    return 0
