"""A customer's data (issue 18): everything Klient holds about them exported, or erased with
anonymised tombstones so the reports stay right."""
