"""The manage link's care pages, under /b/<token>/ (the manage page itself lives with
reschedule and cancel)."""

from django.urls import path

from . import care_views

app_name = "scheduling_care"
urlpatterns = [
    path("b/<str:token>/lost-connection", care_views.lost_connection, name="lost_connection"),
    path("b/<str:token>/missed", care_views.missed, name="missed"),
]
