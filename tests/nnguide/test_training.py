import io
import sys

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from nnguide.training import History, accuracy, confusion_matrix, evaluate, fit, predict


def blobs(num_samples=120, seed=0):
    generator = torch.Generator().manual_seed(seed)
    targets = torch.arange(num_samples) % 3
    centers = torch.tensor([[2.0, 0.0], [-2.0, 2.0], [-2.0, -2.0]])
    inputs = centers[targets] + 0.5 * torch.randn(num_samples, 2, generator=generator)
    return inputs, targets


@pytest.fixture
def loaders():
    inputs, targets = blobs()
    train = DataLoader(
        TensorDataset(inputs[:90], targets[:90]),
        batch_size=16,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    val = DataLoader(TensorDataset(inputs[90:], targets[90:]), batch_size=16)
    return train, val


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))


def run_fit(loaders, **kwargs):
    train, val = loaders
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    options = {
        "loss_fn": nn.CrossEntropyLoss(),
        "optimizer": optimizer,
        "epochs": 5,
        "val_loader": val,
        "progress": False,
    }
    options.update(kwargs)
    return model, fit(model, train, **options)


# History -------------------------------------------------------------------


def test_history_starts_empty_and_counts_epochs():
    history = History()
    assert history.epochs == 0
    assert history.train_loss == history.val_loss == history.val_accuracy == []
    assert History(train_loss=[1.0, 0.5, 0.2]).epochs == 3


# fit -----------------------------------------------------------------------


def test_fit_learns_and_records_every_epoch(loaders):
    model, history = run_fit(loaders, epochs=8)
    assert history.epochs == 8
    assert len(history.val_loss) == len(history.val_accuracy) == 8
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_accuracy[-1] == 1.0
    # The recorded validation numbers are what evaluate reports for the final model.
    final = evaluate(model, loaders[1], loss_fn=nn.CrossEntropyLoss())
    assert final["loss"] == pytest.approx(history.val_loss[-1])
    assert final["accuracy"] == history.val_accuracy[-1]


def test_fit_is_the_hand_written_loop(loaders):
    train, _ = loaders
    model, history = run_fit(loaders, epochs=3)

    reference = make_model()
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    train.generator.manual_seed(0)
    losses = []
    for _ in range(3):
        total, count = 0.0, 0
        for inputs, targets in train:
            optimizer.zero_grad()
            loss = loss_fn(reference(inputs), targets)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(inputs)
            count += len(inputs)
        losses.append(total / count)
    assert history.train_loss == pytest.approx(losses)
    for ours, theirs in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.allclose(ours, theirs)


def test_fit_without_val_loader_records_train_loss_only(loaders):
    train, _ = loaders
    model = make_model()
    history = fit(
        model,
        train,
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=2,
        progress=False,
    )
    assert history.epochs == 2
    assert history.val_loss == [] and history.val_accuracy == []


class ModeRecorder(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 3)
        self.modes = []
        self.grad_enabled = []

    def forward(self, inputs):
        self.modes.append(self.training)
        self.grad_enabled.append(torch.is_grad_enabled())
        return self.linear(inputs)


def test_fit_trains_in_train_mode_and_validates_in_eval_mode(loaders):
    train, val = loaders
    model = ModeRecorder()
    fit(
        model,
        train,
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=2,
        val_loader=val,
        progress=False,
    )
    per_epoch = len(train) + len(val)
    expected = ([True] * len(train) + [False] * len(val)) * 2
    assert len(model.modes) == 2 * per_epoch
    assert model.modes == expected
    assert model.grad_enabled == expected


def test_fit_moves_the_model_to_the_device(loaders):
    model, _ = run_fit(loaders, epochs=1, device="cpu")
    assert all(parameter.device.type == "cpu" for parameter in model.parameters())


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be at least 1, got 0"),
        ({"epochs": 2.0}, TypeError, "epochs must be an int, got float"),
        ({"epochs": True}, TypeError, "epochs must be an int, got bool"),
        ({"loss_fn": "cross_entropy"}, TypeError, "loss_fn must be callable"),
        ({"optimizer": "sgd"}, TypeError, r"optimizer must be a torch.optim.Optimizer.*got str"),
        ({"progress": "yes"}, TypeError, "progress must be True, False or None, got str"),
        ({"device": 0}, TypeError, "device must be a str, a torch.device or None, got int"),
        ({"device": "gpu"}, ValueError, "device must be 'cpu', 'cuda' or 'mps'"),
        (
            {"loss_fn": nn.CrossEntropyLoss(reduction="none")},
            ValueError,
            r"loss_fn must return a scalar tensor.*got a tensor of shape \(16,\)",
        ),
    ],
)
def test_fit_rejects_bad_arguments(loaders, kwargs, error, message):
    with pytest.raises(error, match=message):
        run_fit(loaders, **kwargs)


