"""Workspace benchmark: inbox, conversation page and full-text search server time with
1,000,000 conversations and 5,000,000 messages in PostgreSQL.

    .venv/bin/python bench/workspace.py [--conversations 1000000] [--messages-per 5]
        [--requests 200] [--database klient_bench] [--regenerate]

Creates the database (default `klient_bench` on the server of DATABASE_URL, or
postgres://postgres@127.0.0.1:5432), migrates it, and generates the corpus server-side
(`INSERT … SELECT generate_series`): 10 teams, 40 agents, 200,000 customers, the
conversations in every status over two years (team, status and tags drawn independently,
so no view is empty by construction; each team's mail is in one language, team i in
language i mod 5, as a desk's teams usually split by language; 70% assigned, nearly all to
a member of the conversation's team, 2% to an agent of another team), messages
of 12–40 words drawn from Polish, English, German, French and Ukrainian vocabularies (each
message in its conversation's language), one event per conversation, SLA clocks for the waiting ones
(each its own due time, from 24 hours late to 72 hours ahead), tags on 5%; then
builds the full-text index (a document per conversation; GIN on it, btree on team
and assignee). A second run finds the data and only measures.

Measures server time (Django's test client: middleware, views, queries, templates; no
network) of several inbox views and filters, of conversation pages, and of searches, as
median and 95th percentile over --requests requests each, for an agent of two teams.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

TARGETS_MS = {"inbox": 80, "conversation": 120, "search": 200}

VOCABULARY = {
    "pl": (
        "faktura fakturę faktury zamówienie zamówienia przesyłka paczka reklamacja zwrot "
        "pieniędzy płatność przelew konto hasło logowanie błąd aplikacja telefon karta sim "
        "umowa abonament rachunek dostawa kurier termin proszę dziękuję pozdrawiam dzień "
        "dobry czekam odpowiedź pilne problem nie działa działa sklep produkt uszkodzony "
        "wymiana gwarancja serwis adres numer klienta rabat cena koszt opłata"
    ),
    "en": (
        "invoice invoices order orders parcel delivery refund payment transfer account "
        "password login error app phone sim card contract subscription bill courier date "
        "please thanks regards hello waiting answer urgent problem broken working shop "
        "product damaged replacement warranty repair address customer number discount "
        "price cost charge shipping tracking cancel cancelled"
    ),
    "de": (
        "Rechnung Rechnungen Bestellung Bestellungen Paket Lieferung Erstattung Zahlung "
        "Überweisung Konto Passwort Anmeldung Fehler App Telefon Karte Vertrag Abonnement "
        "Kurier Termin bitte danke Grüße Hallo warte Antwort dringend Problem kaputt "
        "funktioniert Geschäft Produkt beschädigt Ersatz Garantie Reparatur Adresse "
        "Kundennummer Rabatt Preis Kosten Gebühr Versand Sendungsverfolgung storniert"
    ),
    "fr": (
        "facture factures commande commandes colis livraison remboursement paiement "
        "virement compte mot de passe connexion erreur application téléphone carte contrat "
        "abonnement coursier rendez-vous merci cordialement bonjour attends réponse urgent "
        "problème cassé fonctionne boutique produit endommagé remplacement garantie "
        "réparation adresse numéro client remise prix coût frais expédition suivi annulé"
    ),
    "uk": (
        "рахунок рахунки замовлення посилка доставка повернення коштів оплата переказ "
        "акаунт пароль вхід помилка застосунок телефон картка договір підписка кур'єр "
        "термін будь ласка дякую вітаю добрий день чекаю відповідь терміново проблема "
        "зламаний працює магазин товар пошкоджений заміна гарантія ремонт адреса номер "
        "клієнта знижка ціна вартість плата"
    ),
}
SEARCHES = [
    "faktura",
    "Rechnung",
    "рахунок",
    "facture",
    "refund",
    "paczka uszkodzony",
    "Lieferung Fehler",
    "remboursement colis",
    "parcel damaged",
    "gwarancja",
]


def database_url(name: str) -> tuple[str, str]:
    """(the benchmark database's URL, the maintenance database's URL)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlparse(base)
    return urlunparse(parts._replace(path=f"/{name}")), urlunparse(parts._replace(path="/postgres"))


