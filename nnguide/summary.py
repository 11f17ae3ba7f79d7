"""A model summary you can trust: layers, output shapes and parameter counts.

`summary()` runs one forward pass through a model and reports, for every
leaf layer it calls, the layer's name and type, the shape of what it returned
and how many parameters it holds, followed by the totals and rough memory
estimates. Printing the result gives the familiar ``torchsummary`` table; in a
Jupyter notebook (and on the guide's pages) it renders as an HTML table.

How it relates to the other tools:

- ``torchsummary`` (``pip install torchsummary``) is what many courses use and
  what printed the table this layout copies. It has been unmaintained since
  2021 and has known flaws: it moves the input to CUDA by default, so it fails
  on CPU-only machines unless ``device="cpu"`` is passed; it counts a shared
  layer's weights once per call; it ignores an ``nn.Parameter`` assigned
  directly to a model that has sub-modules; and it breaks on layers that return
  tuples, such as ``nn.LSTM``. `summary()` fixes all four: it runs on the
  model's own device, counts every parameter exactly once, includes bare
  parameters in the totals and describes tuple and dict outputs.
- ``torchinfo`` (``pip install torchinfo``) is the maintained successor, with
  many more options (nested rows, mult-adds, column choices). `summary()`
  reports the same total and trainable parameter counts as
  ``torchinfo.summary`` and the same leaf layers and output shapes; the test
  suite checks this on models from MLPs to LSTMs and Transformers,
  sequence-first RNNs, ``weight_norm`` parametrizations and float64/float16
  models, and on generated MLPs and CNNs. Known differences: torchinfo 1.8
  counts a weight shared by two different layers (weight tying) once per
  layer, `summary()` once; torchinfo's ``input_size`` includes the batch
  (``batch_dim=None`` here); its "Params size" leaves out parameters that no
  leaf layer holds (``nn.MultiheadAttention``'s projection, ``weight_norm``'s
  originals), `summary()` counts them all; its forward/backward size counts
  only layers with parameters, `summary()` every layer's output (as
  torchsummary); it counts a pruned weight (``torch.nn.utils.prune``) by the
  entries its mask keeps, `summary()` counts the parameter ``weight_orig``
  whole, as `count_parameters()` does; an ``nn.TransformerEncoder`` given a
  padding mask makes torchinfo fail, `summary()` runs it without its
  nested-tensor shortcut; its sizes are in 10**6 bytes, `summary()`'s in 2**20. Use
  torchinfo when you need its extra columns; `summary()` is smaller, faster,
  and keeps the one-row-per-layer table of the course material.

Unlike both, `summary()` leaves the model exactly as it found it: every
module's train/eval mode and every parameter's ``requires_grad`` are restored and
no hooks remain, even when the forward pass fails; a model with lazy modules is
run as a copy, so it stays lazy; and the global random number generator is left
where it was.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import html
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import torch
from torch import nn
from torch.nn.modules.lazy import LazyModuleMixin

from nnguide._validation import (
    DEVICE_TYPES,
    ModuleCalls,
    check_device,
    check_dtype,
    check_int,
    check_memory,
    check_module,
    check_str,
    describe,
    is_quantized,
    model_device,
    module_label,
    preserved_state,
    tensor_bytes,
)
from nnguide.tables import display_width, pad

__all__ = ["LayerInfo", "ModelSummary", "OutputShape", "summary"]

OutputShape: TypeAlias = "tuple[int, ...] | list[OutputShape] | dict[str, OutputShape] | None"
"""Shape of a layer's output: a tuple of ints for a tensor, a list for a tuple or
list of outputs, a dict for a dict of outputs, ``None`` for anything else."""

_MB = 1024**2  # torchsummary's "MB": 2**20 bytes.
_MIN_WIDTHS = (20, 25, 15)

# The printed table's labels per language: torchsummary's in English.
_LABELS = {
    "en": {
        "layer": "Layer (type)",
        "shape": "Output Shape",
        "params": "Param #",
        "total": "Total params",
        "trainable": "Trainable params",
        "non_trainable": "Non-trainable params",
        "outside": "Params outside the listed layers",
        "input_size": "Input size (MB)",
        "pass_size": "Forward/backward pass size (MB)",
        "params_size": "Params size (MB)",
        "total_size": "Estimated Total Size (MB)",
    },
    "ko": {
        "layer": "계층 (종류)",
        "shape": "출력 모양",
        "params": "매개변수 수",
        "total": "전체 매개변수",
        "trainable": "학습되는 매개변수",
        "non_trainable": "학습되지 않는 매개변수",
        "outside": "목록의 계층 밖에 있는 매개변수",
        "input_size": "입력 크기 (MB)",
        "pass_size": "순전파·역전파 크기 (MB)",
        "params_size": "매개변수 크기 (MB)",
        "total_size": "추정 전체 크기 (MB)",
    },
}


@dataclass(frozen=True)
class LayerInfo:
    """One row of a `ModelSummary`: one call of one leaf module.

    Attributes:
        name: The module's qualified name in the model, as in
            ``model.named_modules()``: ``"0"`` for the first layer of an
            ``nn.Sequential``, ``"encoder.fc"`` for a nested one, ``""`` when
            the model itself is the only layer.
        type: The module's class name, e.g. ``"Linear"``.
        output_shape: Shape of what the call returned, with the real batch size
            (see `OutputShape`).
        num_params: Number of the module's parameters that no earlier row has
            counted. A module called a second time adds 0, so the column adds
            up to the model's total (plus any parameters held outside leaf
            modules).
        shared_params: Number of the module's parameters already counted on an
            earlier row (the same module called again, or a weight shared with
            another layer).
        output_shape_text: The output shape as printed, with the batch
            dimension shown as ``-1``, e.g. ``"[-1, 64]"``. The batch dimension
            is dimension 0 when its size equals the batch size; for recurrent
            layers (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``) it is found from
            ``batch_first``, and hidden states have it in dimension 1.

    Examples:
        >>> lstm = summary(nn.LSTM(10, 20, batch_first=True), (5, 10)).layers[0]
        >>> lstm.type, lstm.num_params
        ('LSTM', 2560)
        >>> lstm.output_shape
        [(2, 5, 20), [(1, 2, 20), (1, 2, 20)]]
        >>> lstm.output_shape_text
        '([-1, 5, 20], ([1, -1, 20], [1, -1, 20]))'
    """

    name: str
    type: str
    output_shape: OutputShape
    num_params: int
    shared_params: int = 0
    output_shape_text: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        """The row's text in the "Layer (type)" column, e.g. ``"0 (Linear)"``."""
        return f"{self.name} ({self.type})" if self.name else self.type


