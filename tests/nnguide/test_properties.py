"""Property-based tests: the public functions on generated inputs (Hypothesis).

Each test tries ``EXAMPLES[name]`` generated inputs under the derandomized
``nnguide`` profile (tests/nnguide/conftest.py), the same ones on every run.
"""

import itertools
import math
import os

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from nnguide import (
    ACTIVATIONS,
    MLP,
    accuracy,
    activation,
    confusion_matrix,
    count_parameters,
    fit,
    linear_forward,
    summary,
)

EXAMPLES = {
    "activation": 100,
    "activation_bad_kwargs": 60,
    "linear_forward": 100,
    "linear_forward_mismatch": 60,
    "mlp": 60,
    "summary": 40,
    "accuracy": 100,
    "accuracy_out_of_range": 60,
    "confusion_matrix": 100,
    "fit": 20,
}
SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny tensors gain nothing from threads, and on a busy machine they wait for them."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def examples(name):
    return settings(max_examples=EXAMPLES[name] * SCALE)


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)
widths = st.integers(1, 6)


def spellings(name):
    """Ways to write an activation's name that `activation` must accept."""
    squeezed = name.replace("_", "")
    return st.sampled_from(
        [name, name.upper(), squeezed, name.replace("_", "-"), f" {name.title()} "]
    )


def tensor(shape, seed, dtype=torch.float32):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=dtype)


seeds = st.integers(0, 2**16)


# activation ----------------------------------------------------------------------------


@examples("activation")
@given(data=st.data(), name=st.sampled_from(ACTIVATIONS), shape=shapes, seed=seeds)
def test_activation_keeps_the_shape_and_softmax_sums_to_one(data, name, shape, seed):
    spelled = data.draw(spellings(name))
    x = tensor(shape, seed)
    if name == "softmax":
        dim = data.draw(st.integers(-len(shape), len(shape) - 1))
        module = activation(spelled, dim=dim)
        y = module(x)
        assert torch.allclose(y.sum(dim=dim), torch.ones(()), atol=1e-5)
    else:
        module = activation(spelled)
        y = module(x)
    assert y.shape == x.shape
    assert type(module) is type(activation(name, **({"dim": 0} if name == "softmax" else {})))


not_bool = st.one_of(st.integers(), st.text(max_size=3), st.floats(), st.none())
not_int = st.one_of(st.floats(), st.text(max_size=3), st.booleans(), st.none())


@examples("activation_bad_kwargs")
@given(
    case=st.one_of(
        st.tuples(st.just("relu"), st.just("inplace"), not_bool),
        st.tuples(st.just("leaky_relu"), st.just("inplace"), not_bool),
        st.tuples(st.just("softmax"), st.just("dim"), not_int),
        st.tuples(
            st.just("gelu"),
            st.just("approximate"),
            st.one_of(st.text(max_size=5).filter(lambda t: t not in {"none", "tanh"}), widths),
        ),
        st.tuples(
            st.just("leaky_relu"),
            st.just("negative_slope"),
            st.one_of(st.text(max_size=3), st.booleans(), st.none()),
        ),
    )
)
def test_activation_refuses_bad_keyword_values_when_made(case):
    name, key, value = case
    with pytest.raises((TypeError, ValueError), match=rf"^{key} of activation '{name}' must be"):
        activation(name, **{key: value})


# linear_forward ------------------------------------------------------------------------


@examples("linear_forward")
@given(
    lead=st.lists(st.integers(1, 3), max_size=3).map(tuple),
    in_features=widths,
    out_features=widths,
    with_bias=st.booleans(),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    seed=seeds,
)
def test_linear_forward_is_what_torch_computes(
    lead, in_features, out_features, with_bias, dtype, seed
):
    x = tensor((*lead, in_features), seed, dtype)
    weight = tensor((out_features, in_features), seed + 1, dtype)
    bias = tensor((out_features,), seed + 2, dtype) if with_bias else None
    y = linear_forward(x, weight, bias)
    assert y.shape == (*lead, out_features)
    assert y.dtype == dtype
    assert torch.allclose(y, nn.functional.linear(x, weight, bias), atol=1e-5)


@examples("linear_forward_mismatch")
@given(in_features=widths, other=widths, out_features=widths, batch=widths)
def test_linear_forward_names_both_shapes_when_they_do_not_fit(
    in_features, other, out_features, batch
):
    x = torch.zeros(batch, other)
    weight = torch.zeros(out_features, in_features)
    if other == in_features:
        with pytest.raises(TypeError, match=r"x is a float64 tensor .* but weight is a float32"):
            linear_forward(x.double(), weight)
    else:
        with pytest.raises(
            ValueError,
            match=rf"x of shape \({batch}, {other}\) does not fit weight of shape "
            rf"\({out_features}, {in_features}\)",
        ):
            linear_forward(x, weight)


# MLP -----------------------------------------------------------------------------------

sizes = st.lists(widths, min_size=2, max_size=5)
hidden = st.sampled_from([name for name in ACTIVATIONS])
output = st.one_of(st.none(), st.sampled_from(ACTIVATIONS))


@examples("mlp")
@given(
    sizes=sizes,
    hidden_name=hidden,
    output_name=output,
    lead=st.lists(st.integers(1, 3), max_size=3).map(tuple),
    seed=seeds,
)
def test_mlp_maps_any_leading_shape_and_counts_its_parameters(
    sizes, hidden_name, output_name, lead, seed
):
    model = MLP(sizes, activation=hidden_name, output_activation=output_name)
    y = model(tensor((*lead, sizes[0]), seed))
    assert y.shape == (*lead, sizes[-1])
    expected = sum(a * b + b for a, b in itertools.pairwise(sizes))
    assert count_parameters(model) == expected
    assert len(model) == 2 * (len(sizes) - 1) - (output_name is None)
    if output_name == "softmax":
        assert torch.allclose(y.sum(dim=-1), torch.ones(lead), atol=1e-5)


