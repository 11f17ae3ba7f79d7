"""Models built from a list of layer widths, and parameter counting.

`MLP` is a fully connected network (multi-layer perceptron) described by
its layer widths and activation names. It is a `torch.nn.Sequential`, so
it prints, indexes and runs exactly like the ``nn.Sequential`` a reader would
write by hand, and its layers are named ``"0"``, ``"1"``, … in printouts and in
`nnguide.summary()`. `count_parameters()` counts a model's parameters.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Sequence

from torch import nn

from nnguide._validation import check_bool, check_int, check_module, describe
from nnguide.layers import activation as make_activation

__all__ = ["MLP", "count_parameters"]


def _check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(
            f"sizes must be a list of layer widths such as [128, 64, 1], got {describe(sizes)}"
        )
    if len(sizes) < 2:
        raise ValueError(
            "sizes must list at least 2 layer widths (input and output), "
            f"got {len(sizes)}: {list(sizes)!r}"
        )
    return tuple(check_int(size, f"sizes[{index}]", minimum=1) for index, size in enumerate(sizes))


def _make(name: str) -> nn.Module:
    """An activation module; softmax normalises the last dimension, the features."""
    module = make_activation(name)
    return nn.Softmax(dim=-1) if isinstance(module, nn.Softmax) else module


def _check_activation(name: str, argument: str) -> None:
    """Refuse an unknown activation name, saying which argument held it."""
    try:
        make_activation(name)
    except ValueError as error:
        raise ValueError(f"{argument}={name!r}: {error}") from None


class MLP(nn.Sequential):
    """A fully connected network built from a list of layer widths.

    ``MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")``
    is the same network as:

    ```python
    nn.Sequential(
        nn.Linear(128, 64), nn.Tanh(),
        nn.Linear(64, 16), nn.Tanh(),
        nn.Linear(16, 1), nn.Sigmoid(),
    )
    ```

    Every hidden layer is a `torch.nn.Linear` followed by ``activation``;
    the last `torch.nn.Linear` is followed by ``output_activation``, or by
    nothing when it is ``None`` (the network then returns raw scores, the logits,
    which is what `torch.nn.CrossEntropyLoss` expects).

    A ``"softmax"`` activation normalises the last dimension (``dim=-1``), the
    features, so for an input of any shape `(*, sizes[0])` the outputs of each
    sample sum to 1; this differs from `nnguide.activation("softmax")`,
    whose default ``dim=1`` suits only inputs of shape `(N, C)`.

    Because ``MLP`` is an `torch.nn.Sequential`, ``model[0]`` is its first
    `torch.nn.Linear` and the layers are named ``"0"``, ``"1"``, …, just
    like in a hand-written ``nn.Sequential``.

    Args:
        sizes: Layer widths, input features first and output features last;
            at least two positive ints.
        activation: Name of the activation after each hidden layer, as accepted
            by `nnguide.activation()`.
        output_activation: Name of the activation after the last layer, or
            ``None`` for none.

    Attributes:
        sizes: The layer widths, as a tuple.
        activation: The hidden activation's name as given.
        output_activation: The output activation's name as given, or ``None``.

    Raises:
        TypeError: If ``sizes`` is not a list or tuple of ints (``bool`` and
            ``float`` are rejected), or an activation name is not a string.
        ValueError: If ``sizes`` has fewer than two entries or a width is not
            positive, or an activation name is unknown.

    Shape:
        - Input: ``(*, sizes[0])``, where ``*`` is any number of leading
          dimensions, usually just the batch.
        - Output: ``(*, sizes[-1])``.

    Examples:
        >>> import torch
        >>> model = MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")
        >>> model
        MLP(
          sizes=(128, 64, 16, 1), activation='tanh', output_activation='sigmoid'
          (0): Linear(in_features=128, out_features=64, bias=True)
          (1): Tanh()
          (2): Linear(in_features=64, out_features=16, bias=True)
          (3): Tanh()
          (4): Linear(in_features=16, out_features=1, bias=True)
          (5): Sigmoid()
        )
        >>> model(torch.rand(32, 128)).shape
        torch.Size([32, 1])
        >>> count_parameters(model)
        9313
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        output_activation: str | None = None,
    ) -> None:
        """Build the layers; see the class docstring."""
        checked = _check_sizes(sizes)
        if not isinstance(activation, str):
            raise TypeError(
                "activation must be an activation name such as 'relu', "
                f"got {type(activation).__name__} {activation!r}"
            )
        if output_activation is not None and not isinstance(output_activation, str):
            raise TypeError(
                "output_activation must be an activation name such as 'sigmoid' or None, "
                f"got {type(output_activation).__name__} {output_activation!r}"
            )
        _check_activation(activation, "activation")
        if output_activation is not None:
            _check_activation(output_activation, "output_activation")
        layers: list[nn.Module] = []
        last = len(checked) - 2
        for index, (width_in, width_out) in enumerate(itertools.pairwise(checked)):
            layers.append(nn.Linear(width_in, width_out))
            if index < last:
                layers.append(_make(activation))
            elif output_activation is not None:
                layers.append(_make(output_activation))
        super().__init__(*layers)
        self.sizes = checked
        self.activation = activation
        self.output_activation = output_activation

    def __getitem__(self, index: int | slice) -> nn.Module:
        """Return one layer, or a slice of the layers as a plain ``nn.Sequential``.

        A slice is not an ``MLP`` (its ``sizes`` would no longer describe it), so
        ``model[:2]`` is an `torch.nn.Sequential` holding the same layers.
        """
        if isinstance(index, slice):
            return nn.Sequential(OrderedDict(list(self._modules.items())[index]))
        return super().__getitem__(index)

    def extra_repr(self) -> str:
        """Describe the network in one line, above its layers."""
        return (
            f"sizes={self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r}"
        )


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Count the parameters (weights and biases) of a model.

    A parameter that appears in several places, such as a layer used twice or a
    weight shared between two layers, is counted once. Buffers (for example
    BatchNorm's running statistics) are not parameters and are not counted.

    Args:
        model: The model.
        trainable_only: Count only the parameters with ``requires_grad=True``,
            the ones an optimizer updates.

    Returns:
        The number of scalar values in the model's parameters.

    Raises:
        TypeError: If ``model`` is not an ``nn.Module`` or ``trainable_only`` is
            not a bool.
        ValueError: If the model has lazy parameters that are not initialized
            yet (run one forward pass first).

    Examples:
        >>> model = nn.Linear(128, 64)
        >>> count_parameters(model)
        8256
        >>> _ = model.bias.requires_grad_(False)  # freeze the bias
        >>> count_parameters(model, trainable_only=True)
        8192
    """
    check_module(model)
    check_bool(trainable_only, "trainable_only")
    total = 0
    for name, parameter in model.named_parameters():
        if isinstance(parameter, nn.parameter.UninitializedParameter):
            raise ValueError(
                f"parameter {name!r} is not initialized yet (a lazy module); "
                "run one forward pass before counting parameters"
            )
        if parameter.requires_grad or not trainable_only:
            total += parameter.numel()
    return total
