"""What people type, checked and made into a search: filters, expansions, places."""