def test_fit_rejects_bad_model_and_loaders(loaders):
    train, _ = loaders
    model = make_model()
    options = {
        "loss_fn": nn.CrossEntropyLoss(),
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.1),
        "epochs": 1,
        "progress": False,
    }
    with pytest.raises(TypeError, match=r"model must be a torch\.nn\.Module, got function"):
        fit(lambda x: x, train, **options)
    with pytest.raises(TypeError, match=r"train_loader must be an iterable.*got Tensor"):
        fit(model, torch.zeros(3, 2), **options)
    with pytest.raises(TypeError, match=r"val_loader must be an iterable.*got int"):
        fit(model, train, val_loader=3, **options)
    with pytest.raises(ValueError, match="train_loader yielded no batches"):
        fit(model, [], **options)
    with pytest.raises(ValueError, match=r"\(inputs, targets\) pairs, got a tuple of length 3"):
        fit(model, [(torch.zeros(2, 2), torch.zeros(2), torch.zeros(2))], **options)
    with pytest.raises(TypeError, match=r"pairs of tensors, got \(list, Tensor\)"):
        fit(model, [([1.0, 2.0], torch.zeros(1))], **options)


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    ("progress", "terminal", "shown"),
    [(None, False, False), (None, True, True), (True, False, True), (False, True, False)],
)
def test_progress_bar_only_when_asked_or_on_a_terminal(
    loaders, monkeypatch, progress, terminal, shown
):
    stream = FakeTerminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    run_fit(loaders, epochs=2, progress=progress)
    output = stream.getvalue()
    if shown:
        assert "epoch 2/2" in output
        assert f"{2 * len(loaders[0])}/{2 * len(loaders[0])}" in output
        assert "val_acc=" in output
    else:
        assert output == ""


# evaluate ------------------------------------------------------------------


def test_evaluate_matches_a_direct_computation(loaders):
    _, val = loaders
    model = make_model()
    loss_fn = nn.CrossEntropyLoss()
    inputs, targets = val.dataset.tensors
    with torch.no_grad():
        outputs = model(inputs)
    metrics = evaluate(model, val, loss_fn=loss_fn)
    assert metrics["loss"] == pytest.approx(loss_fn(outputs, targets).item(), rel=1e-5)
    assert metrics["accuracy"] == (outputs.argmax(1) == targets).float().mean().item()
    assert set(evaluate(model, val)) == {"accuracy"}


def test_evaluate_restores_the_previous_mode(loaders):
    _, val = loaders
    model = ModeRecorder()
    model.train()
    evaluate(model, val)
    assert model.training
    assert set(model.modes) == {False} and set(model.grad_enabled) == {False}
    model.eval()
    evaluate(model, val)
    assert not model.training


def test_evaluate_binary_classifier_with_bce():
    inputs = torch.tensor([[1.0], [-1.0], [2.0], [-3.0]])
    targets = torch.tensor([[1.0], [0.0], [0.0], [0.0]])
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        model.bias.zero_()
    metrics = evaluate(model, [(inputs, targets)], loss_fn=nn.BCEWithLogitsLoss())
    assert metrics["accuracy"] == 0.75
    expected = nn.functional.binary_cross_entropy_with_logits(inputs, targets).item()
    assert metrics["loss"] == pytest.approx(expected)


def test_evaluate_errors():
    model = make_model()
    with pytest.raises(ValueError, match="loader yielded no batches"):
        evaluate(model, [])
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        evaluate(model, [], loss_fn=1)
    with pytest.raises(ValueError, match=r"targets must have shape \(4,\).*got shape \(3,\)"):
        evaluate(model, [(torch.zeros(4, 2), torch.zeros(3, dtype=torch.long))])


