"""``jagtui users add|list|enable|disable|role``: who may use jagtui, and as what.

Admins only, with one exception so a new database can be set up: while the
users table is empty, whoever can write the database may add the first user,
and that user must be an admin.
"""

from __future__ import annotations

from jagtui.access import ROLES
from jagtui.commands.common import CliError, authorise, open_unchecked


def register(sub, common) -> None:
    parser = sub.add_parser("users", help="who may use jagtui (admins)")
    actions = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="register a login")
    add.add_argument("login", help="the operating-system login")
    add.add_argument("--name", help="display name (default: the login's full name on this server)")
    add.add_argument("--agency", default="", help="agency key from config")
    add.add_argument("--role", choices=ROLES,
                     help="role (default: member; the first user must be, and is, admin)")
    actions.add_parser("list", parents=[common], help="list users")
    for verb, does in (("enable", "let a disabled login in again"),
                       ("disable", "shut a login out")):
        action = actions.add_parser(verb, parents=[common], help=does)
        action.add_argument("login")
    role = actions.add_parser("role", parents=[common], help="change a user's role")
    role.add_argument("login")
    role.add_argument("role", choices=ROLES)
    parser.set_defaults(handler=users_command)


def users_command(args, cfg) -> int:
    from jagtui.display import visible
    from jagtui.store import users

    store = open_unchecked(args, cfg)
    try:
        if args.users_command == "list":
            with store.read() as session:
                if users.count_users(session) == 0:
                    raise CliError("No users yet: add the first one, an admin, with "
                                   "`jagtui users add LOGIN`")
                authorise(session, "admin")
                for user in users.list_users(session):
                    state = "active" if user.active else "disabled"
                    print("\t".join(visible(value) for value in (
                        user.login, user.role, state, user.agency, user.display_name)))
            return 0
        with store.write() as session:
            # Checked inside the write transaction, so two people cannot both
            # take the "first user" route at once.
            first = users.count_users(session) == 0
            if first and args.users_command != "add":
                raise CliError("No users yet: add the first one, an admin, with "
                               "`jagtui users add LOGIN`")
            if not first:
                authorise(session, "admin")
            if args.users_command == "add":
                print(_add(session, args, first, cfg))
            elif args.users_command in ("enable", "disable"):
                users.set_active(session, args.login, args.users_command == "enable")
                print(f"{args.users_command.capitalize()}d {args.login}")
            else:
                users.set_role(session, args.login, args.role)
                print(f"{args.login} is now {args.role}")
    finally:
        store.dispose()
    return 0


def _add(session, args, first: bool, cfg) -> str:
    from jagtui.identity import display_name_of, is_system_login
    from jagtui.store import users

    role = args.role or ("admin" if first else "member")
    if first and role != "admin":
        raise CliError("The first user must be an admin (they add everyone else): "
                       "use --role admin or leave --role out")
    known = [agency.key for agency in cfg.agencies]
    if args.agency and args.agency not in known:
        raise CliError(f"Unknown agency {args.agency!r}: use one of {', '.join(known)} "
                       "(the [[agencies]] keys in config.toml)")
    users.add_user(session, args.login, args.name or display_name_of(args.login), args.agency, role)
    note = " (the first user is always an admin)" if first else ""
    if not is_system_login(args.login):
        note += f"; note: {args.login} has no account on this server yet"
    return f"Added {args.login} as {role}{note}"
