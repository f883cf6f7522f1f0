from django.contrib.auth.views import LogoutView
from django.urls import path

from . import draft_views, language, reply_checks, start_views, views

app_name = "workspace"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bulk/", views.inbox_bulk, name="bulk"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(), name="logout"),
    # The language cookie (Django's set_language) and, for an agent, their profile's.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("new/", start_views.new_conversation, name="new_conversation"),
    path("uploads/", views.upload, name="upload"),
    path("c/<str:ref>/", views.conversation_detail, name="conversation"),
    path("c/<str:ref>/reply/", views.conversation_reply, name="reply"),
    path("c/<str:ref>/reply/check/", reply_checks.reply_findings, name="reply_check"),
    path("c/<str:ref>/note/", views.conversation_note, name="note"),
    path("c/<str:ref>/update/", views.conversation_update, name="update"),
    path("c/<str:ref>/tags/", views.conversation_tags, name="tags"),
    path(
        "c/<str:ref>/merge/",
        __import__("klient.workspace.merge_views").workspace.merge_views.merge,
        name="merge",
    ),
    path(
        "c/<str:ref>/transfer/",
        __import__(
            "klient.workspace.transfer_views"
        ).workspace.transfer_views.transfer_conversation,
        name="transfer",
    ),
    path("c/<str:ref>/draft/", draft_views.save_draft, name="draft"),
    path("c/<str:ref>/m/<int:pk>/", views.message_original, name="original"),
    path("c/<str:ref>/m/<int:pk>/resend/", views.message_resend, name="resend"),
    path("c/<str:ref>/m/<int:pk>/undo/", draft_views.undo_reply, name="undo"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
