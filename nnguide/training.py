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
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from nnguide._validation import (
    check_device,
    check_int,
    check_loader,
    check_memory,
    check_module,
    describe,
    describe_tensor,
    failed_call,
    model_device,
    module_label,
    preserved_state,
)

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


def _check_loss_fn(loss_fn: object, *, required: bool) -> None:
    if loss_fn is None and not required:
        return
    if not callable(loss_fn):
        raise TypeError(
            "loss_fn must be callable as loss_fn(outputs, targets), such as "
            f"torch.nn.CrossEntropyLoss(), got {describe(loss_fn)}"
        )


def _check_optimizer(optimizer: object, model: nn.Module) -> torch.optim.Optimizer:
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            "optimizer must be a torch.optim.Optimizer such as "
            f"torch.optim.SGD(model.parameters(), lr=0.1), got {describe(optimizer)}"
        )
    parameters = list(model.parameters())
    trainable = [parameter for parameter in parameters if parameter.requires_grad]
    if not trainable:
        frozen = (
            f"all {len(parameters)} of its parameter tensors have requires_grad=False"
            if parameters
            else "it has no parameters"
        )
        raise ValueError(
            f"model has nothing to train: {frozen}; unfreeze some with "
            "parameter.requires_grad_(True) before calling fit"
        )
    updated = {id(parameter) for group in optimizer.param_groups for parameter in group["params"]}
    if not any(id(parameter) in updated for parameter in trainable):
        raise ValueError(
            "optimizer updates none of the model's trainable parameters; build it over "
            "this model's parameters: torch.optim.SGD(model.parameters(), lr=0.1)"
        )
    return optimizer


def _resolve_device(model: nn.Module, device: object) -> torch.device:
    """``device`` checked, or the model's own device (CPU for a model without tensors)."""
    if device is None:
        return model_device(model) or torch.device("cpu")
    return check_device(device, "device")


def _batches(loader: Iterable[Any], where: Callable[[int], str]) -> Iterator[tuple[int, Any]]:
    """Enumerate a loader; an error raised while fetching a batch names that batch."""
    iterator = iter(loader)
    index = 0
    while True:
        try:
            batch = next(iterator)
        except StopIteration:
            return
        except Exception as error:
            raise _same_kind(
                error, f"{where(index)}: fetching the batch failed: {error}"
            ) from error
        yield index, batch
        index += 1


