"""The `klient` command. Thin: parses arguments and calls actions.

Sub-commands: serve, worker, migrate, demo, team add, agent add, import-mail, import zendesk,
imap add, imap poll, quarantine list, quarantine retry, quarantine discard."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    import django

    django.setup()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="klient", description="Klient customer-care desk")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web app, SMTP listener and worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--smtp-port", type=int, default=2525)
    serve.add_argument("--smtp-host", default=None, help="defaults to --host")
    serve.add_argument("--no-worker", action="store_true", help="web (and SMTP) only")
    serve.add_argument("--no-smtp", action="store_true", help="do not listen for SMTP")

    worker = sub.add_parser("worker", help="run a task worker and the sweeper")
    worker.add_argument("--burst", action="store_true", help="drain due work, then exit")

    sub.add_parser("migrate", help="apply database migrations")

    demo = sub.add_parser("demo", help="load demo teams, agents and conversations")
    demo.add_argument("--force", action="store_true", help="even if data exists")

    team = sub.add_parser("team", help="manage teams").add_subparsers(dest="action", required=True)
    team_add = team.add_parser("add", help="create a team with an inbound address")
    team_add.add_argument("name")
    team_add.add_argument("--address", required=True)
    team_add.add_argument(
        "--acknowledge",
        action="store_true",
        help="send an automatic acknowledgement (once a day at most)",
    )

    agent = sub.add_parser("agent", help="manage agents").add_subparsers(
        dest="action", required=True
    )
    agent_add = agent.add_parser("add", help="create an agent; prints its API token last")
    agent_add.add_argument("email")
    agent_add.add_argument("--name", default="")
    agent_add.add_argument("--team", action="append", default=[], help="team name (repeatable)")
    agent_add.add_argument("--admin", action="store_true")
    agent_add.add_argument("--password", default=None, help="web sign-in password")

    imp = sub.add_parser("import-mail", help="import a folder of .eml files, an mbox or a Maildir")
    imp.add_argument("path")
    imp.add_argument("--team", default=None, help="team name (default: from the recipients)")
    imp.add_argument("--no-progress", action="store_true")

    importing = sub.add_parser("import", help="move in from another help desk").add_subparsers(
        dest="source", required=True
    )
    zendesk = importing.add_parser(
        "zendesk", help="a folder of Zendesk JSON exports (resumable: rerun after a stop)"
    )
    zendesk.add_argument("path", help="folder with tickets.json, users.json, organizations.json")
    zendesk.add_argument("--team", default=None, help="team name (default: the first team)")
    zendesk.add_argument("--no-progress", action="store_true")

    imap = sub.add_parser("imap", help="IMAP mailboxes").add_subparsers(
        dest="action", required=True
    )
    imap_add = imap.add_parser("add", help="poll an IMAP mailbox for a team")
    imap_add.add_argument("--team", required=True)
    imap_add.add_argument("--host", required=True)
    imap_add.add_argument("--port", type=int, default=993)
    imap_add.add_argument("--no-ssl", action="store_true", help="plain text (trusted networks)")
    imap_add.add_argument(
        "--starttls", action="store_true", help="upgrade a plain connection (port 143) to TLS"
    )
    imap_add.add_argument("--user", required=True)
    imap_add.add_argument("--password", required=True)
    imap_add.add_argument("--folder", default="INBOX")
    imap.add_parser("poll", help="poll every mailbox once")

    quarantine = sub.add_parser("quarantine", help="mail that could not be processed")
    qsub = quarantine.add_subparsers(dest="action", required=True)
    qsub.add_parser("list")
    qretry = qsub.add_parser("retry")
    qretry.add_argument("ids", nargs="+", type=int)
    qretry.add_argument("--team", default=None, help="deliver to this team (when none did)")
    qdiscard = qsub.add_parser("discard", help="give up on one, saying why (its source is kept)")
    qdiscard.add_argument("id", type=int)
    qdiscard.add_argument("--reason", required=True)

    webhooks = sub.add_parser("webhooks", help="outgoing webhooks").add_subparsers(
        dest="action", required=True
    )
    wcat = webhooks.add_parser(
        "catalogue", help="the event types webhooks can subscribe to, as markdown"
    )
    wcat.add_argument("--write", metavar="PATH", help="update the catalogue section of PATH")
    wcat.add_argument("--check", metavar="PATH", help="exit 1 if PATH's catalogue is stale")
    customer = sub.add_parser("customer", help="a customer's data: export or erase")
    csub = customer.add_subparsers(dest="action", required=True)
    cexport = csub.add_parser("export", help="write everything Klient holds about them as a zip")
    cexport.add_argument("email")
    cexport.add_argument("path")
    cerase = csub.add_parser("erase", help="erase their personal data (without --yes: preview)")
    cerase.add_argument("email")
    cerase.add_argument("--yes", action="store_true", help="erase; without it nothing changes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_django()
    from klient import commands

    handler = getattr(commands, f"cmd_{args.command.replace('-', '_')}")
    try:
        if args.command != "migrate":
            commands.ensure_migrated()
        return int(handler(args) or 0)
    except commands.CommandError as exc:
        print(f"klient: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
