"""reve-sim: agent-based simulator of educational innovation ecosystems."""

from .model import ReveModel
from .parameters import CATEGORIES, PARAMETERS, ParameterError, validate

__version__ = "0.1.0"

__all__ = ["CATEGORIES", "PARAMETERS", "ParameterError", "ReveModel", "__version__", "validate"]
