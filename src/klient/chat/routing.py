"""The widget's WebSocket route, mounted by klient.asgi with its own origin check (the
consumer's: the team's allowed origins), not behind the agents' session auth."""

from django.urls import path

from .consumers import ChatConsumer

websocket_urlpatterns = [path("ws/chat/", ChatConsumer.as_asgi())]
