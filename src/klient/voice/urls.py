from django.urls import path

from . import views

app_name = "voice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("topics.csv", views.topics_csv, name="topics_csv"),
    path("topics/<int:pk>/actions", views.create_action, name="create_action"),
    path("actions/<int:pk>/close", views.close_action, name="close_action"),
]
