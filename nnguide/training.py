"""Training and evaluating classifiers: the loop every lesson first writes by hand.

`fit()` runs the usual training loop (forward pass, loss, backward pass,
optimizer step) over a data loader for a number of epochs and returns a
`History` of losses and accuracies. `evaluate()`, `predict()`,
`accuracy()` and `confusion_matrix()` measure how well a trained
classifier does.

A classifier's output is read in one of two ways:

- ``(N, C)`` with ``C >= 2``: one score (logit) per class; the predicted class
  is the index of the largest score, and targets are class indices ``(N,)``.
- ``(N,)`` or ``(N, 1)``: one logit per sample of a binary classifier (as used
  with `torch.nn.BCEWithLogitsLoss`); the predicted class is 1 where the
  logit is above 0, and targets are 0/1 values of shape ``(N,)`` or ``(N, 1)``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from nnguide.device import get_device

__all__ = ["History", "accuracy", "confusion_matrix", "evaluate", "fit", "predict"]

Batch = tuple[torch.Tensor, torch.Tensor]
LossFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class History:
    """What `fit()` measured, one entry per epoch.

    Attributes:
        train_loss: Mean training loss of each epoch, averaged over the epoch's
            samples while the weights were being updated.
        val_loss: Mean loss on the validation loader after each epoch (empty when
            `fit()` got no ``val_loader``).
        val_accuracy: Share of correctly classified validation samples after each
            epoch, between 0 and 1 (empty when there was no ``val_loader``).

    Examples:
        >>> history = History(train_loss=[0.9, 0.5], val_loss=[0.7, 0.6], val_accuracy=[0.8, 0.9])
        >>> history.epochs
        2
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Number of epochs recorded."""
        return len(self.train_loss)


def _check_model(model: nn.Module) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")


def _check_loader(loader: Iterable[Batch], name: str) -> None:
    if isinstance(loader, torch.Tensor) or not isinstance(loader, Iterable):
        raise TypeError(
            f"{name} must be an iterable of (inputs, targets) batches such as a "
            f"torch.utils.data.DataLoader, got {type(loader).__name__}"
        )


def _check_loss_fn(loss_fn: LossFunction | None, *, required: bool) -> None:
    if loss_fn is None and not required:
        return
    if not callable(loss_fn):
        raise TypeError(
            "loss_fn must be callable as loss_fn(outputs, targets), such as "
            f"torch.nn.CrossEntropyLoss(), got {type(loss_fn).__name__}"
        )


def _model_device(model: nn.Module) -> torch.device:
    for tensor in model.parameters():
        return tensor.device
    for tensor in model.buffers():
        return tensor.device
    return torch.device("cpu")


def _resolve_device(model: nn.Module, device: str | torch.device | None) -> torch.device:
    if device is None:
        return _model_device(model)
    if not isinstance(device, (str, torch.device)):
        raise TypeError(
            f"device must be a str, a torch.device or None, got {type(device).__name__}"
        )
    return get_device(device)


def _unpack(batch: Any, name: str, device: torch.device) -> Batch:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        got = type(batch).__name__
        if isinstance(batch, (tuple, list)):
            got += f" of length {len(batch)}"
        raise ValueError(f"{name} must yield (inputs, targets) pairs, got a {got}")
    inputs, targets = batch
    if not isinstance(inputs, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise TypeError(
            f"{name} must yield pairs of tensors, got ({type(inputs).__name__}, "
            f"{type(targets).__name__})"
        )
    return inputs.to(device), targets.to(device)


def _scalar_loss(loss: Any) -> torch.Tensor:
    if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
        if isinstance(loss, torch.Tensor):
            got = f"a tensor of shape {tuple(loss.shape)}"
        else:
            got = type(loss).__name__
        raise ValueError(
            "loss_fn must return a scalar tensor, the mean loss of the batch "
            f"(reduction='mean'), got {got}"
        )
    return loss


def _predicted_classes(logits: torch.Tensor) -> torch.Tensor:
    if logits.ndim == 2 and logits.shape[1] >= 2:
        return logits.argmax(dim=1)
    if logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1):
        return (logits.reshape(-1) > 0).long()
    raise ValueError(
        "logits must have shape (N, C) with C >= 2 class scores, or (N,) or (N, 1) "
        f"for a binary classifier, got shape {tuple(logits.shape)}"
    )


def _target_classes(targets: torch.Tensor, num_samples: int) -> torch.Tensor:
    if targets.ndim == 2 and targets.shape[1] == 1:
        targets = targets.reshape(-1)
    if targets.ndim != 1 or len(targets) != num_samples:
        raise ValueError(
            f"targets must have shape ({num_samples},) to match the logits, "
            f"got shape {tuple(targets.shape)}"
        )
    if targets.is_floating_point():
        if not torch.equal(targets, targets.round()):
            raise ValueError("targets must be class indices, got non-integer values")
        targets = targets.long()
    return targets


def _show_progress(progress: bool | None) -> bool:
    if progress is None:
        stream = sys.stderr
        return stream is not None and hasattr(stream, "isatty") and stream.isatty()
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {type(progress).__name__}")
    return progress


def _progress_bar(total: int | None) -> Any:
    try:
        from tqdm import tqdm
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
        raise ModuleNotFoundError(
            'the progress bar of fit needs tqdm: pip install "nnguide[data]", '
            "or pass progress=False"
        ) from error
    return tqdm(total=total, unit="batch", file=sys.stderr, dynamic_ncols=True)


def fit(
    model: nn.Module,
    train_loader: Iterable[Batch],
    *,
    loss_fn: LossFunction,
    optimizer: torch.optim.Optimizer,
    epochs: int,
    val_loader: Iterable[Batch] | None = None,
    device: str | torch.device | None = None,
    progress: bool | None = None,
) -> History:
    """Train a model for a number of epochs and record its losses.

    Each epoch puts the model in training mode (``model.train()``) and, for every
    mini-batch ``(inputs, targets)`` of ``train_loader``, runs the four steps of
    the training loop::

        optimizer.zero_grad()                    # forget the last batch's gradients
        loss = loss_fn(model(inputs), targets)   # forward pass
        loss.backward()                          # backpropagation
        optimizer.step()                         # update the parameters

    After each epoch the model is measured on ``val_loader`` with
    `evaluate()` (evaluation mode, no gradients).

    Args:
        model: The network to train; it is moved to ``device``.
        train_loader: Iterable of ``(inputs, targets)`` mini-batches, usually a
            `torch.utils.data.DataLoader` that shuffles.
        loss_fn: Loss function called as ``loss_fn(outputs, targets)`` that
            returns the batch's mean loss, e.g. `torch.nn.CrossEntropyLoss`.
        optimizer: Optimizer built over ``model.parameters()``.
        epochs: Number of passes over ``train_loader``, at least 1.
        val_loader: Optional loader measured after every epoch.
        device: Device to train on (see `nnguide.get_device()`); ``None``
            keeps the model where it is and moves each batch there.
        progress: ``True`` to show a tqdm progress bar on stderr, ``False`` to
            show none, ``None`` to show one only when stderr is a terminal, so
            scripts run by other programs and executed notebooks stay quiet.

    Returns:
        A `History` with one entry per epoch.

    Raises:
        TypeError: If an argument has the wrong type (``model`` not a module,
            ``optimizer`` not a `torch.optim.Optimizer`, ``epochs`` not an
            int, a loader that yields no tensors, ...).
        ValueError: If ``epochs`` is smaller than 1, ``train_loader`` yields no
            batches or no ``(inputs, targets)`` pairs, or ``loss_fn`` does not
            return a scalar.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> from torch.utils.data import DataLoader, TensorDataset
        >>> _ = torch.manual_seed(0)
        >>> inputs = torch.randn(64, 2)
        >>> targets = (inputs[:, 0] > 0).long()
        >>> loader = DataLoader(TensorDataset(inputs, targets), batch_size=16)
        >>> model = nn.Linear(2, 2)
        >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        >>> history = fit(model, loader, loss_fn=nn.CrossEntropyLoss(),
        ...               optimizer=optimizer, epochs=5, val_loader=loader)
        >>> history.epochs, len(history.val_accuracy)
        (5, 5)
        >>> history.train_loss[-1] < history.train_loss[0]
        True
    """
    _check_model(model)
    _check_loader(train_loader, "train_loader")
    if val_loader is not None:
        _check_loader(val_loader, "val_loader")
    _check_loss_fn(loss_fn, required=True)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            "optimizer must be a torch.optim.Optimizer such as "
            f"torch.optim.SGD(model.parameters(), lr=0.1), got {type(optimizer).__name__}"
        )
    if isinstance(epochs, bool) or not isinstance(epochs, int):
        raise TypeError(f"epochs must be an int, got {type(epochs).__name__}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    show = _show_progress(progress)

    target_device = _resolve_device(model, device)
    model.to(target_device)
    history = History()
    batches_per_epoch = len(train_loader) if hasattr(train_loader, "__len__") else None
    bar = _progress_bar(epochs * batches_per_epoch if batches_per_epoch else None) if show else None
    try:
        for epoch in range(epochs):
            if bar is not None:
                bar.set_description(f"epoch {epoch + 1}/{epochs}")
            model.train()
            total_loss = torch.zeros((), device=target_device)
            num_samples = 0
            for batch in train_loader:
                inputs, targets = _unpack(batch, "train_loader", target_device)
                optimizer.zero_grad()
                loss = _scalar_loss(loss_fn(model(inputs), targets))
                loss.backward()
                optimizer.step()
                total_loss += loss.detach() * len(inputs)
                num_samples += len(inputs)
                if bar is not None:
                    bar.update(1)
            if num_samples == 0:
                raise ValueError("train_loader yielded no batches")
            history.train_loss.append(total_loss.item() / num_samples)
            postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
            if val_loader is not None:
                metrics = evaluate(model, val_loader, loss_fn=loss_fn, device=target_device)
                history.val_loss.append(metrics["loss"])
                history.val_accuracy.append(metrics["accuracy"])
                postfix["val_loss"] = f"{metrics['loss']:.4f}"
                postfix["val_acc"] = f"{metrics['accuracy']:.3f}"
            if bar is not None:
                bar.set_postfix(postfix)
    finally:
        if bar is not None:
            bar.close()
    return history


def evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    *,
    loss_fn: LossFunction | None = None,
    device: str | torch.device | None = None,
) -> dict[str, float]:
    """Measure a classifier's mean loss and accuracy on a data loader.

    The model runs in evaluation mode (``model.eval()``) under
    `torch.inference_mode()`, so no gradients are tracked; its previous mode
    (training or evaluation) is restored afterwards.

    Args:
        model: The classifier; it is moved to ``device``.
        loader: Iterable of ``(inputs, targets)`` mini-batches.
        loss_fn: Optional loss function returning the batch's mean loss.
        device: Device to evaluate on; ``None`` keeps the model where it is.

    Returns:
        ``{"loss": ..., "accuracy": ...}``: the loss averaged over all samples
        (only when ``loss_fn`` is given) and the share of correctly classified
        samples, between 0 and 1.

    Raises:
        TypeError: If ``model``, ``loader``, ``loss_fn`` or ``device`` has the
            wrong type.
        ValueError: If ``loader`` yields no batches, or outputs and targets do
            not fit together (see `accuracy()`).

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Linear(3, 2)
        >>> batches = [(torch.randn(4, 3), torch.tensor([0, 1, 1, 0]))]
        >>> sorted(evaluate(model, batches, loss_fn=nn.CrossEntropyLoss()))
        ['accuracy', 'loss']
        >>> 0.0 <= evaluate(model, batches)["accuracy"] <= 1.0
        True
    """
    _check_model(model)
    _check_loader(loader, "loader")
    _check_loss_fn(loss_fn, required=False)
    target_device = _resolve_device(model, device)
    model.to(target_device)
    was_training = model.training
    model.eval()
    total_loss = torch.zeros((), device=target_device)
    correct = 0
    num_samples = 0
    try:
        with torch.inference_mode():
            for batch in loader:
                inputs, targets = _unpack(batch, "loader", target_device)
                outputs = model(inputs)
                if loss_fn is not None:
                    total_loss += _scalar_loss(loss_fn(outputs, targets)) * len(inputs)
                predicted = _predicted_classes(outputs)
                correct += int((predicted == _target_classes(targets, len(predicted))).sum())
                num_samples += len(predicted)
    finally:
        model.train(was_training)
    if num_samples == 0:
        raise ValueError("loader yielded no batches")
    metrics = {"accuracy": correct / num_samples}
    if loss_fn is not None:
        metrics = {"loss": total_loss.item() / num_samples, **metrics}
    return metrics


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Share of samples whose predicted class equals the target.

    Args:
        logits: Class scores ``(N, C)``, or one logit per sample ``(N,)`` /
            ``(N, 1)`` for a binary classifier (class 1 where the logit is > 0).
        targets: Class indices ``(N,)``; 0/1 values for a binary classifier,
            which may be floats and may have shape ``(N, 1)``.

    Returns:
        A number between 0 and 1.

    Raises:
        TypeError: If ``logits`` or ``targets`` is not a tensor.
        ValueError: If the shapes do not fit together, there are no samples, or
            floating-point targets are not whole numbers.

    Shape:
        - logits: :math:`(N, C)`, :math:`(N,)` or :math:`(N, 1)`.
        - targets: :math:`(N,)` or :math:`(N, 1)`.

    Examples:
        >>> import torch
        >>> logits = torch.tensor([[2.0, 0.1], [0.3, 1.5], [1.0, 0.0], [0.0, 1.0]])
        >>> accuracy(logits, torch.tensor([0, 1, 1, 1]))
        0.75
        >>> accuracy(torch.tensor([3.0, -1.0]), torch.tensor([1.0, 1.0]))
        0.5
    """
    if not isinstance(logits, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise TypeError(
            "logits and targets must be tensors, got "
            f"{type(logits).__name__} and {type(targets).__name__}"
        )
    predicted = _predicted_classes(logits.detach())
    if len(predicted) == 0:
        raise ValueError("accuracy needs at least one sample, got an empty batch")
    targets = _target_classes(targets.detach(), len(predicted))
    return (predicted == targets).sum().item() / len(predicted)


def predict(
    model: nn.Module, loader: Iterable[Batch], device: str | torch.device | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted classes and targets for every sample of a loader, in order.

    Runs like `evaluate()` (evaluation mode, `torch.inference_mode()`,
    previous mode restored) and collects the results on the CPU, ready for
    `confusion_matrix()` or plotting.

    Args:
        model: The classifier; it is moved to ``device``.
        loader: Iterable of ``(inputs, targets)`` mini-batches.
        device: Device to run on; ``None`` keeps the model where it is.

    Returns:
        ``(predictions, targets)``, two ``int64`` CPU tensors of shape ``(N,)``.

    Raises:
        TypeError: If ``model``, ``loader`` or ``device`` has the wrong type.
        ValueError: If ``loader`` yields no batches, or outputs and targets do
            not fit together.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> batches = [(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))] * 2
        >>> predictions, targets = predict(nn.Linear(3, 3), batches)
        >>> predictions.shape, targets.tolist()
        (torch.Size([8]), [0, 1, 2, 0, 0, 1, 2, 0])
    """
    _check_model(model)
    _check_loader(loader, "loader")
    target_device = _resolve_device(model, device)
    model.to(target_device)
    was_training = model.training
    model.eval()
    all_predictions, all_targets = [], []
    try:
        with torch.inference_mode():
            for batch in loader:
                inputs, targets = _unpack(batch, "loader", target_device)
                predicted = _predicted_classes(model(inputs))
                all_predictions.append(predicted.cpu())
                all_targets.append(_target_classes(targets, len(predicted)).cpu())
    finally:
        model.train(was_training)
    if not all_predictions:
        raise ValueError("loader yielded no batches")
    return torch.cat(all_predictions), torch.cat(all_targets)


def _check_classes(values: Any, name: str, num_classes: int) -> torch.Tensor:
    if not isinstance(values, torch.Tensor):
        raise TypeError(f"{name} must be a tensor of class indices, got {type(values).__name__}")
    if values.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {tuple(values.shape)}")
    if values.is_floating_point() or values.is_complex() or values.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer class indices, got dtype {values.dtype}")
    if len(values) and (values.min() < 0 or values.max() >= num_classes):
        raise ValueError(
            f"{name} must hold class indices from 0 to {num_classes - 1} "
            f"(num_classes={num_classes}), got values from {int(values.min())} "
            f"to {int(values.max())}"
        )
    return values.long().cpu()


def confusion_matrix(
    targets: torch.Tensor, predictions: torch.Tensor, num_classes: int
) -> torch.Tensor:
    """Count how often each true class was predicted as each class.

    Entry ``[i, j]`` is the number of samples of true class ``i`` predicted as
    class ``j`` (rows are the truth, columns the prediction, as in
    scikit-learn). The diagonal holds the correct predictions.

    Args:
        targets: True class indices.
        predictions: Predicted class indices, in the same order.
        num_classes: Number of classes ``C``.

    Returns:
        An ``int64`` tensor of shape ``(C, C)``.

    Raises:
        TypeError: If ``num_classes`` is not an int, or ``targets`` /
            ``predictions`` are not integer tensors.
        ValueError: If ``num_classes`` < 1, the inputs are not 1-D, differ in
            length, or hold an index outside ``0 ... C - 1``.

    Shape:
        - targets, predictions: :math:`(N,)`.
        - Output: :math:`(C, C)`.

    Examples:
        >>> import torch
        >>> confusion_matrix(torch.tensor([0, 0, 1, 2]), torch.tensor([0, 1, 1, 2]), 3)
        tensor([[1, 1, 0],
                [0, 1, 0],
                [0, 0, 1]])
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, int):
        raise TypeError(f"num_classes must be an int, got {type(num_classes).__name__}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    targets = _check_classes(targets, "targets", num_classes)
    predictions = _check_classes(predictions, "predictions", num_classes)
    if len(targets) != len(predictions):
        raise ValueError(
            "targets and predictions must have the same length, got "
            f"{len(targets)} and {len(predictions)}"
        )
    counts = torch.bincount(targets * num_classes + predictions, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)
