"""Command line for the operator: ``python -m csc_dash users add|list|remove|unlock``.

Staff accounts only; participants never need one. Passwords are typed twice and never echoed
(or read from standard input with ``--password-stdin`` for scripts) and stored bcrypt-hashed.

Exit codes: 0 done, 1 refused (a plain message says why), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from csc_dash import auth, sign_ins
from csc_dash.workshop import store

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

MSG_MISMATCH = "The two passwords are not the same. Nothing was changed."
MSG_NO_PASSWORD = "No password was given on standard input. Nothing was changed."  # noqa: S105
MSG_NO_USERS = "There are no staff accounts yet, so the app runs in local demo mode."
MSG_CANCELLED = "Cancelled. Nothing was changed."
MSG_UNLOCKED = "Sign-in for {name} is open again ({count} failed attempts forgotten)."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m csc_dash", description="Manage csc-dash staff accounts."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users", help="staff accounts (facilitator, analyst, admin)")
    actions = users.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", help="add a staff account")
    add.add_argument("name", help="user name used to sign in (small letters, digits, . _ -)")
    add.add_argument("--role", required=True, choices=auth.ROLES)
    add.add_argument("--email", default=None)
    add.add_argument("--display-name", default=None, help="name shown in the app")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )

    actions.add_parser("list", help="list staff accounts (never shows passwords)")

    remove = actions.add_parser("remove", help="remove a staff account")
    remove.add_argument("name")

    unlock = actions.add_parser(
        "unlock", help="forget a user name's failed sign-ins, so it may sign in at once"
    )
    unlock.add_argument("name")
    return parser


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise auth.AccountError(MSG_NO_PASSWORD)
        return line
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Type the password again: ")
    if first != second:
        raise auth.AccountError(MSG_MISMATCH)
    return first


def _users(args: argparse.Namespace) -> int:
    path = auth.users_file()
    if args.action == "add":
        password = _read_password(args.password_stdin)
        user = auth.add_user(
            args.name, password, role=args.role, email=args.email, name=args.display_name
        )
        print(f"Added {user.username} ({', '.join(user.roles)}) to {path}.")
        if auth.cookie_key_problem(auth.cookie_key()):
            print(auth.cookie_key_problem(auth.cookie_key()))
        return EXIT_OK
    if args.action == "list":
        users = auth.list_users()
        if not users:
            print(MSG_NO_USERS)
            return EXIT_OK
        for user in users:
            email = f" <{user.email}>" if user.email else ""
            print(f"{user.username}\t{', '.join(user.roles)}\t{user.name}{email}")
        return EXIT_OK
    if args.action == "remove":
        auth.remove_user(args.name)
        print(f"Removed {args.name.strip().lower()} from {path}.")
        return EXIT_OK
    if args.action == "unlock":
        engine = store.make_engine()
        try:
            count = sign_ins.unlock(engine, args.name)
        finally:
            engine.dispose()
        print(MSG_UNLOCKED.format(name=sign_ins.sign_in_key(args.name), count=count))
        return EXIT_OK
    return EXIT_USAGE  # pragma: no cover - argparse enforces the choices


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "users":
            return _users(args)
    except auth.AccountError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except RuntimeError as exc:  # the store: StoreUnavailable, SchemaVersionError
        if not isinstance(exc, store.StoreUnavailable | store.SchemaVersionError):
            raise
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except (KeyboardInterrupt, EOFError):
        print("\n" + MSG_CANCELLED, file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_USAGE  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
