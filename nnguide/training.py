"""Training and evaluating classifiers: the loop every lesson first writes by hand.

`fit()` runs the usual training loop (forward pass, loss, backward pass,
optimizer step) over a data loader for a number of epochs and returns a
`History` of losses and accuracies. `evaluate()`, `predict()`,
`accuracy()` and `confusion_matrix()` measure how well a trained
classifier does.

**What a model's output means.** `accuracy()`, `evaluate()`, `predict()` and
`fit()` read a classifier's outputs in one of three ways, named by their
``output`` argument:

- ``"logits"``, raw scores: for ``(N, C)`` with ``C >= 2`` the predicted class
  is the index of the largest score (the first one on a tie); for ``(N,)`` or
  ``(N, 1)``, one score per sample of a binary classifier, it is 1 where the
  score is above 0 (as `torch.nn.BCEWithLogitsLoss` reads it). Log-probabilities
  (`torch.nn.LogSoftmax` for `torch.nn.NLLLoss`) are read the same way.
- ``"probabilities"``, values from 0 to 1: the largest of ``(N, C)``, or class 1
  where a binary probability is above 0.5 (as `torch.nn.BCELoss` reads it).
- ``"labels"``, predicted class indices of shape ``(N,)`` or ``(N, 1)``, compared
  with the targets as they are.

With ``output=None`` the reading comes, in this order, from the layer that
returned the output (`torch.nn.Sigmoid` or `torch.nn.Softmax`: probabilities),
the loss function (`torch.nn.BCEWithLogitsLoss`, `torch.nn.CrossEntropyLoss`,
`torch.nn.NLLLoss`: logits; `torch.nn.BCELoss`: probabilities), the dtype
(integer or bool outputs are labels). ``(N, C)`` scores need no more: their
largest entry is the same under every reading. For one float per sample, every
reading the values allow (probabilities only within [0, 1], labels only whole
numbers of 0 or more) is tried, and when those readings predict different
classes a `ValueError` asks for ``output=``. No reading is picked silently.
NaN or infinite outputs, inputs, targets or losses raise `NonFiniteError`;
they are never counted as a class.

**Targets** are class indices of shape ``(N,)`` or ``(N, 1)`` (integers, or
floats holding whole numbers, as `torch.nn.BCELoss` needs), or class
probabilities of shape ``(N, C)`` like the outputs (one-hot or smoothed labels
for `torch.nn.CrossEntropyLoss`), whose largest entry is the true class.

**Losses.** ``loss_fn`` is a loss module such as `torch.nn.CrossEntropyLoss()`
or a function ``loss_fn(outputs, targets)``. Whatever its ``reduction``, the
reported loss is the mean that ``reduction="mean"`` gives (``"sum"`` is not
multiplied by the batch size again; ``"none"`` losses are averaged, and `fit()`
trains on their mean). With a regression loss (`torch.nn.MSELoss`,
`torch.nn.L1Loss`, `torch.nn.SmoothL1Loss`, `torch.nn.HuberLoss`, ...),
accuracy makes no sense: `evaluate()` reports the loss alone and `fit()`
leaves ``History.val_accuracy`` empty, unless ``output`` is given. The same holds
for multi-label outputs: ``(N, C)`` scores with `torch.nn.BCELoss` or
`torch.nn.BCEWithLogitsLoss`. Targets equal to the ``ignore_index`` of
`torch.nn.CrossEntropyLoss` or `torch.nn.NLLLoss` are left out of the accuracy,
as they are out of the loss.
"""

from __future__ import annotations

import copy
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, IterableDataset

from nnguide._validation import (
    ModuleCalls,
    add_context,
    check_device,
    check_int,
    check_loader,
    check_memory,
    check_module,
    check_str,
    describe,
    describe_tensor,
    model_device,
    module_label,
    preserved_state,
)

__all__ = [
    "History",
    "NonFiniteError",
    "Output",
    "accuracy",
    "confusion_matrix",
    "evaluate",
    "fit",
    "predict",
]

Batch = tuple[torch.Tensor, torch.Tensor]
LossFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Output = Literal["logits", "probabilities", "labels"]
"""How a classifier's outputs are read: ``"logits"``, ``"probabilities"`` or ``"labels"``."""

OUTPUTS: tuple[Output, ...] = ("logits", "probabilities", "labels")

# Losses whose outputs are not class scores: evaluate() reports no accuracy for them.
_REGRESSION_LOSSES = (
    nn.MSELoss,
    nn.L1Loss,
    nn.SmoothL1Loss,
    nn.HuberLoss,
    nn.GaussianNLLLoss,
    nn.PoissonNLLLoss,
    nn.KLDivLoss,
    nn.CosineEmbeddingLoss,
)
_LOGITS_LOSSES = (nn.CrossEntropyLoss, nn.BCEWithLogitsLoss, nn.NLLLoss)


class NonFiniteError(ValueError, FloatingPointError):
    """A loss, an output, inputs or targets hold NaN or infinity.

    Raised by `fit()` before ``optimizer.step()`` could spread the NaN into
    the weights, and by `evaluate()`, `predict()` and `accuracy()` instead of
    counting a NaN score as a class. The message names the epoch and batch and
    what holds the non-finite values (inputs, targets, model parameters,
    outputs or gradients). It is a `ValueError` and a `FloatingPointError`.

    Examples:
        >>> import torch
        >>> try:
        ...     accuracy(torch.tensor([[0.1, float("nan")]]), torch.tensor([0]))
        ... except NonFiniteError as error:
        ...     print(str(error)[:59])
        logits hold 1 NaN and 0 infinite values (first in sample 0)
    """


