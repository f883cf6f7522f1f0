from django.urls import path

from . import views

app_name = "external_calendars"
urlpatterns = [
    path("profile/calendars/", views.add, name="add"),
    path("profile/calendars/<int:pk>/sync/", views.sync_now, name="sync"),
    path("profile/calendars/<int:pk>/delete/", views.remove, name="remove"),
]
