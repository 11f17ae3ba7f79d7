import numpy as np
import pytest
import torch
from torch import nn

from nnguide import MLP, count_parameters
from tests.nnguide.model_zoo import Tied


def lecture_network() -> MLP:
    return MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")


def test_lecture_network_has_9313_parameters():
    assert count_parameters(lecture_network()) == 9313


def test_lecture_network_matches_the_hand_written_sequential():
    model = lecture_network()
    expected = [nn.Linear, nn.Tanh, nn.Linear, nn.Tanh, nn.Linear, nn.Sigmoid]
    assert [type(layer) for layer in model] == expected
    assert [(layer.in_features, layer.out_features) for layer in model[::2]] == [
        (128, 64),
        (64, 16),
        (16, 1),
    ]
    assert isinstance(model, nn.Sequential)


def test_forward_gives_one_probability_per_sample():
    model = lecture_network()
    output = model(torch.rand(32, 128))
    assert output.shape == (32, 1)
    assert bool(((output > 0) & (output < 1)).all())


def test_repr_shows_the_sizes_and_numbered_layers():
    text = repr(lecture_network())
    assert text.splitlines()[:3] == [
        "MLP(",
        "  sizes=(128, 64, 16, 1), activation='tanh', output_activation='sigmoid'",
        "  (0): Linear(in_features=128, out_features=64, bias=True)",
    ]
    assert "(5): Sigmoid()" in text


def test_without_output_activation_the_last_layer_is_linear():
    model = MLP([4, 8, 3])
    assert [type(layer) for layer in model] == [nn.Linear, nn.ReLU, nn.Linear]
    assert model.output_activation is None


def test_two_sizes_give_a_single_linear_layer():
    model = MLP([5, 2], output_activation="softmax")
    assert [type(layer) for layer in model] == [nn.Linear, nn.Softmax]
    assert torch.allclose(model(torch.rand(3, 5)).sum(dim=1), torch.ones(3))


def test_attributes_keep_the_description():
    model = MLP((3, 4, 5), activation="GELU")
    assert model.sizes == (3, 4, 5)
    assert model.activation == "GELU"
    assert isinstance(model[1], nn.GELU)


def test_numpy_integers_are_accepted():
    assert MLP(np.array([3, 2]).tolist()).sizes == (3, 2)
    assert MLP([np.int64(3), np.int32(2)]).sizes == (3, 2)


@pytest.mark.parametrize("sizes", [[], [128]])
def test_fewer_than_two_sizes_is_a_value_error(sizes):
    with pytest.raises(
        ValueError, match=r"sizes must list at least 2 layer widths \(input and output\), got"
    ):
        MLP(sizes)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([128, 0, 1], r"sizes\[1\] must be at least 1, got 0"),
        ([128, 64, -1], r"sizes\[2\] must be at least 1, got -1"),
    ],
)
def test_non_positive_sizes_are_value_errors(sizes, message):
    with pytest.raises(ValueError, match=message):
        MLP(sizes)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([128, 64.0, 1], r"sizes\[1\] must be an int, got float 64.0"),
        ([True, 2], r"sizes\[0\] must be an int, got bool True"),
        ([128, "64"], r"sizes\[1\] must be an int, got str '64'"),
        (128, r"sizes must be a list of layer widths such as \[128, 64, 1\], got int 128"),
        ("128", r"sizes must be a list of layer widths such as \[128, 64, 1\], got str '128'"),
        ({128, 64}, r"sizes must be a list of layer widths such as \[128, 64, 1\], got set"),
    ],
)
def test_sizes_of_the_wrong_type_are_type_errors(sizes, message):
    with pytest.raises(TypeError, match=message):
        MLP(sizes)


def test_unknown_activation_is_a_value_error_listing_the_names():
    with pytest.raises(
        ValueError, match=r"unknown activation 'swish'; valid names are: sigmoid, tanh, relu"
    ):
        MLP([3, 4, 1], activation="swish")


