import contextlib
import gc
import sys
import weakref

import numpy as np
import pytest
import torch
from torch import nn

from nnguide import _validation as v


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), torch.tensor(3)])
def test_check_int_accepts_every_integer_type(value):
    assert v.check_int(value, "n") == 3
    assert type(v.check_int(value, "n")) is int


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (True, TypeError, "n must be an int, got bool True"),
        (2.0, TypeError, "n must be an int, got float 2.0"),
        ("2", TypeError, "n must be an int, got str '2'"),
        (np.float64(2), TypeError, "n must be an int, got float64"),
        (0, ValueError, "n must be at least 1, got 0"),
    ],
)
def test_check_int_names_the_argument_and_the_value(value, error, message):
    with pytest.raises(error, match=message):
        v.check_int(value, "n", minimum=1)


def test_check_float_and_bool():
    assert v.check_float(np.float32(0.5), "x") == 0.5
    assert v.check_float(2, "x") == 2.0
    for bad in ("0.5", True, 1j, torch.ones(2)):
        with pytest.raises(TypeError, match="x must be a number, got"):
            v.check_float(bad, "x")
    with pytest.raises(ValueError, match="x must be a finite number, got nan"):
        v.check_float(float("nan"), "x")
    assert v.check_bool(False, "flag") is False
    with pytest.raises(TypeError, match="flag must be a bool, got str 'no'"):
        v.check_bool("no", "flag")


def test_check_device_names_the_argument():
    assert v.check_device("cpu", "device") == torch.device("cpu")
    with pytest.raises(ValueError, match=r"^device must be 'cpu', 'cuda' or 'mps'.*got 'tpu9'"):
        v.check_device("tpu9", "device")
    with pytest.raises(ValueError, match="got a 'meta' device"):
        v.check_device(torch.device("meta"), "device")
    assert v.check_device("meta", "device", types=("cpu", "meta")).type == "meta"
    with pytest.raises(TypeError, match=r"where must be a str, a torch.device or None, got int 0"):
        v.check_device(0, "where")


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_check_device_refuses_a_missing_gpu():
    with pytest.raises(RuntimeError, match="device='cuda' asks for a CUDA GPU, but none"):
        v.check_device("cuda", "device")


def test_check_loader_refuses_one_shot_iterators_for_several_passes():
    batches = [(torch.zeros(1), torch.zeros(1))]
    assert v.check_loader(batches, "loader", passes=3) is batches
    v.check_loader(iter(batches), "loader", passes=1)
    with pytest.raises(ValueError, match=r"^loader is a generator, which can be iterated only"):
        v.check_loader((b for b in batches), "loader", passes=2)
    with pytest.raises(ValueError, match=r"loader is an iterator \(list_iterator\)"):
        v.check_loader(iter(batches), "loader", passes=2)
    for bad in (torch.zeros(3), "abc", 3):
        with pytest.raises(TypeError, match="loader must be an iterable of"):
            v.check_loader(bad, "loader")


def test_memory_estimate():
    assert v.tensor_bytes((2, 3), torch.float64) == 48
    assert v.tensor_bytes((10**7, 10**7), torch.float32) == 4 * 10**14
    v.check_memory(1024, "size", "a test", torch.device("cpu"))
    v.check_memory(10**30, "size", "a test", torch.device("meta"))  # meta needs no memory
    with pytest.raises(ValueError, match=r"size asks for 909\.49 TiB of memory for a test"):
        v.check_memory(10**15, "size", "a test", torch.device("cpu"))
    assert v.format_bytes(1536) == "1.50 KiB"


def test_model_device_has_one_meaning():
    assert v.model_device(nn.ReLU()) is None
    assert v.model_device(nn.Linear(2, 2)) == torch.device("cpu")
    assert v.model_device(nn.Linear(2, 2, device="meta")) == torch.device("meta")
    buffers_only = nn.Module()
    buffers_only.register_buffer("scale", torch.ones(1, device="meta"))
    assert v.model_device(buffers_only) == torch.device("meta")


