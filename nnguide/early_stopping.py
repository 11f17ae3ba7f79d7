"""Early stopping: stop when the validation loss stops improving, keep the best weights.

A network trained for long enough on a small data set starts to fit the noise of
its training data: the training loss keeps falling while the validation loss turns
and rises. `EarlyStopping` watches the validation loss after each epoch,
remembers the epoch with the lowest one and a copy of the model's weights at that
epoch (a copy, because the tensors of ``model.state_dict()`` are the model's own
and change as training goes on), says when ``patience`` epochs have passed
without improvement, and puts the best weights back into the model.

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

__all__ = ["EarlyStopping"]


class EarlyStopping:
    """Track the best validation loss and the model's weights at that epoch.

    Call `step()` once per epoch with the epoch's validation loss. A loss counts
    as an improvement when it is lower than the best so far by more than
    ``min_delta``; then the model's ``state_dict`` is copied (on the device where
    the model is). `step()` returns ``True`` once ``patience`` epochs in a row
    brought no improvement, and `restore()` loads the best copy into the model.

    Args:
        patience: How many epochs without improvement to wait before stopping, at
            least 1.
        min_delta: How much lower than the best loss a loss must be to count as
            an improvement, at least 0.

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
        TypeError: If ``patience`` is not an int or ``min_delta`` not a number.
        ValueError: If ``patience`` < 1 or ``min_delta`` < 0.

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
        if isinstance(patience, bool) or not isinstance(patience, int):
            raise TypeError(f"patience must be an int, got {type(patience).__name__}")
        if patience < 1:
            raise ValueError(f"patience must be at least 1, got {patience}")
        if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float)):
            raise TypeError(f"min_delta must be a number, got {type(min_delta).__name__}")
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be 0 or more, got {min_delta!r}")
        self.patience = patience
        self.min_delta = float(min_delta)
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
            val_loss: The epoch's validation loss (a number or a one-element
                tensor). ``nan`` never counts as an improvement.
            model: The model being trained; its ``state_dict`` is copied when
                the loss improves.

        Returns:
            `should_stop`: ``True`` when training should stop now.

        Raises:
            TypeError: If ``val_loss`` is not a number or ``model`` not a module.
        """
        if isinstance(val_loss, torch.Tensor) and val_loss.numel() == 1:
            val_loss = float(val_loss.item())
        if isinstance(val_loss, bool) or not isinstance(val_loss, (int, float)):
            raise TypeError(f"val_loss must be a number, got {type(val_loss).__name__}")
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        self.epochs += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = float(val_loss)
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
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if self.best_state is None:
            raise RuntimeError(
                "EarlyStopping has no weights to restore: call step(val_loss, model) "
                "after at least one epoch first"
            )
        model.load_state_dict(self.best_state)
        return model
