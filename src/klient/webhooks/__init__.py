"""Outgoing webhooks (issue 18): signed per the Standard Webhooks specification, retried with
backoff for 72 hours, destinations checked against private and loopback addresses."""