def test_unknown_output_activation_is_a_value_error():
    with pytest.raises(ValueError, match=r"unknown activation 'probability'"):
        MLP([3, 4, 1], output_activation="probability")


def test_unknown_activation_is_rejected_even_without_hidden_layers():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'"):
        MLP([3, 1], activation="swish")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"activation": nn.ReLU()},
            r"activation must be an activation name such as 'relu', got ReLU",
        ),
        (
            {"activation": None},
            r"activation must be an activation name such as 'relu', got NoneType",
        ),
        (
            {"output_activation": nn.Sigmoid},
            r"output_activation must be an activation name such as 'sigmoid' or None, got type",
        ),
    ],
)
def test_activation_must_be_a_name(kwargs, message):
    with pytest.raises(TypeError, match=message):
        MLP([3, 4, 1], **kwargs)


def test_count_parameters_counts_frozen_ones_unless_asked():
    model = lecture_network()
    model[0].requires_grad_(False)
    assert count_parameters(model) == 9313
    assert count_parameters(model, trainable_only=True) == 9313 - 8256


def test_count_parameters_counts_shared_parameters_once():
    shared = nn.Linear(10, 10)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert count_parameters(model) == 110

    assert count_parameters(Tied()) == 50 * 8 + 50


def test_count_parameters_includes_bare_parameters_and_ignores_buffers():
    class Scaled(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.scale = nn.Parameter(torch.ones(4))

    assert count_parameters(Scaled()) == 24
    assert count_parameters(nn.BatchNorm1d(8)) == 16  # weight and bias; running stats are buffers
    assert count_parameters(nn.ReLU()) == 0


def test_count_parameters_needs_a_module():
    with pytest.raises(TypeError, match=r"model must be a torch.nn.Module, got OrderedDict"):
        count_parameters(nn.Linear(2, 2).state_dict())


def test_count_parameters_needs_a_bool_flag():
    with pytest.raises(TypeError, match=r"trainable_only must be a bool, got str 'yes'"):
        count_parameters(nn.Linear(2, 2), trainable_only="yes")


def test_count_parameters_explains_uninitialized_lazy_modules():
    model = nn.Sequential(nn.LazyLinear(4))
    with pytest.raises(
        ValueError, match=r"parameter '0.weight' is not initialized yet \(a lazy module\)"
    ):
        count_parameters(model)
    model(torch.ones(2, 3))
    assert count_parameters(model) == 16


def test_a_slice_is_a_plain_sequential_of_the_same_layers():
    model = lecture_network()
    head = model[:2]
    assert type(head) is nn.Sequential
    assert head[0] is model[0]
    assert head(torch.rand(3, 128)).shape == (3, 64)
    assert isinstance(model[-1], nn.Sigmoid)


@pytest.mark.parametrize("shape", [(5, 4), (2, 7, 4), (3, 2, 2, 4), (4,)])
def test_mlp_softmax_output_sums_to_one_over_the_features_for_any_leading_shape(shape):
    torch.manual_seed(0)
    model = MLP([4, 8, 3], output_activation="softmax")
    probabilities = model(torch.randn(*shape))
    assert probabilities.shape == (*shape[:-1], 3)
    assert torch.allclose(probabilities.sum(dim=-1), torch.ones(shape[:-1]))
    assert model[-1].dim == -1


def test_mlp_hidden_softmax_also_uses_the_last_dimension():
    model = MLP([4, 3, 2], activation="softmax")
    hidden = model[:2](torch.randn(2, 5, 4))
    assert torch.allclose(hidden.sum(dim=-1), torch.ones(2, 5))


def test_mlp_and_count_parameters_take_numpy_ints_but_not_bools():
    model = MLP([np.int64(4), np.int32(3), 2])
    assert model.sizes == (4, 3, 2)
    assert all(type(size) is int for size in model.sizes)
    with pytest.raises(TypeError, match=r"sizes\[1\] must be an int, got bool True"):
        MLP([4, True, 2])
