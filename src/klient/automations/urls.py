from django.urls import path

from . import views

app_name = "automations"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("<int:pk>/", views.rule_edit, name="rule"),
    path("<int:pk>/active/", views.rule_active, name="rule_active"),
    path("<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("<int:pk>/preview/", views.rule_preview, name="rule_preview"),
]
