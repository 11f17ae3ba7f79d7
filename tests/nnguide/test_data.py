import sys

import pytest
import torch
from sklearn import datasets

from nnguide.data import DigitsSplit, _test_counts, digits_loaders, load_digits


@pytest.fixture(scope="module")
def raw():
    bunch = datasets.load_digits()
    return torch.as_tensor(bunch.data, dtype=torch.float32), torch.as_tensor(bunch.target)


def test_shapes_and_dtypes():
    split = load_digits()
    assert isinstance(split, DigitsSplit)
    assert split.X_train.shape == (1437, 64)
    assert split.X_test.shape == (360, 64)
    assert split.y_train.shape == (1437,)
    assert split.y_test.shape == (360,)
    assert split.X_train.dtype == torch.float32
    assert split.y_train.dtype == torch.int64


def test_split_is_a_partition_of_the_data_set(raw):
    features, labels = raw
    split = load_digits(normalize=False)
    combined = torch.cat([split.X_train, split.X_test])
    combined_labels = torch.cat([split.y_train, split.y_test])
    # Every original (image, label) row appears exactly once in the split.
    rows = sorted(map(tuple, torch.cat([features, labels[:, None]], dim=1).tolist()))
    split_rows = sorted(
        map(tuple, torch.cat([combined, combined_labels[:, None].float()], dim=1).tolist())
    )
    assert rows == split_rows


def test_normalize_divides_by_sixteen(raw):
    plain = load_digits(normalize=False)
    scaled = load_digits(normalize=True)
    assert plain.X_train.max() == 16.0
    assert scaled.X_train.min() == 0.0 and scaled.X_train.max() == 1.0
    assert torch.equal(scaled.X_train, plain.X_train / 16)
    assert torch.equal(scaled.y_train, plain.y_train)


def test_split_is_stratified(raw):
    _, labels = raw
    split = load_digits(test_fraction=0.25)
    totals = torch.bincount(labels, minlength=10)
    test_counts = torch.bincount(split.y_test, minlength=10)
    assert int(test_counts.sum()) == 450  # ceil(0.25 * 1797)
    # Each digit's share of the test part is within one image of its quota.
    assert torch.all((test_counts - 0.25 * totals).abs() < 1)


def test_same_seed_same_split_different_seed_different_split():
    first, second = load_digits(seed=3), load_digits(seed=3)
    other = load_digits(seed=4)
    for a, b in zip(first, second, strict=True):
        assert torch.equal(a, b)
    assert not torch.equal(first.y_test, other.y_test)


def test_split_does_not_touch_global_random_state():
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    load_digits()
    assert torch.equal(torch.rand(3), expected)


def test_test_parts_are_not_sorted_by_class():
    split = load_digits()
    assert not torch.equal(split.y_test, split.y_test.sort().values)


def test_test_counts_largest_remainder():
    assert _test_counts([5, 5, 10], 0.5) == [3, 2, 5]
    assert sum(_test_counts([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 0.2)) == 360


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_test_fraction_out_of_range(fraction):
    with pytest.raises(
        ValueError, match=rf"test_fraction must be strictly between 0 and 1, got {fraction}"
    ):
        load_digits(test_fraction=fraction)


@pytest.mark.parametrize("fraction", [0.001, 0.999])
def test_test_fraction_leaving_a_part_too_small(fraction):
    with pytest.raises(ValueError, match=r"each part needs at least one image of each of the 10"):
        load_digits(test_fraction=fraction)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"test_fraction": "0.2"}, "test_fraction must be a float between 0 and 1, got str"),
        ({"test_fraction": True}, "test_fraction must be a float between 0 and 1, got bool"),
        ({"seed": 1.0}, "seed must be an int, got float"),
        ({"normalize": 1}, "normalize must be a bool, got int"),
    ],
)
def test_wrong_types(kwargs, message):
    with pytest.raises(TypeError, match=message):
        load_digits(**kwargs)


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ModuleNotFoundError, match=r'pip install "nnguide\[data\]"'):
        load_digits()


def test_loaders_yield_the_split():
    split = load_digits()
    train_loader, test_loader = digits_loaders(batch_size=100)
    assert len(train_loader) == 15 and len(test_loader) == 4
    test_images = torch.cat([images for images, _ in test_loader])
    test_labels = torch.cat([labels for _, labels in test_loader])
    assert torch.equal(test_images, split.X_test)
    assert torch.equal(test_labels, split.y_test)
    train_labels = torch.cat([labels for _, labels in train_loader])
    assert torch.equal(train_labels.sort().values, split.y_train.sort().values)
    assert not torch.equal(train_labels, split.y_train)  # shuffled


def test_loaders_shuffle_reproducibly_and_differently_each_epoch():
    loader_a, _ = digits_loaders(seed=1)
    loader_b, _ = digits_loaders(seed=1)
    epoch_1a = torch.cat([labels for _, labels in loader_a])
    epoch_2a = torch.cat([labels for _, labels in loader_a])
    epoch_1b = torch.cat([labels for _, labels in loader_b])
    assert torch.equal(epoch_1a, epoch_1b)
    assert not torch.equal(epoch_1a, epoch_2a)


def test_loaders_check_batch_size():
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        digits_loaders(0)
    with pytest.raises(TypeError, match="batch_size must be an int, got float"):
        digits_loaders(32.0)
    with pytest.raises(ValueError, match="test_fraction must be strictly between 0 and 1"):
        digits_loaders(test_fraction=2)


def test_numpy_ints_are_accepted_like_ints():
    import numpy as np

    assert torch.equal(load_digits(seed=np.int64(3)).y_test, load_digits(seed=3).y_test)
    train_loader, _ = digits_loaders(batch_size=np.int64(100), seed=np.int32(0))
    assert train_loader.batch_size == 100 and type(train_loader.batch_size) is int
    with pytest.raises(TypeError, match="seed must be an int, got bool True"):
        load_digits(seed=True)
