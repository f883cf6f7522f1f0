from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [path("status/", views.set_status, name="status")]
