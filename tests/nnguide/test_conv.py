import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from nnguide.conv import conv_output_size, plot_filters


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# conv_output_size -----------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "kernel_size", "stride", "padding", "dilation"),
    [
        (8, 3, 1, 0, 1),
        (8, 3, 1, 1, 1),
        (8, 2, 2, 0, 1),
        (7, 2, 2, 0, 1),
        (28, 5, 1, 2, 1),
        (32, 3, 2, 1, 1),
        (10, 3, 3, 0, 1),
        (9, 3, 1, 0, 2),
        (5, 5, 1, 0, 1),
        (1, 3, 1, 1, 1),
    ],
)
def test_matches_pytorch_conv2d_and_maxpool2d(size, kernel_size, stride, padding, dilation):
    x = torch.zeros(1, 1, size, size)
    conv = nn.Conv2d(1, 1, kernel_size, stride=stride, padding=padding, dilation=dilation)
    expected = conv(x).shape[-1]
    assert conv_output_size(size, kernel_size, stride, padding, dilation) == expected
    if 2 * padding <= kernel_size:  # MaxPool2d allows at most half the kernel as padding
        pool = nn.MaxPool2d(kernel_size, stride=stride, padding=padding, dilation=dilation)
        assert conv_output_size(size, kernel_size, stride, padding, dilation) == pool(x).shape[-1]


def test_the_formula_without_dilation():
    for size in range(3, 12):
        for stride in (1, 2, 3):
            assert conv_output_size(size, 3, stride, 1) == (size + 2 - 3) // stride + 1


def test_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"kernel_size=5 .* larger than the input size 3"):
        conv_output_size(3, 5)
    with pytest.raises(ValueError, match="spanning 5 with dilation=2"):
        conv_output_size(4, 3, dilation=2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"size": 0, "kernel_size": 1}, ValueError, "size must be at least 1, got 0"),
        (
            {"size": 8.0, "kernel_size": 3},
            TypeError,
            "^size must be an int or a tuple of ints, got float 8.0$",
        ),
        (
            {"size": 8, "kernel_size": True},
            TypeError,
            "^kernel_size must be an int or a tuple of ints, got bool True$",
        ),
        (
            {"size": 8, "kernel_size": (3, 2.0)},
            TypeError,
            r"^kernel_size\[1\] must be an int, got float 2.0$",
        ),
        (
            {"size": (8, 8), "kernel_size": (3, 3, 3)},
            ValueError,
            r"size has 2, kernel_size has 3 \(size=\(8, 8\), kernel_size=\(3, 3, 3\)\)",
        ),
        (
            {"size": 8, "kernel_size": 3, "padding": "full"},
            ValueError,
            "^padding must be one of 'same', 'valid', got 'full'$",
        ),
        (
            {"size": 8, "kernel_size": 3, "padding": 1.5},
            TypeError,
            "^padding must be an int, a tuple of ints, 'same' or 'valid', got float 1.5$",
        ),
        (
            {"size": 8, "kernel_size": 3, "stride": 2, "padding": "same"},
            ValueError,
            "^padding='same' needs stride=1.*got stride=2$",
        ),
        (
            {"size": 8, "kernel_size": 3, "stride": (1, 2), "padding": "same"},
            ValueError,
            r"got stride=\(1, 2\)$",
        ),
        (
            {"size": 8, "kernel_size": ()},
            ValueError,
            r"^kernel_size must be an int or a non-empty tuple of ints, got \(\)$",
        ),
        ({"size": 8, "kernel_size": 3, "stride": 0}, ValueError, "stride must be at least 1"),
        ({"size": 8, "kernel_size": 3, "padding": -1}, ValueError, "padding must be at least 0"),
        ({"size": 8, "kernel_size": 3, "dilation": 0}, ValueError, "dilation must be at least 1"),
    ],
)
def test_invalid_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        conv_output_size(**kwargs)


def test_numpy_and_tensor_integers_are_ints():
    assert conv_output_size(np.int64(8), np.int32(3), stride=torch.tensor(1)) == 6
    assert conv_output_size([8, np.int64(10)], 3) == (6, 8)


def test_padding_strings_and_tuples():
    assert conv_output_size(8, 3, padding="valid") == 6
    assert conv_output_size(8, 4, padding="same") == 8  # even kernel: torch pads unevenly
    assert conv_output_size(2, 5, padding="same", dilation=3) == 2
    assert conv_output_size((8, 10), kernel_size=3, stride=(1, 2), padding=(1, 0)) == (8, 4)
    assert conv_output_size(8, (3, 1)) == (6, 8)


two = st.tuples(st.integers(1, 12), st.integers(1, 12))


