import io
import sys

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from nnguide.training import History, accuracy, confusion_matrix, evaluate, fit, predict
from tests.nnguide.datasets import blobs


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
            {"loss_fn": nn.CrossEntropyLoss},
            TypeError,
            r"loss_fn must be a loss function, got the class torch\.nn\.modules\.loss\."
            r"CrossEntropyLoss itself; create one by calling the class: "
            r"loss_fn=nn\.CrossEntropyLoss\(\)",
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


# Wrong numbers are refused, not returned -----------------------------------------------


def test_accuracy_refuses_labels_outside_the_classes():
    with pytest.raises(
        ValueError,
        match=r"targets must hold class indices from 0 to 2 \(the logits score 3 classes\), "
        r"got values from -2 to 9",
    ):
        accuracy(torch.zeros(4, 3), torch.tensor([0, 5, -2, 9]))
    with pytest.raises(ValueError, match=r"from 0 to 1 \(the logits are those of a binary"):
        accuracy(torch.zeros(3), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"from 0 to 1 \(the logits score 2 classes\)"):
        accuracy(torch.zeros(2, 2), torch.tensor([0, 2]))
    with pytest.raises(TypeError, match=r"targets must hold class indices, got dtype torch\.bool"):
        accuracy(torch.zeros(2), torch.tensor([True, False]))


def test_evaluate_and_predict_refuse_labels_outside_the_classes():
    batches = [(torch.zeros(2, 2), torch.tensor([0, 1])), (torch.zeros(2, 2), torch.tensor([0, 5]))]
    for run in (lambda: evaluate(make_model(), batches), lambda: predict(make_model(), batches)):
        with pytest.raises(
            ValueError, match=r"^batch 1 of loader: targets must hold class indices"
        ):
            run()


def test_an_empty_batch_does_not_turn_the_loss_into_nan():
    inputs, targets = blobs(12)
    model = make_model()
    loss_fn = nn.CrossEntropyLoss()
    full = evaluate(model, [(inputs, targets)], loss_fn=loss_fn)
    with_empty = evaluate(
        model,
        [(inputs[:6], targets[:6]), (inputs[:0], targets[:0]), (inputs[6:], targets[6:])],
        loss_fn=loss_fn,
    )
    assert with_empty["loss"] == pytest.approx(full["loss"])
    assert with_empty["accuracy"] == full["accuracy"]
    predictions, _ = predict(model, [(inputs[:0], targets[:0]), (inputs, targets)])
    assert len(predictions) == 12
    history = fit(
        model,
        [(inputs, targets), (inputs[:0], targets[:0])],
        loss_fn=loss_fn,
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=2,
        progress=False,
    )
    assert all(loss == loss for loss in history.train_loss)  # no NaN
    with pytest.raises(ValueError, match="loader yielded only empty batches"):
        evaluate(model, [(inputs[:0], targets[:0])])


# Errors name the culprit ----------------------------------------------------------------


class ReturnsDict(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 3)

    def forward(self, x):
        return {"logits": self.linear(x)}


class ReturnsTuple(ReturnsDict):
    def forward(self, x):
        return self.linear(x), x


@pytest.mark.parametrize(
    ("model", "got"),
    [(ReturnsDict(), r"a dict with keys \['logits'\]"), (ReturnsTuple(), "a tuple of length 2")],
)
def test_evaluate_and_predict_need_a_model_that_returns_a_tensor(model, got):
    batches = [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))]
    for run in (evaluate, predict):
        with pytest.raises(
            TypeError,
            match=rf"^batch 0 of loader: the model's output must be a tensor of class "
            rf"scores, got {got}",
        ):
            run(model, batches)


def fit_once(model, batches, **kwargs):
    options = {
        "loss_fn": nn.CrossEntropyLoss(),
        "optimizer": torch.optim.SGD(model.parameters(), lr=0.1),
        "epochs": 1,
        "progress": False,
    }
    options.update(kwargs)
    return fit(model, batches, **options)


def notes(error):
    """The context nnguide added to an error it raised again (its PEP 678 notes)."""
    return "\n".join(getattr(error, "__notes__", []))


def test_fit_names_the_batch_and_the_targets_when_a_class_is_out_of_range():
    inputs, targets = blobs(8)
    bad = targets.clone()
    bad[3] = 5
    with pytest.raises(IndexError) as caught:
        fit_once(make_model(), [(inputs, targets), (inputs, bad)], epochs=2)
    # The same error object PyTorch raised, with its own message and a note added.
    assert str(caught.value) == "Target 5 is out of bounds."
    note = notes(caught.value)
    assert note.startswith("epoch 1/2, batch 1 of train_loader: loss_fn(outputs, targets) failed")
    assert "outputs float32 tensor of shape (8, 3)" in note
    assert "targets int64 tensor of shape (8,) with values from 0 to 5" in note
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    ("inputs", "located"),
    [
        (torch.zeros(4, 3), r'layer "0" \(Linear\) on input float32 tensor of shape \(4, 3\)'),
        (torch.zeros(4, 2, dtype=torch.long), r"inputs int64 tensor of shape \(4, 2\)"),
        (torch.zeros(4, 2, dtype=torch.float64), r"inputs float64 tensor of shape \(4, 2\)"),
    ],
)
def test_fit_names_the_layer_and_the_dtypes_when_the_forward_pass_fails(inputs, located):
    targets = torch.zeros(4, dtype=torch.long)
    with pytest.raises(RuntimeError, match=located) as caught:
        fit_once(make_model(), [(inputs, targets)])
    assert type(caught.value) is RuntimeError
    note = notes(caught.value)
    assert note.startswith(
        'epoch 1/1, batch 0 of train_loader: the forward pass model(inputs) failed in layer "0"'
    )
    assert "model parameters float32" in note


