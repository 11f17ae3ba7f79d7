"""Comparing training runs: one curve per run on one plot.

Choosing a setting (a learning rate, an optimizer, a regularization) means
training several times and comparing the runs on the validation set.
`plot_histories()` draws the same measurement of several `nnguide.History`
objects on one axes, labelled in English or Korean, and marks where each run's
validation loss was lowest. It needs matplotlib (``pip install "nnguide[plot]"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from nnguide._validation import check_bool, check_str, describe

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from nnguide.training import History

__all__ = ["METRICS", "plot_histories"]

METRICS = ("train_loss", "val_loss", "val_accuracy")
"""The measurements of a `nnguide.History` that `plot_histories()` can draw."""

_MISSING_MATPLOTLIB = 'nnguide.comparison needs matplotlib: pip install "nnguide[plot]"'
_LABELS = {
    "en": {
        "epoch": "epoch",
        "train_loss": "training loss",
        "val_loss": "validation loss",
        "val_accuracy": "validation accuracy",
    },
    "ko": {
        "epoch": "에포크",
        "train_loss": "학습 손실",
        "val_loss": "검증 손실",
        "val_accuracy": "검증 정확도",
    },
}


def plot_histories(
    histories: Mapping[str, History],
    metric: str = "val_loss",
    *,
    ax: Axes | None = None,
    title: str | None = None,
    log_scale: bool = False,
    language: str = "en",
) -> Axes:
    """Plot one measurement of several training runs against the epoch.

    One line per run, named in the legend by its key in ``histories``. For
    ``metric="val_loss"`` a dot marks each run's lowest validation loss over all
    the epochs drawn. That is the best an early stop could keep; a rule with a
    ``patience`` stops at the first long enough stretch without improvement and
    can keep an earlier, higher minimum.

    Args:
        histories: Run names mapped to what `nnguide.fit()` returned (or any
            objects with the lists of `METRICS`), in the order of the legend.
        metric: Which list to draw: ``"train_loss"``, ``"val_loss"`` or
            ``"val_accuracy"``.
        ax: Axes to draw on; ``None`` creates a new figure.
        title: Optional title of the axes.
        log_scale: Draw the y-axis on a logarithmic scale, which shows losses
            that shrink by orders of magnitude.
        language: Language of the axis labels, ``"en"`` or ``"ko"``.

    Returns:
        The axes.

    Raises:
        TypeError: If ``histories`` is not a mapping of names to histories,
            ``ax`` is not an Axes, ``title`` not a str or ``None``,
            ``log_scale`` not a bool, or ``metric`` or ``language`` not a str
            (an unhashable ``["en"]`` included).
        ValueError: If ``histories`` is empty, ``metric`` or ``language`` is
            unknown, or a run has not recorded ``metric``. Each message names
            the argument and its value.
        ModuleNotFoundError: If matplotlib is not installed.

    Examples:
        >>> from nnguide.training import History
        >>> runs = {
        ...     "SGD": History([2.0, 1.5, 1.2], [2.1, 1.7, 1.5], [0.3, 0.5, 0.6]),
        ...     "Adam": History([1.0, 0.5, 0.3], [1.1, 0.8, 0.9], [0.7, 0.8, 0.8]),
        ... }
        >>> ax = plot_histories(runs, "val_loss")
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['SGD', 'Adam']
        >>> ax.get_ylabel(), ax.lines[2].get_ydata().tolist()
        ('validation loss', [1.1, 0.8, 0.9])
        >>> ax.lines[3].get_xdata().tolist()  # Adam's lowest validation loss: epoch 2
        [2]
    """
    labels = _LABELS[check_str(language, "language", choices=tuple(_LABELS))]
    check_str(metric, "metric", choices=METRICS)
    if not isinstance(histories, Mapping):
        raise TypeError(
            "histories must be a mapping of run names to nnguide.History objects, "
            f"got {describe(histories)}"
        )
    if not histories:
        raise ValueError("histories is empty: pass at least one run, got {}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {describe(title)}")
    curves: dict[str, list[float]] = {}
    for name, history in histories.items():
        if not hasattr(history, metric):
            raise TypeError(
                f"histories[{name!r}] must be an nnguide.History, got {describe(history)}"
            )
        try:
            values = [float(value) for value in getattr(history, metric)]
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"histories[{name!r}].{metric} must be a list of numbers, "
                f"got {describe(getattr(history, metric))}"
            ) from error
        if not values:
            raise ValueError(f"histories[{name!r}] has no {metric}: was fit() given a val_loader?")
        curves[str(name)] = values
    log_scale = check_bool(log_scale, "log_scale")
    try:
        import matplotlib.pyplot as plt
        from matplotlib.axes import Axes
        from matplotlib.ticker import MaxNLocator
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
        raise ModuleNotFoundError(_MISSING_MATPLOTLIB) from error
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe(ax)}")

    for name, values in curves.items():
        epochs = list(range(1, len(values) + 1))
        (line,) = ax.plot(epochs, values, label=name)
        if metric == "val_loss":
            best = min(range(len(values)), key=values.__getitem__)
            ax.plot(epochs[best], values[best], "o", color=line.get_color(), label="_best")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel(labels["epoch"])
    ax.set_ylabel(labels[metric])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    if title is not None:
        ax.set_title(title)
    return ax
