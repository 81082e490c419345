"""The records: studies, notes and results as typed values, read from the API's JSON."""
