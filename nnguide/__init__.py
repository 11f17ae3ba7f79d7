"""nnguide: layer and model helpers for a bilingual guide to neural networks in PyTorch."""

from nnguide.comparison import plot_histories
from nnguide.conv import conv_output_size, plot_filters
from nnguide.data import DigitsSplit, digits_loaders, load_digits
from nnguide.device import get_device
from nnguide.early_stopping import EarlyStopping
from nnguide.layers import ACTIVATIONS, activation, linear_forward
from nnguide.models import MLP, count_parameters
from nnguide.plotting import plot_confusion_matrix, plot_history, set_style
from nnguide.summary import LayerInfo, ModelSummary, summary
from nnguide.tables import display_width, format_table, pad
from nnguide.training import (
    History,
    NonFiniteError,
    accuracy,
    confusion_matrix,
    evaluate,
    fit,
    predict,
)

__version__ = "0.3.0"

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "DigitsSplit",
    "EarlyStopping",
    "History",
    "LayerInfo",
    "ModelSummary",
    "NonFiniteError",
    "__version__",
    "accuracy",
    "activation",
    "confusion_matrix",
    "conv_output_size",
    "count_parameters",
    "digits_loaders",
    "display_width",
    "evaluate",
    "fit",
    "format_table",
    "get_device",
    "linear_forward",
    "load_digits",
    "pad",
    "plot_confusion_matrix",
    "plot_filters",
    "plot_histories",
    "plot_history",
    "predict",
    "set_style",
    "summary",
]
