"""Moving in from another help desk (issue 18): resumable imports with a checkpoint per
object and a report at the end."""
