"""``hallmark keys create --role R [--name N] | list | revoke ID`` — API keys of the compliance API.

Uses the API's database (``DATABASE_URL`` or ``HALLMARK_DB``), migrating it first.
``create`` prints the key once: only its sha256 is stored.
"""

from __future__ import annotations

import argparse
import os
import sys

ROLES = ("submitter", "reviewer", "drafter", "admin")


def run(args: argparse.Namespace) -> int:
    from api.settings import Settings
    from api.store import Store

    env = dict(os.environ)
    if args.db:
        env.update(HALLMARK_DB=args.db, DATABASE_URL="")
    store = Store(Settings.from_env(env).database_url)
    try:
        store.migrate()
        if args.action == "create":
            key_id, secret = store.create_key(args.role, args.name or f"{args.role} key")
            print(secret)
            print(f"hallmark: key {key_id} ({args.role}) created; it is shown only now", file=sys.stderr)
            return 0
        if args.action == "list":
            for k in store.list_keys():
                state = f"revoked {k['revoked_at']}" if k["revoked_at"] else "active"
                print(f"{k['id']}  {k['role']:<9}  {k['created_at']}  {state:<10}  {k['name']}")
            return 0
        if not args.key_id:
            print("hallmark: usage_error: keys revoke needs a key id", file=sys.stderr)
            return 2
        if not store.revoke_key(args.key_id):
            print(f"hallmark: no active key {args.key_id}", file=sys.stderr)
            return 1
        print(f"hallmark: key {args.key_id} revoked", file=sys.stderr)
        return 0
    finally:
        store.dispose()


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    k = sub.add_parser("keys", help="API keys of the compliance API: create --role R | list | revoke ID")
    k.add_argument("action", choices=("create", "list", "revoke"))
    k.add_argument("key_id", nargs="?", help="revoke: the key's id (kxxxxxxxxxxxx)")
    k.add_argument("--role", choices=ROLES, default="submitter", help="create: the key's role (default submitter)")
    k.add_argument("--name", default="", help="create: who or what the key is for")
    k.add_argument("--db", help="SQLite file (default $HALLMARK_DB or ./hallmark.sqlite; DATABASE_URL wins)")
    k.set_defaults(func=run)
