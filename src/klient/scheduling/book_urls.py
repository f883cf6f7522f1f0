"""The public booking page (/book/<slug>/): no account needed."""

from django.urls import path

from . import book_views

app_name = "book"
urlpatterns = [path("<slug:slug>/", book_views.book_page, name="page")]