@dataclass(frozen=True, repr=False)
class ModelSummary:
    """The result of `summary()`.

    ``str()`` (and ``repr()``) give a text table in the ``torchsummary`` layout;
    in a notebook the summary displays as an HTML table.

    Attributes:
        layers: One `LayerInfo` per leaf-module call, in call order.
        total_params: Number of parameters in the model, each counted once.
        trainable_params: Those with ``requires_grad=True``.
        non_trainable_params: Those with ``requires_grad=False`` (frozen).
        batch_size: Size of the batch dimension of the first input, shown as
            ``-1`` in printed output shapes; ``None`` when the input had no
            batch dimension.
        input_size_mb: Memory of the input tensors, in MB (2**20 bytes).
        forward_backward_size_mb: Memory of the layers' outputs, twice (once for
            the forward pass, once for their gradients in the backward pass).
        params_size_mb: Memory of the parameters.
        total_size_mb: The sum of the three estimates above.
        batch_dim: The dimension of the inputs that holds the batch (see
            `summary()`'s ``batch_dim``; 0 when ``input_size`` included it).
        language: The language of the printed labels, ``"en"`` or ``"ko"``.

    Examples:
        >>> shared = nn.Linear(4, 4)
        >>> result = summary(nn.Sequential(shared, nn.ReLU(), shared), (4,))
        >>> [(layer.label, layer.num_params) for layer in result.layers]
        [('0 (Linear)', 20), ('1 (ReLU)', 0), ('0 (Linear)', 0)]
        >>> result.total_params, result.params_outside_layers
        (20, 0)
        >>> result._repr_html_().startswith("<table>")
        True
    """

    layers: tuple[LayerInfo, ...]
    total_params: int
    trainable_params: int
    non_trainable_params: int
    batch_size: int | None
    input_size_mb: float
    forward_backward_size_mb: float
    params_size_mb: float
    total_size_mb: float
    batch_dim: int = 0
    language: str = "en"

    @property
    def _labels(self) -> dict[str, str]:
        return _LABELS[self.language]

    @property
    def params_outside_layers(self) -> int:
        """Parameters that belong to no listed layer (bare or unused parameters)."""
        return self.total_params - sum(layer.num_params for layer in self.layers)

    def _cells(self) -> list[tuple[str, str, str]]:
        return [
            (
                layer.label,
                layer.output_shape_text
                or _format_shape(layer.output_shape, self.batch_size, prefer=self.batch_dim),
                _format_params(layer),
            )
            for layer in self.layers
        ]

    def _totals(self) -> list[tuple[str, str]]:
        labels = self._labels
        totals = [
            (labels["total"], f"{self.total_params:,}"),
            (labels["trainable"], f"{self.trainable_params:,}"),
            (labels["non_trainable"], f"{self.non_trainable_params:,}"),
        ]
        if self.params_outside_layers:
            totals.append((labels["outside"], f"{self.params_outside_layers:,}"))
        return totals

    def _sizes(self) -> list[tuple[str, str]]:
        labels = self._labels
        return [
            (labels["input_size"], f"{self.input_size_mb:.2f}"),
            (labels["pass_size"], f"{self.forward_backward_size_mb:.2f}"),
            (labels["params_size"], f"{self.params_size_mb:.2f}"),
            (labels["total_size"], f"{self.total_size_mb:.2f}"),
        ]

    def __str__(self) -> str:
        """The summary as a text table in the torchsummary layout."""
        labels = self._labels
        header = (labels["layer"], labels["shape"], labels["params"])
        cells = self._cells()
        widths = [
            max(minimum, *(display_width(row[column]) for row in [header, *cells]))
            for column, minimum in enumerate(_MIN_WIDTHS)
        ]

        def line(row: tuple[str, str, str]) -> str:
            return (
                f"{pad(row[0], widths[0])}  {pad(row[1], widths[1], '>')} "
                f"{pad(row[2], widths[2], '>')}"
            )

        width = sum(widths) + 3
        thin, thick = "-" * width, "=" * width
        lines = [thin, line(header), thick]
        lines += [line(row) for row in cells]
        lines.append(thick)
        lines += [f"{label}: {value}" for label, value in self._totals()]
        lines.append(thin)
        lines += [f"{label}: {value}" for label, value in self._sizes()]
        lines.append(thin)
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The summary as a plain HTML table, for notebooks and the guide's pages."""
        escape = html.escape
        parts = [
            "<table>",
            "<thead><tr>"
            + "".join(
                f"<th>{escape(self._labels[key])}</th>" for key in ("layer", "shape", "params")
            )
            + "</tr></thead>",
            "<tbody>",
        ]
        parts += [
            f"<tr><td>{escape(label)}</td><td>{escape(shape)}</td><td>{escape(params)}</td></tr>"
            for label, shape, params in self._cells()
        ]
        parts += ["</tbody>", "<tfoot>"]
        parts += [
            f'<tr><th scope="row" colspan="2">{escape(label)}</th><td>{escape(value)}</td></tr>'
            for label, value in self._totals() + self._sizes()
        ]
        parts += ["</tfoot>", "</table>"]
        return "\n".join(parts)


