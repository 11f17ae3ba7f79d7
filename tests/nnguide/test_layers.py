import pytest
import torch
from torch import nn

from nnguide import ACTIVATIONS, activation, linear_forward


@pytest.mark.parametrize(
    ("name", "expected_type"),
    [
        ("sigmoid", nn.Sigmoid),
        ("tanh", nn.Tanh),
        ("relu", nn.ReLU),
        ("leaky_relu", nn.LeakyReLU),
        ("gelu", nn.GELU),
        ("softmax", nn.Softmax),
        ("identity", nn.Identity),
    ],
)
def test_each_name_gives_its_module(name, expected_type):
    module = activation(name)
    assert type(module) is expected_type
    assert name in ACTIVATIONS


@pytest.mark.parametrize(
    ("name", "expected_type"),
    [
        ("ReLU", nn.ReLU),
        ("RELU", nn.ReLU),
        (" relu ", nn.ReLU),
        ("LeakyReLU", nn.LeakyReLU),
        ("leaky-relu", nn.LeakyReLU),
        ("GELU", nn.GELU),
        ("Softmax", nn.Softmax),
    ],
)
def test_names_ignore_case_and_separators(name, expected_type):
    assert type(activation(name)) is expected_type


def test_each_call_returns_a_new_module():
    assert activation("relu") is not activation("relu")


def test_activations_keep_the_shape_and_compute_the_function():
    x = torch.linspace(-3, 3, 12).reshape(2, 6)
    assert torch.equal(activation("relu")(x), x.clamp(min=0))
    assert torch.allclose(activation("sigmoid")(x), 1 / (1 + torch.exp(-x)))
    assert torch.allclose(activation("tanh")(x), torch.tanh(x))
    assert torch.equal(activation("identity")(x), x)
    assert torch.allclose(
        activation("leaky_relu", negative_slope=0.5)(x), torch.where(x > 0, x, x / 2)
    )


def test_softmax_defaults_to_dim_1_so_each_row_sums_to_one():
    logits = torch.arange(40.0).reshape(2, 20)
    probabilities = activation("softmax")(logits)
    assert activation("softmax").dim == 1
    assert probabilities.shape == (2, 20)
    assert torch.allclose(probabilities.sum(dim=1), torch.ones(2))


def test_softmax_dim_can_be_chosen():
    probabilities = activation("softmax", dim=0)(torch.arange(6.0).reshape(3, 2))
    assert torch.allclose(probabilities.sum(dim=0), torch.ones(2))


def test_keyword_arguments_reach_the_module():
    assert activation("relu", inplace=True).inplace is True
    assert activation("gelu", approximate="tanh").approximate == "tanh"


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'") as info:
        activation("swish")
    for name in ACTIVATIONS:
        assert name in str(info.value)


@pytest.mark.parametrize("name", [None, 3, nn.ReLU])
def test_name_must_be_a_string(name):
    with pytest.raises(TypeError, match=r"activation name must be a str such as 'relu', got"):
        activation(name)


def test_unexpected_keyword_is_named_with_the_accepted_ones():
    with pytest.raises(
        TypeError, match=r"'relu' got unexpected keyword argument\(s\) dim; it accepts: inplace"
    ):
        activation("relu", dim=1)


def test_activation_without_options_rejects_every_keyword():
    with pytest.raises(
        TypeError,
        match=r"'sigmoid' got unexpected keyword argument\(s\) beta, dim; it accepts none",
    ):
        activation("sigmoid", dim=1, beta=2)


def test_linear_forward_matches_nn_linear():
    torch.manual_seed(0)
    layer = nn.Linear(128, 64)
    x = torch.rand(8, 128)
    y = linear_forward(x, layer.weight, layer.bias)
    assert y.shape == (8, 64)
    assert torch.allclose(y, layer(x), atol=1e-6)


def test_linear_forward_without_bias_and_with_extra_leading_dims():
    weight = torch.arange(6.0).reshape(2, 3)
    x = torch.ones(4, 5, 3)
    y = linear_forward(x, weight)
    assert y.shape == (4, 5, 2)
    assert torch.equal(y[0, 0], torch.tensor([3.0, 12.0]))


