"""What fit, evaluate, predict and accuracy do when the input is wrong or training goes wrong.

One test per failure mode: the exact error type, and a message that names the
argument, the value, the epoch and batch, or the fix. No silently wrong number.
"""

import io
import sys
import warnings

import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import TensorDataset

from nnguide import MLP
from nnguide.training import NonFiniteError, accuracy, evaluate, fit, predict
from tests.nnguide import datasets


def blobs(num_samples=48, seed=0):
    return datasets.blobs(num_samples, seed, spread=0.3)


def batches(inputs, targets, size=16):
    return [(inputs[i : i + size], targets[i : i + size]) for i in range(0, len(inputs), size)]


def classifier(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 3))


def train(model, loader, loss_fn=None, lr=0.1, **kwargs):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    options = {"loss_fn": loss_fn or nn.CrossEntropyLoss(), "epochs": 1, "progress": False}
    options.update(kwargs)
    return fit(model, loader, optimizer=optimizer, **options)


def notes(error):
    return "\n".join(getattr(error, "__notes__", []))


# Class 1: what the outputs mean -------------------------------------------


def test_integer_labels_are_compared_as_labels():
    assert accuracy(torch.tensor([0, 2, 1, 1]), torch.tensor([0, 1, 1, 1])) == 0.75
    # Float labels could be logits too; the two readings differ, so the caller must say.
    with pytest.raises(ValueError, match=r"as logits 1, as labels 0\.75\); say which with output="):
        accuracy(torch.tensor([0.0, 2.0, 1.0, 1.0]), torch.tensor([0, 1, 1, 1]))
    assert (
        accuracy(torch.tensor([0.0, 2.0, 1.0, 1.0]), torch.tensor([0, 1, 1, 1]), output="labels")
        == 0.75
    )


def test_integer_outputs_read_as_scores_are_refused_by_name():
    with pytest.raises(
        TypeError, match=r"^logits read as logits \(output='logits'\) must be floating"
    ):
        accuracy(torch.tensor([0, 2, 1, 1]), torch.tensor([0, 1, 1, 1]), output="logits")
    with pytest.raises(
        ValueError, match=r"^output must be one of 'logits', 'probabilities', 'labels', got 'probs'"
    ):
        accuracy(torch.zeros(2, 2), torch.tensor([0, 1]), output="probs")
    with pytest.raises(
        ValueError,
        match=r"read as probabilities \(output='probabilities'\) must lie from 0 to 1, got "
        r"values from -1 to 2",
    ):
        accuracy(torch.tensor([-1.0, 2.0]), torch.tensor([0, 1]), output="probabilities")


def test_a_diverged_model_is_not_scored_as_class_zero():
    model = classifier()
    with torch.no_grad():
        model[2].weight.fill_(float("nan"))
    inputs, targets = blobs()
    with pytest.raises(
        NonFiniteError,
        match=r'^batch 0 of loader: the model\'s outputs hold 48 NaN.*parameters "2\.weight"',
    ):
        evaluate(model, batches(inputs, targets))
    with pytest.raises(NonFiniteError, match=r"^logits hold 6 NaN and 0 infinite values"):
        accuracy(torch.full((3, 2), float("nan")), torch.zeros(3, dtype=torch.long))


def sigmoid_classifier():
    """The MLP docstring's binary pattern, with weights that separate the classes perfectly."""
    model = MLP([1, 1], output_activation="sigmoid")
    with torch.no_grad():
        model[0].weight.fill_(5.0)
        model[0].bias.zero_()
    inputs = torch.tensor([[-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0]])
    targets = (inputs > 0).float()
    return model, [(inputs, targets)]


def test_sigmoid_outputs_with_bce_are_probabilities():
    model, loader = sigmoid_classifier()
    assert evaluate(model, loader, loss_fn=nn.BCELoss())["accuracy"] == 1.0
    # No loss function: the final Sigmoid says the outputs are probabilities.
    assert evaluate(model, loader)["accuracy"] == 1.0
    predictions, targets = predict(model, loader)
    assert predictions.tolist() == [0, 0, 0, 1, 1, 1] == targets.tolist()
    history = train(model, loader, loss_fn=nn.BCELoss(), lr=0.0, val_loader=loader)
    assert history.val_accuracy == [1.0]


