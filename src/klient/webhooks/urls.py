"""/settings/webhooks/…: outgoing webhooks (administrators)."""

from django.urls import path

from . import views

app_name = "webhook_settings"
urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/active/", views.webhook_active, name="active"),
    path("webhooks/<int:pk>/deliveries/", views.webhook_deliveries, name="deliveries"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/replay/",
        views.delivery_replay,
        name="replay",
    ),
]
