"""torchinfo as an oracle: on every model where it works, nnguide.summary must agree with it."""

import itertools
import math
import sys
import warnings
from typing import Any

import pytest
import torch
import torchinfo
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn.utils import prune

from nnguide import count_parameters, summary
from tests.nnguide.model_zoo import MODELS, Frozen, Tied, input_dtypes, torchinfo_arguments


def first_tensor_shape(shape: Any) -> list[int]:
    """torchinfo lists the shape of the first tensor of a tuple output."""
    while isinstance(shape, list):
        shape = shape[0]
    return list(shape)


def both(model: nn.Module, kwargs: dict[str, Any]):
    ours = summary(model, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torchinfo warns about half precision on the CPU
        theirs = torchinfo.summary(model, verbose=0, **torchinfo_arguments(kwargs, model))
    return ours, theirs


def assert_agree(model: nn.Module, kwargs: dict[str, Any]) -> None:
    """Counts, leaf rows and the size estimates that mean the same in both tools."""
    ours, theirs = both(model, kwargs)
    assert (ours.total_params, ours.trainable_params, ours.non_trainable_params) == (
        theirs.total_params,
        theirs.trainable_params,
        theirs.total_params - theirs.trainable_params,
    )
    assert ours.total_params == count_parameters(model)
    assert ours.trainable_params == count_parameters(model, trainable_only=True)
    assert [(layer.type, first_tensor_shape(layer.output_shape)) for layer in ours.layers] == [
        (layer.class_name, layer.output_size)
        for layer in theirs.summary_list
        if layer.is_leaf_layer
    ]
    # Each row's parameters: those it counts first plus those an earlier row counted.
    assert [layer.num_params + layer.shared_params for layer in ours.layers] == [
        layer.num_params for layer in theirs.summary_list if layer.is_leaf_layer
    ]
    # Bytes, per dtype: parameters as the model holds them.
    param_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    assert ours.params_size_mb * 2**20 == param_bytes
    if ours.params_outside_layers == 0 and not any(layer.shared_params for layer in ours.layers):
        # torchinfo sums the parameter bytes of leaf layers only.
        assert ours.params_size_mb * 2**20 == theirs.total_param_bytes
    if "input_size" in kwargs:
        # torchinfo measures each input with sys.getsizeof(storage): its bytes plus a header.
        dtypes = input_dtypes(kwargs, model) or [torch.float32]
        header = sys.getsizeof(torch.empty(0).untyped_storage())
        assert ours.input_size_mb * 2**20 == theirs.total_input - header * len(dtypes)


@pytest.fixture(params=list(MODELS), ids=list(MODELS))
def case(request):
    torch.manual_seed(0)
    make_model, make_kwargs = MODELS[request.param]
    return make_model(), make_kwargs()


def test_the_zoo_holds_the_models_summary_once_got_wrong():
    assert len(MODELS) >= 30
    kinds = {type(module) for make_model, _ in MODELS.values() for module in make_model().modules()}
    assert {nn.LSTM, nn.GRU, nn.RNN, nn.MultiheadAttention, nn.TransformerEncoderLayer} <= kinds
    dtypes = {
        parameter.dtype
        for make_model, _ in MODELS.values()
        for parameter in make_model().parameters()
    }
    assert {torch.float64, torch.float16, torch.bfloat16, torch.float32} <= dtypes


def test_every_zoo_model_agrees_with_torchinfo(case):
    model, kwargs = case
    assert_agree(model, kwargs)


def test_parameter_counts_equal_torchinfo(case):
    model, kwargs = case
    ours, theirs = both(model, kwargs)
    assert (ours.total_params, ours.trainable_params) == (
        theirs.total_params,
        theirs.trainable_params,
    )


def test_sequence_first_rows_have_the_batch_in_dimension_1():
    make_model, make_kwargs = MODELS["sequence-first GRU tagger"]
    model, kwargs = make_model(), make_kwargs()
    result = summary(model, **kwargs)
    assert [layer.output_shape_text for layer in result.layers] == [
        "([7, -1, 12], [2, -1, 12])",
        "[7, -1, 5]",
    ]


def test_weight_norm_rows_are_the_parametrizations_as_torchinfo_lists_them():
    result = summary(MODELS["weight_norm"][0](), **MODELS["weight_norm"][1]())
    assert [(layer.type, layer.output_shape) for layer in result.layers] == [
        ("_WeightNorm", (4, 1, 3, 3)),
        ("ReLU", (2, 4, 6, 6)),
        ("Flatten", (2, 144)),
        ("_WeightNorm", (3, 144)),
    ]
    # The originals (weight_g, weight_v) and the biases are counted once each.
    assert result.total_params == (4 + 36 + 4) + (3 + 432 + 3)


def test_tied_weights_are_where_torchinfo_1_8_differs():
    model = Tied()
    ids = torch.zeros(2, 3, dtype=torch.long)
    ours = summary(model, input_data=ids)
    theirs = torchinfo.summary(model, input_data=ids, verbose=0)
    assert ours.total_params == count_parameters(model) == 50 * 8 + 50
    assert theirs.total_params in (ours.total_params, ours.total_params + 50 * 8)


def test_frozen_and_parameter_free_models_are_not_trivial():
    frozen = summary(Frozen(), (10,))
    assert (frozen.total_params, frozen.trainable_params) == (10 * 16 + 16 + 32 + 16 * 3 + 3, 51)
    assert summary(nn.Sequential(nn.Flatten(), nn.ReLU()), (3, 4)).total_params == 0


# Differential tests on generated models ---------------------------------------------------

dtypes = st.sampled_from([torch.float32, torch.float64, torch.float16])


@settings(max_examples=20, deadline=None)
@given(
    widths=st.lists(st.integers(1, 12), min_size=2, max_size=5),
    batch=st.integers(1, 4),
    frozen=st.integers(0, 4),
    bias=st.booleans(),
    dtype=dtypes,
)
def test_generated_mlps_agree_with_torchinfo(widths, batch, frozen, bias, dtype):
    layers: list[nn.Module] = []
    for inputs, outputs in itertools.pairwise(widths):
        layers += [nn.Linear(inputs, outputs, bias=bias), nn.ReLU()]
    model = nn.Sequential(*layers).to(dtype)
    for layer in list(model)[: 2 * frozen : 2]:
        layer.requires_grad_(False)
    assert_agree(model, {"input_size": (widths[0],), "batch_size": batch})


@settings(max_examples=20, deadline=None)
@given(
    channels=st.integers(1, 4),
    out_channels=st.integers(1, 5),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    extra=st.integers(0, 6),
    batch=st.integers(1, 3),
    norm=st.booleans(),
    dtype=dtypes,
)
def test_generated_cnns_agree_with_torchinfo(
    channels, out_channels, kernel, stride, padding, dilation, extra, batch, norm, dtype
):
    size = dilation * (kernel - 1) + 1 + extra
    conv = nn.Conv2d(channels, out_channels, kernel, stride, padding, dilation)
    out = math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1
    layers: list[nn.Module] = [conv]
    if norm and dtype != torch.float16:
        layers.append(nn.BatchNorm2d(out_channels))
    layers += [nn.ReLU(), nn.Flatten(), nn.Linear(out_channels * out * out, 3)]
    model = nn.Sequential(*layers).to(dtype)
    assert_agree(model, {"input_size": (channels, size, size), "batch_size": batch})
    first = summary(model, (channels, size, size)).layers[0]
    assert first.output_shape == (2, out_channels, out, out)


@settings(max_examples=10, deadline=None)
@given(
    cell=st.sampled_from([nn.RNN, nn.LSTM, nn.GRU]),
    batch_first=st.booleans(),
    layers=st.integers(1, 2),
    sequence=st.integers(1, 5),
    batch=st.integers(1, 3),
)
def test_generated_rnns_agree_with_torchinfo(cell, batch_first, layers, sequence, batch):
    model = cell(3, 4, num_layers=layers, batch_first=batch_first)
    kwargs = {
        "input_size": (sequence, 3),
        "batch_size": batch,
        "batch_dim": 0 if batch_first else 1,
    }
    assert_agree(model, kwargs)
    assert summary(model, **kwargs).batch_size == batch


def test_an_encoder_with_a_padding_mask_runs_where_torchinfo_fails():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, nhead=2, dim_feedforward=16, batch_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=2)
    source = torch.rand(2, 5, 8)
    mask = torch.zeros(2, 5, dtype=torch.bool)
    mask[0, 3:] = True
    inputs = {"src": source, "src_key_padding_mask": mask}
    with pytest.raises(RuntimeError), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torchinfo.summary(encoder, input_data=inputs, verbose=0)
    result = summary(encoder, input_data=inputs)
    assert len(result.layers) == 14
    assert {layer.output_shape for layer in result.layers} == {(2, 5, 8), (2, 5, 16)}
    assert result.total_params == count_parameters(encoder)
    assert encoder.use_nested_tensor is True  # the shortcut is switched back on


def test_a_nested_tensor_output_has_no_shape():
    class Ragged(nn.Module):
        def forward(self, x):
            return torch.nested.nested_tensor([x[0, :2], x[1, :3]])

    row = summary(Ragged(), (4,)).layers[0]
    assert row.output_shape is None and row.output_shape_text == "-"


def test_pruned_weights_are_where_torchinfo_counts_the_mask():
    model = nn.Sequential(nn.Linear(4, 3))
    prune.l1_unstructured(model[0], "weight", amount=0.5)
    ours = summary(model, (4,))
    theirs = torchinfo.summary(model, input_size=(2, 4), verbose=0)
    # weight_orig (12) and bias (3) are parameters; torchinfo counts the 6 weights left.
    assert ours.total_params == count_parameters(model) == 15
    assert theirs.total_params == 6 + 3