# accuracy ------------------------------------------------------------------


def test_accuracy_multiclass_and_binary():
    logits = torch.tensor([[0.1, 0.9, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 5.0], [1.0, 3.0, 2.0]])
    assert accuracy(logits, torch.tensor([1, 0, 2, 2])) == 0.75
    assert accuracy(torch.tensor([0.5, -0.5, 0.1]), torch.tensor([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy(torch.tensor([[0.5], [-0.5]]), torch.tensor([[1.0], [0.0]])) == 1.0
    assert accuracy(logits.requires_grad_(), torch.tensor([1, 0, 2, 1])) == 1.0


def test_accuracy_errors():
    with pytest.raises(TypeError, match="logits and targets must be tensors, got list and Tensor"):
        accuracy([[1.0, 0.0]], torch.tensor([0]))
    with pytest.raises(ValueError, match=r"targets must have shape \(2,\).*got shape \(3,\)"):
        accuracy(torch.zeros(2, 4), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match=r"logits must have shape \(N, C\).*got shape \(2, 3, 4\)"):
        accuracy(torch.zeros(2, 3, 4), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="at least one sample"):
        accuracy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long))
    with pytest.raises(ValueError, match="targets must be class indices, got non-integer"):
        accuracy(torch.zeros(2), torch.tensor([0.5, 1.0]))


# predict -------------------------------------------------------------------


def test_predict_collects_every_batch_in_order(loaders):
    _, val = loaders
    model = make_model()
    model.train()
    predictions, targets = predict(model, val)
    inputs, expected_targets = val.dataset.tensors
    with torch.no_grad():
        expected = model(inputs).argmax(1)
    assert torch.equal(predictions, expected)
    assert torch.equal(targets, expected_targets)
    assert predictions.dtype == targets.dtype == torch.int64
    assert model.training
    with pytest.raises(ValueError, match="loader yielded no batches"):
        predict(model, [])


# confusion_matrix ----------------------------------------------------------


def test_confusion_matrix_counts_pairs():
    targets = torch.tensor([0, 0, 1, 1, 1, 2])
    predictions = torch.tensor([0, 1, 1, 1, 2, 0])
    matrix = confusion_matrix(targets, predictions, num_classes=4)
    assert matrix.tolist() == [[1, 1, 0, 0], [0, 2, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert matrix.dtype == torch.int64
    assert int(matrix.sum()) == 6
    assert int(matrix.trace()) == 3


def test_confusion_matrix_agrees_with_scikit_learn():
    from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

    generator = torch.Generator().manual_seed(0)
    targets = torch.randint(0, 5, (200,), generator=generator)
    predictions = torch.randint(0, 5, (200,), generator=generator)
    expected = sklearn_confusion_matrix(targets.numpy(), predictions.numpy(), labels=range(5))
    assert confusion_matrix(targets, predictions, 5).tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((torch.tensor([0, 1]), torch.tensor([0]), 2), ValueError, "same length, got 2 and 1"),
        (
            (torch.tensor([0, 3]), torch.tensor([0, 1]), 3),
            ValueError,
            "from 0 to 2.*got values from 0 to 3",
        ),
        ((torch.tensor([0, -1]), torch.tensor([0, 1]), 3), ValueError, "got values from -1 to 0"),
        (
            (torch.tensor([0.0]), torch.tensor([0]), 2),
            TypeError,
            "targets must hold integer class indices",
        ),
        (
            ([0, 1], torch.tensor([0, 1]), 2),
            TypeError,
            "targets must be a tensor of class indices, got list",
        ),
        (
            (torch.tensor([[0]]), torch.tensor([0]), 2),
            ValueError,
            r"targets must be 1-D, got shape \(1, 1\)",
        ),
        (
            (torch.tensor([0]), torch.tensor([0]), 0),
            ValueError,
            "num_classes must be at least 1, got 0",
        ),
        (
            (torch.tensor([0]), torch.tensor([0]), 2.0),
            TypeError,
            "num_classes must be an int, got float",
        ),
    ],
)
def test_confusion_matrix_errors(args, error, message):
    with pytest.raises(error, match=message):
        confusion_matrix(*args)
