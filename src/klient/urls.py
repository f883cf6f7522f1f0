from django.contrib import admin
from django.urls import include, path

from klient.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("notifications/", include("klient.notifications.urls")),
    path("reports/", include("klient.reports.urls")),
    path("collab/", include("klient.collab.urls")),
    path("recovery-tasks/", include("klient.sentiment.urls")),  # issue 17
    path("macros/", include("klient.macros.urls")),
    path("knowledge/", include("klient.knowledge.urls")),
    path("routing/", include("klient.routing.urls")),
    path("callbacks/", include("klient.phone.urls")),  # Callbacks due (issue 14)
    path("promises/", include("klient.promises.urls")),  # one-click confirm (issue 17)
    path("", include("klient.external_calendars.urls")),  # /profile/calendars/… (issue 15)
    path("scheduling/", include("klient.scheduling.urls")),  # Booking types (issue 15)
    path("", include("klient.scheduling.care_urls")),  # /b/<token>/lost-connection, missed
    path("b/", include("klient.scheduling.manage_urls")),  # manage links (issue 15)
    path("book/", include("klient.scheduling.book_urls")),  # public booking page (issue 15)
    # Administrators' settings: mailboxes and quarantine; request forms.
    path("settings/", include("klient.workspace.settings_ops_urls")),
    path("settings/", include("klient.portal.settings_urls")),
    path("settings/", include("klient.webhooks.urls")),  # outgoing webhooks (issue 18)
    # Satisfaction surveys: /survey/<token>/, /settings/csat/, /reports/csat.csv (issue 18).
    path("", include("klient.surveys.urls")),
    path("settings/automations/", include("klient.automations.urls")),  # issue 18
    path("", include("klient.tone.urls")),  # /settings/tone/, the compose box's dismiss (h17)
    path("voice/", include("klient.voice.urls")),  # recurring topics, corrective actions (h17)
    # Settings (/settings/…: teams, agents), the profile, forgot password, invitations.
    path("", include("klient.administration.urls")),
    # The customer portal owns /portal/… and the embeddable request forms /forms/….
    path("", include("klient.portal.urls")),
    path("chat/", include("klient.chat.widget_urls")),  # the chat widget (issue 16)
    path("", include("klient.workspace.urls")),
]
