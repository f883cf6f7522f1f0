"""/chat/…: the widget's loader, its app and the sample host page (the socket is /ws/chat/)."""

from django.urls import path

from . import widget_views

app_name = "chat_widget"

urlpatterns = [
    path("widget.js", widget_views.loader, name="loader"),
    path("app.js", widget_views.app, name="app"),
    path("demo/", widget_views.demo, name="demo"),
]