@dataclass
class History:
    """What `fit()` measured, one entry per epoch.

    Attributes:
        train_loss: Mean training loss of each epoch, averaged over the epoch's
            samples while the weights were being updated.
        val_loss: Mean loss on the validation loader after each epoch (empty when
            `fit()` got no ``val_loader``).
        val_accuracy: Share of correctly classified validation samples after each
            epoch, between 0 and 1 (empty when there was no ``val_loader``, or
            when the loss is a regression loss and no ``output`` was given).

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
    if isinstance(loss_fn, type):
        prefix = "nn." if getattr(nn, loss_fn.__name__, None) is loss_fn else ""
        raise TypeError(
            f"loss_fn must be a loss function, got the class {loss_fn.__module__}."
            f"{loss_fn.__qualname__} itself; create one by calling the class: "
            f"loss_fn={prefix}{loss_fn.__name__}()"
        )
    if not callable(loss_fn):
        raise TypeError(
            "loss_fn must be callable as loss_fn(outputs, targets), such as "
            f"torch.nn.CrossEntropyLoss(), got {describe(loss_fn)}"
        )


def _check_output(output: object) -> Output | None:
    if output is None:
        return None
    text = check_str(output, "output", choices=OUTPUTS)
    return (
        "logits" if text == "logits" else "probabilities" if text == "probabilities" else "labels"
    )


def _check_model_tensors(model: nn.Module, *, training: bool) -> None:
    """Refuse a model whose tensors hold no values (meta) or cannot be trained (inference)."""
    for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
        if tensor.is_meta:
            raise ValueError(
                f'model tensor "{name}" is on the meta device: it has a shape but no values, '
                "so the model cannot run; create the model on a real device, or give it "
                "values with model.to_empty(device='cpu') and then load_state_dict(...) or "
                "an initialization"
            )
        if training and isinstance(tensor, nn.Parameter) and tensor.is_inference():
            raise ValueError(
                f'model parameter "{name}" is an inference tensor (it was created under '
                "torch.inference_mode(), for example by a lazy layer's first call), so "
                "it cannot be trained; create the model again and run its first batch "
                "outside torch.inference_mode(), for example under torch.no_grad()"
            )


def _check_loader_kind(loader: object, name: str) -> None:
    """Refuse a dataset of single samples passed where batches are expected."""
    if isinstance(loader, Dataset) and not isinstance(loader, (DataLoader, IterableDataset)):
        raise TypeError(
            f"{name} is a {type(loader).__name__}, which yields one sample at a time, "
            f"not batches; wrap it: DataLoader({name}, batch_size=32)"
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
    for index, group in enumerate(optimizer.param_groups):
        rate = group.get("lr")
        if isinstance(rate, (int, float, torch.Tensor)) and not math.isfinite(float(rate)):
            raise ValueError(
                f"optimizer's learning rate must be a finite number, got lr={float(rate)} "
                f"in its parameter group {index}; every step would turn the weights into "
                "NaN or inf"
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
            raise add_context(error, f"{where(index)}: fetching the batch failed")  # noqa: B904
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
    if targets.ndim == 0:
        raise ValueError(
            f"{where}: targets is a 0-d tensor, the target of one sample, not a batch: the "
            f"loader yields single samples (inputs of shape {tuple(inputs.shape)}), so every "
            "step would learn from one sample; batch them: DataLoader(samples, batch_size=32)"
        )
    return inputs.to(device), targets.to(device)


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
    calls: ModuleCalls | None = None,
) -> BaseException:
    """``error`` with a note naming the batch, the step, the layer and the tensors involved."""
    context = [_tensor_context(name, tensor) for name, tensor in tensors.items()]
    dtypes = sorted({str(p.dtype).removeprefix("torch.") for p in model.parameters()})
    if dtypes:
        context.append(f"model parameters {', '.join(dtypes)}")
    located = ""
    failure = calls.failed(error) if calls is not None else None
    if failure is not None:
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
    return add_context(error, f"{where}: {step} failed{located} ({'; '.join(context)}){hint}")


def _non_finite(tensor: torch.Tensor) -> str:
    """``"3 NaN and 1 infinite values (first in sample 2)"``, or ``""`` when all are finite."""
    if not (tensor.is_floating_point() or tensor.is_complex()) or tensor.numel() == 0:
        return ""
    bad = ~torch.isfinite(tensor)
    if not bool(bad.any()):
        return ""
    nan = int(torch.isnan(tensor).sum())
    first = int(bad.reshape(len(tensor), -1).any(dim=1).nonzero()[0, 0]) if tensor.ndim else 0
    return f"{nan} NaN and {int(bad.sum()) - nan} infinite values (first in sample {first})"


def _non_finite_parameters(model: nn.Module, *, grad: bool = False) -> list[str]:
    """The names of the parameters (or their gradients) that hold NaN or inf."""
    tensors = {
        name: parameter.grad if grad else parameter.detach()
        for name, parameter in model.named_parameters()
    }
    checked = {
        name: torch.isfinite(tensor).all()
        for name, tensor in tensors.items()
        if tensor is not None and tensor.is_floating_point() and tensor.numel()
    }
    if not checked or bool(torch.stack(list(checked.values())).all()):
        return []
    return [f'"{name}"' for name, finite in checked.items() if not bool(finite)]


def _diagnose(
    what: str, where: str, model: nn.Module, tensors: dict[str, Any], *, stopped: bool
) -> NonFiniteError:
    """A `NonFiniteError` naming which of inputs, targets, parameters or outputs hold NaN/inf."""
    causes = []
    for name, tensor in tensors.items():
        found = _non_finite(tensor) if isinstance(tensor, torch.Tensor) else ""
        if found:
            causes.append(f"the {name} hold {found}")
    spoiled = _non_finite_parameters(model)
    if spoiled:
        causes.append(
            f"the model's parameters {', '.join(spoiled[:3])}"
            + (f" and {len(spoiled) - 3} more" if len(spoiled) > 3 else "")
            + " hold NaN or inf (an earlier step diverged: lower the learning rate)"
        )
    if not causes:
        causes.append(
            "inputs, targets, outputs and parameters are finite, so the loss function made "
            "it (log of 0? BCELoss on outputs of exactly 0 or 1: use BCEWithLogitsLoss on "
            "logits instead)"
        )
    elif causes[0].startswith("the outputs") and len(causes) == 1:
        causes[0] += " while the inputs and parameters are finite: the model overflowed"
    message = f"{where}: {what}; {'; '.join(causes)}"
    if stopped:
        message += "; fit stopped before optimizer.step(), so this batch changed no weight"
    return NonFiniteError(message)


def _scalar_loss(
    loss: Any, loss_fn: LossFunction, outputs: torch.Tensor, targets: torch.Tensor, where: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """The loss to train on and the batch's mean loss to report, whatever the reduction."""
    if not isinstance(loss, torch.Tensor) or loss.is_complex() or not loss.is_floating_point():
        got = describe_tensor(loss) if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise ValueError(
            f"{where}: loss_fn must return a floating-point tensor, the loss of the batch, "
            f"got {got}"
        )
    if loss.ndim != 0:  # reduction="none", or a function returning per-sample losses
        if loss.numel() == 0:
            raise ValueError(f"{where}: loss_fn returned an empty tensor of losses")
        loss = loss.mean()
    reduction = getattr(loss_fn, "reduction", None)
    if isinstance(loss_fn, nn.Module) and reduction in ("sum", "none"):
        mean_fn: Any = copy.copy(loss_fn)
        mean_fn.reduction = "mean"
        with torch.no_grad():
            reported = mean_fn(outputs.detach(), targets)
        if isinstance(reported, torch.Tensor) and reported.ndim == 0:
            return loss, reported.detach()
    return loss, loss.detach()


