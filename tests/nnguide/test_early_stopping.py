import math

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from nnguide.early_stopping import EarlyStopping
from nnguide.training import evaluate, fit


def set_weight(model: nn.Linear, value: float) -> None:
    with torch.no_grad():
        model.weight.fill_(value)
        model.bias.fill_(value)


def test_stops_after_patience_epochs_without_improvement():
    model = nn.Linear(2, 1)
    stopper = EarlyStopping(patience=3)
    decisions = [stopper.step(loss, model) for loss in [1.0, 0.8, 0.9, 0.85, 0.95]]
    assert decisions == [False, False, False, False, True]
    assert stopper.should_stop
    assert (stopper.epochs, stopper.best_epoch, stopper.best_loss) == (5, 2, 0.8)


def test_an_improvement_resets_the_count():
    model = nn.Linear(2, 1)
    stopper = EarlyStopping(patience=2)
    for loss in [1.0, 1.1, 0.9, 1.2]:
        assert not stopper.step(loss, model)
    assert stopper.best_epoch == 3
    assert stopper.step(1.3, model)


def test_min_delta_ignores_tiny_improvements():
    model = nn.Linear(2, 1)
    stopper = EarlyStopping(patience=1, min_delta=0.1)
    stopper.step(1.0, model)
    stopper.step(0.95, model)
    assert stopper.best_epoch == 1 and stopper.should_stop
    stopper = EarlyStopping(patience=1, min_delta=0.1)
    stopper.step(1.0, model)
    stopper.step(0.85, model)
    assert stopper.best_epoch == 2 and not stopper.should_stop


def test_restore_loads_the_weights_of_the_best_epoch():
    model = nn.Linear(3, 2)
    stopper = EarlyStopping(patience=5)
    set_weight(model, 1.0)
    stopper.step(0.5, model)
    set_weight(model, 2.0)
    stopper.step(0.4, model)
    set_weight(model, 3.0)
    stopper.step(0.6, model)
    assert torch.equal(model.weight, torch.full((2, 3), 3.0))
    assert stopper.restore(model) is model
    assert torch.equal(model.weight, torch.full((2, 3), 2.0))
    assert torch.equal(model.bias, torch.full((2,), 2.0))


def test_the_saved_weights_are_a_copy_not_the_live_tensors():
    model = nn.Linear(3, 2)
    stopper = EarlyStopping()
    stopper.step(0.5, model)
    saved = stopper.best_state["weight"]
    assert saved.data_ptr() != model.weight.data_ptr()
    set_weight(model, 7.0)
    assert not torch.equal(saved, model.weight)


def test_restore_into_a_fresh_model_of_the_same_architecture():
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    stopper = EarlyStopping()
    stopper.step(0.1, model)
    other = stopper.restore(nn.Linear(4, 3))
    assert torch.equal(other.weight, model.weight)


def test_step_accepts_a_one_element_tensor():
    model = nn.Linear(2, 1)
    stopper = EarlyStopping()
    stopper.step(torch.tensor(0.25), model)
    assert stopper.best_loss == 0.25 and isinstance(stopper.best_loss, float)


def test_nan_never_counts_as_an_improvement():
    model = nn.Linear(2, 1)
    stopper = EarlyStopping(patience=1)
    stopper.step(0.5, model)
    assert stopper.step(math.nan, model)
    assert stopper.best_epoch == 1


