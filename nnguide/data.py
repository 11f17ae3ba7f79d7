"""The handwritten-digits data set as PyTorch tensors and data loaders.

scikit-learn ships a small copy of the UCI handwritten digits: 1,797 grayscale
images of 8×8 pixels, each labelled with the digit 0–9 it shows. The data live
inside the scikit-learn package, so nothing is downloaded. This module needs
scikit-learn (``pip install "nnguide[data]"``); it is imported only when the data
are loaded.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch.utils.data import DataLoader, TensorDataset

from nnguide._validation import check_bool, check_float, check_int, check_seed

__all__ = ["DigitsSplit", "digits_loaders", "load_digits"]

_NUM_CLASSES = 10
_MAX_PIXEL = 16.0
_DIGITS = 1797  # images in scikit-learn's copy of the data set


class DigitsSplit(NamedTuple):
    """The digits data split into a training part and a test part.

    A named tuple, so it unpacks like scikit-learn's ``train_test_split``:
    ``X_train, X_test, y_train, y_test = load_digits()``.

    Shape:
        - X_train: `(N_train, 64)`, ``float32``, one flattened 8×8 image per row.
        - X_test: `(N_test, 64)`, ``float32``.
        - y_train: `(N_train,)`, ``int64`` class indices 0–9.
        - y_test: `(N_test,)`, ``int64`` class indices 0–9.
    """

    X_train: torch.Tensor
    X_test: torch.Tensor
    y_train: torch.Tensor
    y_test: torch.Tensor


def _check_test_fraction(given: object, num_samples: int) -> float:
    """The test fraction as a float in (0, 1) that leaves every digit in both parts."""
    test_fraction = check_float(given, "test_fraction", what="a float between 0 and 1")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {given!r}")
    num_test = math.ceil(test_fraction * num_samples)
    if num_test < _NUM_CLASSES or num_samples - num_test < _NUM_CLASSES:
        raise ValueError(
            f"test_fraction={given!r} leaves {num_test} test and "
            f"{num_samples - num_test} training images of {num_samples}; each part needs "
            f"at least one image of each of the {_NUM_CLASSES} digits"
        )
    return test_fraction


def _read_digits() -> tuple[torch.Tensor, torch.Tensor]:
    try:
        from sklearn import datasets
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "nnguide.data needs scikit-learn for the bundled digits data set: "
            'pip install "nnguide[data]"'
        ) from error
    bunch = datasets.load_digits()
    features = torch.as_tensor(bunch.data, dtype=torch.float32)
    labels = torch.as_tensor(bunch.target, dtype=torch.int64)
    return features, labels


def _test_counts(class_sizes: list[int], test_fraction: float) -> list[int]:
    """Share ``ceil(test_fraction * total)`` test images among the classes.

    Each class gets the floor of its proportional quota; the images left over go to
    the classes with the largest remainders (the largest-remainder method), and
    every class keeps at least one image in each part.
    """
    total = math.ceil(test_fraction * sum(class_sizes))
    quotas = [test_fraction * size for size in class_sizes]
    counts = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: counts[i] - quotas[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return [min(max(count, 1), size - 1) for count, size in zip(counts, class_sizes, strict=True)]


def _stratified_indices(
    labels: torch.Tensor, test_fraction: float, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    members = [torch.nonzero(labels == digit).flatten() for digit in range(_NUM_CLASSES)]
    counts = _test_counts([len(indices) for indices in members], test_fraction)
    train_parts, test_parts = [], []
    for indices, num_test in zip(members, counts, strict=True):
        indices = indices[torch.randperm(len(indices), generator=generator)]
        test_parts.append(indices[:num_test])
        train_parts.append(indices[num_test:])
    train = torch.cat(train_parts)
    test = torch.cat(test_parts)
    train = train[torch.randperm(len(train), generator=generator)]
    test = test[torch.randperm(len(test), generator=generator)]
    return train, test


def load_digits(
    *, test_fraction: float = 0.2, seed: int = 0, normalize: bool = True
) -> DigitsSplit:
    """Load scikit-learn's 8×8 handwritten digits as a stratified train/test split.

    The split is stratified: each digit makes up the same share of the training
    and the test part as of the whole data set. It is reproducible: the same
    ``seed`` gives the same split on every machine, because it is drawn with a
    seeded `torch.Generator` and never touches the global random state.

    Args:
        test_fraction: Share of the images held out for testing, between 0 and 1.
            With the default 0.2, 360 of the 1,797 images are test images.
        seed: Seed of the random split: an int from 0 to 2**64 - 1 (the
            seeds `torch.manual_seed` accepts; a negative seed, which torch
            would read as 2**64 + seed, is refused). NumPy integers count.
        normalize: If ``True``, divide pixel values (integers 0–16) by 16 so they
            lie in [0, 1]; the scale is fixed, so no statistic of the test part
            leaks into training. If ``False``, keep the raw values 0–16.

    Returns:
        A `DigitsSplit` named tuple ``(X_train, X_test, y_train, y_test)``.

    Raises:
        TypeError: If ``test_fraction`` is not a real number (a bool is not),
            ``seed`` not an int or ``normalize`` not a bool.
        ValueError: If ``test_fraction`` is not strictly between 0 and 1 (NaN
            and infinities included) or leaves a part too small to hold every
            digit, or ``seed`` is outside 0 to 2**64 - 1. Each message names
            the argument and its value.
        ModuleNotFoundError: If scikit-learn is not installed.

    Examples:
        >>> X_train, X_test, y_train, y_test = load_digits()
        >>> X_train.shape, X_test.shape
        (torch.Size([1437, 64]), torch.Size([360, 64]))
        >>> y_train.dtype, y_test.unique().tolist()
        (torch.int64, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        >>> float(X_train.max())
        1.0
    """
    seed = check_seed(seed)
    normalize = check_bool(normalize, "normalize")
    _check_test_fraction(test_fraction, _DIGITS)  # before reading, so errors come fast
    features, labels = _read_digits()
    fraction = _check_test_fraction(test_fraction, len(labels))
    if normalize:
        features = features / _MAX_PIXEL
    generator = torch.Generator().manual_seed(seed)
    train, test = _stratified_indices(labels, fraction, generator)
    return DigitsSplit(features[train], features[test], labels[train], labels[test])


def digits_loaders(
    batch_size: int = 64, *, test_fraction: float = 0.2, seed: int = 0
) -> tuple[DataLoader[tuple[torch.Tensor, ...]], DataLoader[tuple[torch.Tensor, ...]]]:
    """Wrap the normalized digits split from `load_digits()` in data loaders.

    The training loader reshuffles every epoch with its own generator seeded by
    ``seed``, so a run gives the same batches every time; the test loader keeps a
    fixed order. Both yield ``(images, labels)`` mini-batches.

    Args:
        batch_size: Number of images per mini-batch (the last batch may be smaller).
        test_fraction: Share of the images held out for testing, as in
            `load_digits()`.
        seed: Seed of both the split and the shuffling, as in `load_digits()`.

    Returns:
        ``(train_loader, test_loader)``.

    Raises:
        TypeError: If ``batch_size`` or ``seed`` is not an int (a bool is not;
            NumPy integers are ints), or ``test_fraction`` not a number.
        ValueError: If ``batch_size`` is smaller than 1, ``seed`` is outside 0 to
            2**64 - 1, or ``test_fraction`` is invalid as described in
            `load_digits()`. Each message names the argument and its value.
        ModuleNotFoundError: If scikit-learn is not installed.

    Shape:
        - images: `(B, 64)`, ``float32`` in [0, 1].
        - labels: `(B,)`, ``int64``.

    Examples:
        >>> train_loader, test_loader = digits_loaders(batch_size=32)
        >>> len(train_loader.dataset), len(test_loader.dataset)
        (1437, 360)
        >>> images, labels = next(iter(train_loader))
        >>> images.shape, labels.shape
        (torch.Size([32, 64]), torch.Size([32]))
        >>> len(train_loader)  # ceil(1437 / 32) mini-batches per epoch
        45
    """
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seed = check_seed(seed)
    split = load_digits(test_fraction=test_fraction, seed=seed)
    train_loader = DataLoader(
        TensorDataset(split.X_train, split.y_train),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    test_loader = DataLoader(
        TensorDataset(split.X_test, split.y_test), batch_size=batch_size, shuffle=False
    )
    return train_loader, test_loader