def _format_shape(
    shape: OutputShape,
    batch_size: int | None,
    batch_dim: int | None = None,
    *,
    prefer: int = 0,
) -> str:
    """Format a shape with its batch dimension as -1.

    The batch dimension is ``batch_dim`` when given; otherwise dimension
    ``prefer`` (the inputs' batch dimension) when its size equals
    ``batch_size``, else dimension 0 when that size does.
    """
    if shape is None:
        return "-"
    if isinstance(shape, tuple):
        dims = list(shape)
        if batch_dim is None and batch_size is not None:
            candidates = [index for index in (prefer, 0) if index < len(dims)]
            batch_dim = next((i for i in candidates if dims[i] == batch_size), None)
        if batch_dim is not None and batch_dim < len(dims):
            dims[batch_dim] = -1
        return "[" + ", ".join(str(dim) for dim in dims) + "]"
    if isinstance(shape, list):
        return (
            "(" + ", ".join(_format_shape(part, batch_size, prefer=prefer) for part in shape) + ")"
        )
    return (
        "{"
        + ", ".join(
            f"{key}: {_format_shape(part, batch_size, prefer=prefer)}"
            for key, part in shape.items()
        )
        + "}"
    )


def _format_output(
    module: nn.Module, shape: OutputShape, batch_size: int | None, prefer: int = 0
) -> str:
    """Format a layer's output shape, locating the batch of recurrent layers exactly."""
    if (
        isinstance(module, nn.RNNBase)
        and isinstance(shape, list)
        and len(shape) == 2
        and isinstance(shape[0], tuple)
        and len(shape[0]) == 3  # A batched input; unbatched ones have no batch dimension.
    ):
        output = _format_shape(shape[0], batch_size, 0 if module.batch_first else 1)
        hidden = shape[1]
        if isinstance(hidden, list):  # LSTM: (h, c)
            states = ", ".join(_format_shape(part, batch_size, 1) for part in hidden)
            return f"({output}, ({states}))"
        return f"({output}, {_format_shape(hidden, batch_size, 1)})"
    return _format_shape(shape, batch_size, prefer=prefer)


def _format_params(layer: LayerInfo) -> str:
    if layer.shared_params and not layer.num_params:
        return "(shared)"
    if layer.shared_params:
        return f"{layer.num_params:,} + shared"
    return f"{layer.num_params:,}"


def _describe(value: Any) -> tuple[OutputShape, int]:
    """Return the shape structure of a layer output and its size in bytes."""
    if isinstance(value, torch.Tensor) and value.is_nested:
        return None, sum(part.numel() * part.element_size() for part in value.unbind())
    if isinstance(value, torch.Tensor):
        return tuple(value.shape), value.numel() * value.element_size()
    if isinstance(value, (list, tuple)):
        parts = [_describe(item) for item in value]
        return [shape for shape, _ in parts], sum(size for _, size in parts)
    if isinstance(value, Mapping):
        parts_by_key = {str(key): _describe(item) for key, item in value.items()}
        return (
            {key: shape for key, (shape, _) in parts_by_key.items()},
            sum(size for _, size in parts_by_key.values()),
        )
    return None, 0


def _tensors(value: Any) -> list[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [tensor for item in value for tensor in _tensors(item)]
    if isinstance(value, Mapping):
        return [tensor for item in value.values() for tensor in _tensors(item)]
    return []


def _to_device(value: Any, device: torch.device) -> Any:
    if isinstance(value, torch.Tensor):
        return value.to(device)
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_to_device(item, device) for item in value)
    if isinstance(value, Mapping):
        return {key: _to_device(item, device) for key, item in value.items()}
    return value


