from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("portal/", views.index, name="index"),
    path("portal/sign-in/sent/", views.link_sent, name="link_sent"),
    path("portal/sign-in/<str:token>/", views.redeem, name="redeem"),
    path("portal/sign-out/", views.sign_out, name="sign_out"),
    path("portal/time-zone/", views.time_zone, name="time_zone"),
    path("portal/c/<str:reference>/", views.conversation, name="conversation"),
    path("portal/c/<str:reference>/reply/", views.reply, name="reply"),
    path("portal/c/<str:reference>/status/", views.set_status, name="set_status"),
    path(
        "portal/c/<str:reference>/call-me-back/",
        __import__("klient.portal.callback_views").portal.callback_views.call_me_back,
        name="call_me_back",
    ),
    path("portal/c/<str:reference>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("portal/kb/<slug:slug>/", views.article, name="article"),
    path("forms/<slug:slug>/", views.request_form, name="form"),
    path("forms/<slug:slug>/embed", views.request_form_embed, name="form_embed"),
    path("forms/<slug:slug>/suggest", views.form_suggest, name="form_suggest"),
]
