"""Implementations of the `klient` sub-commands (see cli.py). Each calls actions."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.management import call_command

from klient.core.transactions import entry_point

if TYPE_CHECKING:
    from klient.people.models import Team


class CommandError(Exception):
    """A clear, user-facing failure of a command: printed, exit status 2."""


def _team(name: str) -> Team:
    from klient.people.models import Team

    team = Team.objects.filter(name__iexact=name).first()
    if team is None:
        known = ", ".join(Team.objects.order_by("name").values_list("name", flat=True)) or "none"
        raise CommandError(f"no team named {name!r} (teams: {known})")
    return team


def ensure_migrated() -> None:
    """Bring the schema up to date before a command touches it, so a fresh data directory
    works from its first command. An embedded (SQLite) database belongs to this one
    installation: migrate it quietly. A shared database (PostgreSQL) is migrated on
    purpose, by one `klient migrate` during a deployment: say so and stop."""
    from django.apps import apps
    from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"cannot reach the database: {first_line}") from exc
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return
    if connection.vendor == "sqlite":
        call_command("migrate", interactive=False, verbosity=0)
        return
    # Only Klient's own schema is a reason to stop (it depends on Django's). An optional
    # app's tables (django_rq's dashboard, installed with REDIS_URL) are not.
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("klient")}
    if any(migration.app_label in ours for migration, _backwards in plan):
        raise CommandError("the database is not migrated: run `klient migrate` first")


def cmd_migrate(args: argparse.Namespace) -> int:
    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from klient import serve

    return serve.run(
        host=args.host,
        port=args.port,
        smtp_host=args.smtp_host or args.host,
        smtp_port=None if args.no_smtp else args.smtp_port,
        worker=not args.no_worker,
    )


def cmd_worker(args: argparse.Namespace) -> int:
    from klient.core import worker

    if args.burst:
        print(f"re-drove {worker.drain()} work items")
        return 0
    worker.run_forever()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from klient import demo

    created = demo.seed(force=args.force)
    print("demo data loaded" if created else "demo data already present")
    print(demo.SIGN_IN_HINT)
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    from klient.people.actions import create_team

    try:
        with entry_point():
            team = create_team(args.name, address=args.address, acknowledge=args.acknowledge)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    print(f"team {team.name!r} receives mail at {team.inbound_address}")
    return 0


def cmd_agent(args: argparse.Namespace) -> int:
    from klient.people.actions import create_agent

    teams = [_team(name) for name in args.team]
    try:
        with entry_point():
            user, token = create_agent(
                args.email, name=args.name, teams=teams, admin=args.admin, password=args.password
            )
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    role = "admin" if args.admin else "agent"
    print(
        f"{role} {user.email} created"
        + (f" in {', '.join(t.name for t in teams)}" if teams else "")
    )
    print("API token (shown once):")
    print(token)
    return 0


def cmd_import_mail(args: argparse.Namespace) -> int:
    from klient.mail import importer

    team = _team(args.team) if args.team else None
    try:
        summary = importer.import_path(args.path, team=team, progress=not args.no_progress)
    except importer.ImportPathError as exc:
        raise CommandError(str(exc)) from exc
    print(summary.describe())
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from klient.importers import zendesk

    team = _team(args.team) if args.team else None
    try:
        report = zendesk.import_export(args.path, team=team, progress=not args.no_progress)
    except zendesk.ZendeskExportError as exc:
        raise CommandError(str(exc)) from exc
    print(report.describe())
    return 0


def cmd_imap(args: argparse.Namespace) -> int:
    from klient.mail import imap, mailbox_admin

    if args.action == "add":
        try:
            with entry_point():
                mailbox = mailbox_admin.add_mailbox(
                    team=_team(args.team),
                    host=args.host,
                    port=args.port,
                    use_ssl=not (args.no_ssl or args.starttls),
                    starttls=args.starttls,
                    username=args.user,
                    password=args.password,
                    folder=args.folder,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        print(f"polling {mailbox} for team {args.team}")
        return 0
    results = imap.poll_all()
    for line in results:
        print(line)
    return 0


def cmd_quarantine(args: argparse.Namespace) -> int:
    from klient.mail import actions, queries

    if args.action == "list":
        for item in queries.quarantined_mail():
            print(f"{item.pk}\t{item.received_at:%Y-%m-%d %H:%M}\t{item.source}\t{item.reason}")
        return 0
    if args.action == "discard":
        try:
            with entry_point():
                actions.discard_quarantined(args.id, actor=None, reason=args.reason)
        except actions.InboundMail.DoesNotExist as exc:
            raise CommandError(f"no quarantined mail #{args.id}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        print(f"{args.id}: discarded (its raw source is kept)")
        return 0
    team_id = _team(args.team).pk if args.team else None
    for pk in args.ids:
        try:
            result = actions.retry_quarantined(pk, team_id=team_id)
        except actions.InboundMail.DoesNotExist as exc:
            raise CommandError(f"no quarantined mail #{pk}") from exc
        print(f"{pk}: {result}")
    return 0


def cmd_webhooks(args: argparse.Namespace) -> int:
    from pathlib import Path

    from klient.webhooks import catalogue

    if args.write:
        changed = catalogue.write(Path(args.write))
        print(f"{args.write}: {'catalogue updated' if changed else 'catalogue up to date'}")
        return 0
    if args.check:
        path = Path(args.check)
        text = path.read_text(encoding="utf-8")
        if catalogue.updated(text) != text:
            print(f"{path}: the catalogue is stale; run `klient webhooks catalogue --write {path}`")
            return 1
        print(f"{path}: catalogue up to date")
        return 0
    print(catalogue.markdown())
    return 0


def cmd_customer(args: argparse.Namespace) -> int:
    """`klient customer export EMAIL PATH` and `klient customer erase EMAIL [--yes]`."""
    from klient.privacy import actions
    from klient.privacy.export import counts, write_zip
    from klient.privacy.queries import customer_by_email

    customer = customer_by_email(args.email)
    if customer is None:
        if args.action == "erase":
            print(f"no customer with the address {args.email!r}: nothing to erase")
            return 0
        raise CommandError(f"no customer with the address {args.email!r}")
    if args.action == "export":
        try:
            with open(args.path, "wb") as out:
                data = write_zip(customer, out)
        except OSError as exc:
            raise CommandError(f"cannot write {args.path}: {exc.strerror}") from exc
        with entry_point():
            actions.record_export(customer, actor=None, counts=counts(data))
        print(f"customer {customer.pk}: written to {args.path}")
        return 0
    if not args.yes:
        print(f"customer {customer.pk}: would erase (run again with --yes to erase):")
        for kind, number in actions.preview_customer_erasure(customer).items():
            print(f"  {kind}\t{number}")
        return 0
    with entry_point():
        erased = actions.erase_customer(customer, actor=None)
    print(f"customer {customer.pk}: erased")
    for kind, number in erased.items():
        print(f"  {kind}\t{number}")
    return 0
