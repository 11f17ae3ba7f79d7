import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from nnguide.comparison import METRICS, plot_histories
from nnguide.training import History


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def runs():
    return {
        "SGD": History([2.0, 1.5, 1.2, 1.0], [2.1, 1.7, 1.5, 1.4], [0.3, 0.5, 0.6, 0.65]),
        "Adam": History([1.0, 0.5, 0.3, 0.2], [1.1, 0.8, 0.9, 1.0], [0.7, 0.8, 0.8, 0.79]),
    }


def curves(ax):
    return [line for line in ax.lines if not line.get_label().startswith("_")]


@pytest.mark.parametrize("metric", METRICS)
def test_one_curve_per_run_with_its_values(runs, metric):
    ax = plot_histories(runs, metric)
    lines = curves(ax)
    assert [line.get_label() for line in lines] == ["SGD", "Adam"]
    for line, history in zip(lines, runs.values(), strict=True):
        assert line.get_xdata().tolist() == [1, 2, 3, 4]
        assert line.get_ydata().tolist() == getattr(history, metric)


def test_validation_loss_marks_each_runs_lowest_point(runs):
    ax = plot_histories(runs, "val_loss")
    markers = [line for line in ax.lines if line.get_label() == "_best"]
    points = [(line.get_xdata().tolist(), line.get_ydata().tolist()) for line in markers]
    assert points == [([4], [1.4]), ([2], [0.8])]
    assert [m.get_color() for m in markers] == [line.get_color() for line in curves(ax)]


def test_other_metrics_have_no_markers(runs):
    ax = plot_histories(runs, "train_loss")
    assert len(ax.lines) == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ("epoch", "training loss")),
        ("ko", ("에포크", "학습 손실")),
    ],
)
def test_axis_labels_in_both_languages(runs, language, expected):
    ax = plot_histories(runs, "train_loss", language=language, title="t")
    assert (ax.get_xlabel(), ax.get_ylabel()) == expected
    assert ax.get_title() == "t"


def test_log_scale_and_given_axes(runs):
    _, ax = plt.subplots()
    assert plot_histories(runs, "train_loss", ax=ax, log_scale=True) is ax
    assert ax.get_yscale() == "log"


def test_runs_of_different_lengths(runs):
    runs["short"] = History([0.9, 0.4], [1.0, 0.6], [0.7, 0.8])
    ax = plot_histories(runs, "val_loss")
    assert curves(ax)[2].get_xdata().tolist() == [1, 2]


@pytest.mark.parametrize(
    ("histories", "kwargs", "error", "message"),
    [
        ({}, {}, ValueError, "histories is empty"),
        ([History([1.0])], {}, TypeError, "mapping of run names .* got list"),
        ({"a": [1.0]}, {}, TypeError, r"histories\['a'\] must be an nnguide.History, got list"),
        (
            {"a": History([1.0])},
            {},
            ValueError,
            "has no val_loss: was fit\\(\\) given a val_loader",
        ),
        ({"a": History(["x"], [1.0], [0.5])}, {"metric": "train_loss"}, TypeError, "numbers"),
        ({"a": History([1.0])}, {"metric": "loss"}, ValueError, "'train_loss', 'val_loss'"),
        ({"a": History([1.0])}, {"metric": "train_loss", "language": "fr"}, ValueError, "'fr'"),
        ({"a": History([1.0])}, {"metric": "train_loss", "log_scale": 1}, TypeError, "bool"),
        ({"a": History([1.0])}, {"metric": "train_loss", "ax": "x"}, TypeError, "Axes"),
    ],
)
def test_invalid_arguments(histories, kwargs, error, message):
    with pytest.raises(error, match=message):
        plot_histories(histories, **kwargs)
