from django.urls import path

from . import views

app_name = "macros"
urlpatterns = [
    path("", views.macro_list, name="list"),
    path("new/", views.macro_edit, name="create"),
    path("<int:macro_id>/edit/", views.macro_edit, name="edit"),
    path("<int:macro_id>/delete/", views.macro_delete, name="delete"),
    path("use/", views.macro_use, name="use"),
]
