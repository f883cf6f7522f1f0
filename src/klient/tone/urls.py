from django.urls import path

from . import views

app_name = "tone"
urlpatterns = [
    path("settings/tone/", views.settings_page, name="settings"),
    path("settings/tone/rules/<int:pk>/switch/", views.switch_rule, name="switch_rule"),
    path("tone/c/<str:ref>/dismiss/", views.dismiss, name="dismiss"),
]
