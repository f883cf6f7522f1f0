"""Customer sentiment and relationships at risk (issue 17), with recovery tasks for the
team lead."""