def _loss_reading(loss_fn: object) -> tuple[Output | None, str]:
    """The reading a loss function implies for the outputs, and what says so."""
    name = f"loss_fn={type(loss_fn).__name__}()"
    if isinstance(loss_fn, nn.BCELoss):
        return "probabilities", name
    if isinstance(loss_fn, _LOGITS_LOSSES):
        return "logits", name
    return None, ""


_ELEMENTWISE_LOSSES = (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss)


def _check_loss_shapes(loss_fn: object, outputs: Any, targets: torch.Tensor, where: str) -> None:
    """Refuse outputs and targets of different shapes that an elementwise loss would broadcast."""
    if not isinstance(loss_fn, _ELEMENTWISE_LOSSES) or not isinstance(outputs, torch.Tensor):
        return
    if outputs.shape != targets.shape:
        fix = ""
        if outputs.ndim == 2 and outputs.shape[1] == 1 and targets.ndim == 1:
            fix = "; give the targets the outputs' shape: targets.unsqueeze(1)"
        elif targets.ndim == 2 and targets.shape[1] == 1 and outputs.ndim == 1:
            fix = "; give the targets the outputs' shape: targets.squeeze(1)"
        raise ValueError(
            f"{where}: {type(loss_fn).__name__} needs outputs and targets of the same shape, "
            f"got outputs of shape {tuple(outputs.shape)} and targets of shape "
            f"{tuple(targets.shape)}, which it would broadcast into a wrong loss{fix}"
        )


_PRODUCERS: dict[type[nn.Module], Output] = {
    nn.Sigmoid: "probabilities",
    nn.Softmax: "probabilities",
    nn.LogSoftmax: "logits",
    nn.LogSigmoid: "logits",
}


class _Reader:
    """Reads a classifier's outputs as predicted classes, batch by batch, under one reading.

    Binary float outputs whose reading is not known yet are kept until `finish`,
    where every reading their values allow is tried.
    """

    def __init__(self, output: Output | None, loss_fn: object, calls: ModuleCalls | None) -> None:
        self.output = output
        self.source = "output=" + repr(output) if output is not None else ""
        self.loss_reading, self.loss_source = _loss_reading(loss_fn)
        self.calls = calls
        # Targets equal to CrossEntropyLoss's or NLLLoss's ignore_index count for nothing.
        self.ignore_index: int | None = (
            loss_fn.ignore_index if isinstance(loss_fn, (nn.CrossEntropyLoss, nn.NLLLoss)) else None
        )
        # (N, C) outputs of a BCE loss are multi-label: no one class per sample to count.
        self.multilabel = output is None and isinstance(loss_fn, (nn.BCELoss, nn.BCEWithLogitsLoss))
        self.skipped = False
        self.predictions: list[torch.Tensor] = []
        self.targets: list[torch.Tensor] = []
        self.pending: list[tuple[int, torch.Tensor, torch.Tensor]] = []

    def reading(self, outputs: torch.Tensor) -> tuple[Output | None, str]:
        if self.output is not None:
            return self.output, self.source
        producer = self.calls.producer(outputs) if self.calls is not None else None
        for kind, reading in _PRODUCERS.items():
            if isinstance(producer, kind):
                return reading, f"the model's last layer {kind.__name__}"
        if self.loss_reading is not None:
            return self.loss_reading, self.loss_source
        if not outputs.is_floating_point():
            return "labels", f"the {str(outputs.dtype).removeprefix('torch.')} dtype"
        return None, ""

    def add(self, outputs: Any, targets: torch.Tensor, name: str, target_name: str) -> None:
        reading: Output | None = None
        source = ""
        if isinstance(outputs, torch.Tensor):
            if self.multilabel and outputs.ndim == 2 and outputs.shape[1] >= 2:
                self.skipped = True
                return
            reading, source = self.reading(outputs)  # before filtering: it asks who made them
            outputs, targets = self._without_ignored(outputs, targets)
        scores = _check_scores(outputs, name, reading, source)
        binary = scores.ndim == 1
        classes = _target_classes(targets, scores, target_name, reading)
        if binary and reading is None:
            self.pending.append((len(self.predictions), scores.cpu(), classes.cpu()))
            self.predictions.append(torch.empty(0, dtype=torch.long))
        else:
            self.predictions.append(_predict(scores, reading).cpu())
        self.targets.append(classes.cpu())

    def _without_ignored(
        self, outputs: torch.Tensor, targets: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if self.ignore_index is None or targets.is_floating_point():
            return outputs, targets
        flat = targets.reshape(-1) if targets.ndim == 2 and targets.shape[1] == 1 else targets
        if flat.ndim != 1 or len(flat) != len(outputs):
            return outputs, targets
        keep = flat != self.ignore_index
        return (outputs, targets) if bool(keep.all()) else (outputs[keep], flat[keep])

    def finish(self, name: str, target_name: str) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.predictions:
            empty = torch.zeros(0, dtype=torch.long)
            return empty, empty
        if self.pending:
            predicted = _resolve(
                torch.cat([scores for _, scores, _ in self.pending]),
                torch.cat([classes for _, _, classes in self.pending]),
                name,
                target_name,
            )
            start = 0
            for index, scores, _ in self.pending:
                self.predictions[index] = predicted[start : start + len(scores)]
                start += len(scores)
        return torch.cat(self.predictions), torch.cat(self.targets)


def _check_scores(raw: Any, name: str, reading: Output | None, source: str) -> torch.Tensor:
    """Outputs checked for ``reading``: ``(N, C)`` scores or ``(N,)`` binary scores or labels."""
    if not isinstance(raw, torch.Tensor):
        got = type(raw).__name__
        if isinstance(raw, dict):
            got += f" with keys {sorted(map(str, raw))}"
        elif isinstance(raw, (tuple, list)):
            got += f" of length {len(raw)}"
        raise TypeError(
            f"{name} must be a tensor of class scores, got a {got}; wrap the model so that "
            "it returns the logits tensor alone"
        )
    outputs = _detached(raw)
    if outputs.is_complex():
        raise TypeError(f"{name} must be real class scores, got dtype {outputs.dtype}")
    said = f" ({source})" if source else ""
    if outputs.ndim == 2 and outputs.shape[1] == 1:
        outputs = outputs.reshape(-1)
    if outputs.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (N, C) with C >= 2 class scores, or (N,) or (N, 1) "
            f"for a binary classifier or labels, got shape {tuple(outputs.shape)}"
        )
    if reading == "labels" and outputs.ndim == 2:
        raise ValueError(
            f"{name} read as labels{said} must have shape (N,) or (N, 1), one class per "
            f"sample, got shape {tuple(outputs.shape)}"
        )
    if not outputs.is_floating_point():
        if reading not in (None, "labels"):
            raise TypeError(
                f"{name} read as {reading}{said} must be floating-point scores, got "
                f"dtype {outputs.dtype}; integer outputs are labels: pass output='labels'"
            )
        if outputs.ndim == 2:
            raise ValueError(
                f"{name} of dtype {outputs.dtype} are labels and must have shape (N,), "
                f"got shape {tuple(outputs.shape)}"
            )
        return outputs
    found = _non_finite(outputs)
    if found:
        raise NonFiniteError(
            f"{name} hold {found}; a NaN score is no class: check the inputs and the "
            "model's weights"
        )
    if reading == "probabilities" and len(outputs) and (outputs.min() < 0 or outputs.max() > 1):
        raise ValueError(
            f"{name} read as probabilities{said} must lie from 0 to 1, got values from "
            f"{float(outputs.min()):.4g} to {float(outputs.max()):.4g}; pass output='logits' "
            "if they are raw scores"
        )
    if reading == "labels" and not torch.equal(outputs, outputs.round()):
        raise ValueError(
            f"{name} read as labels{said} must hold whole class numbers, got non-integer values"
        )
    return outputs


