"""Differential tests: accuracy, confusion_matrix and evaluate against torchmetrics.

Hypothesis generates multi-class and binary outputs (logits, probabilities and
labels) with ties, single samples and empty batches; torchmetrics' functional
metrics, told the task and the threshold explicitly, are the oracle. Scores are
drawn from a grid of quarter steps, so ties are common and a sigmoid never
rounds a positive logit to exactly 0.5.
"""

import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F
from torchmetrics.functional.classification import (
    binary_accuracy,
    multiclass_accuracy,
    multiclass_confusion_matrix,
)

from nnguide.training import NonFiniteError, accuracy, confusion_matrix, evaluate, predict

EXAMPLES = 60

grid = st.integers(min_value=-12, max_value=12).map(lambda step: step / 4)


@st.composite
def multiclass(draw, min_samples=1):
    num_classes = draw(st.integers(min_value=2, max_value=5))
    num_samples = draw(st.integers(min_value=min_samples, max_value=24))
    scores = draw(
        st.lists(grid, min_size=num_samples * num_classes, max_size=num_samples * num_classes)
    )
    targets = draw(
        st.lists(
            st.integers(min_value=0, max_value=num_classes - 1),
            min_size=num_samples,
            max_size=num_samples,
        )
    )
    logits = torch.tensor(scores, dtype=torch.float32).reshape(num_samples, num_classes)
    return logits, torch.tensor(targets, dtype=torch.long), num_classes


@st.composite
def binary(draw, min_samples=1):
    num_samples = draw(st.integers(min_value=min_samples, max_value=24))
    scores = draw(st.lists(grid, min_size=num_samples, max_size=num_samples))
    targets = draw(st.lists(st.integers(0, 1), min_size=num_samples, max_size=num_samples))
    return torch.tensor(scores), torch.tensor(targets, dtype=torch.long)


def tm_multiclass(preds, targets, num_classes):
    return multiclass_accuracy(preds, targets, num_classes=num_classes, average="micro").item()


@settings(max_examples=EXAMPLES)
@given(multiclass())
def test_multiclass_logits_and_probabilities_agree_with_torchmetrics(case):
    logits, targets, num_classes = case
    expected = tm_multiclass(logits, targets, num_classes)  # argmax, first index on ties
    assert accuracy(logits, targets) == pytest.approx(expected, abs=1e-6)
    assert accuracy(logits, targets, output="logits") == pytest.approx(expected, abs=1e-6)
    # A one-column target (N, 1) means the same as (N,).
    assert accuracy(logits, targets[:, None]) == pytest.approx(expected, abs=1e-6)
    probabilities = torch.softmax(logits, dim=1)
    assert accuracy(probabilities, targets, output="probabilities") == pytest.approx(
        tm_multiclass(probabilities, targets, num_classes), abs=1e-6
    )


@settings(max_examples=EXAMPLES)
@given(multiclass())
def test_multiclass_labels_agree_with_torchmetrics(case):
    logits, targets, num_classes = case
    labels = logits.argmax(dim=1).flip(0)  # integer class labels, not scores
    expected = tm_multiclass(labels, targets, num_classes)
    assert accuracy(labels, targets) == pytest.approx(expected, abs=1e-6)
    assert accuracy(labels, targets, output="labels") == pytest.approx(expected, abs=1e-6)
    assert accuracy(labels.double(), targets, output="labels") == pytest.approx(expected, abs=1e-6)


@settings(max_examples=EXAMPLES)
@given(binary())
def test_binary_logits_and_probabilities_agree_with_torchmetrics(case):
    logits, targets = case
    probabilities = torch.sigmoid(logits)
    expected = binary_accuracy(probabilities, targets, threshold=0.5).item()
    assert accuracy(logits, targets, output="logits") == pytest.approx(expected, abs=1e-6)
    assert accuracy(logits[:, None], targets.float()[:, None], output="logits") == pytest.approx(
        expected, abs=1e-6
    )
    assert accuracy(probabilities, targets, output="probabilities") == pytest.approx(
        expected, abs=1e-6
    )
    # Probabilities on the grid, ties at exactly 0.5 included.
    grid_probabilities = (logits + 3) / 6
    assert accuracy(grid_probabilities, targets, output="probabilities") == pytest.approx(
        binary_accuracy(grid_probabilities, targets, threshold=0.5).item(), abs=1e-6
    )


@settings(max_examples=EXAMPLES)
@given(binary())
def test_binary_scores_without_output_are_right_or_refused(case):
    """Without ``output``: the torchmetrics answer of the right reading, or a ValueError."""
    logits, targets = case
    as_logits = binary_accuracy(torch.sigmoid(logits), targets, threshold=0.5).item()
    try:
        got = accuracy(logits, targets)
    except ValueError as error:
        assert "output=" in str(error)
    else:
        assert got == pytest.approx(as_logits, abs=1e-6)
    probabilities = torch.sigmoid(logits)
    as_probabilities = binary_accuracy(probabilities, targets, threshold=0.5).item()
    try:
        got = accuracy(probabilities, targets)
    except ValueError as error:
        assert "output='probabilities'" in str(error)
    else:
        # Accepted only when every reading of the values gives the same classes.
        assert got == pytest.approx(as_probabilities, abs=1e-6)
        assert got == pytest.approx(
            binary_accuracy(torch.sigmoid(probabilities), targets, threshold=0.5).item(),
            abs=1e-6,
        )


