"""The tone guard (issue 17): phrasing likely to offend, found in a draft before it is
sent, with a warmer wording. Pure matcher in matcher.py, shipped rules in rules/<lang>.toml,
administrators' rules and dismissals in models.py; docs/tone.md."""
