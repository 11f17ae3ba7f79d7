"""Argument checks shared by the public functions of nnguide.

Every check takes the argument's name, so that its `TypeError` or `ValueError`
says which argument was wrong, what it was (its ``repr``) and what was expected.
The same rules hold in every module:

- Integers go through `operator.index`, so NumPy integer scalars and
  one-element integer tensors are accepted wherever a Python `int` is.
- Real numbers: ints, floats, NumPy integer and floating scalars and one-element
  real tensors; NaN and infinities only where an argument says so.
- Bools of every kind (Python, NumPy, bool tensors) are refused where a number
  is meant; a NumPy bool is accepted where a bool is.
- A str argument is checked for its type before its value, so an unhashable
  value such as ``["en"]`` is a `TypeError` naming the argument.
- Seeds are ints from 0 to 2**64 - 1 (`check_seed`).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import operator
import os
import sys
import types
from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

DEVICE_TYPES = ("cpu", "cuda", "mps")

# Used when the memory of a device cannot be read (a system without sysconf).
_FALLBACK_MEMORY_BYTES = 2**40
_REPR_LIMIT = 80


def describe(value: object) -> str:
    """Name a value's type and show its repr, shortened: ``"float 2.5"``."""
    text = repr(value)
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return f"{type(value).__name__} {text}"


def describe_tensor(tensor: torch.Tensor) -> str:
    """Describe a tensor by dtype and shape: ``"float32 tensor of shape (16, 2)"``."""
    dtype = str(tensor.dtype).removeprefix("torch.")
    return f"{dtype} tensor of shape {tuple(tensor.shape)}"


def is_boolean(value: object) -> bool:
    """Whether ``value`` is a bool of any kind: Python, NumPy or a bool tensor."""
    if isinstance(value, bool):
        return True
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, torch.dtype):
        return dtype == torch.bool
    return getattr(dtype, "kind", None) == "b"


def check_int(
    value: object, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an int, or raise an error naming ``name`` and the value.

    Anything `operator.index` accepts is an int: Python ints, NumPy integer
    scalars (``numpy.int64(3)``) and integer tensors of one element
    (``torch.tensor(3)``). Bools of every kind are not.

    Raises:
        TypeError: If ``value`` is not an integer, or is a bool.
        ValueError: If it is below ``minimum`` or above ``maximum``.
    """
    if is_boolean(value):
        raise TypeError(f"{name} must be an int, got {describe(value)}")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except (TypeError, RuntimeError, ValueError):
        raise TypeError(f"{name} must be an int, got {describe(value)}") from None
    if minimum is not None and number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value!r}")
    return number


SEED_MAX = 2**64 - 1


def check_seed(value: object, name: str = "seed") -> int:
    """Return a random seed as an int from 0 to 2**64 - 1, or raise naming ``name``.

    `torch.manual_seed` accepts that range and also reads a negative seed
    ``s`` as ``2**64 + s`` (so -1 and 2**64 - 1 give the same numbers); nnguide
    refuses negative seeds instead of aliasing them.

    Raises:
        TypeError: If ``value`` is not an int (or is a bool).
        ValueError: If it is negative or larger than 2**64 - 1.
    """
    number = check_int(value, name)
    if not 0 <= number <= SEED_MAX:
        raise ValueError(
            f"{name} must be an int from 0 to 2**64 - 1 = {SEED_MAX}, the seeds "
            f"torch.manual_seed accepts without aliasing, got {value!r}"
        )
    return number


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is ``True`` or ``False``, or raise a `TypeError`.

    A NumPy bool (``numpy.True_``) is read as the Python bool it stands for.
    """
    if isinstance(value, bool):
        return value
    if is_boolean(value) and not isinstance(value, torch.Tensor):
        return bool(value)
    raise TypeError(f"{name} must be a bool, got {describe(value)}")


def check_float(
    value: object,
    name: str,
    *,
    what: str = "a number",
    minimum: float | None = None,
    finite: bool = True,
) -> float:
    """Return a real number as a float, or raise an error naming ``name`` and the value.

    Accepted: ints, floats, NumPy integer and floating scalars, and real tensors
    of one element (``torch.tensor(0.5)``). Refused: bools of every kind,
    strings, complex numbers. With ``finite`` (the default), NaN and
    infinities are refused; NaN is refused whenever ``minimum`` is given.

    Raises:
        TypeError: If ``value`` is not a real number.
        ValueError: If it is not finite (with ``finite``), NaN (with
            ``minimum``) or below ``minimum``.
    """
    if is_boolean(value) or isinstance(value, (str, bytes, complex)):
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_complex():
            raise TypeError(f"{name} must be {what}, got a {describe_tensor(value)}")
    elif not hasattr(value, "__float__") or _numpy_kind(value) == "c":
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    number = float(value)
    if finite and not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and not number >= minimum:
        raise ValueError(f"{name} must be at least {minimum:g}, got {value!r}")
    return number


def _numpy_kind(value: object) -> str:
    """The NumPy dtype kind of a NumPy scalar (``"c"`` for complex), else ``""``."""
    return str(getattr(getattr(value, "dtype", None), "kind", ""))


def check_str(value: object, name: str, *, choices: Sequence[str] | None = None) -> str:
    """Return ``value`` if it is a str (one of ``choices`` when given).

    The type is checked first, so an unhashable value such as ``["en"]`` gets a
    `TypeError` that names the argument, not "unhashable type".

    Raises:
        TypeError: If ``value`` is not a str.
        ValueError: If it is not one of ``choices``.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {describe(value)}")
    if choices is not None and value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_module(value: object, name: str = "model") -> nn.Module:
    """Return ``value`` if it is an ``nn.Module``, or raise a `TypeError`."""
    if not isinstance(value, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {describe(value)}")
    return value


def check_tensor(value: object, name: str) -> torch.Tensor:
    """Return ``value`` if it is a tensor, or raise a `TypeError`."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {describe(value)}")
    return value


