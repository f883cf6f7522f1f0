from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("booking-types/", views.booking_type_list, name="list"),
    path("booking-types/new/", views.booking_type_edit, name="create"),
    path("booking-types/<int:booking_type_id>/edit/", views.booking_type_edit, name="edit"),
    path("booking-types/<int:booking_type_id>/delete/", views.booking_type_delete, name="delete"),
    path("appointments/", views.appointment_list, name="appointments"),
]
