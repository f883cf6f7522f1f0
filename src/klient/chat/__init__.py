"""Live chat (issue 16): the widget's sessions, the resume/ack protocol, the queue and the
notices when either side drops."""