def test_with_fit_one_epoch_at_a_time_restores_the_lowest_validation_loss():
    torch.manual_seed(0)
    inputs = torch.randn(40, 5)
    targets = (inputs[:, 0] > 0).long()
    train = DataLoader(TensorDataset(inputs[:8], targets[:8]), batch_size=4)
    val = DataLoader(TensorDataset(inputs[8:], targets[8:]), batch_size=32)
    model = nn.Sequential(nn.Linear(5, 64), nn.ReLU(), nn.Linear(64, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    stopper = EarlyStopping(patience=3)
    val_losses = []
    for _ in range(200):
        history = fit(model, train, loss_fn=loss_fn, optimizer=optimizer, epochs=1, val_loader=val)
        val_losses.append(history.val_loss[-1])
        if stopper.step(history.val_loss[-1], model):
            break
    assert stopper.epochs == len(val_losses) < 200
    assert stopper.best_loss == min(val_losses)
    assert stopper.best_epoch == val_losses.index(min(val_losses)) + 1
    assert stopper.epochs - stopper.best_epoch == 3
    stopper.restore(model)
    restored_loss = evaluate(model, val, loss_fn=loss_fn)["loss"]
    assert restored_loss == pytest.approx(stopper.best_loss, rel=1e-6)


def test_restore_before_any_step_is_an_error():
    with pytest.raises(RuntimeError, match="call step"):
        EarlyStopping().restore(nn.Linear(2, 1))


def test_restore_into_another_architecture_is_an_error():
    stopper = EarlyStopping()
    stopper.step(0.5, nn.Linear(2, 1))
    with pytest.raises(RuntimeError, match="size mismatch"):
        stopper.restore(nn.Linear(3, 1))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"patience": 0}, ValueError, "^patience must be at least 1, got 0$"),
        ({"patience": -3}, ValueError, "^patience must be at least 1, got -3$"),
        (
            {"patience": np.int64(0)},
            ValueError,
            r"^patience must be at least 1, got np\.int64\(0\)$",
        ),
        ({"patience": 2.5}, TypeError, "^patience must be an int, got float 2.5$"),
        ({"patience": True}, TypeError, "^patience must be an int, got bool True$"),
        ({"patience": [3]}, TypeError, r"^patience must be an int, got list \[3\]$"),
        ({"min_delta": -0.1}, ValueError, "^min_delta must be at least 0, got -0.1$"),
        ({"min_delta": "0"}, TypeError, "^min_delta must be a number, got str '0'$"),
        ({"min_delta": math.nan}, ValueError, "^min_delta must be a finite number, got nan$"),
        ({"min_delta": math.inf}, ValueError, "^min_delta must be a finite number, got inf$"),
        ({"min_delta": np.float64("inf")}, ValueError, r"got np\.float64\(inf\)$"),
        ({"min_delta": np.True_}, TypeError, r"^min_delta must be a number, got bool"),
    ],
)
def test_invalid_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        EarlyStopping(**kwargs)


def test_numpy_and_tensor_settings_are_numbers():
    stopper = EarlyStopping(patience=np.int32(3), min_delta=np.float32(0.5))
    assert (stopper.patience, stopper.min_delta) == (3, 0.5)
    assert type(stopper.patience) is int and type(stopper.min_delta) is float
    assert EarlyStopping(patience=torch.tensor(2), min_delta=torch.tensor(0.25)).patience == 2


def test_invalid_step_arguments():
    stopper = EarlyStopping()
    with pytest.raises(TypeError, match=r"^val_loss must be a number, got str '0\.5'$"):
        stopper.step("0.5", nn.Linear(2, 1))
    with pytest.raises(
        TypeError, match=r"^val_loss must be a number, got a float32 tensor of shape \(2,\)$"
    ):
        stopper.step(torch.ones(2), nn.Linear(2, 1))
    with pytest.raises(TypeError, match=r"^model must be a torch\.nn\.Module, got dict \{\}$"):
        stopper.step(0.5, {})
    assert stopper.epochs == 0


def test_numpy_nan_and_inf_losses_are_losses_that_never_improve():
    stopper = EarlyStopping(patience=2)
    model = nn.Linear(2, 1)
    assert stopper.step(np.float32(0.5), model) is False
    assert stopper.step(np.float64("nan"), model) is False
    assert stopper.step(math.inf, model) is True
    assert (stopper.best_epoch, stopper.best_loss) == (1, 0.5)


def test_repr_shows_settings_and_progress():
    stopper = EarlyStopping(patience=4)
    stopper.step(0.5, nn.Linear(2, 1))
    stopper.step(0.7, nn.Linear(2, 1))
    assert repr(stopper) == (
        "EarlyStopping(patience=4, min_delta=0.0, best_epoch=1 of 2, best_loss=0.5)"
    )
