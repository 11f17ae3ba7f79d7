"""Every public argument, every kind of bad value: one table, one test.

Each row names a public function's argument, how to call the function with a
value for it, and the kind of value it takes. For each kind, `BAD` lists values
that must be refused and `GOOD` values that must be accepted (NumPy scalars and
one-element tensors wherever a Python int or float is). A refusal must be a
`TypeError` or `ValueError` whose message holds the argument's name and the
``repr`` of the value, so a learner sees which argument was wrong and why.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from nnguide import (
    MLP,
    EarlyStopping,
    activation,
    count_parameters,
    digits_loaders,
    get_device,
    load_digits,
    summary,
)
from nnguide.comparison import plot_histories
from nnguide.conv import conv_output_size, plot_filters
from nnguide.plotting import plot_confusion_matrix, plot_history
from nnguide.training import History

NAN, INF = float("nan"), float("inf")


@dataclass(frozen=True)
class Kind:
    """What an argument accepts."""

    name: str
    minimum: float | None = None
    optional: bool = False  # None is a valid value
    lists: bool = True  # a list is a bad value (not for int-or-tuple arguments)
    strings: bool = False  # some strings are valid, so another one is a ValueError


def bad_values(kind: Kind) -> list[tuple[Any, type[Exception]]]:
    """Values an argument of this kind must refuse, with the error they must raise."""
    none = [] if kind.optional else [(None, TypeError)]
    if kind.name == "int":
        values = [
            (2.5, TypeError),
            (np.float64(2.0), TypeError),
            (NAN, TypeError),
            (True, TypeError),
            (np.True_, TypeError),
            ("3", ValueError if kind.strings else TypeError),
            *none,
        ]
        if kind.lists:
            values.append(([3], TypeError))
        if kind.minimum is not None:
            below = int(kind.minimum) - 1
            values += [(below, ValueError), (np.int64(below), ValueError)]
        return values
    if kind.name == "seed":
        return [
            *bad_values(Kind("int", minimum=0)),
            (2**64, ValueError),
            (-(2**63), ValueError),
        ]
    if kind.name in ("float", "fraction", "loss"):
        values = [
            ("0.5", TypeError),
            (True, TypeError),
            (np.True_, TypeError),
            ([0.5], TypeError),
            (1j, TypeError),
            (np.complex128(1j), TypeError),
            *none,
        ]
        if kind.name != "loss":
            values += [(NAN, ValueError), (INF, ValueError), (-INF, ValueError)]
            values += [(np.float64(NAN), ValueError), (np.float32(INF), ValueError)]
        if kind.minimum is not None:
            values += [(kind.minimum - 1, ValueError), (np.float32(kind.minimum - 1), ValueError)]
        if kind.name == "fraction":
            values += [(0, ValueError), (1.0, ValueError), (np.float64(1.5), ValueError)]
        return values
    if kind.name == "bool":
        return [(1, TypeError), (np.int64(0), TypeError), ("yes", TypeError), ([True], TypeError)]
    if kind.name == "choice":
        return [
            (["en"], TypeError),
            ({"en": 1}, TypeError),
            (b"en", TypeError),
            (1, TypeError),
            ("xx", ValueError),
            *none,
        ]
    if kind.name == "text":
        return [(3, TypeError), (["title"], TypeError), (b"title", TypeError)]
    if kind.name == "device":
        return [(0, TypeError), (["cpu"], TypeError), ("tpu", ValueError), (1.5, TypeError)]
    if kind.name == "module":
        return [("model", TypeError), (nn.Linear, TypeError), ([nn.ReLU()], TypeError), *none]
    raise AssertionError(kind)


def good_values(kind: Kind, good: Any) -> list[Any]:
    """Other spellings of the valid value ``good`` that must be accepted too."""
    if kind.name == "seed" and good > 2**63:
        return [good, np.uint64(good)]
    if kind.name in ("int", "seed"):
        return [good, np.int64(good), np.int32(good), np.uint8(good), torch.tensor(good)]
    if kind.name in ("float", "fraction", "loss"):
        return [good, np.float64(good), np.float32(good), torch.tensor(good)]
    if kind.name == "bool":
        return [good, np.bool_(good)]
    return [good]


INT1, INT0 = Kind("int", minimum=1), Kind("int", minimum=0)
SIZE = Kind("int", minimum=1, lists=False)
CHOICE, TEXT, BOOL = Kind("choice"), Kind("text"), Kind("bool")
FIGURE = torch.randn(2, 1, 3, 3)
RUNS = {"a": History([1.0, 0.5], [1.1, 0.7], [0.5, 0.6])}


@dataclass(frozen=True)
class Argument:
    function: str
    name: str
    kind: Kind
    call: Callable[[Any], Any]
    good: Any


ARGUMENTS = [
    Argument("conv_output_size", "size", SIZE, lambda v: conv_output_size(v, 3), 8),
    Argument("conv_output_size", "kernel_size", SIZE, lambda v: conv_output_size(8, v), 3),
    Argument("conv_output_size", "stride", SIZE, lambda v: conv_output_size(8, 3, v), 2),
    Argument("conv_output_size", "dilation", SIZE, lambda v: conv_output_size(8, 3, dilation=v), 2),
    Argument(
        "conv_output_size",
        "padding",
        Kind("int", minimum=0, lists=False, strings=True),
        lambda v: conv_output_size(8, 3, padding=v),
        1,
    ),
    Argument("plot_filters", "channel", INT0, lambda v: plot_filters(FIGURE, channel=v), 0),
    Argument("plot_filters", "columns", INT1, lambda v: plot_filters(FIGURE, columns=v), 2),
    Argument("plot_filters", "language", CHOICE, lambda v: plot_filters(FIGURE, language=v), "ko"),
    Argument("plot_filters", "title", TEXT, lambda v: plot_filters(FIGURE, title=v), "t"),
    Argument("EarlyStopping", "patience", INT1, lambda v: EarlyStopping(patience=v), 3),
    Argument(
        "EarlyStopping",
        "min_delta",
        Kind("float", minimum=0.0),
        lambda v: EarlyStopping(min_delta=v),
        0.5,
    ),
    Argument(
        "EarlyStopping.step",
        "val_loss",
        Kind("loss"),
        lambda v: EarlyStopping().step(v, nn.Linear(1, 1)),
        0.5,
    ),
    Argument(
        "EarlyStopping.step",
        "model",
        Kind("module"),
        lambda v: EarlyStopping().step(1, v),
        nn.ReLU(),
    ),
    Argument("plot_histories", "metric", CHOICE, lambda v: plot_histories(RUNS, v), "train_loss"),
    Argument(
        "plot_histories", "language", CHOICE, lambda v: plot_histories(RUNS, language=v), "ko"
    ),
    Argument(
        "plot_histories", "log_scale", BOOL, lambda v: plot_histories(RUNS, log_scale=v), True
    ),
    Argument("plot_histories", "title", TEXT, lambda v: plot_histories(RUNS, title=v), "t"),
    Argument(
        "plot_history", "language", CHOICE, lambda v: plot_history(RUNS["a"], language=v), "ko"
    ),
    Argument("plot_history", "title", TEXT, lambda v: plot_history(RUNS["a"], title=v), "t"),
    Argument(
        "plot_confusion_matrix",
        "language",
        CHOICE,
        lambda v: plot_confusion_matrix(torch.eye(2), language=v),
        "ko",
    ),
    Argument("load_digits", "seed", Kind("seed"), lambda v: load_digits(seed=v), 2**64 - 1),
    Argument(
        "load_digits",
        "test_fraction",
        Kind("fraction"),
        lambda v: load_digits(test_fraction=v),
        0.25,
    ),
    Argument("load_digits", "normalize", BOOL, lambda v: load_digits(normalize=v), False),
    Argument("digits_loaders", "seed", Kind("seed"), lambda v: digits_loaders(seed=v), 7),
    Argument("digits_loaders", "batch_size", INT1, lambda v: digits_loaders(batch_size=v), 16),
    Argument(
        "digits_loaders",
        "test_fraction",
        Kind("fraction"),
        lambda v: digits_loaders(test_fraction=v),
        0.25,
    ),
    Argument("get_device", "prefer", Kind("device"), get_device, "cpu"),
    Argument("MLP", "sizes[0]", INT1, lambda v: MLP([v, 2]), 3),
    Argument("MLP", "activation", CHOICE, lambda v: MLP([3, 4, 2], activation=v), "tanh"),
    Argument(
        "MLP",
        "output_activation",
        Kind("choice", optional=True),
        lambda v: MLP([3, 2], output_activation=v),
        "sigmoid",
    ),
    Argument("activation", "name", CHOICE, activation, "relu"),
    Argument(
        "activation",
        "negative_slope",
        Kind("float"),
        lambda v: activation("leaky_relu", negative_slope=v),
        0.5,
    ),
    Argument("activation", "dim", Kind("int"), lambda v: activation("softmax", dim=v), 1),
    Argument("activation", "inplace", BOOL, lambda v: activation("relu", inplace=v), True),
    Argument(
        "activation", "approximate", CHOICE, lambda v: activation("gelu", approximate=v), "tanh"
    ),
    Argument("count_parameters", "model", Kind("module"), count_parameters, nn.Linear(2, 2)),
    Argument(
        "count_parameters",
        "trainable_only",
        BOOL,
        lambda v: count_parameters(nn.Linear(2, 2), trainable_only=v),
        True,
    ),
    Argument("summary", "model", Kind("module"), lambda v: summary(v, (3,)), nn.Linear(3, 2)),
    Argument(
        "summary",
        "batch_size",
        Kind("int", minimum=1, optional=True),
        lambda v: summary(nn.Linear(3, 2), (3,), batch_size=v),
        3,
    ),
    Argument(
        "summary",
        "batch_dim",
        Kind("int", minimum=0, optional=True),
        lambda v: summary(nn.Linear(3, 2), (4, 3), batch_dim=v),
        1,
    ),
]


def cases(select: Callable[[Argument], list[tuple[Any, ...]]]) -> list[Any]:
    return [
        pytest.param(argument, *values, id=f"{argument.function}-{argument.name}-{values[0]!r}")
        for argument in ARGUMENTS
        for values in select(argument)
    ]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    ("argument", "value", "error"), cases(lambda argument: bad_values(argument.kind))
)
def test_a_bad_value_is_refused_with_the_argument_and_the_value(argument, value, error):
    with pytest.raises((TypeError, ValueError)) as caught:
        argument.call(value)
    message = str(caught.value)
    assert caught.type is error, f"{argument.function}({argument.name}={value!r}): {message}"
    assert argument.name in message, message
    assert repr(value) in message, message


@pytest.mark.parametrize(
    ("argument", "value"),
    cases(lambda argument: [(value,) for value in good_values(argument.kind, argument.good)]),
)
def test_numpy_scalars_and_one_element_tensors_are_accepted(argument, value):
    argument.call(value)


def test_the_table_covers_every_kind_and_module():
    kinds = {argument.kind.name for argument in ARGUMENTS}
    assert kinds == {"int", "seed", "float", "fraction", "loss", "bool", "choice", "text"} | {
        "device",
        "module",
    }
    assert len({argument.function for argument in ARGUMENTS}) >= 14
