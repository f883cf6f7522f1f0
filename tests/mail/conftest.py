"""Fixtures for the mail tests: a real Dovecot IMAP server (tests/dovecot.py)."""

from dovecot import dovecot, imap_account, private_dovecot, tls_dovecot  # noqa: F401
