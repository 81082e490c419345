"""Run the command line as ``python -m trialfinder``."""

from trialfinder.cli.main import main

if __name__ == "__main__":
    main()
