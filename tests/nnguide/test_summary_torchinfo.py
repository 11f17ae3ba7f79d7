"""torchinfo as an oracle: on every model where it works, nnguide.summary must agree with it."""

from typing import Any

import pytest
import torch
import torchinfo
from torch import nn

from nnguide import count_parameters, summary
from tests.nnguide.model_zoo import MODELS, Frozen, torchinfo_arguments


def first_tensor_shape(shape: Any) -> list[int]:
    """torchinfo lists the shape of the first tensor of a tuple output."""
    while isinstance(shape, list):
        shape = shape[0]
    return list(shape)


@pytest.fixture(params=list(MODELS), ids=list(MODELS))
def case(request):
    torch.manual_seed(0)
    make_model, make_kwargs = MODELS[request.param]
    return make_model(), make_kwargs()


def test_there_are_at_least_eight_models():
    assert len(MODELS) >= 8


def test_parameter_counts_equal_torchinfo(case):
    model, kwargs = case
    ours = summary(model, **kwargs)
    theirs = torchinfo.summary(model, verbose=0, **torchinfo_arguments(kwargs))
    assert (ours.total_params, ours.trainable_params) == (
        theirs.total_params,
        theirs.trainable_params,
    )
    assert ours.total_params == count_parameters(model)
    assert ours.trainable_params == count_parameters(model, trainable_only=True)


def test_leaf_layers_equal_torchinfo(case):
    model, kwargs = case
    ours = [
        (layer.type, first_tensor_shape(layer.output_shape))
        for layer in summary(model, **kwargs).layers
    ]
    theirs = torchinfo.summary(model, verbose=0, **torchinfo_arguments(kwargs))
    assert ours == [
        (layer.class_name, layer.output_size)
        for layer in theirs.summary_list
        if layer.is_leaf_layer
    ]


def test_frozen_and_parameter_free_models_are_not_trivial():
    frozen = summary(Frozen(), (10,))
    assert (frozen.total_params, frozen.trainable_params) == (10 * 16 + 16 + 32 + 16 * 3 + 3, 51)
    assert summary(nn.Sequential(nn.Flatten(), nn.ReLU()), (3, 4)).total_params == 0