def create_database(name: str, maintenance_url: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def step(label: str):
    class _Step:
        def __enter__(self) -> None:
            self.start = time.perf_counter()
            print(f"  {label} …", end="", flush=True)

        def __exit__(self, *exc: object) -> None:
            print(f" {time.perf_counter() - self.start:.1f} s", flush=True)

    return _Step()


def generate(conversations: int, messages_per: int) -> None:
    from django.db import connection

    from klient.people.actions import create_agent, create_team

    print(f"generating {conversations:,} conversations, {conversations * messages_per:,} messages")
    started = time.perf_counter()
    with step("teams and agents"):
        teams = [create_team(f"Team {i}", address=f"team{i}@bench.example") for i in range(10)]
        for i in range(40):
            create_agent(
                f"agent{i}@bench.example",
                name=f"Agent {i}",
                teams=[teams[i % 10], teams[(i + 1) % 10]],
                languages=["pl", "en"],
            )
        create_agent("admin@bench.example", name="Admin", admin=True)

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    vocab_sql = " UNION ALL ".join(
        f"SELECT '{lang}'::text AS lang, string_to_array({literal(words)}, ' ') AS words"
        for lang, words in VOCABULARY.items()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
        cursor.execute("SET maintenance_work_mem TO '1GB'")
        cursor.execute("SET work_mem TO '256MB'")
        cursor.execute("SELECT min(id), max(id) FROM people_team")
        team_min, _ = cursor.fetchone()
        cursor.execute("SELECT array_agg(user_id ORDER BY user_id) FROM people_agentprofile")
        agents = cursor.fetchone()[0]
        customers = 200_000
        with step("customers and identities"):
            cursor.execute(
                """INSERT INTO people_customer (name, language, time_zone, created_at)
                SELECT 'Customer ' || g, (ARRAY['pl','en','de','fr','uk'])[1 + g %% 5], '',
                       now() - interval '3 years'
                FROM generate_series(1, %s) g""",
                [customers],
            )
            cursor.execute(
                """INSERT INTO people_identity (customer_id, kind, value, verified_at)
                SELECT id, 'email', 'customer' || id || '@mail.example', created_at
                FROM people_customer"""
            )
            cursor.execute("SELECT min(id) FROM people_customer")
            customer_min = cursor.fetchone()[0]
        with step("conversations"):
            cursor.execute(
                f"""WITH vocab AS ({vocab_sql})
                INSERT INTO conversations_conversation (
                    subject, status, priority, channel, language, team_id, customer_id,
                    assignee_id, created_at, updated_at, waiting_since, last_acknowledged_at)
                SELECT
                    initcap(v.words[1 + (g * 7) %% array_length(v.words, 1)]) || ' '
                        || v.words[1 + (g * 13) %% array_length(v.words, 1)] || ' '
                        || v.words[1 + (g * 31) %% array_length(v.words, 1)],
                    s.status,
                    (ARRAY['low','normal','normal','normal','high','urgent'])[1 + g %% 6],
                    (ARRAY['email','email','email','web','chat','phone'])[1 + g %% 6],
                    v.lang,
                    %s + g %% 10,
                    %s + g %% %s,
                    -- 30 per cent unassigned, 2 per cent to anyone (a colleague of another team
                    -- helping out); the others to one of the 8 members of the team (agent
                    -- i belongs to teams i mod 10 and i + 1 mod 10).
                    CASE WHEN (g / 10) %% 10 < 3 THEN NULL
                         WHEN (g / 10) %% 50 = 7 THEN (%s::int[])[1 + (g / 10) %% 40]
                         ELSE (%s::int[])[1 + ((g %% 10 - (g / 100) %% 2 + 10) %% 10)
                                          + 10 * ((g / 1000) %% 4)] END,
                    t.at - interval '3 days',
                    t.at,
                    CASE WHEN s.status IN ('new', 'open') AND g %% 3 <> 0 THEN t.at END,
                    NULL
                FROM generate_series(1, %s) g
                CROSS JOIN LATERAL (
                    SELECT now() - (random() * interval '730 days') AS at) t
                CROSS JOIN LATERAL (
                    -- A hash of g: independent of the team (g mod 10) and the assignee.
                    SELECT (ARRAY['new','open','open','pending','on_hold','solved','solved',
                                  'solved','closed','closed'])[
                        1 + mod(abs(hashtext(g::text)::bigint), 10)] AS status) s
                JOIN vocab v ON v.lang = (ARRAY['pl','en','de','fr','uk'])[1 + g %% 5]""",
                [team_min, customer_min, customers, agents, agents, conversations],
            )
        with step("messages (with their text)"):
            cursor.execute(
                f"""WITH vocab AS ({vocab_sql})
                INSERT INTO conversations_message (
                    conversation_id, kind, sender, author_id, from_address, from_name, "to", cc,
                    subject, body_text, new_text, body_html, raw_blob, message_id, in_reply_to,
                    "references", language, is_auto_reply, is_bounce, is_bulk,
                    has_remote_images, created_at)
                SELECT c.id,
                    CASE WHEN k %% 2 = 1 THEN 'inbound' ELSE 'outbound' END,
                    CASE WHEN k %% 2 = 1 THEN 'customer' ELSE 'agent' END,
                    CASE WHEN k %% 2 = 1 THEN NULL ELSE c.assignee_id END,
                    'customer' || c.customer_id || '@mail.example', '', '[]', '[]',
                    CASE WHEN k = 1 THEN c.subject ELSE 'Re: ' || c.subject END,
                    txt.body, txt.body, '', '', NULL, '', '', c.language,
                    false, false, false, false,
                    c.created_at + k * interval '5 hours'
                FROM conversations_conversation c
                JOIN vocab v ON v.lang = c.language
                CROSS JOIN generate_series(1, %s) k
                CROSS JOIN LATERAL (
                    SELECT array_to_string(ARRAY(
                        SELECT v.words[1 + floor(random() * array_length(v.words, 1))::int]
                        FROM generate_series(1, 12 + (c.id + k) %% 29)
                    ), ' ') AS body
                ) txt""",
                [messages_per],
            )
        with step("events"):
            cursor.execute(
                """INSERT INTO core_event (conversation_id, actor_id, actor_label, kind, data, at)
                SELECT id, NULL, 'customer', 'conversation.created',
                       jsonb_build_object('channel', channel, 'team', team_id), created_at
                FROM conversations_conversation"""
            )
            cursor.execute(
                """INSERT INTO core_event (conversation_id, actor_id, actor_label, kind, data, at)
                SELECT conversation_id, author_id, from_address,
                       CASE WHEN kind = 'inbound' THEN 'message.received'
                            ELSE 'message.outbound_queued' END,
                       jsonb_build_object('message', id), created_at
                FROM conversations_message"""
            )
        with step("SLA clocks of waiting conversations"):
            cursor.execute(
                """INSERT INTO sla_conversationsla (
                    conversation_id, started_at, due_at, paused, pause_seconds, stopped,
                    breached, emitted, next_due_at, computed_at)
                SELECT id, waiting_since, d.due, false, 0, false,
                       CASE WHEN d.due < now() THEN '["first_reply"]'::jsonb ELSE '[]'::jsonb END,
                       '[]'::jsonb, d.due, now()
                FROM conversations_conversation
                -- `id` makes the subquery correlated, so each clock draws its own due time
                -- (an uncorrelated one runs once: every clock would share one due time).
                CROSS JOIN LATERAL (
                    SELECT now() + (random() * 96 - 24 + 0 * id) * interval '1 hour' AS due) d
                WHERE waiting_since IS NOT NULL AND id % 4 <> 0"""
            )
        with step("tags"):
            cursor.execute(
                "INSERT INTO conversations_tag (name) VALUES ('vip'), ('refund'), ('bug')"
            )
            cursor.execute(
                """INSERT INTO conversations_conversation_tags (conversation_id, tag_id)
                SELECT c.id, t.id FROM conversations_conversation c
                JOIN conversations_tag t ON t.name = (ARRAY['vip','refund','bug'])[1 + c.id % 3]
                WHERE (c.id / 10) % 20 = 0"""
            )
        with step("full-text index (a document per conversation, then GIN and btree)"):
            indexes = {
                "conversations_search_document": "USING GIN (document)",
                "conversations_search_team": "(team_id)",
                "conversations_search_assignee": "(assignee_id)",
            }
            for name in indexes:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            from klient.conversations.search import rebuild_index

            rebuild_index()
            for name, how in indexes.items():
                cursor.execute(f"CREATE INDEX {name} ON conversations_search {how}")
        with step("analyze"):
            cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)


def measure(label: str, client, urls: list[str], timings: dict[str, list[float]]) -> None:
    for url in urls[:5]:  # warm-up
        client.get(url)
    samples = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    timings[label] = samples


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--messages-per", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", default="klient_bench")
    parser.add_argument("--regenerate", action="store_true", help="drop and generate again")
    args = parser.parse_args()

    url, maintenance = database_url(args.database)
    if args.regenerate:
        import psycopg

        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
    create_database(args.database, maintenance)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from klient.conversations.models import Conversation, Message

    have = Conversation.objects.count()
    if have < args.conversations:
        if have:
            raise SystemExit(f"{args.database} holds {have:,} conversations: use --regenerate")
        generate(args.conversations, args.messages_per)
    conversations = Conversation.objects.count()
    messages = Message.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"corpus: {conversations:,} conversations, {messages:,} messages ({version})")

    agent = get_user_model().objects.get(username="agent3@bench.example")
    client = Client()
    client.force_login(agent)
    rng = random.Random(1)
    n = args.requests
    timings: dict[str, list[float]] = {}
    inbox_views = [
        "?view=open",
        "?view=mine",
        "?view=teams",
        "?view=unassigned",
        "?view=waiting",
        "?view=pending",
        "?view=solved",
        "?view=breaching",
        "?view=breached",
        "?view=all&language=de",
        "?view=all&tag=vip",
        "?view=all&channel=chat",
        # Sorts other than a view's default (issue 12): by priority (a CASE, no index) and
        # Open by newest activity (its order before "waiting longest").
        "?view=open&sort=priority",
        "?view=open&sort=newest",
    ]
    for query in inbox_views:
        measure(f"inbox {query}", client, ["/" + query] * n, timings)
    # Deep pages: follow the cursor of the first page of the main view.
    first = client.get("/?view=teams").content.decode()
    older = re.search(r'href="([^"]+)" rel="next"', first)
    if older:
        measure(
            "inbox ?view=teams page 2",
            client,
            ["/" + older.group(1).replace("&amp;", "&")] * n,
            timings,
        )
    # The tabs' counts, which the page fetches after it is shown (issue 12): ten views
    # counted up to 100 each, with the page's filters.
    for query in ("?view=open", "?view=all&tag=vip", "?view=all&language=de"):
        measure(f"tab counts {query}", client, [f"/{query}&partial=counts"] * n, timings)
    from klient.conversations.access import conversations_in_scope

    pks = list(conversations_in_scope(agent).values_list("pk", flat=True)[::997][: n * 2])
    refs = [Conversation(pk=pk).reference for pk in rng.sample(pks, min(n, len(pks)))]
    measure("conversation page", client, [f"/c/{ref}/" for ref in refs], timings)
    searches = [SEARCHES[i % len(SEARCHES)] for i in range(n)]
    measure(
        "search (inbox ?view=all&q=…)", client, [f"/?view=all&q={q}" for q in searches], timings
    )
    measure(
        "search (inbox ?view=open&q=…)", client, [f"/?view=open&q={q}" for q in searches], timings
    )

    print(f"\n{'what':<36} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
    for label, samples in timings.items():
        print(
            f"{label:<36} {len(samples):>8} {statistics.median(samples):>10.1f}"
            f" {percentile(samples, 95):>8.1f}"
        )
    inbox_all = [s for label, v in timings.items() if label.startswith("inbox") for s in v]
    search_all = [s for label, v in timings.items() if label.startswith("search") for s in v]
    counts_all = [s for label, v in timings.items() if label.startswith("tab counts") for s in v]
    summary = {
        "inbox": inbox_all,
        "tab counts": counts_all,
        "conversation": timings["conversation page"],
        "search": search_all,
    }
    print()
    for name, samples in summary.items():
        p95 = percentile(samples, 95)
        target = TARGETS_MS.get(name)
        verdict = (
            "no target: fetched after the page is shown"
            if target is None
            else f"target p95 < {target} ms: {'ok' if p95 < target else 'OVER TARGET'}"
        )
        print(
            f"{name:<13} median {statistics.median(samples):6.1f} ms  p95 {p95:6.1f} ms"
            f"  ({verdict})"
        )


if __name__ == "__main__":
    main()
