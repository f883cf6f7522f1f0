"""The customer's manage link (/b/<token>/), public. The "I lost connection" page
(/b/<token>/lost-connection) belongs to the reminders' side of scheduling."""

from django.urls import path

from . import manage_views

app_name = "manage"
urlpatterns = [
    path("<str:token>/", manage_views.manage, name="page"),
    path("<str:token>/reschedule", manage_views.reschedule, name="reschedule"),
    path("<str:token>/cancel", manage_views.cancel, name="cancel"),
]
