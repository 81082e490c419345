"""Large searches to files: JSON Lines or CSV as pages arrive, and Parquet datasets."""
