"""Satisfaction surveys (issue 18): one question after a conversation is solved, answered
without signing in, reported by team, agent and week."""
