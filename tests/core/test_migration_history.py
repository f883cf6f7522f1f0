"""A database at the last release (6c33e24) upgrades by running only the migrations that
came after it: the squashed ones stand for what it already applied (decision 0014)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

# Every Klient migration of the release, and what Django's own apps had applied with them.
RELEASED = [
    ("collab", "0001_initial"),
    ("conversations", "0001_initial"),
    ("conversations", "0002_tag_conversation_tags"),
    ("conversations", "0003_search"),
    ("conversations", "0004_conversation_merged_into"),
    ("conversations", "0005_waiting_index"),
    ("conversations", "0006_search_per_conversation"),
    ("conversations", "0007_team_language_index"),
    ("core", "0001_initial"),
    ("core", "0002_pendingevent"),
    ("knowledge", "0001_initial"),
    ("macros", "0001_initial"),
    ("mail", "0001_initial"),
    ("mail", "0002_seal_imap_passwords"),
    ("notifications", "0001_initial"),
    ("people", "0001_initial"),
    ("people", "0002_team_lead"),
    ("portal", "0001_initial"),
    ("sla", "0001_initial"),
    ("sla", "0002_escalationstep"),
    ("sla", "0003_pendingescalation"),
    ("sla", "0004_report_index"),
    ("sla", "0005_outcomes"),
]
ADDED_SINCE = {
    ("calendars", "0001_working_hours"),
    ("conversations", "0008_delivery_updated_at"),
    ("conversations", "0009_agent_drafts"),
    ("conversations", "0010_agent_uploads"),
    ("conversations", "0011_note_wording"),
    ("conversations", "0012_read_markers"),
    ("conversations", "0013_inbox_sort_indexes"),
    ("conversations", "0014_message_auto_score"),
    ("conversations", "0015_automatic_conversations_and_awaited_messages"),
    ("mail", "0003_imap_mailbox_lease"),
    ("notifications", "0002_notification_params"),
    ("mail", "0004_mailbox_settings_and_discarded_mail"),
    ("people", "0003_endpoints_identities_and_absences"),
    ("people", "0004_email_endpoints_for_teams"),
    ("people", "0005_agent_language_and_signatures"),
    ("people", "0006_account_emails"),
    ("people", "0007_agent_browser_language"),
    ("people", "0008_owners_skills_capacity_status"),
    ("routing", "0001_initial"),
    ("sla", "0006_business_hours_moved_and_policy_kinds_split"),
    ("sla", "0007_answer_and_solve_outcomes"),
    ("phone", "0001_initial"),
    ("phone", "0002_callback_source_form"),
    ("portal", "0002_formfield_kind_callback"),
}


@pytest.mark.django_db
def test_a_database_at_the_last_release_runs_only_what_came_after(monkeypatch):
    klient_apps = {app for app, _ in RELEASED} | {app for app, _ in ADDED_SINCE}
    recorded = MigrationRecorder(connection).applied_migrations()
    django_own = {key: value for key, value in recorded.items() if key[0] not in klient_apps}
    at_release = {**django_own, **dict.fromkeys(RELEASED)}
    monkeypatch.setattr(MigrationRecorder, "applied_migrations", lambda self: at_release)

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())

    assert {(m.app_label, m.name) for m, _backwards in plan} == ADDED_SINCE
    squashed = {key for key, m in executor.loader.disk_migrations.items() if m.replaces}
    assert squashed <= set(executor.loader.applied_migrations)
