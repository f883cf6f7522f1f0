"""/settings/forms/…: request forms and their fields (administrators)."""

from django.urls import path

from . import form_settings as views

app_name = "form_settings"
urlpatterns = [
    path("forms/", views.form_list, name="forms"),
    path("forms/new/", views.form_edit, name="form_new"),
    path("forms/<int:pk>/", views.form_edit, name="form"),
    path("forms/<int:pk>/active/", views.form_active, name="form_active"),
]
