import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from nnguide.plotting import plot_confusion_matrix, plot_history, set_style
from nnguide.training import History


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def history():
    return History(
        train_loss=[1.5, 0.8, 0.5, 0.4],
        val_loss=[1.2, 0.9, 0.7, 0.75],
        val_accuracy=[0.6, 0.75, 0.85, 0.84],
    )


# plot_history --------------------------------------------------------------


def test_history_lines_hold_the_recorded_values(history):
    ax = plot_history(history, title="Run 1")
    train, val = ax.lines
    assert train.get_xdata().tolist() == [1, 2, 3, 4]
    assert train.get_ydata().tolist() == history.train_loss
    assert val.get_ydata().tolist() == history.val_loss
    (accuracy_ax,) = [other for other in ax.figure.axes if other is not ax]
    (accuracy_line,) = accuracy_ax.lines
    assert accuracy_line.get_xdata().tolist() == [1, 2, 3, 4]
    assert accuracy_line.get_ydata().tolist() == history.val_accuracy
    assert accuracy_ax.get_ylabel() == "accuracy"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert ax.get_title() == "Run 1"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["training loss", "validation loss", "validation accuracy"]


def test_history_in_korean(history):
    set_style()
    ax = plot_history(history, language="ko")
    accuracy_ax = ax.figure.axes[1]
    assert ax.get_xlabel() == "에포크" and ax.get_ylabel() == "손실"
    assert accuracy_ax.get_ylabel() == "정확도"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["학습 손실", "검증 손실", "검증 정확도"]


def test_history_without_validation_draws_one_line_and_no_twin():
    ax = plot_history(History(train_loss=[0.9, 0.3]))
    assert len(ax.lines) == 1
    assert ax.figure.axes == [ax]
    assert ax.lines[0].get_ydata().tolist() == [0.9, 0.3]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["training loss"]
    assert ax.get_title() == ""


def test_history_draws_on_the_given_axes(history):
    _, (left, right) = plt.subplots(1, 2)
    assert plot_history(history, ax=right) is right
    assert len(left.lines) == 0
    assert len(right.lines) == 2


def test_history_epoch_ticks_are_integers():
    ax = plot_history(History(train_loss=[1.0, 0.8, 0.7]))
    ax.figure.canvas.draw()
    ticks = [tick for tick in ax.get_xticks() if 1 <= tick <= 3]
    assert ticks and all(float(tick).is_integer() for tick in ticks)


def test_history_accepts_any_object_with_the_lists():
    class Record:
        def __init__(self):
            self.train_loss = (2.0, 1.0)
            self.val_loss = ()
            self.val_accuracy = [torch.tensor(0.5), torch.tensor(0.75)]

    ax = plot_history(Record())
    assert ax.figure.axes[1].lines[0].get_ydata().tolist() == [0.5, 0.75]


def test_history_errors():
    with pytest.raises(ValueError, match="history is empty: it has no recorded epochs"):
        plot_history(History())
    with pytest.raises(
        ValueError, match=r"history.val_loss must be empty or have one entry per epoch \(2\), got 1"
    ):
        plot_history(History(train_loss=[1.0, 0.5], val_loss=[1.0]))
    with pytest.raises(
        TypeError,
        match=r"got dict \{.train_loss.: \[1\.0\]\} without train_loss, val_loss, val_accuracy",
    ):
        plot_history({"train_loss": [1.0]})
    with pytest.raises(TypeError, match=r"history\.train_loss must be a list of numbers"):
        plot_history(History(train_loss=["high"]))
    with pytest.raises(ValueError, match=r"language must be one of 'en', 'ko', got 'fr'"):
        plot_history(History(train_loss=[1.0]), language="fr")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got Figure"):
        plot_history(History(train_loss=[1.0]), ax=plt.figure())


# plot_confusion_matrix -----------------------------------------------------


