from django.urls import path

from . import views

app_name = "sentiment"
urlpatterns = [
    path("", views.recovery_tasks, name="recovery_tasks"),
    path("<int:pk>/close/", views.close_task, name="close"),
]
