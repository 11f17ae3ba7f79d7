"""nnguide: layer and model helpers for a bilingual guide to neural networks in PyTorch."""

from nnguide.layers import ACTIVATIONS, activation, linear_forward
from nnguide.models import MLP, count_parameters
from nnguide.plotting import set_style
from nnguide.summary import LayerInfo, ModelSummary, summary

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "LayerInfo",
    "ModelSummary",
    "__version__",
    "activation",
    "count_parameters",
    "linear_forward",
    "set_style",
    "summary",
]
