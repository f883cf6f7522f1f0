from django.urls import path

from . import views

app_name = "collab"
urlpatterns = [
    path("", views.index, name="index"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/take/", views.request_take, name="take"),
    path("requests/<int:pk>/answer/", views.request_answer, name="answer"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("c/<str:ref>/ask/", views.conversation_ask, name="ask"),
    path("c/<str:ref>/follow-up/", views.conversation_follow_up, name="follow_up"),
    path("follow-ups/<int:pk>/cancel/", views.follow_up_cancel, name="cancel_follow_up"),
]
