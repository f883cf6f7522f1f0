"""WebSocket routes, mounted by klient.asgi behind session auth and an origin check."""

from django.urls import path

from .consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/live/c/<str:reference>/", LiveConsumer.as_asgi()),
]