def test_binary_probabilities_without_a_hint_must_be_named():
    model, loader = sigmoid_classifier()
    raw = nn.Sequential(model[0], nn.Flatten(0), nn.Sigmoid(), nn.Unflatten(0, (-1, 1)))
    with pytest.raises(
        ValueError,
        match=r"^loader: the model's outputs are one float per sample.*output='probabilities'",
    ):
        evaluate(raw, loader)
    assert evaluate(raw, loader, output="probabilities")["accuracy"] == 1.0


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_the_loss_is_a_mean_per_sample_whatever_the_reduction(reduction):
    inputs, targets = blobs()
    model = classifier()
    expected = F.cross_entropy(model(inputs), targets).item()
    loss_fn = nn.CrossEntropyLoss(reduction=reduction)
    assert evaluate(model, batches(inputs, targets), loss_fn=loss_fn)["loss"] == pytest.approx(
        expected, rel=1e-5
    )
    # lr=0: the weights stay, so the training loss is the same mean.
    history = train(model, batches(inputs, targets), loss_fn=loss_fn, lr=0.0)
    assert history.train_loss[0] == pytest.approx(expected, rel=1e-5)


def test_reduction_none_trains_like_the_mean():
    inputs, targets = blobs()
    runs = []
    for reduction in ("mean", "none"):
        model = classifier()
        runs.append(
            train(
                model,
                batches(inputs, targets),
                loss_fn=nn.CrossEntropyLoss(reduction=reduction),
                epochs=3,
            ).train_loss
        )
    assert runs[0] == pytest.approx(runs[1], rel=1e-5)


def test_regression_losses_report_no_accuracy():
    torch.manual_seed(0)
    inputs = torch.randn(32, 3)
    targets = inputs.sum(dim=1, keepdim=True) + 0.25
    model = nn.Linear(3, 1)
    metrics = evaluate(model, batches(inputs, targets), loss_fn=nn.MSELoss())
    assert metrics == {"loss": pytest.approx(F.mse_loss(model(inputs), targets).item(), rel=1e-5)}
    history = train(
        model,
        batches(inputs, targets),
        loss_fn=nn.MSELoss(),
        epochs=2,
        val_loader=batches(inputs, targets),
    )
    assert len(history.val_loss) == 2 and history.val_accuracy == []


def test_nll_loss_on_log_softmax_outputs():
    inputs, targets = blobs()
    model = nn.Sequential(classifier(), nn.LogSoftmax(dim=1))
    metrics = evaluate(model, batches(inputs, targets), loss_fn=nn.NLLLoss())
    logits = model(inputs)
    assert metrics["loss"] == pytest.approx(F.nll_loss(logits, targets).item(), rel=1e-5)
    assert metrics["accuracy"] == accuracy(logits, targets)


def test_class_probability_targets_count_their_largest_class():
    inputs, targets = blobs()
    model = classifier()
    one_hot = F.one_hot(targets, 3).float()
    smoothed = one_hot * 0.8 + 0.2 / 3
    expected = evaluate(model, batches(inputs, targets), loss_fn=nn.CrossEntropyLoss())
    for soft in (one_hot, smoothed):
        got = evaluate(model, batches(inputs, soft), loss_fn=nn.CrossEntropyLoss())
        assert got["accuracy"] == expected["accuracy"]
    tie = torch.tensor([[0.5, 0.5, 0.0]])
    with pytest.raises(
        ValueError,
        match=r"^targets are class probabilities whose largest value is shared by several "
        r"classes in sample 0",
    ):
        accuracy(torch.zeros(1, 3), tie)


# Class 2: training that goes wrong -------------------------------------------


