"""nnguide: layer and model helpers for a bilingual guide to neural networks in PyTorch."""

__version__ = "0.1.0"

__all__ = ["__version__"]
