"""Facts worked out per study: combinations, treatments, nearest sites, pre-check."""
