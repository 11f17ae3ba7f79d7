"""Early stopping: stop when the validation loss stops improving, keep the best weights.

A network trained for long enough on a small data set starts to fit the noise of
its training data: the training loss keeps falling while the validation loss turns
and rises. `EarlyStopping` watches the validation loss after each epoch,
remembers the epoch with the lowest one and a copy of the model's weights at that
epoch (a copy, because the tensors of ``model.state_dict()`` share storage with the
parameters, detached from autograd, and so change as training goes on), says when
``patience`` epochs have passed without improvement, and puts the best weights back
into the model.

It works with any loop that can report a validation loss per epoch, for example
`nnguide.fit()` called one epoch at a time:

```python
stopper = EarlyStopping(patience=10)
for epoch in range(100):
    history = fit(model, train_loader, loss_fn=loss_fn, optimizer=optimizer,
                  epochs=1, val_loader=val_loader)
    if stopper.step(history.val_loss[-1], model):
        break
stopper.restore(model)
```
"""

from __future__ import annotations

import math

import torch
from torch import nn

from nnguide._validation import check_float, check_int, check_module

__all__ = ["EarlyStopping"]


class EarlyStopping:
    """Track the best validation loss and the model's weights at that epoch.

    Call `step()` once per epoch with the epoch's validation loss. A loss counts
    as an improvement when it is lower than the best so far by more than
    ``min_delta``; then the model's ``state_dict`` is copied (on the device where
    the model is). `step()` returns ``True`` once ``patience`` epochs in a row
    brought no improvement, and `restore()` loads the best copy into the model.

    Args:
        patience: How many epochs without improvement to wait before stopping:
            an int (a NumPy integer or a one-element integer tensor too), at
            least 1.
        min_delta: How much lower than the best loss a loss must be to count as
            an improvement: a finite number (int, float, NumPy scalar or
            one-element tensor), at least 0.

    Attributes:
        patience: As given.
        min_delta: As given.
        epochs: Number of epochs reported to `step()` so far.
        best_epoch: Which of them (counting from 1) had the lowest loss; 0
            before the first call.
        best_loss: That lowest loss; ``inf`` before the first call.
        best_state: A copy of the model's ``state_dict`` after the best epoch;
            ``None`` before the first improvement.

    Raises:
        TypeError: If ``patience`` is not an int (a bool is not) or
            ``min_delta`` not a real number.
        ValueError: If ``patience`` < 1, or ``min_delta`` is negative, NaN or
            infinite (an infinite ``min_delta`` would make every epoch "no
            improvement"). Each message names the argument and its value.

    Examples:
        >>> from torch import nn
        >>> model = nn.Linear(2, 1)
        >>> stopper = EarlyStopping(patience=2)
        >>> [stopper.step(loss, model) for loss in [0.9, 0.5, 0.6, 0.7, 0.4]]
        [False, False, False, True, False]
        >>> stopper.best_epoch, stopper.best_loss, stopper.epochs
        (5, 0.4, 5)
        >>> stopper.restore(model) is model
        True
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0) -> None:
        """Check the settings and start with no epochs seen; see the class docstring."""
        self.patience = check_int(patience, "patience", minimum=1)
        self.min_delta = check_float(min_delta, "min_delta", minimum=0.0)
        self.epochs = 0
        self.best_epoch = 0
        self.best_loss = math.inf
        self.best_state: dict[str, torch.Tensor] | None = None

    def __repr__(self) -> str:
        """Settings and progress, e.g. ``EarlyStopping(patience=5, best_epoch=3 of 7)``."""
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
            f"best_epoch={self.best_epoch} of {self.epochs}, best_loss={self.best_loss:.4g})"
        )

    @property
    def should_stop(self) -> bool:
        """Whether ``patience`` epochs have passed since the best one."""
        return self.epochs > 0 and self.epochs - self.best_epoch >= self.patience

    def step(self, val_loss: float | torch.Tensor, model: nn.Module) -> bool:
        """Record one epoch's validation loss; copy the weights if it is the best.

        Args:
            val_loss: The epoch's validation loss: a real number (int, float,
                NumPy scalar) or a one-element tensor. ``nan`` and ``inf`` are
                accepted and never count as an improvement.
            model: The model being trained; its ``state_dict`` is copied when
                the loss improves.

        Returns:
            `should_stop`: ``True`` when training should stop now.

        Raises:
            TypeError: If ``val_loss`` is not a real number (a bool is not) or
                ``model`` not a module.
        """
        loss = check_float(val_loss, "val_loss", finite=False)
        check_module(model)
        self.epochs += 1
        if loss < self.best_loss - self.min_delta:
            self.best_loss = loss
            self.best_epoch = self.epochs
            self.best_state = {
                name: tensor.detach().clone() for name, tensor in model.state_dict().items()
            }
        return self.should_stop

    def restore(self, model: nn.Module) -> nn.Module:
        """Load the weights of the best epoch into ``model``.

        Args:
            model: The model passed to `step()` (or one of the same architecture).

        Returns:
            ``model``, now holding the best weights.

        Raises:
            TypeError: If ``model`` is not a module.
            RuntimeError: If `step()` has not recorded an improvement yet, or the
                architecture does not match the saved weights.
        """
        check_module(model)
        if self.best_state is None:
            raise RuntimeError(
                "EarlyStopping has no weights to restore: call step(val_loss, model) "
                "after at least one epoch first"
            )
        model.load_state_dict(self.best_state)
        return model
