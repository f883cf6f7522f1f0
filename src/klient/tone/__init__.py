"""The tone guard (issue 17): phrasing likely to offend, found in a draft before it is sent,
with a warmer wording."""
