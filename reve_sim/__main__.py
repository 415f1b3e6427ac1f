"""`python -m reve_sim` is the `reve-sim` command (a Hydra app; see reve_sim/cli.py)."""

from .cli import main

if __name__ == "__main__":
    main()
