"""Hydra sweeper plugin of reve-sim (discovered by Hydra in the hydra_plugins namespace)."""