def _detached(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach()


def _predict(scores: torch.Tensor, reading: Output | None) -> torch.Tensor:
    """Predicted classes from checked scores under a known reading."""
    if scores.ndim == 2:
        return scores.argmax(dim=1)
    if reading == "probabilities":
        return (scores > 0.5).long()
    if reading == "logits":
        return (scores > 0).long()
    return scores.long()


def _resolve(
    scores: torch.Tensor, classes: torch.Tensor, name: str, target_name: str
) -> torch.Tensor:
    """Binary float scores of unknown reading: the classes every allowed reading agrees on."""
    if len(classes) and int(classes.max()) > 1:
        raise ValueError(
            f"{target_name} must hold class indices from 0 to 1 (the logits are those of a "
            f"binary classifier), got values from {int(classes.min())} to "
            f"{int(classes.max())}; if {name} are predicted classes, pass output='labels'"
        )
    readings: dict[str, torch.Tensor] = {"logits": (scores > 0).long()}
    if not len(scores) or (scores.min() >= 0 and scores.max() <= 1):
        readings["probabilities"] = (scores > 0.5).long()
    if torch.equal(scores, scores.round()) and (not len(scores) or scores.min() >= 0):
        readings["labels"] = scores.long()
    results = {key: (value == classes).double().mean().item() for key, value in readings.items()}
    first = next(iter(readings.values()))
    if all(torch.equal(first, value) for value in readings.values()):
        return first
    read = ", ".join(f"as {key} {value:.4g}" for key, value in results.items())
    raise ValueError(
        f"{name} are one float per sample and can be read in several ways that predict "
        f"different classes (accuracy {read}); say which with output='logits' (class 1 "
        "above 0), output='probabilities' (class 1 above 0.5) or output='labels'"
    )


def _target_classes(
    raw: Any, scores: torch.Tensor, name: str, reading: Output | None = "logits"
) -> torch.Tensor:
    """Targets as int64 class indices, checked against the classes the scores can predict."""
    if not isinstance(raw, torch.Tensor):
        raise TypeError(f"{name} must be a tensor of class indices, got {describe(raw)}")
    targets = _detached(raw)
    num_samples = len(scores)
    if targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(f"{name} must hold class indices, got dtype {targets.dtype}")
    found = _non_finite(targets)
    if found:
        raise NonFiniteError(f"{name} hold {found}; a NaN target is no class")
    if scores.ndim == 2 and targets.shape == scores.shape:
        return _probability_targets(targets.double(), name)
    if targets.ndim == 2 and targets.shape[1] == 1:
        targets = targets.reshape(-1)
    if targets.ndim != 1 or len(targets) != num_samples:
        raise ValueError(
            f"{name} must have shape ({num_samples},) to match the outputs, "
            f"got shape {tuple(targets.shape)}"
        )
    if targets.is_floating_point():
        if not torch.equal(targets, targets.round()):
            raise ValueError(f"{name} must be class indices, got non-integer values")
        targets = targets.long()
    if scores.ndim == 2:
        num_classes = scores.shape[1]
        scored = f"the logits score {num_classes} classes"
    elif reading in ("logits", "probabilities"):
        num_classes, scored = 2, "the logits are those of a binary classifier"
    else:
        num_classes, scored = 0, ""
    if not num_classes and len(targets) and targets.min() < 0:
        raise ValueError(
            f"{name} must hold class indices of 0 or more, got values from "
            f"{int(targets.min())} to {int(targets.max())}"
        )
    if num_classes and len(targets) and (targets.min() < 0 or targets.max() >= num_classes):
        raise ValueError(
            f"{name} must hold class indices from 0 to {num_classes - 1} ({scored}), "
            f"got values from {int(targets.min())} to {int(targets.max())}"
        )
    return targets.long()


def _probability_targets(targets: torch.Tensor, name: str) -> torch.Tensor:
    """Class-probability targets ``(N, C)``: the most probable class of each sample."""
    if len(targets) and (targets.min() < 0 or targets.max() > 1):
        raise ValueError(
            f"{name} of the outputs' shape {tuple(targets.shape)} are class probabilities "
            f"and must lie from 0 to 1, got values from {float(targets.min()):.4g} to "
            f"{float(targets.max()):.4g}"
        )
    if not len(targets):
        return torch.zeros(0, dtype=torch.long, device=targets.device)
    top = targets.max(dim=1, keepdim=True).values
    ties = (targets == top).sum(dim=1) > 1
    if bool(ties.any()):
        raise ValueError(
            f"{name} are class probabilities whose largest value is shared by several "
            f"classes in sample {int(ties.nonzero()[0, 0])}, so the true class is not "
            "defined; pass class indices instead"
        )
    return targets.argmax(dim=1)


def _show_progress(progress: bool | None) -> bool:
    if progress is None:
        stream = sys.stderr
        return stream is not None and hasattr(stream, "isatty") and stream.isatty()
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {describe(progress)}")
    return progress


def _progress_bar(total: int | None, asked: bool) -> Any:
    """A tqdm bar; without tqdm, an error when asked for (``progress=True``), else none."""
    try:
        from tqdm import tqdm
    except ImportError as error:
        if not asked:
            return None
        raise ModuleNotFoundError(
            'progress=True needs tqdm for the progress bar: pip install "nnguide[data]", '
            "or pass progress=False"
        ) from error
    return tqdm(total=total, unit="batch", file=sys.stderr, dynamic_ncols=True)


def _warn_mismatch(
    outputs: Any, loss_fn: object, calls: ModuleCalls, warned: set[str], where: str
) -> None:
    """Warn (once per call) about a final activation the loss function does not expect."""
    if not isinstance(outputs, torch.Tensor) or not outputs.is_floating_point():
        return
    producer = calls.producer(outputs)
    ends = f"the model ends in {type(producer).__name__}"
    message = key = ""
    if isinstance(loss_fn, nn.CrossEntropyLoss) and isinstance(producer, (nn.Softmax, nn.Sigmoid)):
        key = "softmax-ce"
        message = (
            f"{ends}, but CrossEntropyLoss applies log_softmax itself and expects raw "
            f"logits, so training is slow and the loss cannot fall near 0; remove the final "
            f"{type(producer).__name__} (MLP(..., output_activation=None)) and keep "
            "CrossEntropyLoss"
        )
    elif isinstance(loss_fn, nn.BCEWithLogitsLoss) and isinstance(
        producer, (nn.Sigmoid, nn.Softmax)
    ):
        key = "sigmoid-bce"
        message = (
            f"{ends}, but BCEWithLogitsLoss applies the sigmoid itself and expects raw "
            f"logits; remove the final {type(producer).__name__} (MLP(..., "
            "output_activation=None)), or keep it and use loss_fn=nn.BCELoss()"
        )
    elif isinstance(loss_fn, nn.NLLLoss) and (
        isinstance(producer, (nn.Softmax, nn.Sigmoid))
        or (outputs.numel() and bool((outputs > 0).any()))
    ):
        key = "nll"
        message = (
            "NLLLoss expects log-probabilities (values of 0 or less), but the outputs "
            + (f"come from {type(producer).__name__}" if producer is not None else "are positive")
            + "; end the model with nn.LogSoftmax(dim=1), or return raw logits and use "
            "loss_fn=nn.CrossEntropyLoss()"
        )
    elif (
        isinstance(loss_fn, nn.CrossEntropyLoss)
        and outputs.ndim == 2
        and outputs.shape[1] >= 2
        and len(outputs)
        and bool(outputs.min() >= 0)
        and torch.allclose(outputs.sum(dim=1), torch.ones(len(outputs), device=outputs.device))
    ):
        key = "softmax-ce"
        message = (
            "the model's outputs look like probabilities (each row sums to 1), but "
            "CrossEntropyLoss applies log_softmax itself and expects raw logits; remove "
            "the softmax from the model's forward"
        )
    if message and key not in warned:
        warned.add(key)
        warnings.warn(f"{where}: {message}", UserWarning, stacklevel=4)


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
    output: Output | None = None,
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

    **A NaN or infinite loss stops training** before ``optimizer.step()`` can
    spread it into the weights: `NonFiniteError` names the epoch, the batch and
    whether the inputs, the targets, the model's parameters or its outputs hold
    NaN/inf (or, when all are finite, that the loss function made it). A finite
    loss with NaN/inf gradients stops the same way.

    **Warnings** (each once per call, naming the fix): a model ending in
    `torch.nn.Softmax` or `torch.nn.Sigmoid` trained with a loss that expects
    logits (`torch.nn.CrossEntropyLoss`, `torch.nn.BCEWithLogitsLoss`), and
    `torch.nn.NLLLoss` given outputs that are not log-probabilities.

    An error raised by PyTorch inside the loop is raised again **as the same
    object**, so it keeps its type (a `torch.OutOfMemoryError` is still one),
    with a note (`BaseException.add_note`; on Python 3.10 a chained error of the
    same type) that names the epoch, the batch index, the step that failed
    (forward pass, loss, backward pass or optimizer step), the layer it failed in
    (found with forward hooks) and the shapes and dtypes of the tensors involved.
    For example a target class the model has no score for reads ``Target 5 is
    out of bounds.`` with the note ``epoch 1/5, batch 3 of train_loader:
    loss_fn(outputs, targets) failed (outputs float32 tensor of shape (16, 3);
    targets int64 tensor of shape (16,) with values from 0 to 5; ...)``.

    Args:
        model: The network to train; it is moved to ``device``. Its tensors must
            hold values: a model on the ``meta`` device is refused, and so is a
            parameter created under `torch.inference_mode()`.
        train_loader: Iterable of ``(inputs, targets)`` mini-batches, usually a
            `torch.utils.data.DataLoader` that shuffles. A dataset of single
            samples (a `torch.utils.data.TensorDataset`, or a list of samples
            whose targets are 0-d tensors) is refused: wrap it in a
            ``DataLoader(..., batch_size=...)``.
        loss_fn: A loss function *instance* called as ``loss_fn(outputs,
            targets)``, e.g. ``nn.CrossEntropyLoss()`` (the class itself,
            ``nn.CrossEntropyLoss``, is refused with a `TypeError` that shows the
            call). With ``reduction="mean"`` (the default) the batch loss is
            trained on; with ``"sum"`` the sum is trained on and the mean is
            reported; with ``"none"`` the mean of the per-sample losses is
            trained on and reported.
        optimizer: Optimizer built over ``model.parameters()``.
        epochs: Number of passes over ``train_loader``, at least 1. Any
            integer type is accepted, such as ``numpy.int64``.
        val_loader: Optional loader measured after every epoch.
        device: Device to train on (see `nnguide.get_device()`); ``None``
            keeps the model where it is and moves each batch there.
        progress: ``True`` to show a tqdm progress bar on stderr (tqdm must be
            installed), ``False`` to show none, ``None`` to show one where one
            can be shown: when stderr is a terminal and tqdm is installed, so
            scripts run by other programs and executed notebooks stay quiet and
            a missing tqdm is no error.
        output: How to read the model's outputs for the validation accuracy:
            ``"logits"``, ``"probabilities"`` or ``"labels"``; ``None`` reads
            them from the final layer or the loss function (see the module
            description).

    Returns:
        A `History` with one entry per epoch (``val_accuracy`` stays empty for a
        regression loss such as `torch.nn.MSELoss` unless ``output`` is given).

    Raises:
        TypeError: If an argument has the wrong type (``model`` not a module,
            ``loss_fn`` a class instead of an instance, ``optimizer`` not a
            `torch.optim.Optimizer`, ``epochs`` not an int, a map-style
            `torch.utils.data.Dataset` passed as a loader, a loader that
            yields no tensors, ...).
        ValueError: If ``epochs`` is smaller than 1; ``output`` is not one of
            the three readings; a loader is a generator or other one-shot
            iterator while ``epochs`` is 2 or more, or yields single samples;
            the model is on the meta device, has no trainable parameter or the
            optimizer updates none of them; a loader yields no batches, only
            empty ones or something other than ``(inputs, targets)`` pairs; or
            ``loss_fn`` does not return a floating-point tensor.
        NonFiniteError: If a loss, gradient or validation output is NaN or
            infinite (see above).
        ModuleNotFoundError: If ``progress=True`` and tqdm is not installed.
        RuntimeError: If ``device`` names a GPU this machine does not have.
            Errors raised by PyTorch inside the loop keep their own type.

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
        >>> bad = [(torch.tensor([[float("nan"), 0.0]]), torch.tensor([0]))]
        >>> fit(model, bad, loss_fn=nn.CrossEntropyLoss(), optimizer=optimizer, epochs=1)
        Traceback (most recent call last):
        ...
        nnguide.training.NonFiniteError: epoch 1/1, batch 0 of train_loader: the loss is nan; \
the inputs hold 1 NaN and 0 infinite values (first in sample 0); the outputs hold 2 NaN and \
0 infinite values (first in sample 0); fit stopped before optimizer.step(), so this batch \
changed no weight
    """
    check_module(model)
    epochs = check_int(epochs, "epochs", minimum=1)
    _check_loader_kind(train_loader, "train_loader")
    check_loader(train_loader, "train_loader", passes=epochs)
    if val_loader is not None:
        _check_loader_kind(val_loader, "val_loader")
        check_loader(val_loader, "val_loader", passes=epochs)
    _check_loss_fn(loss_fn, required=True)
    output = _check_output(output)
    _check_model_tensors(model, training=True)
    _check_optimizer(optimizer, model)
    show = _show_progress(progress)

    target_device = _resolve_device(model, device)
    model.to(target_device)
    history = History()
    batches_per_epoch = len(train_loader) if isinstance(train_loader, Sized) else None
    total = epochs * batches_per_epoch if batches_per_epoch else None
    bar = _progress_bar(total, asked=progress is True) if show else None
    run = _Run(model, loss_fn, target_device, set())
    try:
        for epoch in range(epochs):
            if bar is not None:
                bar.set_description(f"epoch {epoch + 1}/{epochs}")
            model.train()
            epoch_text = f"epoch {epoch + 1}/{epochs}"
            history.train_loss.append(_train_epoch(run, train_loader, optimizer, epoch_text, bar))
            postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
            if val_loader is not None:
                metrics = _evaluate(run, val_loader, "val_loader", f"{epoch_text}, ", output)
                history.val_loss.append(metrics["loss"])
                postfix["val_loss"] = f"{metrics['loss']:.4f}"
                if "accuracy" in metrics:
                    history.val_accuracy.append(metrics["accuracy"])
                    postfix["val_acc"] = f"{metrics['accuracy']:.3f}"
            if bar is not None:
                bar.set_postfix(postfix)
    finally:
        if bar is not None:
            bar.close()
    return history


@dataclass
class _Run:
    """What one call of fit or evaluate works with."""

    model: nn.Module
    loss_fn: LossFunction | None
    device: torch.device
    warned: set[str]


def _train_epoch(
    run: _Run,
    loader: Iterable[Batch],
    optimizer: torch.optim.Optimizer,
    epoch_text: str,
    bar: Any,
) -> float:
    """One pass over ``loader``; return the mean loss per sample."""
    model, loss_fn = run.model, run.loss_fn
    assert loss_fn is not None
    total_loss = torch.zeros((), device=run.device)
    num_samples = num_batches = 0

    def where(index: int) -> str:
        return f"{epoch_text}, batch {index} of train_loader"

    with ModuleCalls(model) as calls:
        for index, batch in _batches(loader, where):
            num_batches += 1
            inputs, targets = _unpack(batch, where(index), run.device)
            if len(inputs) == 0:
                continue  # An empty batch has no loss; stepping on it would add NaN.
            tensors: dict[str, Any] = {"inputs": inputs, "targets": targets}
            try:
                optimizer.zero_grad()
                outputs = model(inputs)
            except Exception as error:
                raise _failure(  # noqa: B904
                    error, "the forward pass model(inputs)", where(index), model, tensors, calls
                )
            tensors = {"outputs": outputs, "targets": targets}
            _check_loss_shapes(loss_fn, outputs, targets, where(index))
            try:
                loss = loss_fn(outputs, targets)
            except Exception as error:
                raise _failure(error, "loss_fn(outputs, targets)", where(index), model, tensors)  # noqa: B904
            _warn_mismatch(outputs, loss_fn, calls, run.warned, where(index))
            loss, reported = _scalar_loss(loss, loss_fn, outputs, targets, where(index))
            if not bool(torch.isfinite(loss)):
                raise _diagnose(
                    f"the loss is {loss.item()}",
                    where(index),
                    model,
                    {"inputs": inputs, "targets": targets, "outputs": outputs},
                    stopped=True,
                )
            try:
                step = "loss.backward()"
                loss.backward()  # type: ignore[no-untyped-call]
                bad = _non_finite_parameters(model, grad=True)
                if bad:
                    raise NonFiniteError(
                        f"{where(index)}: the gradients of {', '.join(bad[:3])} hold NaN or "
                        f"inf though the loss {loss.item():.4g} is finite; fit stopped before "
                        "optimizer.step(), so this batch changed no weight; lower the "
                        "learning rate or clip the gradients "
                        "(torch.nn.utils.clip_grad_norm_)"
                    )
                step = "optimizer.step()"
                optimizer.step()
            except NonFiniteError:
                raise
            except Exception as error:
                raise _failure(error, step, where(index), model, tensors)  # noqa: B904
            total_loss += reported * len(inputs)
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
    output: Output | None = None,
) -> dict[str, float]:
    """Measure a classifier's mean loss and accuracy on a data loader.

    The model runs in evaluation mode (``model.eval()``) under
    `torch.no_grad()` (not `torch.inference_mode()`, so a lazy layer first
    run here stays trainable), so no gradients are tracked. Afterwards every
    module's mode and every parameter's ``requires_grad`` are exactly as they
    were, so a frozen BatchNorm inside a model in training mode stays frozen.
    Batches with no samples are skipped. Errors raised by PyTorch keep their
    type and get a note naming the batch, the layer and the tensors involved,
    as in `fit()`.

    Args:
        model: The classifier; it is moved to ``device``. It must return one
            tensor of class scores, read as described in the module
            description and `accuracy()`.
        loader: Iterable of ``(inputs, targets)`` mini-batches (not single
            samples, see `fit()`).
        loss_fn: Optional loss function instance. Its reduction does not
            change the reported loss, the mean per sample. It also tells how
            to read the outputs: `torch.nn.BCELoss` means probabilities,
            `torch.nn.BCEWithLogitsLoss` and `torch.nn.CrossEntropyLoss`
            logits; with a regression loss (`torch.nn.MSELoss`, ...) no
            accuracy is measured unless ``output`` is given.
        device: Device to evaluate on; ``None`` keeps the model where it is.
        output: ``"logits"``, ``"probabilities"`` or ``"labels"``, or ``None``
            to read it from the final layer, the loss function or the values.

    Returns:
        ``{"loss": ..., "accuracy": ...}``: the loss averaged over all samples
        (only when ``loss_fn`` is given) and the share of correctly classified
        samples, between 0 and 1 (not for a regression loss).

    Raises:
        TypeError: If ``model``, ``loader``, ``loss_fn`` or ``device`` has the
            wrong type (a `torch.utils.data.Dataset` is no loader), ``loss_fn``
            is a class, or the model returns something other than a tensor (a
            dict or a tuple, say).
        ValueError: If ``loader`` yields no batches, only empty ones or single
            samples; the model is on the meta device; outputs and targets do
            not fit together (see `accuracy()`); or one float per sample can
            be read in several ways that give different classes and neither
            ``output`` nor ``loss_fn`` says which.
        NonFiniteError: If the outputs or the loss hold NaN or inf; the message
            says whether the inputs, the targets or the parameters do too.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Linear(3, 2)
        >>> batches = [(torch.randn(4, 3), torch.tensor([0, 1, 1, 0]))]
        >>> sorted(evaluate(model, batches, loss_fn=nn.CrossEntropyLoss()))
        ['accuracy', 'loss']
        >>> 0.0 <= evaluate(model, batches)["accuracy"] <= 1.0
        True
        >>> binary = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())
        >>> with torch.no_grad():
        ...     _ = binary[0].weight.fill_(10.0), binary[0].bias.zero_()
        >>> ones = [(torch.tensor([[-1.0], [2.0]]), torch.tensor([[0.0], [1.0]]))]
        >>> evaluate(binary, ones, loss_fn=nn.BCELoss())["accuracy"]
        1.0
        >>> sorted(evaluate(nn.Linear(3, 1), [(torch.randn(4, 3), torch.randn(4, 1))],
        ...                 loss_fn=nn.MSELoss()))
        ['loss']
    """
    check_module(model)
    _check_loader_kind(loader, "loader")
    check_loader(loader, "loader")
    _check_loss_fn(loss_fn, required=False)
    output = _check_output(output)
    _check_model_tensors(model, training=False)
    target_device = _resolve_device(model, device)
    model.to(target_device)
    return _evaluate(_Run(model, loss_fn, target_device, set()), loader, "loader", "", output)


def _infer(
    run: _Run,
    loader: Iterable[Batch],
    name: str,
    prefix: str,
    calls: ModuleCalls,
    on_batch: Callable[[str, Any, torch.Tensor, torch.Tensor], None],
) -> None:
    """Run the model in eval mode on every non-empty batch and hand its outputs on.

    The model runs under `torch.no_grad()`, not `torch.inference_mode()`: a lazy
    layer materialised here, or a tensor a module caches, must stay trainable.
    Every module's mode and every parameter's ``requires_grad`` are restored
    afterwards, also when a batch fails.
    """
    model = run.model
    num_batches = num_samples = 0

    def where(index: int) -> str:
        return f"{prefix}batch {index} of {name}"

    with preserved_state(model), torch.no_grad(), calls:
        model.eval()
        for index, batch in _batches(loader, where):
            num_batches += 1
            inputs, targets = _unpack(batch, where(index), run.device)
            if len(inputs) == 0:
                continue  # An empty batch has neither a loss nor an accuracy.
            try:
                outputs = model(inputs)
            except Exception as error:
                raise _failure(  # noqa: B904
                    error,
                    "the forward pass model(inputs)",
                    where(index),
                    model,
                    {"inputs": inputs, "targets": targets},
                    calls,
                )
            if isinstance(outputs, torch.Tensor) and _non_finite(outputs):
                raise _diagnose(
                    f"the model's outputs hold {_non_finite(outputs)}",
                    where(index),
                    model,
                    {"inputs": inputs, "targets": targets},
                    stopped=False,
                )
            on_batch(where(index), outputs, targets, inputs)
            num_samples += len(inputs)
    if num_batches == 0:
        raise ValueError(f"{name} yielded no batches")
    if num_samples == 0:
        raise ValueError(f"{name} yielded only empty batches")


def _evaluate(
    run: _Run, loader: Iterable[Batch], name: str, prefix: str, output: Output | None
) -> dict[str, float]:
    model, loss_fn = run.model, run.loss_fn
    total_loss = torch.zeros((), device=run.device)
    num_samples = 0
    calls = ModuleCalls(model)
    reader = _Reader(output, loss_fn, calls)
    scored = output is not None or not isinstance(loss_fn, _REGRESSION_LOSSES)

    def on_batch(where: str, outputs: Any, targets: torch.Tensor, inputs: torch.Tensor) -> None:
        nonlocal total_loss, num_samples
        if scored:
            reader.add(outputs, targets, f"{where}: the model's output", f"{where}: targets")
        if loss_fn is not None:
            _check_loss_shapes(loss_fn, outputs, targets, where)
            try:
                loss = loss_fn(outputs, targets)
            except Exception as error:
                raise _failure(  # noqa: B904
                    error,
                    "loss_fn(outputs, targets)",
                    where,
                    model,
                    {"outputs": outputs, "targets": targets},
                )
            _warn_mismatch(outputs, loss_fn, calls, run.warned, where)
            _, reported = _scalar_loss(loss, loss_fn, outputs, targets, where)
            if not bool(torch.isfinite(reported)):
                raise _diagnose(
                    f"the loss is {reported.item()}",
                    where,
                    model,
                    {"inputs": inputs, "targets": targets, "outputs": outputs},
                    stopped=False,
                )
            total_loss += reported * len(outputs)
        num_samples += len(outputs)

    _infer(run, loader, name, prefix, calls, on_batch)
    metrics: dict[str, float] = {}
    if loss_fn is not None:
        metrics["loss"] = total_loss.item() / num_samples
    if scored and not reader.skipped:
        predictions, classes = reader.finish(
            f"{prefix}{name}: the model's outputs", f"{prefix}{name}: targets"
        )
        if len(predictions):  # none when every target was the loss's ignore_index
            metrics["accuracy"] = (predictions == classes).sum().item() / len(predictions)
    return metrics


def accuracy(logits: torch.Tensor, targets: torch.Tensor, *, output: Output | None = None) -> float:
    """Share of samples whose predicted class equals the target.

    Args:
        logits: The model's outputs: class scores ``(N, C)``; one score per
            sample ``(N,)`` / ``(N, 1)`` of a binary classifier; or predicted
            class labels ``(N,)``. NaN or infinite scores are refused.
        targets: Class indices ``(N,)`` or ``(N, 1)`` (integers, or floats
            holding whole numbers such as BCELoss's 0.0/1.0), or class
            probabilities of the outputs' shape ``(N, C)`` whose largest entry
            is the true class.
        output: How to read ``logits``: ``"logits"`` (the largest of ``(N, C)``,
            or class 1 where a binary score is above 0), ``"probabilities"``
            (values from 0 to 1; class 1 above 0.5) or ``"labels"`` (compared as
            they are). ``None``: integer and bool outputs are labels, ``(N, C)``
            scores are read by their largest entry (the same under either
            reading), and one float per sample is read in every way its values
            allow; if those readings give different classes a `ValueError` asks
            for ``output``.

    Returns:
        The share of the ``N`` samples whose predicted class matches the
        target, between 0 and 1.

    Raises:
        TypeError: If ``logits`` or ``targets`` is not a tensor, the targets
            are complex or bool, or integer outputs are read as scores.
        ValueError: If the shapes do not fit together, there are no samples
            (an empty batch has no accuracy), floating-point targets are not
            whole numbers, a target is not one of the classes the outputs score
            (from 0 to ``C - 1``, or 0 and 1), ``output="probabilities"`` gets
            values outside [0, 1], ``output`` is not one of the three readings,
            or the reading of one float per sample is ambiguous (see ``output``).
        NonFiniteError: If ``logits`` or ``targets`` hold NaN or inf.

    Shape:
        - logits: `(N, C)` with `C >= 2`, `(N,)` or `(N, 1)`.
        - targets: `(N,)` or `(N, 1)`, with values from 0 to `C - 1` (0 or 1
          for a binary classifier), or `(N, C)` class probabilities.
        - Output: a Python float.

    Examples:
        >>> import torch
        >>> logits = torch.tensor([[2.0, 0.1], [0.3, 1.5], [1.0, 0.0], [0.0, 1.0]])
        >>> accuracy(logits, torch.tensor([0, 1, 1, 1]))
        0.75
        >>> accuracy(torch.tensor([3.5, -1.2]), torch.tensor([1.0, 1.0]))
        0.5
        >>> accuracy(torch.tensor([0, 2, 1, 1]), torch.tensor([0, 1, 1, 1]))
        0.75
        >>> accuracy(torch.tensor([0.9, 0.2, 0.7]), torch.tensor([1, 0, 0]), output="probabilities")
        0.6666666666666666
        >>> accuracy(torch.tensor([0.9, 0.2, 0.7]), torch.tensor([1, 0, 0]))
        Traceback (most recent call last):
        ...
        ValueError: logits are one float per sample and can be read in several ways that \
predict different classes (accuracy as logits 0.3333, as probabilities 0.6667); say which \
with output='logits' (class 1 above 0), output='probabilities' (class 1 above 0.5) or \
output='labels'
    """
    if not isinstance(logits, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise TypeError(
            "logits and targets must be tensors, got "
            f"{type(logits).__name__} and {type(targets).__name__}"
        )
    output = _check_output(output)
    if logits.ndim and len(logits) == 0:
        raise ValueError("accuracy needs at least one sample, got an empty batch")
    reader = _Reader(output, None, None)
    reader.add(logits, targets, "logits", "targets")
    predictions, classes = reader.finish("logits", "targets")
    return (predictions == classes).sum().item() / len(predictions)


def predict(
    model: nn.Module,
    loader: Iterable[Batch],
    device: str | torch.device | None = None,
    *,
    output: Output | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Predicted classes and targets for every sample of a loader, in order.

    Runs like `evaluate()` (evaluation mode, `torch.no_grad()`, every module's
    mode and ``requires_grad`` restored, empty batches skipped) and collects the
    results on the CPU, ready for `confusion_matrix()` or plotting.

    Args:
        model: The classifier; it is moved to ``device``.
        loader: Iterable of ``(inputs, targets)`` mini-batches.
        device: Device to run on; ``None`` keeps the model where it is.
        output: ``"logits"``, ``"probabilities"`` or ``"labels"``, or ``None``
            to read it from the final layer or the values (see `accuracy()`).
            A binary model ending in `torch.nn.Sigmoid` needs none; one that
            returns one raw score per sample all within [0, 1] does.

    Returns:
        ``(predictions, targets)``, two ``int64`` CPU tensors of shape ``(N,)``
        (class-probability targets become their most probable class).

    Raises:
        TypeError: If ``model``, ``loader`` or ``device`` has the wrong type (a
            `torch.utils.data.Dataset` is no loader), or the model returns
            something other than a tensor.
        ValueError: If ``loader`` yields no batches, only empty ones or single
            samples, or outputs and targets do not fit together (see
            `accuracy()`).
        NonFiniteError: If the model's outputs or the targets hold NaN or inf.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> batches = [(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))] * 2
        >>> predictions, targets = predict(nn.Linear(3, 3), batches)
        >>> predictions.shape, targets.tolist()
        (torch.Size([8]), [0, 1, 2, 0, 0, 1, 2, 0])
    """
    check_module(model)
    _check_loader_kind(loader, "loader")
    check_loader(loader, "loader")
    output = _check_output(output)
    _check_model_tensors(model, training=False)
    target_device = _resolve_device(model, device)
    model.to(target_device)
    calls = ModuleCalls(model)
    reader = _Reader(output, None, calls)

    def on_batch(where: str, outputs: Any, targets: torch.Tensor, inputs: torch.Tensor) -> None:
        reader.add(outputs, targets, f"{where}: the model's output", f"{where}: targets")

    _infer(_Run(model, None, target_device, set()), loader, "loader", "", calls, on_batch)
    return reader.finish("loader: the model's outputs", "loader: targets")


def _check_classes(values: Any, name: str, num_classes: int) -> torch.Tensor:
    if not isinstance(values, torch.Tensor):
        raise TypeError(f"{name} must be a tensor of class indices, got {type(values).__name__}")
    if values.ndim != 1:
        hint = ""
        if values.ndim == 2 and values.shape[1] >= 2:
            hint = f"; for scores of shape (N, C), pass their classes: {name}.argmax(dim=1)"
        raise ValueError(f"{name} must be 1-D, got shape {tuple(values.shape)}{hint}")
    if values.is_floating_point() or values.is_complex() or values.dtype == torch.bool:
        hint = ""
        if values.is_floating_point():
            hint = (
                "; class labels held as floats: convert them with .long(); scores: pass "
                "the predicted classes (see predict())"
            )
        raise TypeError(f"{name} must hold integer class indices, got dtype {values.dtype}{hint}")
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

    Both arguments are class indices, not scores: pass ``logits.argmax(dim=1)``
    or the predictions of `predict()`. With no samples the matrix is all zeros
    (as in torchmetrics), not an error.

    Args:
        targets: True class indices, a 1-D integer tensor.
        predictions: Predicted class indices, in the same order, a 1-D integer
            tensor (floats, even whole ones, and ``(N, C)`` scores are refused
            with the fix in the message).
        num_classes: Number of classes ``C`` (any integer type).

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
