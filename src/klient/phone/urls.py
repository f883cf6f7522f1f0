from django.urls import path

from . import views

app_name = "phone"
urlpatterns = [
    path("", views.callbacks_due, name="callbacks"),
    path("<int:pk>/attempt/", views.callback_attempt, name="attempt"),
    path("calls/<str:ref>/", views.log_call, name="log_call"),
]