def check_dtype(value: object, name: str, *, example: str = "torch.float32") -> torch.dtype:
    """Return ``value`` if it is a ``torch.dtype``, or raise a `TypeError`."""
    if not isinstance(value, torch.dtype):
        raise TypeError(f"{name} must be a torch.dtype such as {example}, got {describe(value)}")
    return value


def is_quantized(dtype: torch.dtype) -> bool:
    """Whether ``dtype`` is one of PyTorch's quantized dtypes (``torch.qint8``, ...)."""
    return dtype in {torch.qint8, torch.quint8, torch.qint32, torch.quint4x2, torch.quint2x4}


def mps_available() -> bool:
    """Whether an Apple-silicon GPU (MPS) is usable."""
    backend = getattr(torch.backends, "mps", None)
    return backend is not None and bool(backend.is_available())


def parse_device(value: object, name: str, *, types: Sequence[str] = DEVICE_TYPES) -> torch.device:
    """Read ``value`` (a str or a ``torch.device``) as a device of one of ``types``.

    Raises:
        TypeError: If ``value`` is neither a str nor a ``torch.device``.
        ValueError: If it is not a device name PyTorch understands, or its type is
            not in ``types``.
    """
    allowed = ", ".join(map(repr, types[:-1])) + f" or {types[-1]!r}"
    if isinstance(value, torch.device):
        device = value
    elif isinstance(value, str):
        try:
            device = torch.device(value)
        except RuntimeError:
            raise ValueError(
                f"{name} must be {allowed} (with an optional index such as 'cuda:0') "
                f"or None, got {value!r}"
            ) from None
        if device.type not in types:
            raise ValueError(
                f"{name} must be {allowed} (with an optional index such as 'cuda:0') "
                f"or None, got {value!r}"
            )
        return device
    else:
        raise TypeError(f"{name} must be a str, a torch.device or None, got {describe(value)}")
    if device.type not in types:
        raise ValueError(f"{name} must be a {allowed} device, got a {device.type!r} device")
    return device


def check_available(device: torch.device, name: str, value: object) -> torch.device:
    """Return ``device`` if this machine has it, else raise a `RuntimeError`."""
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"{name}={value!r} asks for a CUDA GPU, but none is available "
                "(torch.cuda.is_available() is False); use get_device() to fall back "
                "to the best available device"
            )
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise RuntimeError(
                f"{name}={value!r} asks for CUDA device {device.index}, but only "
                f"{count} CUDA device(s) are available (indices 0 to {count - 1})"
            )
    elif device.type == "mps" and not mps_available():
        raise RuntimeError(
            f"{name}={value!r} asks for an Apple-silicon GPU (MPS), but none is "
            "available; use get_device() to fall back to the best available device"
        )
    return device