def test_nan_inputs_stop_fit_before_the_weights_change():
    inputs, targets = blobs()
    inputs[20, 1] = float("nan")
    model = classifier()
    loader = batches(inputs, targets)
    before = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    with pytest.raises(
        NonFiniteError,
        match=r"^epoch 1/2, batch 1 of train_loader: the loss is nan; the inputs hold 1 NaN and "
        r"0 infinite values \(first in sample 4\).*fit stopped before optimizer\.step\(\)",
    ):
        train(model, loader, epochs=2)
    # Batch 0 stepped; batch 1 did not: the weights are finite.
    assert all(torch.isfinite(tensor).all() for tensor in model.state_dict().values())
    assert any(not torch.equal(before[name], tensor) for name, tensor in model.state_dict().items())


def test_non_finite_targets_and_parameters_are_named():
    inputs = torch.randn(8, 3)
    targets = torch.zeros(8, 1)
    targets[2] = float("inf")
    with pytest.raises(
        NonFiniteError,
        match=r"batch 0 of train_loader: the loss is inf; the targets hold 0 NaN and 1 infinite "
        r"values \(first in sample 2\)",
    ):
        train(nn.Linear(3, 1), [(inputs, targets)], loss_fn=nn.MSELoss())
    model = nn.Linear(3, 1)
    with torch.no_grad():
        model.bias.fill_(float("inf"))
    with pytest.raises(NonFiniteError, match=r'the model\'s parameters "bias" hold NaN or inf'):
        train(model, [(inputs, torch.zeros(8, 1))], loss_fn=nn.MSELoss())


def test_a_loss_function_that_makes_nan_is_named():
    def log_of_zero(outputs, targets):
        return torch.log(outputs.sum() * 0)

    with pytest.raises(
        NonFiniteError,
        match=r"the loss is -inf; inputs, targets, outputs and parameters are finite, so the "
        r"loss function made it",
    ):
        train(classifier(), batches(*blobs()), loss_fn=log_of_zero)


def test_non_finite_gradients_stop_fit_before_the_step():
    class Root(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(2))

        def forward(self, x):
            return torch.sqrt(x * self.weight)  # d/dw sqrt(0 * w) is NaN

    model = Root()
    with pytest.raises(
        NonFiniteError,
        match=r'^epoch 1/1, batch 0 of train_loader: the gradients of "weight" hold NaN or inf '
        r"though the loss 0 is finite",
    ):
        train(model, [(torch.zeros(4, 2), torch.zeros(4, 2))], loss_fn=nn.MSELoss())
    assert torch.equal(model.weight, torch.ones(2))


def test_evaluate_before_fit_leaves_a_lazy_layer_trainable():
    inputs, targets = blobs()
    model = nn.Sequential(nn.LazyLinear(3))
    model.train()
    evaluate(model, batches(inputs, targets))
    assert model.training and model[0].training
    weight = model[0].weight
    assert not weight.is_inference() and weight.requires_grad
    before = weight.detach().clone()
    history = train(model, batches(inputs, targets), epochs=3)
    assert not torch.equal(model[0].weight.detach(), before)
    assert history.train_loss[-1] < history.train_loss[0]


def test_fit_refuses_a_parameter_made_under_inference_mode():
    model = nn.Sequential(nn.LazyLinear(3))
    with torch.inference_mode():
        model(torch.zeros(1, 2))
    with pytest.raises(ValueError, match=r'^model parameter "0\.weight" is an inference tensor'):
        train(model, batches(*blobs()))