def _check_shape(shape: Sequence[Any], where: str) -> tuple[int, ...]:
    return tuple(check_int(dim, f"{where}[{index}]", minimum=1) for index, dim in enumerate(shape))


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _check_input_size(input_size: Any) -> list[tuple[int, ...]]:
    if hasattr(input_size, "__index__") and not isinstance(input_size, (bool, torch.Tensor)):
        raise TypeError(
            f"input_size must be a shape without the batch dimension, got the int "
            f"{input_size}; write ({input_size},) for one input of {input_size} features"
        )
    if not _is_sequence(input_size):
        raise TypeError(
            "input_size must be a shape such as (128,) or a list of shapes such as "
            f"[(3,), (4,)], got {describe(input_size)}"
        )
    if not any(_is_sequence(item) for item in input_size):
        return [_check_shape(input_size, "input_size")]
    shapes = []
    for index, shape in enumerate(input_size):
        if not _is_sequence(shape):
            raise TypeError(
                f"input_size mixes shapes and single dimensions: input_size[{index}] is "
                f"{describe(shape)}; give one shape such as (128,) or a "
                "list of shapes such as [(3,), (4,)]"
            )
        shapes.append(_check_shape(shape, f"input_size[{index}]"))
    return shapes


def _check_input_dtype(dtype: Any, name: str) -> torch.dtype:
    check_dtype(dtype, name, example="torch.long")
    if is_quantized(dtype):
        raise ValueError(
            f"{name} is the quantized dtype {dtype}, from which summary cannot build "
            "random inputs; pass quantized tensors as input_data instead"
        )
    return dtype  # type: ignore[no-any-return]


def _model_dtype(model: nn.Module) -> torch.dtype:
    """The dtype of the model's first floating-point parameter or buffer (else float32)."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        if tensor.is_floating_point() and not isinstance(
            tensor, (nn.parameter.UninitializedParameter, nn.parameter.UninitializedBuffer)
        ):
            return tensor.dtype
    return torch.float32


def _check_dtypes(dtypes: Any, count: int, default: torch.dtype) -> list[torch.dtype]:
    if dtypes is None:
        return [default] * count
    if isinstance(dtypes, torch.dtype):
        return [_check_input_dtype(dtypes, "dtypes")] * count
    if not _is_sequence(dtypes):
        raise TypeError(
            f"dtypes must be a torch.dtype or a list of them, one per input, got {describe(dtypes)}"
        )
    if len(dtypes) != count:
        raise ValueError(
            f"dtypes must have one entry per input: input_size describes {count} "
            f"input(s) but dtypes has {len(dtypes)}"
        )
    return [_check_input_dtype(dtype, f"dtypes[{index}]") for index, dtype in enumerate(dtypes)]


def _check_model(value: object) -> nn.Module:
    model = check_module(value)
    if isinstance(model, torch.jit.ScriptModule):
        raise TypeError(
            f"model is a TorchScript module ({type(model).__name__}); summary records "
            "layers with forward hooks, which TorchScript does not support, so pass the "
            "nn.Module before torch.jit.script or torch.jit.trace"
        )
    return model


def _check_device(device: Any, model: nn.Module) -> torch.device:
    """The device of the inputs: ``device`` if given, else the model's (CPU if none)."""
    on = model_device(model)
    if device is None:
        return on or torch.device("cpu")
    chosen = check_device(device, "device", types=(*DEVICE_TYPES, "meta"))
    other_index = (
        chosen.index is not None and on is not None and on.index not in (None, chosen.index)
    )
    if on is not None and (chosen.type != on.type or other_index):
        raise ValueError(
            f"device is {str(chosen)!r} but the model is on {str(on)!r}; "
            "move the model with model.to(device) first, or leave device out"
        )
    return chosen