def check_device(value: object, name: str, *, types: Sequence[str] = DEVICE_TYPES) -> torch.device:
    """Read and check a device argument: a valid name of a device this machine has."""
    return check_available(parse_device(value, name, types=types), name, value)


def model_device(model: nn.Module) -> torch.device | None:
    """The device of the model's first parameter or buffer; ``None`` when it has none."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return None


def check_loader(value: object, name: str, *, passes: int = 1) -> Iterable[Any]:
    """Check that ``value`` can be iterated ``passes`` times, yielding batches.

    A generator or other iterator can be iterated only once, so it is refused
    when it is needed more than once (several epochs).
    """
    if isinstance(value, (torch.Tensor, str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(
            f"{name} must be an iterable of (inputs, targets) batches such as a "
            f"torch.utils.data.DataLoader, got {describe(value)}"
        )
    if passes > 1 and isinstance(value, Iterator):
        kind = "a generator" if isinstance(value, types.GeneratorType) else "an iterator"
        if type(value).__name__ != "generator":
            kind += f" ({type(value).__name__})"
        raise ValueError(
            f"{name} is {kind}, which can be iterated only once, "
            f"but it is needed {passes} times (once per epoch); pass a list of batches "
            "or a torch.utils.data.DataLoader instead"
        )
    return value


def format_bytes(num_bytes: float) -> str:
    """Format a number of bytes with a binary unit: ``"1.50 GiB"``."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if num_bytes < 1024 or unit == "TiB":
            return f"{num_bytes:.0f} {unit}" if unit == "B" else f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def device_memory(device: torch.device) -> int | None:
    """Total memory of ``device`` in bytes; ``None`` for one that needs none (meta)."""
    if device.type == "meta":
        return None
    if device.type == "cuda" and torch.cuda.is_available():
        index = device.index if device.index is not None else torch.cuda.current_device()
        return int(torch.cuda.get_device_properties(index).total_memory)
    if device.type == "cpu" and sys.platform != "win32":
        try:
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (AttributeError, ValueError, OSError):  # pragma: no cover - platform
            return _FALLBACK_MEMORY_BYTES
    return _FALLBACK_MEMORY_BYTES


def check_memory(num_bytes: int, name: str, what: str, device: torch.device) -> None:
    """Refuse a request for more memory than ``device`` has, naming the argument.

    Raises:
        ValueError: If ``num_bytes`` exceeds the device's total memory.
    """
    limit = device_memory(device)
    if limit is not None and num_bytes > limit:
        raise ValueError(
            f"{name} asks for {format_bytes(num_bytes)} of memory for {what}, more than "
            f"the {format_bytes(limit)} that the {device.type} device has"
        )


def tensor_bytes(shape: Sequence[int], dtype: torch.dtype) -> int:
    """Bytes a tensor of ``shape`` and ``dtype`` takes, computed without creating it."""
    return math.prod(shape) * dtype.itemsize


Call = tuple[nn.Module, tuple[Any, ...], dict[str, Any]]


