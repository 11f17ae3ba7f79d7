"""Convolutional layers by hand: output sizes, and pictures of learned filters.

`conv_output_size()` computes how large the output of `torch.nn.Conv2d` or
`torch.nn.MaxPool2d` is along one dimension, with the formula from the PyTorch
documentation, so the shapes of a convolutional network can be worked out before
it is built. `plot_filters()` draws the filters (kernels) of a trained
convolutional layer as small images, labelled in English or Korean; it needs
matplotlib (``pip install "nnguide[plot]"``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
from torch import nn

from nnguide._validation import check_int, check_str, describe, describe_tensor, is_boolean

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["conv_output_size", "plot_filters"]

_MISSING_MATPLOTLIB = 'nnguide.conv.plot_filters needs matplotlib: pip install "nnguide[plot]"'
_LABELS = {
    "en": {"filter": "filter", "channel": "input channel"},
    "ko": {"filter": "필터", "channel": "입력 채널"},
}


_Size = int | tuple[int, ...]
_PADDING_STRINGS = ("same", "valid")


def _per_dimension(value: object, name: str, minimum: int) -> list[int] | int:
    """An int, or a list of ints for a tuple or list, each checked and named."""
    if isinstance(value, (tuple, list)):
        if not value:
            raise ValueError(f"{name} must be an int or a non-empty tuple of ints, got {value!r}")
        return [
            check_int(item, f"{name}[{index}]", minimum=minimum) for index, item in enumerate(value)
        ]
    if is_boolean(value) or not hasattr(value, "__index__"):
        raise TypeError(f"{name} must be an int or a tuple of ints, got {describe(value)}")
    return check_int(value, name, minimum=minimum)


def _check_padding(padding: object) -> list[int] | int | str:
    if isinstance(padding, str):
        return check_str(padding, "padding", choices=_PADDING_STRINGS)
    if is_boolean(padding) or not (
        isinstance(padding, (tuple, list)) or hasattr(padding, "__index__")
    ):
        raise TypeError(
            f"padding must be an int, a tuple of ints, 'same' or 'valid', got {describe(padding)}"
        )
    return _per_dimension(padding, "padding", 0)


def _dimensions(arguments: dict[str, list[int] | int | str]) -> int | None:
    """The number of dimensions the tuple arguments give (they must agree); None if none."""
    lengths = {name: len(value) for name, value in arguments.items() if isinstance(value, list)}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {length}" for name, length in lengths.items())
        given = ", ".join(f"{name}={tuple(arguments[name])!r}" for name in lengths)  # type: ignore[arg-type]
        raise ValueError(
            f"the tuple arguments must have one entry per dimension each, but {described} ({given})"
        )
    return next(iter(lengths.values()), None)


def _one_dimension(size: int, kernel: int, stride: int, padding: int | str, dilation: int) -> int:
    span = dilation * (kernel - 1) + 1
    if padding == "same":
        return size
    pad = 0 if padding == "valid" else int(padding)
    if span > size + 2 * pad:
        raise ValueError(
            f"kernel_size={kernel} (spanning {span} with dilation={dilation}) is larger "
            f"than the input size {size} plus padding 2 * {pad}"
        )
    return math.floor((size + 2 * pad - span) / stride) + 1


def conv_output_size(
    size: _Size,
    kernel_size: _Size,
    stride: _Size = 1,
    padding: _Size | str = 0,
    dilation: _Size = 1,
) -> _Size:
    r"""Output size of a convolution or pooling, along one dimension or several.

    For an input of size $H$, a kernel of size $k$, stride $s$, padding $p$ on
    each side and dilation $d$, the output has

    $$\left\lfloor \frac{H + 2p - d(k - 1) - 1}{s} \right\rfloor + 1$$

    positions; with ``dilation=1`` that is $\lfloor (H + 2p - k)/s \rfloor + 1$.
    The same formula gives the output of `torch.nn.MaxPool2d` and
    `torch.nn.AvgPool2d` with their default ``ceil_mode=False``; their ``stride``
    defaults to ``kernel_size`` (pass it explicitly here). With
    ``kernel_size=2, stride=2`` an even size is halved and an odd size is rounded
    down (7 → 3); ``ceil_mode=True`` rounds up instead (7 → 4), which this
    function does not compute.

    The arguments are those of `torch.nn.Conv2d` (and ``Conv1d``/``Conv3d``):
    each may be an int, the same for every dimension, or a tuple with one
    entry per dimension, e.g. ``size=(28, 32), kernel_size=(3, 5)``; then the
    result is a tuple too. ``padding="valid"`` means no padding and
    ``padding="same"`` pads so that the output is as large as the input, which
    PyTorch allows only with ``stride=1``.

    Args:
        size: Input size along the dimension (height or width), at least 1; or
            a tuple of sizes, one per dimension.
        kernel_size: Kernel (window) size, at least 1, or a tuple.
        stride: Step between two kernel positions, at least 1, or a tuple.
        padding: Zeros added on each side, at least 0, or a tuple; or
            ``"valid"`` (0) or ``"same"`` (output size = input size).
        dilation: Spacing between kernel elements, at least 1, or a tuple.

    Every int may be a Python int, a NumPy integer or a one-element integer
    tensor; bools and floats are refused.

    Returns:
        The output size, at least 1: an int when every argument is an int, a
        tuple with one entry per dimension when any is a tuple.

    Raises:
        TypeError: If an argument (or a tuple entry) is not an int, or
            ``padding`` is neither an int, a tuple nor a str.
        ValueError: If an argument is out of range, ``padding`` is a str other
            than ``"same"`` or ``"valid"``, ``padding="same"`` comes with a
            stride other than 1, tuple arguments have different lengths, or the
            (dilated) kernel is larger than the padded input. Each message
            names the argument and its value.

    Examples:
        >>> conv_output_size(8, kernel_size=3)  # nn.Conv2d(1, 16, 3) on 8×8
        6
        >>> conv_output_size(8, kernel_size=3, padding=1)  # padding keeps the size
        8
        >>> conv_output_size(8, kernel_size=2, stride=2)  # nn.MaxPool2d(2) halves an even size
        4
        >>> conv_output_size(7, kernel_size=2, stride=2)  # and rounds an odd one down
        3
        >>> conv_output_size((28, 32), kernel_size=(3, 5), padding="valid")
        (26, 28)
        >>> conv_output_size(9, kernel_size=4, padding="same", dilation=2)
        9
    """
    arguments = {
        "size": _per_dimension(size, "size", 1),
        "kernel_size": _per_dimension(kernel_size, "kernel_size", 1),
        "stride": _per_dimension(stride, "stride", 1),
        "padding": _check_padding(padding),
        "dilation": _per_dimension(dilation, "dilation", 1),
    }
    count = _dimensions(arguments)
    if arguments["padding"] == "same" and any(
        value != 1 for value in _expand(arguments["stride"], count or 1)
    ):
        raise ValueError(
            f"padding='same' needs stride=1, as in torch.nn.Conv2d (which refuses strided "
            f"convolutions with padding='same'), got stride={stride!r}"
        )
    columns = [_expand(value, count or 1) for value in arguments.values()]
    sizes = [_one_dimension(*column) for column in zip(*columns, strict=True)]
    return tuple(sizes) if count is not None else sizes[0]


def _expand(value: list[int] | int | str, count: int) -> list[int | str]:
    return list(value) if isinstance(value, list) else [value] * count


def _filters(weight: nn.Module | torch.Tensor) -> torch.Tensor:
    if isinstance(weight, nn.Conv2d):
        return weight.weight.detach().cpu()
    if isinstance(weight, torch.Tensor):
        if weight.ndim != 4:
            raise ValueError(
                "weight must have shape (out_channels, in_channels, kH, kW), "
                f"got a {describe_tensor(weight)}"
            )
        if not weight.is_floating_point():
            raise TypeError(
                f"weight must be a floating-point tensor, got a {describe_tensor(weight)}"
            )
        return weight.detach().cpu()
    raise TypeError(f"weight must be an nn.Conv2d or its weight tensor, got {describe(weight)}")


def plot_filters(
    weight: nn.Conv2d | torch.Tensor,
    *,
    channel: int = 0,
    columns: int = 8,
    title: str | None = None,
    language: str = "en",
) -> Figure:
    r"""Draw the filters of a 2-D convolutional layer as a grid of small images.

    Each filter's weights for one input channel are shown as a $k_H \times k_W$
    image titled with the filter's index. All images share one color scale,
    symmetric around 0: red for positive weights, blue for negative ones, white
    for 0, so the filters can be compared with each other; a color bar shows the
    scale.

    Args:
        weight: An `torch.nn.Conv2d` layer, or its floating-point weight tensor.
        channel: Which input channel's weights to draw (0 for a grayscale
            input): an int (NumPy integers and one-element integer tensors
            count) from 0 to ``in_channels - 1``.
        columns: Images per row: an int, at least 1.
        title: Optional title of the figure, a str. When the layer has more
            than one input channel, the channel drawn is added to it.
        language: Language of the labels, ``"en"`` or ``"ko"``.

    Returns:
        The matplotlib figure, one axes per filter (plus the color bar's).

    Raises:
        TypeError: If ``weight`` is neither a `torch.nn.Conv2d` nor a
            floating-point tensor, ``channel``/``columns`` is not an int (a bool
            is not), ``title`` is not a str or ``None``, or ``language`` is not
            a str (an unhashable ``["en"]`` included).
        ValueError: If the weight tensor is not 4-D, ``channel`` is not an input
            channel, ``columns`` < 1, or ``language`` is unknown. Each message
            names the argument and its value.
        ModuleNotFoundError: If matplotlib is not installed.

    Shape:
        - weight: $(C_{out}, C_{in}, k_H, k_W)$.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> _ = torch.manual_seed(0)
        >>> fig = plot_filters(nn.Conv2d(1, 6, kernel_size=3), columns=3)
        >>> [ax.get_title() for ax in fig.axes[:6]]
        ['filter 0', 'filter 1', 'filter 2', 'filter 3', 'filter 4', 'filter 5']
        >>> fig.axes[0].images[0].get_array().shape
        (3, 3)
    """
    labels = _LABELS[check_str(language, "language", choices=tuple(_LABELS))]
    filters = _filters(weight)
    columns = check_int(columns, "columns", minimum=1)
    if not 0 <= check_int(channel, "channel") < filters.shape[1]:
        raise ValueError(
            f"channel must be an input channel from 0 to {filters.shape[1] - 1}, got {channel!r}"
        )
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {describe(title)}")
    try:
        import matplotlib.pyplot as plt
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
        raise ModuleNotFoundError(_MISSING_MATPLOTLIB) from error

    images = filters[:, channel].float()
    count = len(images)
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    limit = max(float(images.abs().max()), 1e-12)
    fig, axes = plt.subplots(
        rows, columns, figsize=(1.3 * columns + 1.0, 1.4 * rows + 0.4), squeeze=False
    )
    image = None
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < count:
            image = ax.imshow(images[index].numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(f"{labels['filter']} {index}", fontsize=9)
    if image is not None:  # there is at least one filter, so always
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8)
    if filters.shape[1] > 1:
        title = f"{title or ''} ({labels['channel']} {channel})".strip()
    if title is not None:
        fig.suptitle(title)
    return fig