def test_linear_forward_names_both_shapes_when_x_does_not_fit():
    with pytest.raises(
        ValueError,
        match=r"x of shape \(8, 127\) does not fit weight of shape \(64, 128\): "
        r"the last dimension of x must equal weight.shape\[1\] = 128",
    ):
        linear_forward(torch.ones(8, 127), torch.ones(64, 128))


def test_linear_forward_rejects_a_scalar_x():
    with pytest.raises(ValueError, match=r"x of shape \(\) does not fit weight of shape \(2, 3\)"):
        linear_forward(torch.tensor(1.0), torch.ones(2, 3))


def test_linear_forward_names_both_shapes_when_bias_does_not_fit():
    with pytest.raises(
        ValueError,
        match=r"bias of shape \(63,\) does not fit weight of shape \(64, 128\): "
        r"bias must have shape \(64,\)",
    ):
        linear_forward(torch.ones(8, 128), torch.ones(64, 128), torch.ones(63))


def test_linear_forward_needs_a_matrix_weight():
    with pytest.raises(
        ValueError,
        match=r"weight must have shape \(out_features, in_features\), got shape \(128,\)",
    ):
        linear_forward(torch.ones(8, 128), torch.ones(128))


@pytest.mark.parametrize(
    ("x", "weight", "bias", "message"),
    [
        ([[1.0, 2.0]], torch.ones(1, 2), None, "x must be a torch.Tensor, got list"),
        (torch.ones(1, 2), [[1.0, 1.0]], None, "weight must be a torch.Tensor, got list"),
        (torch.ones(1, 2), torch.ones(1, 2), 0.5, "bias must be a torch.Tensor or None, got float"),
    ],
)
def test_linear_forward_needs_tensors(x, weight, bias, message):
    with pytest.raises(TypeError, match=message):
        linear_forward(x, weight, bias)


# Keyword arguments are checked when the module is made, not when it first runs.


@pytest.mark.parametrize(
    ("name", "kwargs", "error", "message"),
    [
        (
            "gelu",
            {"approximate": "bad"},
            ValueError,
            r"approximate of activation 'gelu' must be one of 'none', 'tanh', got 'bad'",
        ),
        ("softmax", {"dim": "x"}, TypeError, r"dim of activation 'softmax' must be an int"),
        ("softmax", {"dim": 1.0}, TypeError, r"must be an int, got float 1\.0"),
        (
            "leaky_relu",
            {"negative_slope": "a"},
            TypeError,
            r"negative_slope of activation 'leaky_relu' must be a number, got str 'a'",
        ),
        ("relu", {"inplace": "no"}, TypeError, r"inplace of activation 'relu' must be a bool"),
        ("leaky_relu", {"inplace": 1}, TypeError, r"inplace .* must be a bool, got int 1"),
    ],
)
def test_activation_checks_keyword_values(name, kwargs, error, message):
    with pytest.raises(error, match=message):
        activation(name, **kwargs)


def test_activation_accepts_numpy_numbers():
    import numpy as np

    assert activation("softmax", dim=np.int64(-1)).dim == -1
    assert isinstance(activation("softmax", dim=np.int64(-1)).dim, int)
    slope = activation("leaky_relu", negative_slope=np.float32(0.5)).negative_slope
    assert slope == 0.5 and type(slope) is float
    assert activation("gelu", approximate="tanh").approximate == "tanh"


def test_linear_forward_refuses_mixed_dtypes_naming_both():
    weight = torch.ones(4, 3)
    with pytest.raises(
        TypeError,
        match=r"x is a float64 tensor of shape \(2, 3\) but weight is a "
        r"float32 tensor of shape \(4, 3\)",
    ):
        linear_forward(torch.ones(2, 3, dtype=torch.float64), weight)
    with pytest.raises(TypeError, match=r"but bias is a float64 tensor of shape \(4,\)"):
        linear_forward(torch.ones(2, 3), weight, torch.zeros(4, dtype=torch.float64))
    with pytest.raises(TypeError, match=r"x is a int64 tensor"):
        linear_forward(torch.ones(2, 3, dtype=torch.long), weight)
    # The same dtype everywhere is fine, float64 included.
    assert linear_forward(torch.ones(2, 3).double(), weight.double()).dtype == torch.float64


def test_linear_forward_refuses_mixed_devices():
    with pytest.raises(ValueError, match=r"x is on device 'cpu' but weight is on 'meta'"):
        linear_forward(torch.ones(2, 3), torch.ones(4, 3, device="meta"))
