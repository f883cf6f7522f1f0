from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sla.csv", views.sla_csv, name="sla_csv"),
    path("settings/sla/", views.policy_list, name="sla_policies"),
    path("settings/sla/new", views.policy_edit, name="sla_policy_new"),
    path("settings/sla/<int:pk>/", views.policy_edit, name="sla_policy"),
    path("settings/sla/<int:pk>/move", views.policy_move, name="sla_policy_move"),
    path("settings/sla/<int:pk>/active", views.policy_active, name="sla_policy_active"),
    path("settings/sla/<int:pk>/delete", views.policy_delete, name="sla_policy_delete"),
    path("settings/sla/teams/<int:team_id>/hours", views.business_hours, name="business_hours"),
]