class ModuleCalls:
    """Watch a model's module calls through forward hooks, while in a ``with`` block.

    Every module of ``model`` gets a forward pre-hook and a forward hook with
    ``always_call=True`` (public `torch.nn.Module` hooks, removed on exit). They
    record which module call an error propagated out of, and which module
    produced the model's output.

    Examples:
        >>> import torch
        >>> from torch import nn
        >>> model = nn.Sequential(nn.Linear(3, 2), nn.Sigmoid())
        >>> with ModuleCalls(model) as calls:
        ...     output = model(torch.zeros(1, 3))
        ...     try:
        ...         model(torch.zeros(1, 4))
        ...     except RuntimeError as error:
        ...         module, args, kwargs = calls.failed(error)
        >>> module_label(model, module), tuple(args[0].shape)
        ('layer "0" (Linear)', (1, 4))
        >>> type(calls.producer(output)).__name__
        'Sigmoid'
    """

    def __init__(self, model: nn.Module) -> None:
        self._model = model
        self._handles: list[Any] = []
        # One (module, args, kwargs, exception being handled at entry) per open call.
        self._open: list[tuple[nn.Module, tuple[Any, ...], dict[str, Any], object]] = []
        self._failed: dict[int, tuple[BaseException, Call]] = {}
        self._last: tuple[torch.Tensor, nn.Module] | None = None

    def __enter__(self) -> ModuleCalls:
        for module in self._model.modules():
            self._handles.append(module.register_forward_pre_hook(self._enter, with_kwargs=True))
            self._handles.append(
                module.register_forward_hook(self._leave, with_kwargs=True, always_call=True)
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._open.clear()

    def _enter(self, module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._open.append((module, args, kwargs, sys.exc_info()[1]))

    def _leave(
        self, module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any
    ) -> None:
        ambient: object = None
        if self._open and self._open[-1][0] is module:
            _, args, kwargs, ambient = self._open.pop()
        error = sys.exc_info()[1]
        if error is not None and error is not ambient:
            # Called while ``error`` leaves this module: the first module is the innermost.
            self._failed.setdefault(id(error), (error, (module, tuple(args), dict(kwargs))))
        else:
            if not self._open:
                # The outermost call succeeded: errors caught inside it are of no further
                # interest, and keeping them would keep their frames' tensors alive.
                self._failed.clear()
            if isinstance(output, torch.Tensor) and (
                self._last is None or self._last[0] is not output
            ):
                self._last = (output, module)

    def failed(self, error: BaseException) -> Call | None:
        """The innermost module call ``error`` propagated out of, with its arguments.

        A module whose error the model caught and replaced is not blamed: only
        calls the raised error itself left count. ``None`` when it left none.
        """
        found = self._failed.get(id(error))
        return found[1] if found is not None and found[0] is error else None

    def producer(self, output: object) -> nn.Module | None:
        """The innermost module whose call returned the tensor ``output`` itself."""
        if self._last is not None and self._last[0] is output:
            return self._last[1]
        return None


def add_context(error: BaseException, note: str) -> BaseException:
    """``error`` with ``note`` added, to be raised again; its type stays the same.

    On Python 3.11+ the note is added with `BaseException.add_note` to the same
    object, so ``raise add_context(error, note)`` raises the original error. On
    3.10 a new error of the same type carries the original message and the note,
    with ``error`` as its ``__cause__``; when that type cannot be built from one
    message, ``error`` itself comes back unchanged.

    Examples:
        >>> error = add_context(KeyError("a"), "batch 3 of loader: fetching the batch failed")
        >>> type(error).__name__, "batch 3" in "".join(getattr(error, "__notes__", [str(error)]))
        ('KeyError', True)
    """
    if sys.version_info >= (3, 11):
        error.add_note(note)
        return error
    try:
        chained = type(error)(f"{error}\n{note}")
    except Exception:
        return error
    chained.__cause__ = error
    return chained


def module_label(model: nn.Module, module: nn.Module) -> str:
    """Name ``module`` as part of ``model``: ``'layer "0" (Linear)'`` or ``'model (MLP)'``."""
    if module is model:
        return f"model ({type(module).__name__})"
    for name, candidate in model.named_modules():
        if candidate is module:
            return f'layer "{name}" ({type(module).__name__})'
    return f"module {type(module).__name__}"


@contextlib.contextmanager
def preserved_state(model: nn.Module, *, rng_device: torch.device | None = None) -> Generator[None]:
    """Restore every module's train/eval mode and every parameter's ``requires_grad``.

    The modes are set back attribute by attribute, not through ``train()``, so a
    custom ``train()`` method runs no second time. With ``rng_device`` the global
    random number generators of the CPU (and of that CUDA device) are restored too.
    """
    modes = [(module, module.training) for module in model.modules()]
    grads = [(parameter, parameter.requires_grad) for parameter in model.parameters()]
    devices: list[int] = []
    if rng_device is not None and rng_device.type == "cuda":
        devices = [
            rng_device.index if rng_device.index is not None else torch.cuda.current_device()
        ]
    with torch.random.fork_rng(devices=devices, enabled=rng_device is not None):
        try:
            yield
        finally:
            for module, training in modes:
                module.training = training
            for parameter, requires_grad in grads:
                if parameter.requires_grad != requires_grad:
                    parameter.requires_grad_(requires_grad)
