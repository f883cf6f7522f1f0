"""The promise tracker (issue 17): commitments with a deadline in outgoing messages,
tracked until kept or broken. See docs/promises.md."""
