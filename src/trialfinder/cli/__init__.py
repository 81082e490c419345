"""The ``trialfinder`` command line: one module per command group, and shared options."""