# summary -------------------------------------------------------------------------------


@examples("summary")
@given(
    sizes=sizes,
    output_name=output,
    batch_size=st.integers(1, 4),
    frozen=st.booleans(),
    training=st.booleans(),
)
def test_summary_agrees_with_the_model_and_leaves_it_as_it_was(
    sizes, output_name, batch_size, frozen, training
):
    torch.manual_seed(0)
    model = MLP(sizes, output_activation=output_name)
    model[0].requires_grad_(not frozen)
    model.train(training)
    state = torch.get_rng_state()
    grads = [parameter.requires_grad for parameter in model.parameters()]

    result = summary(model, (sizes[0],), batch_size=batch_size)

    assert result.total_params == count_parameters(model)
    assert result.trainable_params == count_parameters(model, trainable_only=True)
    assert result.params_outside_layers == 0
    assert [layer.name for layer in result.layers] == [str(i) for i in range(len(model))]
    widths_out = [m.out_features for m in model if isinstance(m, nn.Linear)]
    linear_rows = [layer for layer in result.layers if layer.type == "Linear"]
    assert [layer.output_shape for layer in linear_rows] == [(batch_size, w) for w in widths_out]
    assert all(module.training == training for module in model.modules())
    assert [parameter.requires_grad for parameter in model.parameters()] == grads
    assert torch.equal(torch.get_rng_state(), state)


# accuracy and confusion_matrix ---------------------------------------------------------


@st.composite
def classified(draw):
    num_samples = draw(st.integers(1, 20))
    num_classes = draw(st.integers(2, 5))
    seed = draw(seeds)
    logits = tensor((num_samples, num_classes), seed)
    targets = draw(
        st.lists(st.integers(0, num_classes - 1), min_size=num_samples, max_size=num_samples)
    )
    return logits, torch.tensor(targets)


@examples("accuracy")
@given(case=classified(), binary=st.booleans())
def test_accuracy_is_the_share_of_matches(case, binary):
    logits, targets = case
    if binary:
        logits, targets = logits[:, 0], targets.clamp(max=1)
        expected = ((logits > 0).long() == targets).float().mean().item()
    else:
        expected = (logits.argmax(dim=1) == targets).float().mean().item()
    value = accuracy(logits, targets)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(expected)
    assert math.isclose(value * len(targets), round(value * len(targets)))


@examples("accuracy_out_of_range")
@given(case=classified(), index=st.integers(0, 19), bad=st.integers(-50, 50))
def test_accuracy_refuses_a_label_outside_the_classes(case, index, bad):
    logits, targets = case
    num_classes = logits.shape[1]
    if 0 <= bad < num_classes:
        bad = num_classes + abs(bad)
    targets[index % len(targets)] = bad
    with pytest.raises(ValueError, match=rf"from 0 to {num_classes - 1}"):
        accuracy(logits, targets)


@examples("confusion_matrix")
@given(case=classified(), extra=st.integers(0, 3))
def test_confusion_matrix_counts_every_sample_once(case, extra):
    logits, targets = case
    num_classes = logits.shape[1] + extra
    predictions = logits.argmax(dim=1)
    matrix = confusion_matrix(targets, predictions, num_classes)
    assert matrix.shape == (num_classes, num_classes)
    assert matrix.sum().item() == len(targets)
    assert torch.equal(matrix.sum(dim=1), torch.bincount(targets, minlength=num_classes))
    assert torch.equal(matrix.sum(dim=0), torch.bincount(predictions, minlength=num_classes))
    if extra == 0:
        assert matrix.trace().item() / len(targets) == pytest.approx(accuracy(logits, targets))


# fit -----------------------------------------------------------------------------------


@examples("fit")
@given(
    num_samples=st.integers(1, 12),
    num_features=st.integers(1, 4),
    num_classes=st.integers(2, 4),
    batch_size=st.integers(1, 5),
    epochs=st.integers(1, 3),
    seed=seeds,
)
def test_fit_records_finite_losses_and_is_the_hand_written_loop(
    num_samples, num_features, num_classes, batch_size, epochs, seed
):
    inputs = tensor((num_samples, num_features), seed)
    targets = torch.arange(num_samples) % num_classes
    batches = [
        (inputs[i : i + batch_size], targets[i : i + batch_size])
        for i in range(0, num_samples, batch_size)
    ]
    torch.manual_seed(seed)
    model = nn.Linear(num_features, num_classes)
    reference = nn.Linear(num_features, num_classes)
    reference.load_state_dict(model.state_dict())

    history = fit(
        model,
        batches,
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        epochs=epochs,
        val_loader=batches,
        progress=False,
    )

    optimizer = torch.optim.SGD(reference.parameters(), lr=0.1)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for x, y in batches:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(reference(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
        losses.append(total / num_samples)
    assert history.epochs == len(history.val_loss) == len(history.val_accuracy) == epochs
    assert all(math.isfinite(loss) for loss in history.train_loss + history.val_loss)
    assert history.train_loss == pytest.approx(losses, rel=1e-5)
    for ours, theirs in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.allclose(ours, theirs, atol=1e-6)
