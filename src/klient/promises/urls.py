from django.urls import path

from . import views

app_name = "promises"

urlpatterns = [
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/kept/", views.kept, name="kept"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
]