def _make_input(shape: tuple[int, ...], dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """Uniform random numbers in [0, 1) from a private generator, or integer zeros."""
    if dtype.is_floating_point or dtype.is_complex:
        generator = torch.Generator().manual_seed(0)
        return torch.rand(shape, generator=generator, dtype=dtype).to(device)
    # Zeros are valid for integer inputs such as nn.Embedding indices.
    return torch.zeros(shape, dtype=dtype, device=device)


def _describe_inputs(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shapes = [
        "nested" if tensor.is_nested else str(tuple(tensor.shape))
        for tensor in _tensors([args, kwargs])
    ]
    if not shapes:
        return "input without tensors"
    if len(shapes) == 1:
        return f"input of shape {shapes[0]}"
    return f"inputs of shapes {', '.join(shapes)}"


def summary(
    model: nn.Module,
    input_size: Sequence[int] | Sequence[Sequence[int]] | None = None,
    *,
    input_data: torch.Tensor | Sequence[Any] | Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    device: torch.device | str | None = None,
    dtypes: torch.dtype | Sequence[torch.dtype] | None = None,
    batch_dim: int | None = 0,
    language: str = "en",
) -> ModelSummary:
    """Summarize a model: each layer's output shape and parameters, and the totals.

    Runs one forward pass under `torch.no_grad()` with every module in eval
    mode (so BatchNorm's running statistics are not updated and dropout is off),
    recording each call of a leaf module (a module without sub-modules) in call
    order. Afterwards each module's train/eval mode and each parameter's
    ``requires_grad`` are restored (also when a custom ``train()`` method changed
    them) and all hooks are removed, also when the forward pass fails. A model
    with lazy modules (``nn.LazyLinear``, ...) is summarized through a copy, so
    the model itself stays uninitialized. Inputs built from ``input_size`` come
    from a private random generator, and the state of the global CPU (and CUDA)
    generator is restored after the forward pass, so it is left untouched even
    by a model that draws random numbers. A model on the meta device runs on
    meta inputs: shapes and counts without memory.

    Parameters are counted once each, even when a layer is used twice or a
    weight is shared; parameters with ``requires_grad=False`` count as
    non-trainable; parameters assigned directly to a module that has
    sub-modules are included in the totals.

    Args:
        model: The model to summarize. It is not moved.
        input_size: Shape of one input without the batch dimension, e.g.
            ``(128,)`` or ``(3, 32, 32)``; or a list of such shapes for a model
            whose ``forward`` takes several tensors. Give either this or
            ``input_data``. A shape that already includes the batch, as
            torchinfo's ``input_size`` does, needs ``batch_dim=None``.
        input_data: Real inputs instead of ``input_size``: a tensor, a list or
            tuple of positional arguments, or a dict of keyword arguments for
            ``forward``. Needed when the input must hold particular values, such
            as token ids for ``nn.Embedding``. Tensors are moved to the device.
        batch_size: Batch size of the inputs built from ``input_size`` (ignored
            with ``input_data``, whose ``batch_dim`` is the batch). ``None``
            means 2, which lets BatchNorm layers run, as a batch of 1 does not.
            Leave it out with ``batch_dim=None``.
        device: Device for the inputs. Defaults to the device of the model's
            parameters (CPU for a model without any); a different device is an
            error because the model is not moved.
        dtypes: Data type of the inputs built from ``input_size``: one
            ``torch.dtype`` for all, or a list with one per shape. Defaults to
            the dtype of the model's first floating-point parameter or buffer
            (``torch.float64`` for a model after ``.double()``, ``torch.float16``
            after ``.half()``), ``torch.float32`` for a model without any.
            Floating inputs are uniform random numbers in [0, 1); integer
            inputs are zeros (a valid index for any embedding). Sizes in MB
            use each tensor's own element size.
        batch_dim: Which dimension of each input holds the batch: 0 (the
            default) for batch-first inputs, 1 for sequence-first models such as
            ``nn.LSTM(..., batch_first=False)`` whose input is (sequence, batch,
            features). Inputs built from ``input_size`` get ``batch_size``
            inserted there; with ``input_data`` that dimension's size is the
            batch size. ``None`` means that ``input_size`` already includes the
            batch, in dimension 0 (torchinfo's convention).
        language: The language of the printed table's labels: ``"en"`` (the
            default, torchsummary's labels) or ``"ko"``. Korean labels are padded by
            display width, so the columns line up.

    Returns:
        A `ModelSummary`; print it for the table.

    Raises:
        TypeError: If ``model`` is not an ``nn.Module`` or is a TorchScript
            module (which takes no hooks), or ``input_size``, ``input_data``,
            ``batch_size``, ``device`` or ``dtypes`` has the wrong type.
        ValueError: If neither or both of ``input_size`` and ``input_data`` are
            given, a dimension or ``batch_size`` is not positive, ``batch_dim``
            is negative, past the end of an input, or ``None`` together with
            ``batch_size`` or ``input_data``; if a recurrent layer read its batch
            from another dimension than ``batch_dim`` (a sequence-first
            ``nn.LSTM`` without ``batch_dim=1``), or a first ``nn.Linear`` got
            ``input_size=(1, n)`` or ``(batch_size, n)`` plus a batch (a batch
            given twice); if ``dtypes`` has
            the wrong length or names a quantized dtype, ``device`` does not
            match the model's, ``input_data`` holds meta tensors for a model
            that is not on the meta device, or the inputs built from
            ``input_size`` would need more memory than the device has.
        RuntimeError: If ``device`` names a GPU this machine does not have, or
            the forward pass fails. The message names the innermost layer the
            error came out of and the shape of its input, e.g. ``layer "0"
            (Linear) failed on input of shape (2, 127): ...``, and, for inputs
            built from ``input_size``, where the batch was added; the original
            error is chained as the cause.

    Examples:
        >>> from nnguide.models import MLP
        >>> model = MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")
        >>> result = summary(model, (128,))
        >>> result.total_params, result.trainable_params, result.non_trainable_params
        (9313, 9313, 0)
        >>> [layer.num_params for layer in result.layers]
        [8256, 0, 1040, 0, 17, 0]
        >>> result.layers[0]
        LayerInfo(name='0', type='Linear', output_shape=(2, 64), num_params=8256, shared_params=0)
        >>> print(result)
        ---------------------------------------------------------------
        Layer (type)                       Output Shape         Param #
        ===============================================================
        0 (Linear)                             [-1, 64]           8,256
        1 (Tanh)                               [-1, 64]               0
        2 (Linear)                             [-1, 16]           1,040
        3 (Tanh)                               [-1, 16]               0
        4 (Linear)                              [-1, 1]              17
        5 (Sigmoid)                             [-1, 1]               0
        ===============================================================
        Total params: 9,313
        Trainable params: 9,313
        Non-trainable params: 0
        ---------------------------------------------------------------
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.00
        Params size (MB): 0.04
        Estimated Total Size (MB): 0.04
        ---------------------------------------------------------------

        Token ids for an embedding are passed as real data:

        >>> embedding = nn.Embedding(1000, 8)
        >>> summary(embedding, input_data=torch.tensor([[1, 2, 3]])).layers[0].output_shape
        (1, 3, 8)

        A sequence-first LSTM takes its batch in dimension 1:

        >>> lstm = summary(nn.LSTM(10, 20), (5, 10), batch_dim=1).layers[0]
        >>> lstm.output_shape_text
        '([5, -1, 20], ([1, -1, 20], [1, -1, 20]))'

        A shape that includes the batch, as torchinfo's ``input_size`` does:

        >>> summary(model, (4, 128), batch_dim=None).layers[0].output_shape
        (4, 64)
    """
    _check_model(model)
    language = check_str(language, "language", choices=tuple(_LABELS))
    if input_size is None and input_data is None:
        raise ValueError(
            "give input_size (the shape of one input without the batch dimension, "
            "e.g. (128,)) or input_data (real input tensors)"
        )
    if input_size is not None and input_data is not None:
        raise ValueError("give either input_size or input_data, not both")
    plan = _plan_batch(batch_size, batch_dim, from_size=input_data is None)
    target = _check_device(device, model)
    if input_data is None:
        inputs = _inputs_from_size(input_size, dtypes, plan, target, _model_dtype(model))
    else:
        if dtypes is not None:
            raise ValueError(
                "dtypes applies to inputs built from input_size; "
                "input_data tensors keep their own dtype"
            )
        inputs = _inputs_from_data(input_data, plan.batch_dim, target)
    return dataclasses.replace(_run(model, inputs), language=language)


@dataclass(frozen=True)
class _Batch:
    """Where the batch goes: its size (for inputs built from input_size) and dimension."""

    size: int | None  # None: the inputs already hold it
    batch_dim: int


@dataclass(frozen=True)
class _Inputs:
    """The arguments of the one forward pass, and how they were made."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    batch: int | None
    batch_dim: int
    # The input_size the caller gave (for hints in error messages), or None.
    input_size: Any = None
    added_batch: bool = False


def _plan_batch(batch_size: Any, batch_dim: Any, *, from_size: bool) -> _Batch:
    """Check ``batch_size`` and ``batch_dim`` together."""
    if batch_dim is None:
        if not from_size:
            raise ValueError(
                "batch_dim=None means that input_size already includes the batch "
                "dimension; input_data always does, so give batch_dim as an int "
                "(the dimension of input_data that holds the batch) or leave it out"
            )
        if batch_size is not None:
            raise ValueError(
                f"batch_size={batch_size!r} was given with batch_dim=None, which means "
                "that input_size already includes the batch dimension (its size is the "
                "batch size); leave batch_size out, or give batch_dim=0 and input_size "
                "without the batch"
            )
        return _Batch(size=None, batch_dim=0)
    dim = check_int(batch_dim, "batch_dim", minimum=0)
    if batch_size is None:
        return _Batch(size=2, batch_dim=dim)
    if not from_size:
        check_int(batch_size, "batch_size", minimum=1)
        return _Batch(size=None, batch_dim=dim)
    return _Batch(size=check_int(batch_size, "batch_size", minimum=1), batch_dim=dim)


def _inputs_from_size(
    input_size: Any, dtypes: Any, plan: _Batch, device: torch.device, default: torch.dtype
) -> _Inputs:
    """Random (floating) or zero (integer) inputs of the given shapes, after a memory check."""
    shapes = _check_input_size(input_size)
    kinds = _check_dtypes(dtypes, len(shapes), default)
    if plan.size is not None:
        for index, shape in enumerate(shapes):
            if plan.batch_dim > len(shape):
                where = "input_size" if len(shapes) == 1 else f"input_size[{index}]"
                raise ValueError(
                    f"batch_dim={plan.batch_dim} is past the end of {where}={shape!r}: "
                    f"the batch can go in dimensions 0 to {len(shape)} of its inputs"
                )
        shapes = [
            (*shape[: plan.batch_dim], plan.size, *shape[plan.batch_dim :]) for shape in shapes
        ]
    needed = sum(tensor_bytes(shape, dtype) for shape, dtype in zip(shapes, kinds, strict=True))
    where = f"input_size={input_size!r}"
    if plan.size is not None:
        where += f" with batch_size={plan.size}"
    check_memory(needed, where, "the inputs", device)
    args = tuple(
        _make_input(shape, dtype, device) for shape, dtype in zip(shapes, kinds, strict=True)
    )
    batch = plan.size if plan.size is not None else shapes[0][0]
    return _Inputs(
        args, {}, batch, plan.batch_dim, input_size=input_size, added_batch=plan.size is not None
    )


def _inputs_from_data(input_data: Any, batch_dim: int, device: torch.device) -> _Inputs:
    """The positional or keyword arguments in ``input_data``, moved to ``device``."""
    if not isinstance(input_data, (torch.Tensor, Mapping)) and not _is_sequence(input_data):
        raise TypeError(
            "input_data must be a tensor, a list or tuple of positional arguments, or a "
            f"dict of keyword arguments, got {describe(input_data)}"
        )
    tensors = _tensors(input_data)
    if not tensors:
        raise ValueError(f"input_data must contain at least one tensor, got {input_data!r}")
    for tensor in tensors:
        if tensor.is_meta and device.type != "meta":
            raise ValueError(
                f"input_data holds a meta tensor of shape {tuple(tensor.shape)}, which has no "
                f"values to run the model on {device.type!r}; move the model to the meta "
                "device too (model.to('meta')) or pass real tensors"
            )
    if batch_dim > 0 and tensors[0].dim() <= batch_dim:
        raise ValueError(
            f"batch_dim={batch_dim} is past the end of the first input tensor, of shape "
            f"{tuple(tensors[0].shape)}"
        )
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = {}
    if isinstance(input_data, torch.Tensor):
        args = (input_data.to(device),)
    elif isinstance(input_data, Mapping):
        kwargs = {str(key): _to_device(value, device) for key, value in input_data.items()}
    else:
        args = tuple(_to_device(value, device) for value in input_data)
    batch = next((tensor.shape[batch_dim] for tensor in tensors if tensor.dim() > batch_dim), None)
    return _Inputs(args, kwargs, batch, batch_dim)


# One (module, output shape, output bytes, shape of its first input) per recorded leaf call.
_Call: TypeAlias = "tuple[nn.Module, OutputShape, int, tuple[int, ...] | None]"


def _run(model: nn.Module, inputs: _Inputs) -> ModelSummary:
    """Run the model once, then turn the recorded calls into a `ModelSummary`."""
    with preserved_state(model, rng_device=_input_device(inputs.args, inputs.kwargs)):
        working = _materialisable(model)
        calls = _record_calls(working, inputs)
    _check_batch_position(working, calls, inputs)
    layers, output_bytes = _rows(working, calls, inputs)
    return _summarize(working, layers, output_bytes, inputs)


def _input_device(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.device | None:
    return next((tensor.device for tensor in _tensors([args, kwargs])), None)


def _materialisable(model: nn.Module) -> nn.Module:
    """The model itself, or a copy of it when lazy modules would be initialized."""
    lazy = any(
        isinstance(module, LazyModuleMixin) and module.has_uninitialized_params()
        for module in model.modules()
    )
    return copy.deepcopy(model) if lazy else model


def _record_calls(model: nn.Module, inputs: _Inputs) -> list[_Call]:
    """Run the forward pass in eval mode without gradients, recording every leaf call."""
    calls: list[_Call] = []

    def record(module: nn.Module, call_args: Any, output: Any) -> None:
        shape, size = _describe(output)
        first = call_args[0] if call_args else None
        first_shape = tuple(first.shape) if isinstance(first, torch.Tensor) else None
        calls.append((module, shape, size, first_shape))

    leaves = [module for module in model.modules() if next(module.children(), None) is None]
    handles = [module.register_forward_hook(record) for module in leaves]
    watched = ModuleCalls(model)
    try:
        model.eval()
        with torch.no_grad(), _without_nested_tensors(model), watched:
            model(*inputs.args, **inputs.kwargs)
    except Exception as error:
        failure = watched.failed(error)
        if failure is None:
            raise
        failed, failed_args, failed_kwargs = failure
        raise RuntimeError(
            f"{module_label(model, failed)} failed on "
            f"{_describe_inputs(failed_args, failed_kwargs)}: {error}{_batch_hint(inputs)}"
        ) from error
    finally:
        for handle in handles:
            handle.remove()
    return calls


@contextlib.contextmanager
def _without_nested_tensors(model: nn.Module) -> Iterator[None]:
    """Run every ``nn.TransformerEncoder`` on padded tensors, as in training.

    In eval mode without gradients an encoder given a padding mask packs its
    input into a nested tensor, which has no shape to report; its layers
    return outputs of the same shapes without that shortcut.
    """
    encoders = [
        (module, module.use_nested_tensor)
        for module in model.modules()
        if isinstance(module, nn.TransformerEncoder) and hasattr(module, "use_nested_tensor")
    ]
    for module, _ in encoders:
        module.use_nested_tensor = False
    try:
        yield
    finally:
        for module, setting in encoders:
            module.use_nested_tensor = setting


def _batch_hint(inputs: _Inputs) -> str:
    """A reminder of where summary put the batch, for errors of a forward pass."""
    if not inputs.added_batch:
        return ""
    shapes = ", ".join(str(tuple(tensor.shape)) for tensor in _tensors(list(inputs.args)))
    return (
        f" (input_size={inputs.input_size!r} is the shape of one input without the batch: "
        f"summary added batch_size={inputs.batch} in dimension {inputs.batch_dim}, giving "
        f"{shapes}; if input_size already includes the batch, pass batch_dim=None)"
    )


def _check_batch_position(model: nn.Module, calls: list[_Call], inputs: _Inputs) -> None:
    """Refuse a table whose batch a layer read from another dimension than summary's.

    A recurrent layer reads the batch from dimension 0 (``batch_first=True``) or
    1 (``batch_first=False``) of a 3-D input; a layer that received the batch in
    the other one ran on sequences and batches swapped. An ``nn.Linear`` that is
    the first layer and receives ``input_size=(1, n)`` with a batch added in
    front was almost always given the batch twice.
    """
    batch = inputs.batch
    for module, _, _, first in calls:
        if not isinstance(module, nn.RNNBase) or first is None or len(first) != 3:
            continue
        expected = 0 if module.batch_first else 1
        if batch is not None and first[expected] != batch and first[1 - expected] == batch:
            setting = "batch_first=True" if module.batch_first else "batch_first=False"
            raise ValueError(
                f"{module_label(model, module)} has {setting}, so it reads dimension "
                f"{expected} of its input {first} as the batch, but the batch of "
                f"{batch} is in dimension {1 - expected}; pass batch_dim={expected} "
                f"(summary puts the batch in that dimension of the inputs), or build the "
                f"layer with batch_first={not module.batch_first}"
            )
    _check_batch_given_twice(model, calls, inputs)


def _check_batch_given_twice(model: nn.Module, calls: list[_Call], inputs: _Inputs) -> None:
    """Refuse ``input_size=(1, n)`` or ``(batch_size, n)`` read by a first ``nn.Linear``.

    An ``nn.Linear`` accepts any number of leading dimensions, so a batch given
    in ``input_size`` as well would run silently, one table row per sample row.
    """
    if not inputs.added_batch or inputs.batch_dim != 0 or not calls:
        return
    module, _, _, first = calls[0]
    shape = first[1:] if first is not None else ()
    if isinstance(module, nn.Linear) and len(shape) == 2 and shape[0] in (1, inputs.batch):
        looks = "starts with 1" if shape[0] == 1 else f"starts with batch_size={inputs.batch}"
        raise ValueError(
            f"input_size={inputs.input_size!r} {looks}, so {module_label(model, module)} "
            f"received inputs of shape {first}: {inputs.batch} samples of {shape[0]} row(s) "
            "each. input_size is the shape of one input without the batch dimension: write "
            f"input_size={shape[1:]!r}, or pass batch_dim=None if input_size includes the "
            "batch (or input_data for short sequences of vectors)"
        )


def _rows(model: nn.Module, calls: list[_Call], inputs: _Inputs) -> tuple[list[LayerInfo], int]:
    """One `LayerInfo` per call, each parameter counted on the first row that uses it."""
    names = {id(module): name for name, module in model.named_modules()}
    layers = []
    counted: set[int] = set()
    output_bytes = 0
    for module, shape, size, _ in calls:
        new = shared = 0
        for parameter in module.parameters():
            if id(parameter) in counted:
                shared += parameter.numel()
            else:
                counted.add(id(parameter))
                new += parameter.numel()
        layers.append(
            LayerInfo(
                name=names.get(id(module), ""),
                type=type(module).__name__,
                output_shape=shape,
                num_params=new,
                shared_params=shared,
                output_shape_text=_format_output(module, shape, inputs.batch, inputs.batch_dim),
            )
        )
        output_bytes += size
    return layers, output_bytes


def _summarize(
    model: nn.Module, layers: list[LayerInfo], output_bytes: int, inputs: _Inputs
) -> ModelSummary:
    """The totals and memory estimates around the rows."""
    total = trainable = param_bytes = 0
    for name, parameter in model.named_parameters():
        if isinstance(parameter, nn.parameter.UninitializedParameter):
            raise ValueError(
                f"parameter {name!r} is still not initialized after the forward pass "
                "(a lazy module that was not called), so it cannot be counted"
            )
        total += parameter.numel()
        param_bytes += parameter.numel() * parameter.element_size()
        if parameter.requires_grad:
            trainable += parameter.numel()
    input_bytes = sum(
        tensor.numel() * tensor.element_size() for tensor in _tensors([inputs.args, inputs.kwargs])
    )
    return ModelSummary(
        layers=tuple(layers),
        total_params=total,
        trainable_params=trainable,
        non_trainable_params=total - trainable,
        batch_size=inputs.batch,
        input_size_mb=input_bytes / _MB,
        forward_backward_size_mb=2 * output_bytes / _MB,
        params_size_mb=param_bytes / _MB,
        total_size_mb=(input_bytes + 2 * output_bytes + param_bytes) / _MB,
        batch_dim=inputs.batch_dim,
    )
