"""Klient: one place where every customer message is received and answered."""
