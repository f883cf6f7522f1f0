"""Appointments (issue 15): booking types, the free slots they offer, and the bookings
made on them."""
