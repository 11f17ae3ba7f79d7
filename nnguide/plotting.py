"""Plotting helpers for the guide's figures.

Everything here needs matplotlib (``pip install "nnguide[plot]"``). The one setup
call, `set_style()`, makes figures look the same in every lesson and lets them
carry Korean labels: it adds a font with Hangul glyphs to matplotlib's font
fallback chain, so text in either language renders without boxes or
"Glyph missing" warnings. `plot_history()` and `plot_confusion_matrix()`
draw the two figures every training lesson ends with, labelled in English or
Korean.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from nnguide._validation import check_str, describe, describe_tensor

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from nnguide.training import History

__all__ = ["hangul_font_path", "plot_confusion_matrix", "plot_history", "set_style"]

_HANGUL_FONT_FILES = ("NanumGothic.ttf", "NanumBarunGothic.ttf", "NotoSansCJK-Regular.ttc")
_MISSING_MATPLOTLIB = 'nnguide.plotting needs matplotlib: pip install "nnguide[plot]"'
_SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/nanum"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


def hangul_font_path() -> Path | None:
    """Find a font file that has Hangul glyphs.

    Looks first in the ``koreanize-matplotlib`` package, which ships NanumGothic and
    is installed with the ``plot`` extra (the package is located, not imported, so
    its import-time side effects do not run), then in the usual system font folders.

    Returns:
        The path of the font file, or ``None`` when no such font is installed.

    Examples:
        >>> path = hangul_font_path()
        >>> path is None or path.suffix in {".ttf", ".ttc", ".otf"}
        True
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    folders: list[Path] = []
    if spec is not None and spec.origin is not None:
        folders.append(Path(spec.origin).parent / "fonts")
    folders.extend(_SYSTEM_FONT_DIRS)
    for folder in folders:
        for name in _HANGUL_FONT_FILES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def set_style() -> str | None:
    """Set matplotlib defaults for the guide's figures, Korean labels included.

    Registers the font found by `hangul_font_path()` with matplotlib and puts it
    after DejaVu Sans in ``font.family``: Latin text keeps matplotlib's usual font,
    and Hangul glyphs come from the fallback font. Also sets a light grid and a
    figure size that reads well on a web page. Safe to call more than once.

    Returns:
        The family name of the Hangul font in use, or ``None`` when none was found
        (Latin text still renders; Hangul would not).

    Raises:
        ModuleNotFoundError: If matplotlib is not installed.

    Examples:
        >>> name = set_style()
        >>> import matplotlib
        >>> matplotlib.rcParams["font.family"][0]
        'DejaVu Sans'
    """
    try:
        import matplotlib
        from matplotlib import font_manager
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
        raise ModuleNotFoundError(_MISSING_MATPLOTLIB) from error

    families = ["DejaVu Sans"]
    hangul_family = None
    path = hangul_font_path()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        hangul_family = font_manager.FontProperties(fname=str(path)).get_name()
        families.append(hangul_family)
    matplotlib.rcParams.update(
        {
            "font.family": families,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "figure.figsize": (8.0, 4.0),
            "figure.dpi": 100,
            "savefig.bbox": "tight",
        }
    )
    return hangul_family


_LABELS = {
    "en": {
        "epoch": "epoch",
        "loss": "loss",
        "accuracy": "accuracy",
        "train_loss": "training loss",
        "val_loss": "validation loss",
        "val_accuracy": "validation accuracy",
        "predicted": "predicted class",
        "true": "true class",
    },
    "ko": {
        "epoch": "에포크",
        "loss": "손실",
        "accuracy": "정확도",
        "train_loss": "학습 손실",
        "val_loss": "검증 손실",
        "val_accuracy": "검증 정확도",
        "predicted": "예측한 클래스",
        "true": "실제 클래스",
    },
}


def _labels(language: object) -> dict[str, str]:
    return _LABELS[check_str(language, "language", choices=tuple(_LABELS))]


def _check_title(title: object) -> str | None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {describe(title)}")
    return title


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    try:
        import matplotlib.pyplot as plt
        from matplotlib.axes import Axes
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
        raise ModuleNotFoundError(_MISSING_MATPLOTLIB) from error
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe(ax)}")
    return ax


def _float_list(values: Any, name: str) -> list[float]:
    try:
        return [float(value) for value in values]
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"history.{name} must be a list of numbers, got {describe(values)}"
        ) from error