@settings(max_examples=EXAMPLES)
@given(multiclass(min_samples=0))
def test_confusion_matrix_agrees_with_torchmetrics(case):
    logits, targets, num_classes = case
    predictions = logits.argmax(dim=1) if len(logits) else torch.zeros(0, dtype=torch.long)
    expected = multiclass_confusion_matrix(predictions, targets, num_classes=num_classes)
    got = confusion_matrix(targets, predictions, num_classes)
    assert torch.equal(got, expected.long())
    assert int(got.sum()) == len(targets)  # empty inputs: a matrix of zeros


class Outputs(nn.Module):
    """A "model" that returns its inputs: the generated outputs reach evaluate as they are."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, x):
        return x * self.scale


@st.composite
def batches_of(draw, outputs, targets):
    """Split (outputs, targets) into batches, empty ones included."""
    cuts = sorted(draw(st.lists(st.integers(0, len(outputs)), max_size=4)))
    bounds = [0, *cuts, len(outputs)]
    return [(outputs[a:b], targets[a:b]) for a, b in itertools.pairwise(bounds)]


@settings(max_examples=EXAMPLES)
@given(multiclass(), st.sampled_from(["mean", "sum", "none"]), st.data())
def test_evaluate_cross_entropy_agrees_with_torchmetrics(case, reduction, data):
    logits, targets, num_classes = case
    batches = data.draw(batches_of(logits, targets))
    metrics = evaluate(Outputs(), batches, loss_fn=nn.CrossEntropyLoss(reduction=reduction))
    assert metrics["accuracy"] == pytest.approx(
        tm_multiclass(logits, targets, num_classes), abs=1e-6
    )
    # The mean loss per sample, whatever the reduction and the batch sizes.
    assert metrics["loss"] == pytest.approx(F.cross_entropy(logits, targets).item(), rel=1e-5)
    predictions, collected = predict(Outputs(), batches)
    assert torch.equal(collected, targets)
    assert torch.equal(
        confusion_matrix(collected, predictions, num_classes),
        multiclass_confusion_matrix(logits, targets, num_classes=num_classes).long(),
    )


@settings(max_examples=EXAMPLES)
@given(binary(), st.sampled_from(["mean", "sum", "none"]), st.data())
def test_evaluate_binary_losses_agree_with_torchmetrics(case, reduction, data):
    logits, targets = case
    float_targets = targets.float()[:, None]
    expected = binary_accuracy(torch.sigmoid(logits), targets, threshold=0.5).item()
    batches = data.draw(batches_of(logits[:, None], float_targets))
    metrics = evaluate(Outputs(), batches, loss_fn=nn.BCEWithLogitsLoss(reduction=reduction))
    assert metrics["accuracy"] == pytest.approx(expected, abs=1e-6)
    assert metrics["loss"] == pytest.approx(
        F.binary_cross_entropy_with_logits(logits, targets.float()).item(), rel=1e-5
    )
    probabilities = torch.sigmoid(logits)[:, None]
    batches = data.draw(batches_of(probabilities, float_targets))
    metrics = evaluate(Outputs(), batches, loss_fn=nn.BCELoss(reduction=reduction))
    assert metrics["accuracy"] == pytest.approx(expected, abs=1e-6)
    assert metrics["loss"] == pytest.approx(
        F.binary_cross_entropy(probabilities, float_targets).item(), rel=1e-5
    )


@settings(max_examples=EXAMPLES)
@given(multiclass(), st.data())
def test_nan_or_inf_anywhere_is_refused(case, data):
    logits, targets, _ = case
    index = data.draw(st.integers(0, logits.numel() - 1))
    bad = data.draw(st.sampled_from([float("nan"), float("inf"), -float("inf")]))
    spoiled = logits.clone().reshape(-1)
    spoiled[index] = bad
    spoiled = spoiled.reshape(logits.shape)
    sample = index // logits.shape[1]
    with pytest.raises(NonFiniteError, match=rf"^logits hold .*\(first in sample {sample}\)"):
        accuracy(spoiled, targets)
    with pytest.raises(NonFiniteError, match=r"^batch 0 of loader: the model's outputs hold"):
        evaluate(Outputs(), [(spoiled, targets)], loss_fn=nn.CrossEntropyLoss())
    with pytest.raises(NonFiniteError, match=r"the inputs hold"):
        predict(Outputs(), [(spoiled, targets)])
    spoiled_targets = targets.float()
    spoiled_targets[sample] = bad
    with pytest.raises(NonFiniteError, match=rf"^targets hold .*\(first in sample {sample}\)"):
        accuracy(logits, spoiled_targets)


def test_empty_batches_are_refused_or_defined():
    # accuracy of no samples is undefined: an error. torchmetrics returns 0 for it.
    with pytest.raises(ValueError, match="accuracy needs at least one sample, got an empty batch"):
        accuracy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long))
    # A confusion matrix of no samples is defined: all zeros, as in torchmetrics.
    empty = torch.zeros(0, dtype=torch.long)
    assert torch.equal(confusion_matrix(empty, empty, 3), torch.zeros(3, 3, dtype=torch.long))
    assert torch.equal(
        multiclass_confusion_matrix(empty, empty, num_classes=3).long(),
        torch.zeros(3, 3, dtype=torch.long),
    )
    # evaluate skips empty batches and refuses a loader of nothing else.
    with pytest.raises(ValueError, match="loader yielded only empty batches"):
        evaluate(Outputs(), [(torch.zeros(0, 3), empty)])