def test_module_calls_blame_the_innermost_module_the_error_left():
    class Catches(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.Linear(3, 3)

        def forward(self, x, scale=1.0):
            with contextlib.suppress(RuntimeError):
                self.inner(x)  # fails: x has 2 features
            raise ValueError("the model's own failure")

    model = Catches()
    with v.ModuleCalls(model) as calls, pytest.raises(ValueError) as caught:
        model(torch.zeros(1, 2), scale=2.0)
    module, args, kwargs = calls.failed(caught.value)
    assert module is model
    assert args[0].shape == (1, 2) and kwargs == {"scale": 2.0}
    assert v.module_label(model, module) == "model (Catches)"
    assert v.module_label(model, model.inner) == 'layer "inner" (Linear)'
    assert calls.failed(ValueError("not from a module")) is None
    # The hooks are gone after the block: the model runs hook-free again.
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in model.modules())


def test_module_calls_blame_the_innermost_layer_and_name_the_producer():
    model = nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), nn.Linear(5, 2)))
    with v.ModuleCalls(model) as calls:
        with pytest.raises(RuntimeError) as caught:
            model(torch.zeros(2, 3))
        module, args, _ = calls.failed(caught.value)
        assert module is model[1][1] and args[0].shape == (2, 4)
    model[1][1] = nn.Linear(4, 2)
    with v.ModuleCalls(model) as calls:
        output = model(torch.zeros(2, 3))
        # The innermost module that returned the output tensor itself.
        assert calls.producer(output) is model[1][1]
        assert calls.producer(output + 1) is None


def test_module_calls_ignore_an_error_being_handled_around_the_call():
    model = nn.Linear(2, 2)
    with v.ModuleCalls(model) as calls:
        try:
            raise KeyError("handled outside the model")
        except KeyError as handled:
            output = model(torch.zeros(1, 2))  # succeeds while KeyError is being handled
            assert calls.failed(handled) is None
            assert calls.producer(output) is model


def test_add_context_keeps_the_error_object_and_its_type():
    error = torch.OutOfMemoryError("CUDA out of memory")
    same = v.add_context(error, "epoch 1/1, batch 0 of train_loader")
    assert same is error and type(same) is torch.OutOfMemoryError
    assert error.__notes__ == ["epoch 1/1, batch 0 of train_loader"]


def test_preserved_state_restores_modes_requires_grad_and_rng():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    model[1].eval()
    model[0].bias.requires_grad_(False)
    state = torch.get_rng_state()
    with v.preserved_state(model, rng_device=torch.device("cpu")):
        model.train()
        for parameter in model.parameters():
            parameter.requires_grad_(True)
        torch.rand(10)
    assert model.training and not model[1].training
    assert not model[0].bias.requires_grad and model[0].weight.requires_grad
    assert torch.equal(torch.get_rng_state(), state)


def test_add_context_chains_an_error_of_the_same_type_before_python_3_11(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 10, 14))
    error = KeyError("label")
    chained = v.add_context(error, "batch 0 of loader: fetching the batch failed")
    assert type(chained) is KeyError and chained is not error
    assert chained.__cause__ is error
    assert "batch 0 of loader: fetching the batch failed" in str(chained)
    assert not hasattr(error, "__notes__")
    # A type that cannot be built from one message comes back unchanged.
    odd = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    assert v.add_context(odd, "note") is odd


def test_module_calls_forget_errors_caught_inside_a_call_that_succeeded():
    markers = []

    class Fallback(nn.Module):
        def __init__(self):
            super().__init__()
            self.fast = nn.Linear(3, 2)
            self.slow = nn.Linear(2, 2)

        def forward(self, x):
            marker = torch.zeros(
                1000
            )  # lives in this frame, which the caught error's traceback holds
            markers.append(weakref.ref(marker))
            try:
                return self.fast(x)
            except RuntimeError:
                return self.slow(x)

    model = Fallback()
    with v.ModuleCalls(model):
        for _ in range(3):
            model(torch.zeros(1, 2))
        gc.collect()
        assert [marker() for marker in markers] == [None, None, None]