@pytest.mark.parametrize(
    ("model", "loss_fn", "message"),
    [
        (
            MLP([2, 3], output_activation="softmax"),
            nn.CrossEntropyLoss(),
            r"the model ends in Softmax, but CrossEntropyLoss applies log_softmax "
            r"itself.*output_activation=None",
        ),
        (
            nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()),
            nn.BCEWithLogitsLoss(),
            r"ends in Sigmoid, but BCEWithLogitsLoss applies the sigmoid itself.*nn\.BCELoss\(\)",
        ),
        (
            nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1)),
            nn.NLLLoss(),
            r"NLLLoss expects log-probabilities.*nn\.LogSoftmax\(dim=1\)",
        ),
    ],
)
def test_a_final_activation_the_loss_does_not_expect_warns_once(model, loss_fn, message):
    inputs, targets = blobs()
    if isinstance(loss_fn, nn.BCEWithLogitsLoss):
        targets = (targets > 0).float()[:, None]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        train(
            model,
            batches(inputs, targets),
            loss_fn=loss_fn,
            epochs=2,
            val_loader=batches(inputs, targets),
        )
    relevant = [w for w in caught if issubclass(w.category, UserWarning)]
    assert len(relevant) == 1, [str(w.message) for w in relevant]
    assert relevant[0].message.args[0].startswith("epoch 1/2, batch 0 of train_loader: ")
    assert __import__("re").search(message, str(relevant[0].message))


def test_logits_with_cross_entropy_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train(classifier(), batches(*blobs()), epochs=2)


def test_a_loss_class_instead_of_an_instance_is_refused():
    with pytest.raises(
        TypeError,
        match=r"^loss_fn must be a loss function, got the class .*BCELoss itself; create one by "
        r"calling the class: loss_fn=nn\.BCELoss\(\)",
    ):
        evaluate(classifier(), batches(*blobs()), loss_fn=nn.BCELoss)


def test_single_samples_are_not_taken_for_batches():
    inputs, targets = blobs(8)
    samples = list(zip(inputs, targets, strict=True))
    with pytest.raises(
        ValueError,
        match=r"^epoch 1/1, batch 0 of train_loader: targets is a 0-d tensor, the target of one "
        r"sample, not a batch.*DataLoader\(samples, batch_size=32\)",
    ):
        train(classifier(), samples)
    with pytest.raises(
        TypeError,
        match=r"^loader is a TensorDataset, which yields one sample at a time, not batches; "
        r"wrap it: DataLoader\(loader, batch_size=32\)",
    ):
        evaluate(classifier(), TensorDataset(inputs, targets))


def test_a_model_on_the_meta_device_is_refused():
    model = classifier().to("meta")
    with pytest.raises(
        ValueError,
        match=r'^model tensor "0\.weight" is on the meta device: it has a shape but no values',
    ):
        train(model, batches(*blobs()))
    with pytest.raises(ValueError, match=r"meta device"):
        predict(model, batches(*blobs()))


# Class 5: errors keep their type -------------------------------------------