def plot_history(
    history: History,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    language: str = "en",
) -> Axes:
    """Plot the loss curves (and validation accuracy) recorded by `nnguide.fit()`.

    The training loss and, when recorded, the validation loss are drawn against
    the epoch number (1, 2, …) on ``ax``. When validation accuracy was recorded it
    is drawn as a dashed line on a second y-axis on the right, sharing the x-axis.
    One legend lists all curves.

    Args:
        history: A `nnguide.History`, or any object with lists
            ``train_loss``, ``val_loss`` and ``val_accuracy``.
        ax: Axes to draw on; ``None`` creates a new figure.
        title: Optional title of the axes.
        language: Language of the axis labels and legend, ``"en"`` or ``"ko"``.

    Returns:
        The axes with the loss curves. The accuracy axis, when drawn, is its twin
        (``ax.figure.axes``).

    Raises:
        TypeError: If ``history`` lacks the three lists, ``ax`` is not an Axes,
            ``title`` is not a str or ``None``, or ``language`` is not a str.
        ValueError: If ``history`` is empty, a validation list has a different
            length than ``train_loss``, or ``language`` is unknown.
        ModuleNotFoundError: If matplotlib is not installed.

    Examples:
        >>> from nnguide.training import History
        >>> history = History([1.2, 0.6, 0.4], [1.0, 0.7, 0.6], [0.7, 0.8, 0.85])
        >>> ax = plot_history(history, title="Training")
        >>> [line.get_label() for line in ax.get_legend().get_lines()]
        ['training loss', 'validation loss', 'validation accuracy']
        >>> ax.lines[0].get_xdata().tolist()
        [1, 2, 3]
    """
    labels = _labels(language)
    _check_title(title)
    missing = [
        name for name in ("train_loss", "val_loss", "val_accuracy") if not hasattr(history, name)
    ]
    if missing:
        raise TypeError(
            "history must be an nnguide.History (lists train_loss, val_loss, val_accuracy), "
            f"got {describe(history)} without {', '.join(missing)}"
        )
    train_loss = _float_list(history.train_loss, "train_loss")
    val_loss = _float_list(history.val_loss, "val_loss")
    val_accuracy = _float_list(history.val_accuracy, "val_accuracy")
    if not train_loss:
        raise ValueError("history is empty: it has no recorded epochs")
    for name, values in (("val_loss", val_loss), ("val_accuracy", val_accuracy)):
        if values and len(values) != len(train_loss):
            raise ValueError(
                f"history.{name} must be empty or have one entry per epoch "
                f"({len(train_loss)}), got {len(values)}"
            )
    ax = _axes(ax)
    from matplotlib.ticker import MaxNLocator

    epochs = list(range(1, len(train_loss) + 1))
    marker = "o" if len(epochs) <= 30 else None
    handles = ax.plot(epochs, train_loss, marker=marker, label=labels["train_loss"])
    if val_loss:
        handles += ax.plot(epochs, val_loss, marker=marker, label=labels["val_loss"])
    ax.set_xlabel(labels["epoch"])
    ax.set_ylabel(labels["loss"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if val_accuracy:
        accuracy_ax = ax.twinx()
        accuracy_ax.grid(False)
        handles += accuracy_ax.plot(
            epochs,
            val_accuracy,
            color="C2",
            linestyle="--",
            marker=marker,
            label=labels["val_accuracy"],
        )
        accuracy_ax.set_ylabel(labels["accuracy"])
    ax.legend(handles=handles, loc="center right")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_confusion_matrix(
    matrix: torch.Tensor,
    *,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    language: str = "en",
) -> Axes:
    """Draw a confusion matrix as a grid of counts, darker for larger counts.

    Rows are the true classes and columns the predicted classes, as returned by
    `nnguide.confusion_matrix()`; the diagonal holds the correct predictions.
    Every cell is annotated with its value.

    Args:
        matrix: A square matrix of counts (a tensor or anything
            `torch.as_tensor()` accepts, such as a NumPy array).
        class_names: Names shown on the axes, one per class; ``None`` shows the
            class indices 0, 1, ….
        ax: Axes to draw on; ``None`` creates a new, square figure.
        title: Optional title of the axes.
        language: Language of the axis labels, ``"en"`` or ``"ko"``.

    Returns:
        The axes holding the image.

    Raises:
        TypeError: If ``matrix`` cannot be read as numbers, ``ax`` is not an Axes,
            ``class_names`` is not a list of names, ``title`` is not a str or
            ``None``, or ``language`` is not a str.
        ValueError: If ``matrix`` is not square and 2-D, has negative entries,
            ``class_names`` has the wrong length, or ``language`` is unknown.
        ModuleNotFoundError: If matplotlib is not installed.

    Shape:
        - matrix: `(C, C)`, for `C` classes.

    Examples:
        >>> import torch
        >>> matrix = torch.tensor([[5, 1], [0, 4]])
        >>> ax = plot_confusion_matrix(matrix, class_names=["cat", "dog"])
        >>> ax.images[0].get_array().tolist()
        [[5, 1], [0, 4]]
        >>> [text.get_text() for text in ax.texts]
        ['5', '1', '0', '4']
    """
    labels = _labels(language)
    _check_title(title)
    try:
        values = torch.as_tensor(matrix).detach().cpu()
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(
            f"matrix must be a square tensor of counts, got {describe(matrix)}"
        ) from error
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise ValueError(
            f"matrix must be a non-empty square 2-D matrix (C, C), got shape {tuple(values.shape)}"
        )
    if values.dtype == torch.bool or values.is_complex():
        raise TypeError(f"matrix must hold counts, got a {describe_tensor(values)}")
    if bool((values < 0).any()):
        raise ValueError(f"matrix must hold counts, got a negative entry: {describe(matrix)}")
    num_classes = values.shape[0]
    if class_names is None:
        names = [str(index) for index in range(num_classes)]
    else:
        if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Iterable):
            raise TypeError(
                f"class_names must be a list of names, one per class, got {describe(class_names)}"
            )
        names = [str(name) for name in class_names]
        if len(names) != num_classes:
            raise ValueError(
                f"class_names must have one name per class ({num_classes}), "
                f"got {len(names)}: {describe(class_names)}"
            )
    side = 1.6 + 0.45 * max(num_classes, 4)
    ax = _axes(ax, figsize=(side, side))

    array = values.numpy()
    image = ax.imshow(array, cmap="Blues", vmin=0)
    ax.grid(False)
    ax.set_xticks(range(num_classes), names)
    ax.set_yticks(range(num_classes), names)
    ax.set_xlabel(labels["predicted"])
    ax.set_ylabel(labels["true"])
    threshold = float(array.max()) / 2 if array.size else 0.0
    integral = not values.is_floating_point()
    for row in range(num_classes):
        for column in range(num_classes):
            value = array[row, column]
            ax.text(
                column,
                row,
                f"{int(value)}" if integral else f"{value:.2f}",
                ha="center",
                va="center",
                color="white" if value > threshold else "black",
                fontsize=9,
            )
    if title is not None:
        ax.set_title(title)
    image.set_clim(0, max(float(array.max()), 1.0))
    return ax