def _unpack(batch: Any, where: str, device: torch.device) -> Batch:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        got = type(batch).__name__
        if isinstance(batch, (tuple, list)):
            got += f" of length {len(batch)}"
        raise ValueError(f"{where}: loaders must yield (inputs, targets) pairs, got a {got}")
    inputs, targets = batch
    if not isinstance(inputs, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise TypeError(
            f"{where}: loaders must yield pairs of tensors, got ({type(inputs).__name__}, "
            f"{type(targets).__name__})"
        )
    if inputs.ndim == 0:
        raise ValueError(f"{where}: inputs must have a batch dimension, got a 0-d tensor")
    return inputs.to(device), targets.to(device)


def _same_kind(error: Exception, message: str) -> Exception:
    """A new exception of the built-in kind of ``error`` (RuntimeError for others)."""
    for kind in (IndexError, KeyError, TypeError, ValueError, NotImplementedError):
        if isinstance(error, kind):
            return kind(message)
    return RuntimeError(message)


def _tensor_context(name: str, tensor: Any) -> str:
    if not isinstance(tensor, torch.Tensor):
        return f"{name} {type(tensor).__name__}"
    text = f"{name} {describe_tensor(tensor)}"
    if not tensor.is_floating_point() and not tensor.is_complex() and tensor.numel():
        text += f" with values from {int(tensor.min())} to {int(tensor.max())}"
    return text


def _failure(
    error: Exception,
    step: str,
    where: str,
    model: nn.Module,
    tensors: dict[str, Any],
) -> Exception:
    """``error`` re-raised with the batch, the step and the tensors involved."""
    context = [_tensor_context(name, tensor) for name, tensor in tensors.items()]
    dtypes = sorted({str(p.dtype).removeprefix("torch.") for p in model.parameters()})
    if dtypes:
        context.append(f"model parameters {', '.join(dtypes)}")
    located = ""
    failure = failed_call(error)
    if failure is not None and step.startswith("the forward pass"):
        module, args, _ = failure
        inputs = [describe_tensor(arg) for arg in args if isinstance(arg, torch.Tensor)]
        located = f" in {module_label(model, module)}" + (
            f" on input {', '.join(inputs)}" if inputs else ""
        )
    hint = ""
    if "Expected more than 1 value per channel" in str(error):
        hint = (
            "; a batch of one sample cannot be normalized in training mode: drop the "
            "short last batch with DataLoader(..., drop_last=True)"
        )
    message = f"{where}: {step} failed{located} ({'; '.join(context)}): {error}{hint}"
    return _same_kind(error, message)


def _scalar_loss(loss: Any, where: str) -> torch.Tensor:
    if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
        if isinstance(loss, torch.Tensor):
            got = f"a tensor of shape {tuple(loss.shape)}"
        else:
            got = type(loss).__name__
        raise ValueError(
            f"{where}: loss_fn must return a scalar tensor, the mean loss of the batch "
            f"(reduction='mean'), got {got}"
        )
    return loss


def _check_logits(logits: Any, name: str) -> torch.Tensor:
    if not isinstance(logits, torch.Tensor):
        got = type(logits).__name__
        if isinstance(logits, dict):
            got += f" with keys {sorted(map(str, logits))}"
        elif isinstance(logits, (tuple, list)):
            got += f" of length {len(logits)}"
        raise TypeError(
            f"{name} must be a tensor of class scores, got a {got}; wrap the model so that "
            "it returns the logits tensor alone"
        )
    if (logits.ndim == 2 and logits.shape[1] >= 1) or logits.ndim == 1:
        return logits
    raise ValueError(
        f"{name} must have shape (N, C) with C >= 2 class scores, or (N,) or (N, 1) "
        f"for a binary classifier, got shape {tuple(logits.shape)}"
    )


def _predicted_classes(logits: torch.Tensor) -> torch.Tensor:
    if logits.ndim == 2 and logits.shape[1] >= 2:
        return logits.argmax(dim=1)
    return (logits.reshape(-1) > 0).long()


def _target_classes(targets: torch.Tensor, logits: torch.Tensor, name: str) -> torch.Tensor:
    """Targets as int64 class indices, checked against the classes the logits score."""
    num_samples = len(logits)
    if targets.ndim == 2 and targets.shape[1] == 1:
        targets = targets.reshape(-1)
    if targets.ndim != 1 or len(targets) != num_samples:
        raise ValueError(
            f"{name} must have shape ({num_samples},) to match the logits, "
            f"got shape {tuple(targets.shape)}"
        )
    if targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(f"{name} must hold class indices, got dtype {targets.dtype}")
    if targets.is_floating_point():
        if not torch.equal(targets, targets.round()):
            raise ValueError(f"{name} must be class indices, got non-integer values")
        targets = targets.long()
    num_classes = logits.shape[1] if logits.ndim == 2 and logits.shape[1] >= 2 else 2
    if len(targets) and (targets.min() < 0 or targets.max() >= num_classes):
        scored = (
            f"the logits score {num_classes} classes"
            if num_classes > 2 or (logits.ndim == 2 and logits.shape[1] == 2)
            else "the logits are those of a binary classifier"
        )
        raise ValueError(
            f"{name} must hold class indices from 0 to {num_classes - 1} ({scored}), "
            f"got values from {int(targets.min())} to {int(targets.max())}"
        )
    return targets.long()


def _show_progress(progress: bool | None) -> bool:
    if progress is None:
        stream = sys.stderr
        return stream is not None and hasattr(stream, "isatty") and stream.isatty()
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {describe(progress)}")
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
    the training loop:

    ```python
    optimizer.zero_grad()                    # forget the last batch's gradients
    loss = loss_fn(model(inputs), targets)   # forward pass
    loss.backward()                          # backpropagation
    optimizer.step()                         # update the parameters
    ```

    After each epoch the model is measured on ``val_loader`` with
    `evaluate()` (evaluation mode, no gradients). A batch with no samples is
    skipped: it has no loss to learn from.

    An error raised by PyTorch inside the loop is raised again, of the same
    built-in kind (`RuntimeError`, `IndexError`, ...), with the epoch, the batch
    index, the step that failed (forward pass, loss, backward pass or optimizer
    step), the layer it failed in and the shapes and dtypes of the tensors
    involved; the original error is chained as its cause. For example a target
    class the model has no score for reads ``epoch 1/5, batch 3 of train_loader:
    loss_fn(outputs, targets) failed (outputs float32 tensor of shape (16, 3);
    targets int64 tensor of shape (16,) with values from 0 to 5; ...): Target 5
    is out of bounds.``

    Args:
        model: The network to train; it is moved to ``device``.
        train_loader: Iterable of ``(inputs, targets)`` mini-batches, usually a
            `torch.utils.data.DataLoader` that shuffles.
        loss_fn: Loss function called as ``loss_fn(outputs, targets)`` that
            returns the batch's mean loss, e.g. `torch.nn.CrossEntropyLoss`.
        optimizer: Optimizer built over ``model.parameters()``.
        epochs: Number of passes over ``train_loader``, at least 1. Any
            integer type is accepted, such as ``numpy.int64``.
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
        ValueError: If ``epochs`` is smaller than 1; a loader is a generator or
            other one-shot iterator while ``epochs`` is 2 or more; the model
            has no trainable parameter or the optimizer updates none of them;
            a loader yields no batches, only empty ones, something other than
            ``(inputs, targets)`` pairs, or targets whose length differs from
            the inputs'; or ``loss_fn`` does not return a scalar.
        RuntimeError: If ``device`` names a GPU this machine does not have, or
            PyTorch fails inside the loop (see above; other built-in kinds of
            error keep their kind).

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
    check_module(model)
    epochs = check_int(epochs, "epochs", minimum=1)
    check_loader(train_loader, "train_loader", passes=epochs)
    if val_loader is not None:
        check_loader(val_loader, "val_loader", passes=epochs)
    _check_loss_fn(loss_fn, required=True)
    _check_optimizer(optimizer, model)
    show = _show_progress(progress)

    target_device = _resolve_device(model, device)
    model.to(target_device)
    history = History()
    batches_per_epoch = len(train_loader) if isinstance(train_loader, Sized) else None
    bar = _progress_bar(epochs * batches_per_epoch if batches_per_epoch else None) if show else None
    try:
        for epoch in range(epochs):
            if bar is not None:
                bar.set_description(f"epoch {epoch + 1}/{epochs}")
            model.train()
            epoch_text = f"epoch {epoch + 1}/{epochs}"
            history.train_loss.append(
                _train_epoch(
                    model, train_loader, loss_fn, optimizer, target_device, epoch_text, bar
                )
            )
            postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
            if val_loader is not None:
                metrics = _evaluate(
                    model, val_loader, loss_fn, target_device, "val_loader", f"{epoch_text}, "
                )
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


def _train_epoch(
    model: nn.Module,
    loader: Iterable[Batch],
    loss_fn: LossFunction,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    epoch_text: str,
    bar: Any,
) -> float:
    """One pass over ``loader``; return the mean loss per sample."""
    total_loss = torch.zeros((), device=device)
    num_samples = num_batches = 0

    def where(index: int) -> str:
        return f"{epoch_text}, batch {index} of train_loader"

    for index, batch in _batches(loader, where):
        num_batches += 1
        inputs, targets = _unpack(batch, where(index), device)
        if len(inputs) == 0:
            continue  # An empty batch has no loss; stepping on it would add NaN.
        step = "the forward pass model(inputs)"
        tensors: dict[str, Any] = {"inputs": inputs, "targets": targets}
        try:
            optimizer.zero_grad()
            outputs = model(inputs)
            step = "loss_fn(outputs, targets)"
            tensors = {"outputs": outputs, "targets": targets}
            loss = loss_fn(outputs, targets)
        except Exception as error:
            raise _failure(error, step, where(index), model, tensors) from error
        loss = _scalar_loss(loss, where(index))
        try:
            step = "loss.backward()"
            loss.backward()  # type: ignore[no-untyped-call]
            step = "optimizer.step()"
            optimizer.step()
        except Exception as error:
            raise _failure(error, step, where(index), model, tensors) from error
        total_loss += loss.detach() * len(inputs)
        num_samples += len(inputs)
        if bar is not None:
            bar.update(1)
    if num_batches == 0:
        raise ValueError(f"train_loader yielded no batches in {epoch_text}")
    if num_samples == 0:
        raise ValueError(f"train_loader yielded only empty batches in {epoch_text}")
    return total_loss.item() / num_samples


def evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    *,
    loss_fn: LossFunction | None = None,
    device: str | torch.device | None = None,
) -> dict[str, float]:
    """Measure a classifier's mean loss and accuracy on a data loader.

    The model runs in evaluation mode (``model.eval()``) under
    `torch.inference_mode()`, so no gradients are tracked. Afterwards every
    module's mode and every parameter's ``requires_grad`` are exactly as they
    were, so a frozen BatchNorm inside a model in training mode stays frozen.
    Batches with no samples are skipped. Errors raised by PyTorch name the
    batch, the layer and the tensors involved, as in `fit()`.

    Args:
        model: The classifier; it is moved to ``device``. It must return one
            tensor of class scores, read as described in `accuracy()`.
        loader: Iterable of ``(inputs, targets)`` mini-batches.
        loss_fn: Optional loss function returning the batch's mean loss.
        device: Device to evaluate on; ``None`` keeps the model where it is.

    Returns:
        ``{"loss": ..., "accuracy": ...}``: the loss averaged over all samples
        (only when ``loss_fn`` is given) and the share of correctly classified
        samples, between 0 and 1.

    Raises:
        TypeError: If ``model``, ``loader``, ``loss_fn`` or ``device`` has the
            wrong type, or the model returns something other than a tensor
            (a dict or a tuple, say).
        ValueError: If ``loader`` yields no batches or only empty ones, or
            outputs and targets do not fit together (see `accuracy()`).

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
    check_module(model)
    check_loader(loader, "loader")
    _check_loss_fn(loss_fn, required=False)
    target_device = _resolve_device(model, device)
    model.to(target_device)
    return _evaluate(model, loader, loss_fn, target_device, "loader", "")


def _infer(
    model: nn.Module,
    loader: Iterable[Batch],
    device: torch.device,
    name: str,
    prefix: str,
    on_batch: Callable[[str, torch.Tensor, torch.Tensor], None],
) -> None:
    """Run the model in eval mode on every non-empty batch and hand its outputs on.

    Every module's mode and every parameter's ``requires_grad`` are restored
    afterwards, also when a batch fails.
    """
    num_batches = num_samples = 0

    def where(index: int) -> str:
        return f"{prefix}batch {index} of {name}"

    with preserved_state(model), torch.inference_mode():
        model.eval()
        for index, batch in _batches(loader, where):
            num_batches += 1
            inputs, targets = _unpack(batch, where(index), device)
            if len(inputs) == 0:
                continue  # An empty batch has neither a loss nor an accuracy.
            try:
                outputs = model(inputs)
            except Exception as error:
                raise _failure(
                    error,
                    "the forward pass model(inputs)",
                    where(index),
                    model,
                    {"inputs": inputs, "targets": targets},
                ) from error
            on_batch(
                where(index), _check_logits(outputs, f"{where(index)}: the model's output"), targets
            )
            num_samples += len(inputs)
    if num_batches == 0:
        raise ValueError(f"{name} yielded no batches")
    if num_samples == 0:
        raise ValueError(f"{name} yielded only empty batches")


def _evaluate(
    model: nn.Module,
    loader: Iterable[Batch],
    loss_fn: LossFunction | None,
    device: torch.device,
    name: str,
    prefix: str,
) -> dict[str, float]:
    total_loss = torch.zeros((), device=device)
    correct = num_samples = 0

    def on_batch(where: str, outputs: torch.Tensor, targets: torch.Tensor) -> None:
        nonlocal total_loss, correct, num_samples
        classes = _target_classes(targets, outputs, f"{where}: targets")
        if loss_fn is not None:
            try:
                loss = loss_fn(outputs, targets)
            except Exception as error:
                raise _failure(
                    error,
                    "loss_fn(outputs, targets)",
                    where,
                    model,
                    {"outputs": outputs, "targets": targets},
                ) from error
            total_loss += _scalar_loss(loss, where) * len(outputs)
        correct += int((_predicted_classes(outputs) == classes).sum())
        num_samples += len(outputs)

    _infer(model, loader, device, name, prefix, on_batch)
    metrics = {"accuracy": correct / num_samples}
    if loss_fn is not None:
        metrics = {"loss": total_loss.item() / num_samples, **metrics}
    return metrics


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Share of samples whose predicted class equals the target.

    Args:
        logits: Class scores ``(N, C)``, or one logit per sample ``(N,)`` /
            ``(N, 1)`` for a binary classifier (class 1 where the logit is > 0).
        targets: Class indices ``(N,)`` from 0 to ``C - 1``; 0/1 values for a
            binary classifier, which may be floats and may have shape ``(N, 1)``.

    Returns:
        The share of the ``N`` samples whose largest score (or, for a binary
        classifier, whose logit's side of 0) matches the target, between 0 and 1.

    Raises:
        TypeError: If ``logits`` or ``targets`` is not a tensor, or the targets
            are complex or bool.
        ValueError: If the shapes do not fit together, there are no samples,
            floating-point targets are not whole numbers, or a target is not one
            of the classes the logits score (from 0 to ``C - 1``, or 0 and 1).

    Shape:
        - logits: `(N, C)` with `C >= 2`, `(N,)` or `(N, 1)`.
        - targets: `(N,)` or `(N, 1)`, with values from 0 to `C - 1` (0 or 1
          for a binary classifier).
        - Output: a Python float.

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
    logits = _check_logits(logits.detach(), "logits")
    if len(logits) == 0:
        raise ValueError("accuracy needs at least one sample, got an empty batch")
    classes = _target_classes(targets.detach(), logits, "targets")
    return (_predicted_classes(logits) == classes).sum().item() / len(logits)


def predict(
    model: nn.Module, loader: Iterable[Batch], device: str | torch.device | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted classes and targets for every sample of a loader, in order.

    Runs like `evaluate()` (evaluation mode, `torch.inference_mode()`, every
    module's mode and ``requires_grad`` restored, empty batches skipped) and
    collects the results on the CPU, ready for `confusion_matrix()` or plotting.

    Args:
        model: The classifier; it is moved to ``device``.
        loader: Iterable of ``(inputs, targets)`` mini-batches.
        device: Device to run on; ``None`` keeps the model where it is.

    Returns:
        ``(predictions, targets)``, two ``int64`` CPU tensors of shape ``(N,)``.

    Raises:
        TypeError: If ``model``, ``loader`` or ``device`` has the wrong type, or
            the model returns something other than a tensor.
        ValueError: If ``loader`` yields no batches or only empty ones, or
            outputs and targets do not fit together (see `accuracy()`).

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> batches = [(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))] * 2
        >>> predictions, targets = predict(nn.Linear(3, 3), batches)
        >>> predictions.shape, targets.tolist()
        (torch.Size([8]), [0, 1, 2, 0, 0, 1, 2, 0])
    """
    check_module(model)
    check_loader(loader, "loader")
    target_device = _resolve_device(model, device)
    model.to(target_device)
    all_predictions: list[torch.Tensor] = []
    all_targets: list[torch.Tensor] = []

    def on_batch(where: str, outputs: torch.Tensor, targets: torch.Tensor) -> None:
        all_targets.append(_target_classes(targets, outputs, f"{where}: targets").cpu())
        all_predictions.append(_predicted_classes(outputs).cpu())

    _infer(model, loader, target_device, "loader", "", on_batch)
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
        ValueError: If ``num_classes`` < 1 or its ``C x C`` matrix would not
            fit in memory, the inputs are not 1-D, differ in length, or hold an
            index outside ``0 ... C - 1``.

    Shape:
        - targets, predictions: `(N,)`.
        - Output: `(C, C)`.

    Examples:
        >>> import torch
        >>> confusion_matrix(torch.tensor([0, 0, 1, 2]), torch.tensor([0, 1, 1, 2]), 3)
        tensor([[1, 1, 0],
                [0, 1, 0],
                [0, 0, 1]])
    """
    num_classes = check_int(num_classes, "num_classes", minimum=1)
    check_memory(
        num_classes**2 * 8,
        f"num_classes={num_classes}",
        f"a {num_classes} x {num_classes} matrix of int64 counts",
        torch.device("cpu"),
    )
    targets = _check_classes(targets, "targets", num_classes)
    predictions = _check_classes(predictions, "predictions", num_classes)
    if len(targets) != len(predictions):
        raise ValueError(
            "targets and predictions must have the same length, got "
            f"{len(targets)} and {len(predictions)}"
        )
    counts = torch.bincount(targets * num_classes + predictions, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)
