"""``python -m reve_sim.validation``: run the validation ladder and write docs/validation.md."""

import sys

from .report import main

if __name__ == "__main__":
    sys.exit(main())
