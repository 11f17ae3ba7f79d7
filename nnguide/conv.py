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

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["conv_output_size", "plot_filters"]

_MISSING_MATPLOTLIB = 'nnguide.conv.plot_filters needs matplotlib: pip install "nnguide[plot]"'
_LABELS = {
    "en": {"filter": "filter", "channel": "input channel"},
    "ko": {"filter": "필터", "channel": "입력 채널"},
}


def _check_int(value: int, name: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    r"""Output size of a convolution or pooling along one dimension.

    For an input of size $H$, a kernel of size $k$, stride $s$, padding $p$ on
    each side and dilation $d$, the output has

    $$\left\lfloor \frac{H + 2p - d(k - 1) - 1}{s} \right\rfloor + 1$$

    positions; with ``dilation=1`` that is $\lfloor (H + 2p - k)/s \rfloor + 1$.
    The same formula gives the output of `torch.nn.MaxPool2d` and
    `torch.nn.AvgPool2d`, whose ``stride`` defaults to ``kernel_size`` (pass it
    explicitly here).

    Args:
        size: Input size along the dimension (height or width), at least 1.
        kernel_size: Kernel (window) size, at least 1.
        stride: Step between two kernel positions, at least 1.
        padding: Zeros added on each side, at least 0.
        dilation: Spacing between kernel elements, at least 1.

    Returns:
        The output size, at least 1.

    Raises:
        TypeError: If an argument is not an int.
        ValueError: If an argument is out of range, or the (dilated) kernel is
            larger than the padded input.

    Examples:
        >>> conv_output_size(8, kernel_size=3)  # nn.Conv2d(1, 16, 3) on 8×8
        6
        >>> conv_output_size(8, kernel_size=3, padding=1)  # padding keeps the size
        8
        >>> conv_output_size(8, kernel_size=2, stride=2)  # nn.MaxPool2d(2) halves it
        4
    """
    _check_int(size, "size", 1)
    _check_int(kernel_size, "kernel_size", 1)
    _check_int(stride, "stride", 1)
    _check_int(padding, "padding", 0)
    _check_int(dilation, "dilation", 1)
    span = dilation * (kernel_size - 1) + 1
    if span > size + 2 * padding:
        raise ValueError(
            f"kernel_size={kernel_size} (spanning {span} with dilation={dilation}) is larger "
            f"than the input size {size} plus padding 2 * {padding}"
        )
    return math.floor((size + 2 * padding - span) / stride) + 1


def _filters(weight: nn.Module | torch.Tensor) -> torch.Tensor:
    if isinstance(weight, nn.Conv2d):
        return weight.weight.detach().cpu()
    if isinstance(weight, torch.Tensor):
        if weight.ndim != 4:
            raise ValueError(
                "weight must have shape (out_channels, in_channels, kH, kW), "
                f"got shape {tuple(weight.shape)}"
            )
        if not weight.is_floating_point():
            raise TypeError(f"weight must be a floating-point tensor, got dtype {weight.dtype}")
        return weight.detach().cpu()
    raise TypeError(
        f"weight must be an nn.Conv2d or its weight tensor, got {type(weight).__name__}"
    )


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
        weight: An `torch.nn.Conv2d` layer, or its weight tensor.
        channel: Which input channel's weights to draw (0 for a grayscale input).
        columns: Images per row, at least 1.
        title: Optional title of the figure. When the layer has more than one
            input channel, the channel drawn is added to it.
        language: Language of the labels, ``"en"`` or ``"ko"``.

    Returns:
        The matplotlib figure, one axes per filter (plus the color bar's).

    Raises:
        TypeError: If ``weight`` is neither a `torch.nn.Conv2d` nor a
            floating-point tensor, or ``channel``/``columns`` is not an int.
        ValueError: If the weight tensor is not 4-D, ``channel`` is not an input
            channel, ``columns`` < 1, or ``language`` is unknown.
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
    if language not in _LABELS:
        raise ValueError(
            f"language must be one of {', '.join(map(repr, _LABELS))}, got {language!r}"
        )
    labels = _LABELS[language]
    filters = _filters(weight)
    _check_int(columns, "columns", 1)
    if isinstance(channel, bool) or not isinstance(channel, int):
        raise TypeError(f"channel must be an int, got {type(channel).__name__}")
    if not 0 <= channel < filters.shape[1]:
        raise ValueError(
            f"channel must be an input channel from 0 to {filters.shape[1] - 1}, got {channel}"
        )
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
