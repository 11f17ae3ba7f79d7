"""Building blocks: activation functions by name and the fully connected layer by hand.

`activation()` turns a name such as ``"relu"`` into the matching
`torch.nn` module, so that a model can be described by plain strings.
`linear_forward()` computes what `torch.nn.Linear` computes,
``x @ weight.T + bias``, with shape checks whose messages say which shapes did
not fit; the tutorials use it to open up the fully connected layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from nnguide._validation import (
    check_bool,
    check_float,
    check_int,
    check_str,
    check_tensor,
    describe,
    describe_tensor,
)

__all__ = ["ACTIVATIONS", "activation", "linear_forward"]


def _softmax(dim: int = 1) -> nn.Module:
    return nn.Softmax(dim=dim)


def _check_approximate(value: object, name: str) -> str:
    return check_str(value, name, choices=("none", "tanh"))


# Each entry: canonical name -> (constructor, {keyword argument: its check}).
_Check = Callable[[object, str], object]
_REGISTRY: dict[str, tuple[Callable[..., nn.Module], dict[str, _Check]]] = {
    "sigmoid": (nn.Sigmoid, {}),
    "tanh": (nn.Tanh, {}),
    "relu": (nn.ReLU, {"inplace": check_bool}),
    "leaky_relu": (nn.LeakyReLU, {"negative_slope": check_float, "inplace": check_bool}),
    "gelu": (nn.GELU, {"approximate": _check_approximate}),
    "softmax": (_softmax, {"dim": check_int}),
    "identity": (nn.Identity, {}),
}

ACTIVATIONS: tuple[str, ...] = tuple(_REGISTRY)
"""The names `activation()` accepts, in their canonical spelling."""


def _normalize(name: str) -> str:
    return name.strip().lower().replace("_", "").replace("-", "").replace(" ", "")


_BY_NORMALIZED = {_normalize(name): name for name in _REGISTRY}


def activation(name: str, **kwargs: Any) -> nn.Module:
    """Create an activation module from its name.

    Names are case-insensitive, and underscores, hyphens and spaces are ignored,
    so ``"leaky_relu"``, ``"LeakyReLU"`` and ``"leaky-relu"`` all give
    `torch.nn.LeakyReLU`. The valid names are listed in
    `ACTIVATIONS`: ``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``,
    ``gelu``, ``softmax`` and ``identity``.

    ``softmax`` takes ``dim``, the dimension whose entries are turned into
    probabilities that sum to 1. It defaults to ``1`` because a network's output
    is a mini-batch of shape ``(batch, classes)``: each row is one sample, and it
    is across the classes of a sample (``dim=1``) that the probabilities must sum
    to 1. ``dim=0`` would instead mix different samples of the batch, and
    `torch.nn.Softmax` without a ``dim`` guesses one and warns.

    Args:
        name: Name of the activation function, e.g. ``"relu"``.
        **kwargs: Keyword arguments for the module's constructor: ``inplace``
            for ``relu``; ``negative_slope`` and ``inplace`` for ``leaky_relu``;
            ``approximate`` for ``gelu``; ``dim`` for ``softmax``. The others
            take none.

    Returns:
        A new module that applies the activation function.

    Raises:
        TypeError: If ``name`` is not a string, a keyword argument is not one
            the activation accepts, or has the wrong type: ``inplace`` must be
            a bool, ``negative_slope`` a number, ``dim`` an int and
            ``approximate`` a str.
        ValueError: If ``name`` is not a known activation (the message lists
            the valid names), ``approximate`` is not ``"none"`` or ``"tanh"``,
            or ``negative_slope`` is not finite.

    Shape:
        - Input: `(*)`, any shape.
        - Output: `(*)`, the same shape as the input. For ``softmax``, the
          entries along ``dim`` sum to 1; for an input of shape `(N, L, C)`
          pass ``dim=-1`` to normalise over the last dimension.

    Examples:
        >>> activation("ReLU")
        ReLU()
        >>> activation("leaky_relu", negative_slope=0.1)
        LeakyReLU(negative_slope=0.1)
        >>> activation("softmax")
        Softmax(dim=1)
        >>> probabilities = activation("softmax")(torch.zeros(2, 4))
        >>> probabilities.shape, probabilities.sum(dim=1).tolist()
        (torch.Size([2, 4]), [1.0, 1.0])
    """
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a str such as 'relu', got {describe(name)}")
    canonical = _BY_NORMALIZED.get(_normalize(name))
    if canonical is None:
        raise ValueError(f"unknown activation {name!r}; valid names are: {', '.join(ACTIVATIONS)}")
    constructor, accepted = _REGISTRY[canonical]
    unexpected = sorted(set(kwargs) - set(accepted))
    if unexpected:
        takes = f"it accepts: {', '.join(accepted)}" if accepted else "it accepts none"
        raise TypeError(
            f"activation {canonical!r} got unexpected keyword argument(s) "
            f"{', '.join(unexpected)}; {takes}"
        )
    checked = {
        key: accepted[key](value, f"{key} of activation {canonical!r}")
        for key, value in kwargs.items()
    }
    return constructor(**checked)


def _shape(tensor: torch.Tensor) -> tuple[int, ...]:
    return tuple(tensor.shape)


def linear_forward(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None
) -> torch.Tensor:
    """Compute a fully connected layer by hand: ``x @ weight.T + bias``.

    This is what `torch.nn.Linear` does in its forward pass. ``weight``
    has one row per output feature, which is why it is transposed.

    Args:
        x: Input of shape ``(..., in_features)``, usually ``(batch, in_features)``.
        weight: Weight matrix of shape ``(out_features, in_features)``, laid out
            like ``nn.Linear.weight``.
        bias: Optional bias of shape ``(out_features,)``; ``None`` for no bias.

    Returns:
        The output, of shape ``(..., out_features)``.

    Raises:
        TypeError: If ``x``, ``weight`` or ``bias`` is not a tensor, or their
            dtypes differ (for example a ``float64`` input with a ``float32``
            weight); the message names both dtypes.
        ValueError: If the shapes do not fit, or the tensors are on different
            devices; the message names both shapes or devices.

    Shape:
        - x: `(*, in_features)`; the output has the same leading dimensions.
        - weight: `(out_features, in_features)`
        - bias: `(out_features,)`
        - Output: `(*, out_features)`. A 1-D ``x`` of shape `(in_features,)`
          gives an output of shape `(out_features,)`.

    Examples:
        >>> layer = nn.Linear(128, 64)
        >>> x = torch.ones(8, 128)
        >>> y = linear_forward(x, layer.weight, layer.bias)
        >>> y.shape
        torch.Size([8, 64])
        >>> torch.allclose(y, layer(x))
        True
    """
    check_tensor(x, "x")
    check_tensor(weight, "weight")
    if bias is not None and not isinstance(bias, torch.Tensor):
        raise TypeError(f"bias must be a torch.Tensor or None, got {describe(bias)}")
    if weight.dim() != 2:
        raise ValueError(
            f"weight must have shape (out_features, in_features), got shape {_shape(weight)}"
        )
    if x.dim() == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"x of shape {_shape(x)} does not fit weight of shape {_shape(weight)}: "
            f"the last dimension of x must equal weight.shape[1] = {weight.shape[1]}"
        )
    if bias is not None and _shape(bias) != (weight.shape[0],):
        raise ValueError(
            f"bias of shape {_shape(bias)} does not fit weight of shape {_shape(weight)}: "
            f"bias must have shape ({weight.shape[0]},)"
        )
    named = [("x", x), ("weight", weight)] + ([("bias", bias)] if bias is not None else [])
    for other, tensor in named[1:]:
        if tensor.dtype != x.dtype:
            raise TypeError(
                f"x is a {describe_tensor(x)} but {other} is a {describe_tensor(tensor)}: "
                f"their dtypes must be the same; convert x with x.to({other}.dtype)"
            )
        if tensor.device != x.device:
            raise ValueError(
                f"x is on device {str(x.device)!r} but {other} is on {str(tensor.device)!r}; "
                f"move x with x.to({other}.device)"
            )
    output = x @ weight.T
    if bias is not None:
        output = output + bias
    return output
