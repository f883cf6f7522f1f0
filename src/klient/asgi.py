"""The ASGI application: Django for HTTP, the live sockets (klient.live) for WebSocket.

Sockets are signed in with the Django session (AuthMiddlewareStack) and accepted only from
pages of our own hosts (AllowedHostsOriginValidator: the Origin header must be in
ALLOWED_HOSTS), so another site cannot open one with the agent's cookie.

The chat widget's socket (/ws/chat/, klient.chat) is the exception: it is opened from the
teams' own sites, carries no cookie (its session token is in the URL) and checks the Origin
against the team's allowed origins itself, refusing any other with 403 before accepting."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from klient.chat.routing import websocket_urlpatterns as chat_patterns  # noqa: E402
from klient.live.routing import websocket_urlpatterns  # noqa: E402

_agents_sockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
_chat_sockets = URLRouter(chat_patterns)


async def _websocket(scope, receive, send):  # type: ignore[no-untyped-def]
    """/ws/chat/ to the chat consumer (its own origin check), every other socket behind the
    hosts' origin check and session auth."""
    if scope["path"].startswith("/ws/chat/"):
        return await _chat_sockets(scope, receive, send)
    return await _agents_sockets(scope, receive, send)


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": _websocket})
