"""Choosing the device that tensors and models live on.

A script that calls `get_device()` once and moves its model and data there
runs unchanged on a laptop CPU, an Apple-silicon GPU (MPS) or an NVIDIA GPU
(CUDA).
"""

from __future__ import annotations

import torch

__all__ = ["get_device"]

_DEVICE_TYPES = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return backend is not None and backend.is_available()


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
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")

    if isinstance(prefer, str):
        try:
            device = torch.device(prefer)
        except RuntimeError:
            device = None
        if device is None or device.type not in _DEVICE_TYPES:
            raise ValueError(
                "prefer must be 'cpu', 'cuda' or 'mps' (with an optional index such as "
                f"'cuda:0') or None, got {prefer!r}"
            )
    elif isinstance(prefer, torch.device):
        device = prefer
        if device.type not in _DEVICE_TYPES:
            raise ValueError(
                f"prefer must be a cpu, cuda or mps device, got a {device.type!r} device"
            )
    else:
        raise TypeError(
            f"prefer must be a str, a torch.device or None, got {type(prefer).__name__}"
        )

    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"prefer={prefer!r} asks for a CUDA GPU, but none is available "
                "(torch.cuda.is_available() is False); use get_device() to fall back "
                "to the best available device"
            )
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise RuntimeError(
                f"prefer={prefer!r} asks for CUDA device {device.index}, but only "
                f"{count} CUDA device(s) are available (indices 0 to {count - 1})"
            )
    elif device.type == "mps" and not _mps_available():
        raise RuntimeError(
            f"prefer={prefer!r} asks for an Apple-silicon GPU (MPS), but none is "
            "available; use get_device() to fall back to the best available device"
        )
    return device
