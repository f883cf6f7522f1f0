from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("survey/<str:token>/", views.answer, name="answer"),
    path("settings/csat/", views.settings_page, name="settings"),
    path("reports/csat.csv", views.csat_csv, name="csv"),
]
