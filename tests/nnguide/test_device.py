import pytest
import torch

from nnguide import _validation
from nnguide.device import get_device


@pytest.fixture
def no_accelerators(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(_validation, "mps_available", lambda: False)


def test_auto_picks_cpu_without_accelerators(no_accelerators):
    assert get_device() == torch.device("cpu")


def test_auto_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(_validation, "mps_available", lambda: True)
    assert get_device() == torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert get_device() == torch.device("mps")


@pytest.mark.parametrize("prefer", ["cpu", "cpu:0", torch.device("cpu")])
def test_cpu_is_always_available(prefer, no_accelerators):
    assert get_device(prefer).type == "cpu"


def test_returns_the_device_asked_for(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert get_device("cuda:1") == torch.device("cuda", 1)
    assert get_device(torch.device("cuda")) == torch.device("cuda")


def test_cuda_without_gpu_is_a_clear_error(no_accelerators):
    with pytest.raises(RuntimeError, match=r"prefer='cuda' asks for a CUDA GPU, but none"):
        get_device("cuda")


def test_cuda_index_out_of_range(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(RuntimeError, match=r"CUDA device 3, but only 1 CUDA device"):
        get_device("cuda:3")


def test_mps_without_apple_gpu_is_a_clear_error(no_accelerators):
    with pytest.raises(RuntimeError, match=r"prefer='mps' asks for an Apple-silicon GPU"):
        get_device("mps")


@pytest.mark.parametrize("prefer", ["tpu", "CUDA", "cuda:x", "", "meta"])
def test_unknown_name_is_a_value_error(prefer):
    with pytest.raises(ValueError, match=r"prefer must be 'cpu', 'cuda' or 'mps'.*got"):
        get_device(prefer)


def test_unsupported_device_object_is_a_value_error():
    with pytest.raises(ValueError, match=r"got a 'meta' device"):
        get_device(torch.device("meta"))


@pytest.mark.parametrize("prefer", [0, 1.5, ["cpu"]])
def test_wrong_type_is_a_type_error(prefer):
    with pytest.raises(TypeError, match=r"prefer must be a str, a torch.device or None, got"):
        get_device(prefer)
