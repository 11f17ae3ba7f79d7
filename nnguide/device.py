"""Choosing the device that tensors and models live on.

A script that calls `get_device()` once and moves its model and data there
runs unchanged on a laptop CPU, an Apple-silicon GPU (MPS) or an NVIDIA GPU
(CUDA).
"""

from __future__ import annotations

import torch

from nnguide import _validation

__all__ = ["get_device"]


def get_device(prefer: str | torch.device | None = None) -> torch.device:
    """Return the device to compute on: the best one available, or the one asked for.

    With no argument the choice is CUDA when an NVIDIA GPU is usable, else MPS
    (Apple silicon) when usable, else the CPU. With ``prefer`` the named device is
    checked and returned, so a script that needs a GPU fails early with a clear
    message instead of deep inside a training loop.

    Args:
        prefer: ``None`` to pick automatically, or a device such as ``"cpu"``,
            ``"cuda"``, ``"cuda:1"``, ``"mps"`` or a `torch.device`.

    Returns:
        The chosen device. ``"cuda"`` without an index is returned as given
        (``device(type='cuda')``), which PyTorch reads as the current GPU.

    Raises:
        TypeError: If ``prefer`` is not a string, a ``torch.device`` or ``None``.
        ValueError: If ``prefer`` is not a device name PyTorch understands, or names
            a device type other than cpu, cuda or mps.
        RuntimeError: If ``prefer`` names a CUDA or MPS device that this machine
            does not have.

    Examples:
        >>> get_device("cpu")
        device(type='cpu')
        >>> get_device().type in {"cpu", "cuda", "mps"}
        True
        >>> get_device("tpu")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: prefer must be 'cpu', 'cuda' or 'mps' (...) or None, got 'tpu'
    """
    if prefer is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _validation.mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    return _validation.check_device(prefer, "prefer")
