"""Words and formats for people and programs: table, Markdown, JSON, CSV, doctor page."""