@settings(max_examples=60, deadline=None)
@given(
    size=two,
    kernel=st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4))),
    stride=st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    padding=st.one_of(
        st.integers(0, 2),
        st.tuples(st.integers(0, 2), st.integers(0, 2)),
        st.just("valid"),
        st.just("same"),
    ),
    dilation=st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))),
)
def test_agrees_with_nn_conv2d_on_everything_it_accepts(size, kernel, stride, padding, dilation):
    """nn.Conv2d is the oracle: same output shape, or both refuse."""
    try:
        layer = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation)
        expected = tuple(layer(torch.zeros(1, 1, *size)).shape[2:])
    except (ValueError, RuntimeError):
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            conv_output_size(size, kernel, stride, padding, dilation)
    else:
        assert conv_output_size(size, kernel, stride, padding, dilation) == expected


# plot_filters ---------------------------------------------------------------


def test_one_image_per_filter_with_the_filter_weights():
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 5, kernel_size=3)
    fig = plot_filters(conv, columns=3)
    filter_axes = [ax for ax in fig.axes if ax.images]
    assert len(filter_axes) == 5
    for index, ax in enumerate(filter_axes):
        assert ax.get_title() == f"filter {index}"
        assert ax.images[0].get_array().tolist() == conv.weight[index, 0].detach().tolist()


def test_grid_shape_and_hidden_spare_axes():
    fig = plot_filters(torch.randn(5, 1, 3, 3), columns=3)
    grid = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(grid) == 6
    assert not grid[5].images and not grid[5].axison


def test_one_symmetric_color_scale_for_all_filters():
    weight = torch.tensor([[[[0.5, -2.0], [1.0, 0.0]]], [[[0.1, 0.2], [0.3, 0.4]]]])
    fig = plot_filters(weight)
    limits = {ax.images[0].get_clim() for ax in fig.axes if ax.images}
    assert limits == {(-2.0, 2.0)}


def test_korean_labels_and_title():
    fig = plot_filters(torch.randn(2, 1, 3, 3), title="첫 합성곱 계층", language="ko")
    assert fig.axes[0].get_title() == "필터 0"
    assert fig._suptitle.get_text() == "첫 합성곱 계층"


def test_the_channel_of_a_multichannel_layer():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, kernel_size=2)
    fig = plot_filters(conv, channel=2, title="layer 2")
    assert fig.axes[1].images[0].get_array().tolist() == conv.weight[1, 2].detach().tolist()
    assert fig._suptitle.get_text() == "layer 2 (input channel 2)"


def test_columns_larger_than_the_number_of_filters():
    fig = plot_filters(torch.randn(2, 1, 3, 3), columns=8)
    assert len([ax for ax in fig.axes if ax.images]) == 2
    assert len(fig.axes) == 3  # two filters and the color bar


@pytest.mark.parametrize(
    ("weight", "kwargs", "error", "message"),
    [
        (torch.randn(4, 3, 3), {}, ValueError, r"shape \(out_channels, in_channels, kH, kW\)"),
        (torch.ones(2, 1, 3, 3, dtype=torch.int64), {}, TypeError, "floating-point"),
        (nn.Linear(2, 2), {}, TypeError, "nn.Conv2d or its weight tensor, got Linear"),
        (torch.randn(2, 1, 3, 3), {"channel": 1}, ValueError, "from 0 to 0, got 1"),
        (torch.randn(2, 1, 3, 3), {"channel": 0.0}, TypeError, "channel must be an int"),
        (torch.randn(2, 1, 3, 3), {"columns": 0}, ValueError, "columns must be at least 1"),
        (torch.randn(2, 1, 3, 3), {"language": "de"}, ValueError, "'en', 'ko', got 'de'"),
        (
            torch.randn(2, 1, 3, 3),
            {"language": ["en"]},
            TypeError,
            r"^language must be a str, got list \['en'\]$",
        ),
        (torch.randn(2, 1, 3, 3), {"columns": np.int64(0)}, ValueError, r"got np\.int64\(0\)"),
        (
            torch.randn(2, 1, 3, 3),
            {"title": 3},
            TypeError,
            "^title must be a str or None, got int 3$",
        ),
    ],
)
def test_invalid_arguments_to_plot_filters(weight, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_filters(weight, **kwargs)


@pytest.mark.parametrize("size", [6, 7, 8, 9])
def test_pooling_agrees_with_maxpool2d_and_ceil_mode_rounds_up(size):
    image = torch.zeros(1, 1, size, size)
    floor = nn.MaxPool2d(2)(image).shape[-1]
    ceil = nn.MaxPool2d(2, ceil_mode=True)(image).shape[-1]
    assert conv_output_size(size, kernel_size=2, stride=2) == floor == size // 2
    assert ceil == -(-size // 2)
