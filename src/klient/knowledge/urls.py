from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_edit, name="create"),
    path("<slug:slug>/", views.article_view, name="view"),
    path("<slug:slug>/edit/", views.article_edit, name="edit"),
    path("<slug:slug>/delete/", views.article_delete, name="delete"),
]