def test_an_out_of_memory_error_stays_one():
    class Hungry(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(2, 3)

        def forward(self, x):
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    model = nn.Sequential(nn.Linear(2, 2), Hungry())
    with pytest.raises(torch.OutOfMemoryError) as caught:
        train(model, batches(*blobs()))
    assert type(caught.value) is torch.OutOfMemoryError
    assert str(caught.value) == "CUDA out of memory. Tried to allocate 2.00 GiB"
    assert notes(caught.value).startswith(
        "epoch 1/1, batch 0 of train_loader: the forward pass model(inputs) failed in layer "
        '"1" (Hungry) on input float32 tensor of shape (16, 2)'
    )


def test_an_error_in_the_loss_keeps_its_type_in_evaluate():
    inputs, targets = blobs()
    with pytest.raises(ValueError, match=r"Target size") as caught:
        evaluate(
            nn.Linear(2, 1), batches(inputs, (targets > 0).float()), loss_fn=nn.BCEWithLogitsLoss()
        )
    assert type(caught.value) is ValueError
    assert notes(caught.value).startswith("batch 0 of loader: loss_fn(outputs, targets) failed")


# Class 6: the optional progress bar ------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_none_without_tqdm_shows_no_bar(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    inputs, targets = blobs()
    optimizer_model = classifier()
    history = fit(
        optimizer_model,
        batches(inputs, targets),
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.SGD(optimizer_model.parameters(), lr=0.1),
        epochs=2,
    )
    assert history.epochs == 2 and stderr.getvalue() == ""
    with pytest.raises(
        ModuleNotFoundError,
        match=r'^progress=True needs tqdm for the progress bar: pip install "nnguide\[data\]", '
        r"or pass progress=False",
    ):
        train(classifier(), batches(inputs, targets), progress=True)


def test_an_elementwise_loss_does_not_broadcast_targets_of_another_shape():
    inputs = torch.randn(8, 3)
    targets = inputs.sum(dim=1)  # (8,), while the model returns (8, 1)
    with pytest.raises(
        ValueError,
        match=r"^epoch 1/1, batch 0 of train_loader: MSELoss needs outputs and targets of the "
        r"same shape, got outputs of shape \(8, 1\) and targets of shape \(8,\).*"
        r"targets\.unsqueeze\(1\)",
    ):
        train(nn.Linear(3, 1), [(inputs, targets)], loss_fn=nn.MSELoss())
    with pytest.raises(ValueError, match=r"^batch 0 of loader: L1Loss needs outputs and targets"):
        evaluate(nn.Linear(3, 1), [(inputs, targets)], loss_fn=nn.L1Loss())


def test_softmax_in_forward_with_cross_entropy_warns():
    class SoftmaxInForward(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 3)

        def forward(self, x):
            return torch.softmax(self.linear(x), dim=1)

    with pytest.warns(UserWarning, match=r"outputs look like probabilities \(each row sums to 1\)"):
        train(SoftmaxInForward(), batches(*blobs()))


def test_ignored_targets_are_left_out_of_the_accuracy():
    logits = torch.tensor([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0], [0.0, 2.0]])
    targets = torch.tensor([0, 1, -100, 0])
    metrics = evaluate(Identity(), [(logits, targets)], loss_fn=nn.CrossEntropyLoss())
    assert metrics["accuracy"] == pytest.approx(2 / 3)
    assert metrics["loss"] == pytest.approx(F.cross_entropy(logits, targets).item())


def test_multi_label_outputs_get_no_single_label_accuracy():
    scores = torch.tensor([[2.0, -1.0, 3.0], [-2.0, 1.0, 0.5]])
    labels = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    metrics = evaluate(Identity(), [(scores, labels)], loss_fn=nn.BCEWithLogitsLoss())
    assert metrics == {
        "loss": pytest.approx(F.binary_cross_entropy_with_logits(scores, labels).item())
    }


class Identity(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, x):
        return x * self.scale


def test_a_non_finite_learning_rate_is_refused():
    model = classifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=float("nan"))
    with pytest.raises(
        ValueError, match=r"^optimizer's learning rate must be a finite number, got lr=nan"
    ):
        fit(model, batches(*blobs()), loss_fn=nn.CrossEntropyLoss(), optimizer=optimizer, epochs=1)


def test_integer_one_hot_targets_count_their_class():
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    assert accuracy(logits, torch.tensor([[1, 0, 0], [0, 1, 0]])) == 0.5


def test_confusion_matrix_names_the_fix_for_scores():
    from nnguide.training import confusion_matrix

    with pytest.raises(ValueError, match=r"pass their classes: predictions\.argmax\(dim=1\)"):
        confusion_matrix(torch.tensor([0, 1]), torch.zeros(2, 3), 3)
    with pytest.raises(TypeError, match=r"got dtype torch\.float32; class labels held as floats"):
        confusion_matrix(torch.tensor([0, 1]), torch.tensor([0.0, 1.0]), 2)


def test_ignored_targets_keep_the_reading_of_the_final_layer():
    model = nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1))
    inputs, targets = blobs(6)
    targets[0] = -100
    # predict has no loss and so no ignore_index: -100 is no class.
    with pytest.raises(ValueError, match=r"got values from -100 to 2"):
        predict(model, [(inputs, targets)])
    probabilities = model(inputs).detach()
    with pytest.warns(UserWarning, match="NLLLoss expects log-probabilities"):
        got = evaluate(model, [(inputs, targets)], loss_fn=nn.NLLLoss())["accuracy"]
    assert got == accuracy(probabilities[1:], targets[1:])
