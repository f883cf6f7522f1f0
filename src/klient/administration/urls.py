from django.urls import path

from . import account_views, routing_views, settings_views

app_name = "administration"
urlpatterns = [
    # The settings (administrators): /settings/…
    path("settings/", settings_views.index, name="settings"),
    path("settings/teams/", settings_views.teams, name="teams"),
    path("settings/teams/new/", settings_views.team_edit, name="team_new"),
    path("settings/teams/<int:pk>/", settings_views.team_edit, name="team"),
    path("settings/agents/", settings_views.agents, name="agents"),
    path("settings/agents/invite/", settings_views.agent_invite, name="agent_invite"),
    path("settings/agents/<int:pk>/", settings_views.agent_edit, name="agent"),
    path("settings/agents/<int:pk>/active/", settings_views.agent_active, name="agent_active"),
    path(
        "settings/agents/<int:pk>/invitation/",
        settings_views.agent_reinvite,
        name="agent_reinvite",
    ),
    # Every agent's own account.
    path("profile/", account_views.profile, name="profile"),
    path("profile/password/", account_views.change_password, name="change_password"),
    path("profile/token/", account_views.new_token, name="new_token"),
    # Absences with a substitute, and routing (issue 14).
    path("profile/absences/", routing_views.absences, name="absences"),
    path("settings/agents/<int:pk>/absences/", routing_views.absences, name="agent_absences"),
    path(
        "settings/agents/<int:pk>/absences/<int:absence_id>/delete/",
        routing_views.absence_delete,
        name="absence_delete",
    ),
    path("settings/routing/", routing_views.routing_settings, name="routing"),
    path("settings/routing/rules/<int:pk>/delete/", routing_views.rule_delete, name="rule_delete"),
    path("settings/routing/rules/<int:pk>/", routing_views.rule_edit, name="rule_edit"),
    path("settings/routing/rules/<int:pk>/move/", routing_views.rule_move, name="rule_move"),
    path("password/forgot/", account_views.forgot_password, name="forgot_password"),
    path(
        "password/forgot/sent/",
        account_views.forgot_password_sent,
        name="forgot_password_sent",
    ),
    path("password/reset/<str:uid>/<str:token>/", account_views.reset, name="reset"),
    path("welcome/<str:uid>/<str:token>/", account_views.welcome, name="welcome"),
]
