"""The ASGI application: Django for HTTP, the live sockets (klient.live) for WebSocket.

Sockets are signed in with the Django session (AuthMiddlewareStack) and accepted only from
pages of our own hosts (AllowedHostsOriginValidator: the Origin header must be in
ALLOWED_HOSTS), so another site cannot open one with the agent's cookie."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from klient.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