def test_confusion_matrix_image_equals_the_matrix():
    matrix = torch.tensor([[8, 1, 0], [2, 5, 0], [0, 0, 9]])
    ax = plot_confusion_matrix(matrix, title="Digits")
    (image,) = ax.images
    assert np.array_equal(image.get_array(), matrix.numpy())
    assert image.get_clim() == (0.0, 9.0)
    assert [text.get_text() for text in ax.texts] == ["8", "1", "0", "2", "5", "0", "0", "0", "9"]
    # The text of a dark (large) cell is white, of a light cell black.
    colors = {text.get_text(): text.get_color() for text in ax.texts}
    assert colors["9"] == "white" and colors["1"] == "black"
    positions = [text.get_position() for text in ax.texts]
    assert positions[1] == (1, 0) and positions[3] == (0, 1)  # (column, row)
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [label.get_text() for label in ax.get_xticklabels()] == ["0", "1", "2"]
    assert ax.get_title() == "Digits"


def test_confusion_matrix_class_names_and_korean():
    ax = plot_confusion_matrix(
        np.array([[3, 1], [0, 4]]), class_names=["cat", "dog"], language="ko"
    )
    assert [label.get_text() for label in ax.get_xticklabels()] == ["cat", "dog"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["cat", "dog"]
    assert ax.get_xlabel() == "예측한 클래스" and ax.get_ylabel() == "실제 클래스"


def test_confusion_matrix_of_rates_prints_two_decimals():
    ax = plot_confusion_matrix(torch.tensor([[0.75, 0.25], [0.1, 0.9]]))
    assert [text.get_text() for text in ax.texts] == ["0.75", "0.25", "0.10", "0.90"]


def test_confusion_matrix_draws_on_the_given_axes():
    _, ax = plt.subplots()
    assert plot_confusion_matrix(torch.eye(3, dtype=torch.long), ax=ax) is ax
    assert len(ax.images) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"matrix": torch.zeros(2, 3)},
            ValueError,
            r"square 2-D matrix \(C, C\), got shape \(2, 3\)",
        ),
        ({"matrix": torch.zeros(4)}, ValueError, r"got shape \(4,\)"),
        ({"matrix": torch.tensor([[1, -1], [0, 1]])}, ValueError, "got a negative entry"),
        ({"matrix": "matrix"}, TypeError, "matrix must be a square tensor of counts, got str"),
        (
            {"matrix": torch.eye(2, dtype=torch.bool)},
            TypeError,
            r"got a bool tensor of shape \(2, 2\)",
        ),
        ({"class_names": ["a"]}, ValueError, r"one name per class \(2\), got 1"),
        ({"class_names": "ab"}, TypeError, r"class_names must be a list of names, .*got str 'ab'"),
        ({"language": "de"}, ValueError, "language must be one of 'en', 'ko', got 'de'"),
    ],
)
def test_confusion_matrix_errors(kwargs, error, message):
    arguments = {"matrix": torch.eye(2, dtype=torch.long)}
    arguments.update(kwargs)
    matrix = arguments.pop("matrix")
    with pytest.raises(error, match=message):
        plot_confusion_matrix(matrix, **arguments)


def test_set_style_is_unchanged_by_the_new_helpers(history):
    set_style()
    before = dict(matplotlib.rcParams)
    plot_history(history)
    plot_confusion_matrix(torch.eye(2, dtype=torch.long))
    assert matplotlib.rcParams["axes.grid"] is True
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: plot_history(History([1.0]), language=["en"]),
            TypeError,
            r"language must be a str, got list \['en'\]",
        ),
        (
            lambda: plot_confusion_matrix(torch.eye(2), class_names=5),
            TypeError,
            r"class_names must be a list of names, one per class, got int 5",
        ),
        (
            lambda: plot_history(History([1.0]), title=3),
            TypeError,
            r"title must be a str or None, got int 3",
        ),
        (
            lambda: plot_confusion_matrix(torch.eye(2), language="fr"),
            ValueError,
            r"language must be one of 'en', 'ko', got 'fr'",
        ),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
    plt.close("all")


def test_class_names_may_be_any_iterable_of_names():
    ax = plot_confusion_matrix(torch.eye(2), class_names=(name for name in "ab"))
    assert [label.get_text() for label in ax.get_xticklabels()] == ["a", "b"]
    plt.close("all")
