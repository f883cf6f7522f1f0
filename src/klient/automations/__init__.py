"""Automation rules (issue 18): when an event happens or a moment comes, if conditions hold,
then actions, each fired at most once per conversation per triggering moment."""
