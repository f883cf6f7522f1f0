"""/settings/mailboxes/… and /settings/quarantine/… (administrators)."""

from django.urls import path

from . import settings_ops as views

app_name = "ops_settings"
urlpatterns = [
    path("mailboxes/", views.mailbox_list, name="mailboxes"),
    path("mailboxes/new/", views.mailbox_edit, name="mailbox_new"),
    path("mailboxes/new/test/", views.mailbox_test, name="mailbox_new_test"),
    path("mailboxes/<int:pk>/", views.mailbox_edit, name="mailbox"),
    path("mailboxes/<int:pk>/test/", views.mailbox_test, name="mailbox_test"),
    path("mailboxes/<int:pk>/active/", views.mailbox_active, name="mailbox_active"),
    path("mailboxes/<int:pk>/delete/", views.mailbox_delete, name="mailbox_delete"),
    path("quarantine/", views.quarantine_list, name="quarantine"),
    path("quarantine/<int:pk>/", views.quarantine_detail, name="quarantine_detail"),
    path("quarantine/<int:pk>/raw/", views.quarantine_raw, name="quarantine_raw"),
    path("quarantine/<int:pk>/retry/", views.quarantine_retry, name="quarantine_retry"),
    path("quarantine/<int:pk>/discard/", views.quarantine_discard, name="quarantine_discard"),
]