def test_fit_explains_a_batch_of_one_sample_for_batchnorm():
    model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 3))
    inputs, targets = blobs(5)
    batches = [(inputs[:4], targets[:4]), (inputs[4:], targets[4:])]
    with pytest.raises(
        ValueError,
        match=r"batch 1 of train_loader: .* in layer \"1\" "
        r"\(BatchNorm1d\).*drop_last=True",
    ):
        fit_once(model, batches)


def test_fit_refuses_a_model_with_nothing_to_train():
    model = make_model()
    model.requires_grad_(False)
    with pytest.raises(
        ValueError,
        match=r"model has nothing to train: all 4 of its parameter "
        r"tensors have requires_grad=False",
    ):
        fit_once(model, [blobs(4)])
    with pytest.raises(ValueError, match="it has no parameters"):
        fit(
            nn.ReLU(),
            [blobs(4)],
            loss_fn=nn.CrossEntropyLoss(),
            optimizer=torch.optim.SGD(make_model().parameters(), lr=0.1),
            epochs=1,
        )


def test_fit_refuses_an_optimizer_over_another_model():
    with pytest.raises(ValueError, match="optimizer updates none of the model's trainable"):
        fit_once(
            make_model(), [blobs(4)], optimizer=torch.optim.SGD(make_model().parameters(), lr=0.1)
        )


def test_fit_names_its_own_arguments():
    with pytest.raises(
        ValueError, match=r"^device must be 'cpu', 'cuda' or 'mps'.*got 'tpu9'"
    ) as caught:
        fit_once(make_model(), [blobs(4)], device="tpu9")
    assert "prefer" not in str(caught.value)
    with pytest.raises(ValueError, match=r"^epoch 1/1, batch 0 of val_loader: loaders must yield"):
        fit_once(make_model(), [blobs(4)], val_loader=[(torch.zeros(2, 2),)])
    with pytest.raises(TypeError, match=r"^val_loader must be an iterable"):
        fit_once(make_model(), [blobs(4)], val_loader=torch.zeros(2))


def test_a_generator_cannot_serve_several_epochs():
    with pytest.raises(
        ValueError,
        match=r"^train_loader is a generator, which can be iterated "
        r"only once, but it is needed 2 times",
    ):
        fit_once(make_model(), (batch for batch in [blobs(4)]), epochs=2)
    with pytest.raises(ValueError, match=r"^val_loader is a generator"):
        fit_once(make_model(), [blobs(4)], val_loader=(b for b in [blobs(4)]), epochs=3)
    # One epoch over a generator is fine.
    assert fit_once(make_model(), (batch for batch in [blobs(4)])).epochs == 1


def test_an_error_while_fetching_a_batch_names_the_batch():
    def broken(batch):
        raise KeyError("label")

    loader = DataLoader(TensorDataset(*blobs(8)), batch_size=4, collate_fn=broken)
    with pytest.raises(KeyError, match=r"epoch 1/1, batch 0 of train_loader: fetching the batch"):
        fit_once(make_model(), loader)


def test_fit_takes_numpy_ints():
    import numpy as np

    assert fit_once(make_model(), [blobs(4)], epochs=np.int64(2)).epochs == 2


# evaluate and predict restore the exact state --------------------------------------------


def test_evaluate_and_predict_restore_every_module_s_mode_and_requires_grad():
    class FreezesInEval(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 3)
            self.norm = nn.BatchNorm1d(3)

        def train(self, mode=True):
            super().train(mode)
            self.linear.requires_grad_(mode)
            return self

        def forward(self, x):
            return self.norm(self.linear(x))

    model = FreezesInEval()
    model.norm.eval()  # a frozen BatchNorm inside a model in training mode
    model.norm.weight.requires_grad_(False)
    before = [(m.training) for m in model.modules()], [p.requires_grad for p in model.parameters()]
    batches = [blobs(4)]
    for run in (lambda: evaluate(model, batches), lambda: predict(model, batches)):
        run()
        after = (
            [(m.training) for m in model.modules()],
            [p.requires_grad for p in model.parameters()],
        )
        assert after == before == ([True, True, False], [True, True, False, True])


def test_evaluate_restores_the_state_when_a_batch_fails():
    model = make_model()
    model[1].eval()
    with pytest.raises(RuntimeError):
        evaluate(model, [(torch.zeros(2, 5), torch.zeros(2, dtype=torch.long))])
    assert [m.training for m in model.modules()] == [True, True, False, True]


def test_confusion_matrix_refuses_an_absurd_number_of_classes_and_takes_numpy_ints():
    import numpy as np

    with pytest.raises(ValueError, match=r"num_classes=10000000 asks for 727\.60 TiB of memory"):
        confusion_matrix(torch.tensor([0]), torch.tensor([0]), 10**7)
    matrix = confusion_matrix(torch.tensor([0, 1]), torch.tensor([1, 1]), np.int64(2))
    assert matrix.tolist() == [[0, 1], [0, 1]]
