import contextlib
import os
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import torch
from torch import nn

from nnguide import MLP, LayerInfo, ModelSummary, summary
from tests.nnguide.model_zoo import Scaled, Tied, TwoHeads, TwoInputs

GOLDEN = Path(__file__).parent / "golden"
MB = 2**20


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with the whole golden file; NNGUIDE_REGEN_GOLDEN=1 rewrites it."""
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("NNGUIDE_REGEN_GOLDEN") == "1":
        path.write_text(text + "\n", encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run the tests with NNGUIDE_REGEN_GOLDEN=1"
    assert text + "\n" == path.read_text(encoding="utf-8")


def lecture_network() -> MLP:
    return MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")


class Shared(nn.Module):
    """One Linear layer applied twice."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.out = nn.Linear(8, 1)

    def forward(self, x):
        return self.out(self.fc(torch.relu(self.fc(x))))


class Recurrent(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(10, 20, num_layers=2, batch_first=True)
        self.head = nn.Linear(20, 3)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[:, -1])


class Backwards(nn.Module):
    """Registers its layers in the opposite order to the one it calls them in."""

    def __init__(self) -> None:
        super().__init__()
        self.second = nn.Linear(5, 2)
        self.first = nn.Linear(3, 5)

    def forward(self, x):
        return self.second(self.first(x))


class Broken(nn.Module):
    """Its own forward fails after its layer ran."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)

    def forward(self, x):
        return self.fc(x).view(5, -1)


# The lecture's network ---------------------------------------------------------------


def test_lecture_network_rows():
    result = summary(lecture_network(), (128,))
    assert [
        (layer.name, layer.type, layer.output_shape, layer.num_params) for layer in result.layers
    ] == [
        ("0", "Linear", (2, 64), 8256),
        ("1", "Tanh", (2, 64), 0),
        ("2", "Linear", (2, 16), 1040),
        ("3", "Tanh", (2, 16), 0),
        ("4", "Linear", (2, 1), 17),
        ("5", "Sigmoid", (2, 1), 0),
    ]
    assert all(layer.shared_params == 0 for layer in result.layers)
    assert result.layers[0].label == "0 (Linear)"


def test_lecture_network_totals_and_sizes():
    result = summary(lecture_network(), (128,))
    assert (result.total_params, result.trainable_params, result.non_trainable_params) == (
        9313,
        9313,
        0,
    )
    assert result.batch_size == 2
    assert result.input_size_mb == 2 * 128 * 4 / MB
    assert result.forward_backward_size_mb == 2 * 2 * (64 + 64 + 16 + 16 + 1 + 1) * 4 / MB
    assert result.params_size_mb == 9313 * 4 / MB
    assert result.total_size_mb == pytest.approx(
        result.input_size_mb + result.forward_backward_size_mb + result.params_size_mb
    )
    assert result.params_outside_layers == 0


def test_lecture_network_table_matches_the_golden_file():
    text = str(summary(lecture_network(), (128,)))
    check_golden("mlp_lecture", text)
    for value in ("8,256", "1,040", "Total params: 9,313", "Trainable params: 9,313"):
        assert value in text
    assert "Non-trainable params: 0" in text
    assert "Params size (MB): 0.04" in text


def test_repr_is_the_table():
    result = summary(lecture_network(), (128,))
    assert repr(result) == str(result)
    assert isinstance(result, ModelSummary)


def test_batch_size_changes_real_shapes_but_not_the_printed_ones():
    small = summary(lecture_network(), (128,))
    large = summary(lecture_network(), (128,), batch_size=32)
    assert large.layers[0].output_shape == (32, 64)
    assert large.input_size_mb == 32 * 128 * 4 / MB
    assert [row.output_shape_text for row in large.layers] == [
        row.output_shape_text for row in small.layers
    ]
    assert large.layers[0].output_shape_text == "[-1, 64]"


# Which parameters count ----------------------------------------------------------------


def test_a_layer_called_twice_is_listed_twice_and_counted_once():
    result = summary(Shared(), (8,))
    assert [(layer.name, layer.num_params, layer.shared_params) for layer in result.layers] == [
        ("fc", 72, 0),
        ("fc", 0, 72),
        ("out", 9, 0),
    ]
    assert result.total_params == 81
    check_golden("shared_layer", str(result))


def test_a_tied_weight_is_counted_once():
    ids = torch.tensor([[1, 2, 3], [4, 5, 6]])
    result = summary(Tied(), input_data=ids)
    assert result.total_params == 50 * 8 + 50
    assert [(layer.num_params, layer.shared_params) for layer in result.layers] == [
        (400, 0),
        (50, 400),
    ]
    assert "50 + shared" in str(result)


def test_frozen_parameters_are_non_trainable():
    model = lecture_network()
    model[0].requires_grad_(False)
    result = summary(model, (128,))
    assert (result.total_params, result.trainable_params, result.non_trainable_params) == (
        9313,
        1057,
        8256,
    )
    assert "Non-trainable params: 8,256" in str(result)
    assert not model[0].weight.requires_grad


def test_a_bare_parameter_on_a_non_leaf_module_is_counted():
    result = summary(Scaled(), (4,))
    assert [layer.name for layer in result.layers] == ["fc"]
    assert result.total_params == 24
    assert result.params_outside_layers == 4
    check_golden("bare_parameter", str(result))


def test_parameters_of_a_module_that_is_never_called_are_counted():
    class Spare(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.used = nn.Linear(3, 3)
            self.unused = nn.Linear(3, 100)

        def forward(self, x):
            return self.used(x)

    result = summary(Spare(), (3,))
    assert [layer.name for layer in result.layers] == ["used"]
    assert result.total_params == 12 + 400
    assert result.params_outside_layers == 400


def test_buffers_are_not_parameters():
    result = summary(nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8)), (4,))
    assert [layer.num_params for layer in result.layers] == [40, 16]
    assert result.total_params == 56


def test_a_parameter_free_model_runs_on_cpu():
    result = summary(nn.Sequential(nn.Flatten(), nn.ReLU()), (3, 4))
    assert [layer.output_shape for layer in result.layers] == [(2, 12), (2, 12)]
    assert (result.total_params, result.params_size_mb) == (0, 0.0)


def test_a_lazy_module_is_counted_after_the_forward_pass():
    result = summary(nn.Sequential(nn.LazyLinear(4)), (3,))
    assert result.total_params == 16


# Inputs and outputs ---------------------------------------------------------------------


def test_rows_follow_call_order_not_registration_order():
    result = summary(Backwards(), (3,))
    assert [layer.name for layer in result.layers] == ["first", "second"]


def test_nested_modules_get_dotted_names():
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.ReLU()), nn.Linear(3, 1))
    result = summary(model, (2,))
    assert [layer.name for layer in result.layers] == ["0.0", "0.1", "1"]


def test_a_model_that_is_a_single_layer():
    result = summary(nn.Linear(3, 4), (3,))
    assert [(layer.name, layer.label, layer.num_params) for layer in result.layers] == [
        ("", "Linear", 16)
    ]


def test_several_inputs_from_a_list_of_shapes():
    result = summary(TwoInputs(), [(3,), (4,)])
    assert [layer.output_shape for layer in result.layers] == [(2, 8), (2, 8), (2, 2)]
    assert result.input_size_mb == 2 * (3 + 4) * 4 / MB


def test_several_inputs_as_keyword_arguments():
    result = summary(TwoInputs(), input_data={"text": torch.ones(5, 4), "image": torch.ones(5, 3)})
    assert result.batch_size == 5
    assert result.layers[-1].output_shape == (5, 2)


def test_several_inputs_as_a_list_of_tensors():
    result = summary(TwoInputs(), input_data=[torch.ones(6, 3), torch.ones(6, 4)])
    assert result.layers[-1].output_shape == (6, 2)


def test_embedding_with_real_token_ids():
    model = nn.Sequential(nn.Embedding(1000, 8), nn.Flatten(), nn.Linear(24, 2))
    result = summary(model, input_data=torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    assert result.batch_size == 3
    assert [layer.output_shape for layer in result.layers] == [(3, 3, 8), (3, 24), (3, 2)]
    assert result.input_size_mb == 9 * 8 / MB


def test_integer_dtype_gives_zero_token_ids():
    model = nn.Sequential(nn.Embedding(10, 4))
    result = summary(model, (7,), dtypes=[torch.long])
    assert result.layers[0].output_shape == (2, 7, 4)
    assert summary(model, (7,), dtypes=torch.long).layers[0].output_shape == (2, 7, 4)


def test_lstm_tuple_output_and_its_batch_dimensions():
    result = summary(Recurrent(), (5, 10))
    lstm, head = result.layers
    assert lstm.output_shape == [(2, 5, 20), [(2, 2, 20), (2, 2, 20)]]
    assert lstm.output_shape_text == "([-1, 5, 20], ([2, -1, 20], [2, -1, 20]))"
    assert head.output_shape == (2, 3)
    assert result.total_params == 4 * (10 * 20 + 20 * 20 + 40) + 4 * (20 * 20 + 20 * 20 + 40) + 63
    check_golden("lstm", str(result))


def test_a_sequence_first_gru_needs_batch_dim_1():
    # batch_first=False: the GRU reads its input as (seq, batch, features).
    with pytest.raises(
        ValueError,
        match=r"^model \(GRU\) has batch_first=False, so it reads dimension 1 of its input "
        r"\(2, 5, 10\) as the batch, but the batch of 2 is in dimension 0; pass batch_dim=1",
    ):
        summary(nn.GRU(10, 20), (5, 10))
    result = summary(nn.GRU(10, 20), (5, 10), batch_dim=1)
    assert result.layers[0].output_shape == [(5, 2, 20), (1, 2, 20)]
    assert result.layers[0].output_shape_text == "([5, -1, 20], [1, -1, 20])"
    assert (result.batch_size, result.batch_dim) == (2, 1)


def test_a_sequence_first_model_marks_the_batch_in_every_row():
    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.LSTM(4, 6)
            self.head = nn.Linear(6, 3)

        def forward(self, x):
            return self.head(self.rnn(x)[0])

    result = summary(Tagger(), (7, 4), batch_dim=1, batch_size=3)
    assert [layer.output_shape_text for layer in result.layers] == [
        "([7, -1, 6], ([1, -1, 6], [1, -1, 6]))",
        "[7, -1, 3]",
    ]
    data = summary(Tagger(), input_data=torch.zeros(7, 3, 4), batch_dim=1)
    assert data.batch_size == 3
    assert [layer.output_shape for layer in data.layers] == [
        layer.output_shape for layer in result.layers
    ]
    with pytest.raises(ValueError, match=r'layer "rnn" \(LSTM\) has batch_first=False'):
        summary(Tagger(), input_data=torch.zeros(7, 3, 4))


def test_a_batch_first_rnn_refuses_batch_dim_1():
    with pytest.raises(ValueError, match=r"has batch_first=True, .* pass batch_dim=0"):
        summary(nn.LSTM(10, 20, batch_first=True), (5, 10), batch_dim=1)


def test_input_size_with_the_batch_needs_batch_dim_none():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
    with pytest.raises(
        RuntimeError,
        match=r"input_size=\(1, 1, 8, 8\) is the shape of one input without the batch: "
        r"summary added batch_size=2 in dimension 0, giving \(2, 1, 1, 8, 8\); if input_size "
        r"already includes the batch, pass batch_dim=None",
    ):
        summary(model, (1, 1, 8, 8))
    result = summary(model, (4, 1, 8, 8), batch_dim=None)
    assert result.batch_size == 4
    assert result.layers[0].output_shape == (4, 2, 6, 6)
    assert result.layers[0].output_shape_text == "[-1, 2, 6, 6]"
    assert summary(model, (1, 8, 8)).layers[0].output_shape == (2, 2, 6, 6)


def test_a_batch_of_one_given_to_an_mlp_is_refused():
    with pytest.raises(
        ValueError,
        match=r'^input_size=\(1, 128\) starts with 1, so layer "0" \(Linear\) received '
        r"inputs of shape \(2, 1, 128\).*write input_size=\(128,\), or pass batch_dim=None",
    ):
        summary(lecture_network(), (1, 128))
    assert summary(lecture_network(), (1, 128), batch_dim=None).layers[0].output_shape == (1, 64)
    with pytest.raises(
        ValueError,
        match=r"^input_size=\(32, 128\) starts with batch_size=32, so layer \"0\" \(Linear\) "
        r"received inputs of shape \(32, 32, 128\)",
    ):
        summary(lecture_network(), (32, 128), batch_size=32)
    # A sequence of vectors whose length is not the batch size is a valid input.
    assert summary(lecture_network(), (5, 128)).layers[0].output_shape == (2, 5, 64)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"batch_dim": -1}, ValueError, r"^batch_dim must be at least 0, got -1$"),
        ({"batch_dim": 1.0}, TypeError, r"^batch_dim must be an int, got float 1\.0$"),
        ({"batch_dim": 2}, ValueError, r"^batch_dim=2 is past the end of input_size=\(128,\)"),
        (
            {"batch_dim": None, "batch_size": 4},
            ValueError,
            r"^batch_size=4 was given with batch_dim=None",
        ),
    ],
)
def test_bad_batch_dim(kwargs, error, message):
    with pytest.raises(error, match=message):
        summary(lecture_network(), (128,), **kwargs)
    with pytest.raises(ValueError, match=r"^batch_dim=None means that input_size already"):
        summary(lecture_network(), input_data=torch.zeros(2, 128), batch_dim=None)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.bfloat16])
def test_the_input_dtype_follows_the_model(dtype):
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU()).to(dtype)
    result = summary(model, (4,))
    size = dtype.itemsize
    assert result.params_size_mb * 2**20 == 15 * size
    assert result.input_size_mb * 2**20 == 2 * 4 * size
    assert result.forward_backward_size_mb * 2**20 == 2 * (2 * 3 + 2 * 3) * size
    assert summary(model, (4,), dtypes=dtype).total_params == 15
    with pytest.raises(RuntimeError, match=r'layer "0" \(Linear\) failed on input of shape'):
        summary(model, (4,), dtypes=torch.float32 if dtype != torch.float32 else torch.float64)


def test_dict_output():
    result = summary(TwoHeads(), (4,))
    assert [layer.output_shape for layer in result.layers] == [(2, 6), (2, 3), (2, 4)]


def test_nested_outputs_are_described():
    class Pair(nn.Module):
        def forward(self, x):
            return {"both": (x, x[:, :1]), "note": "text"}

    result = summary(Pair(), (3,))
    assert result.layers[0].output_shape == {"both": [(2, 3), (2, 1)], "note": None}
    assert result.layers[0].output_shape_text == "{both: ([-1, 3], [-1, 1]), note: -}"


# The model comes back as it was ----------------------------------------------------------


def hook_counts(model: nn.Module) -> int:
    return sum(
        len(module._forward_hooks) + len(module._forward_pre_hooks) for module in model.modules()
    )


def test_modes_hooks_and_state_are_restored():
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Dropout(0.5), nn.Linear(8, 2))
    model.train()
    model[2].eval()
    running_mean = model[1].running_mean.clone()
    rng_state = torch.get_rng_state()
    summary(model, (4,))
    assert [module.training for module in model.modules()] == [True, True, True, False, True]
    assert hook_counts(model) == 0
    assert torch.equal(model[1].running_mean, running_mean)
    assert model[1].num_batches_tracked.item() == 0
    assert torch.equal(torch.get_rng_state(), rng_state)
    assert torch.is_grad_enabled()


def test_an_eval_model_stays_in_eval():
    model = lecture_network().eval()
    summary(model, (128,))
    assert not any(module.training for module in model.modules())


def test_existing_hooks_are_kept_and_still_run():
    model = lecture_network()
    seen = []
    handle = model[0].register_forward_hook(lambda module, args, output: seen.append(output.shape))
    summary(model, (128,))
    assert seen == [torch.Size([2, 64])]
    assert len(model[0]._forward_hooks) == 1
    handle.remove()


def test_modes_and_hooks_are_restored_when_the_forward_pass_fails():
    model = lecture_network()
    model[1].eval()
    with pytest.raises(RuntimeError):
        summary(model, (127,))
    assert [module.training for module in model.modules()] == [
        True,
        True,
        False,
        True,
        True,
        True,
        True,
    ]
    assert hook_counts(model) == 0


# Errors from the forward pass ----------------------------------------------------------


def test_a_failing_layer_is_named_with_its_input_shape():
    with pytest.raises(
        RuntimeError, match=r'^layer "0" \(Linear\) failed on input of shape \(2, 127\): '
    ) as info:
        summary(lecture_network(), (127,))
    assert "mat1 and mat2 shapes cannot be multiplied" in str(info.value)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_a_failing_nested_layer_is_named_by_its_full_name():
    model = nn.Sequential(nn.Linear(4, 6), nn.Sequential(nn.ReLU(), nn.Linear(5, 1)))
    with pytest.raises(
        RuntimeError, match=r'^layer "1.1" \(Linear\) failed on input of shape \(3, 6\): '
    ):
        summary(model, (4,), batch_size=3)


def test_a_failure_in_the_model_s_own_forward_names_the_model():
    with pytest.raises(
        RuntimeError,
        match=r"^model \(Broken\) failed on input of shape \(2, 3\): shape '\[5, -1\]'",
    ):
        summary(Broken(), (3,))


def test_a_failure_with_several_inputs_lists_their_shapes():
    with pytest.raises(
        RuntimeError, match=r'^layer "text" \(Linear\) failed on input of shape \(2, 5\)'
    ):
        summary(TwoInputs(), [(3,), (5,)])
    with pytest.raises(
        RuntimeError, match=r"^model \(TwoInputs\) failed on inputs of shapes \(2, 3\), \(4, 4\)"
    ):
        summary(TwoInputs(), input_data=[torch.ones(2, 3), torch.ones(4, 4)])


# Bad arguments ------------------------------------------------------------------------------


def test_model_must_be_a_module():
    with pytest.raises(TypeError, match=r"model must be a torch.nn.Module, got method"):
        summary(lecture_network().forward, (3,))


def test_input_size_or_input_data_is_required():
    with pytest.raises(
        ValueError, match=r"give input_size \(the shape of one input without the batch"
    ):
        summary(lecture_network())


def test_input_size_and_input_data_together_are_rejected():
    with pytest.raises(ValueError, match=r"give either input_size or input_data, not both"):
        summary(lecture_network(), (128,), input_data=torch.ones(2, 128))


@pytest.mark.parametrize(
    ("input_size", "error", "message"),
    [
        (
            128,
            TypeError,
            r"input_size must be a shape without the batch dimension, got the int 128; "
            r"write \(128,\) for one input of 128 features",
        ),
        (
            "128",
            TypeError,
            r"input_size must be a shape such as \(128,\) or a list of shapes .* got str '128'",
        ),
        (torch.ones(3), TypeError, r"input_size must be a shape such as \(128,\) .* got Tensor"),
        ((128.0,), TypeError, r"input_size\[0\] must be an int, got float 128.0"),
        ((3, True), TypeError, r"input_size\[1\] must be an int, got bool True"),
        ((0,), ValueError, r"input_size\[0\] must be at least 1, got 0"),
        ((3, -4), ValueError, r"input_size\[1\] must be at least 1, got -4"),
        (
            [(3,), 4],
            TypeError,
            r"input_size mixes shapes and single dimensions: input_size\[1\] is int 4",
        ),
        ([(3,), (4, 0)], ValueError, r"input_size\[1\]\[1\] must be at least 1, got 0"),
        ([(3,), ("4",)], TypeError, r"input_size\[1\]\[0\] must be an int, got str '4'"),
    ],
)
def test_bad_input_size(input_size, error, message):
    with pytest.raises(error, match=message):
        summary(lecture_network(), input_size)


@pytest.mark.parametrize(
    ("batch_size", "error", "message"),
    [
        (0, ValueError, r"batch_size must be at least 1, got 0"),
        (-2, ValueError, r"batch_size must be at least 1, got -2"),
        (2.0, TypeError, r"batch_size must be an int, got float 2.0"),
        (True, TypeError, r"batch_size must be an int, got bool True"),
    ],
)
def test_bad_batch_size(batch_size, error, message):
    with pytest.raises(error, match=message):
        summary(lecture_network(), (128,), batch_size=batch_size)


@pytest.mark.parametrize(
    ("dtypes", "error", "message"),
    [
        (
            [torch.long, torch.long],
            ValueError,
            r"input_size describes 1 input\(s\) but dtypes has 2",
        ),
        (
            ["long"],
            TypeError,
            r"dtypes\[0\] must be a torch.dtype such as torch.long, got str 'long'",
        ),
        (
            "float32",
            TypeError,
            r"dtypes must be a torch.dtype or a list of them, one per input, got str",
        ),
    ],
)
def test_bad_dtypes(dtypes, error, message):
    with pytest.raises(error, match=message):
        summary(lecture_network(), (128,), dtypes=dtypes)


def test_dtypes_do_not_apply_to_input_data():
    with pytest.raises(ValueError, match=r"dtypes applies to inputs built from input_size"):
        summary(lecture_network(), input_data=torch.ones(2, 128), dtypes=[torch.float64])


@pytest.mark.parametrize(
    ("input_data", "error", "message"),
    [
        (
            3.0,
            TypeError,
            r"input_data must be a tensor, a list or tuple of positional arguments, .* got float",
        ),
        ([], ValueError, r"input_data must contain at least one tensor, got \[\]"),
        ([1, 2], ValueError, r"input_data must contain at least one tensor, got \[1, 2\]"),
    ],
)
def test_bad_input_data(input_data, error, message):
    with pytest.raises(error, match=message):
        summary(lecture_network(), input_data=input_data)


def test_device_defaults_to_the_model_s_and_can_be_named():
    assert summary(lecture_network(), (128,), device="cpu").total_params == 9313
    assert summary(lecture_network(), (128,), device=torch.device("cpu")).total_params == 9313


@pytest.mark.parametrize(
    ("device", "error", "message"),
    [
        (
            "meta",
            ValueError,
            r"device is 'meta' but the model is on 'cpu'; move the model with model.to",
        ),
        ("gpu", ValueError, r"device must be 'cpu', 'cuda', 'mps' or 'meta' .*got 'gpu'"),
        (0, TypeError, r"device must be a str, a torch.device or None, got int 0"),
    ],
)
def test_bad_device(device, error, message):
    with pytest.raises(error, match=message):
        summary(lecture_network(), (128,), device=device)


def test_a_parameter_free_model_can_run_on_another_device():
    result = summary(nn.Sequential(nn.Flatten()), (3, 4), device="meta")
    assert result.layers[0].output_shape == (2, 12)


# Notebook rendering ---------------------------------------------------------------------


def test_html_is_a_plain_table_with_rows_and_totals():
    result = summary(lecture_network(), (128,))
    markup = result._repr_html_()
    table = ElementTree.fromstring(markup)
    assert table.tag == "table"
    assert [cell.text for cell in table.find("thead").iter("th")] == [
        "Layer (type)",
        "Output Shape",
        "Param #",
    ]
    rows = [[cell.text for cell in row] for row in table.find("tbody")]
    assert rows[0] == ["0 (Linear)", "[-1, 64]", "8,256"]
    assert len(rows) == 6
    totals = {row[0].text: row[1].text for row in table.find("tfoot")}
    assert totals["Total params"] == "9,313"
    assert totals["Non-trainable params"] == "0"
    assert totals["Params size (MB)"] == "0.04"
    assert "style" not in markup
    assert "script" not in markup


def test_html_escapes_text():
    layer = LayerInfo(name="a<b", type="X&Y", output_shape=(2, 3), num_params=1)
    result = ModelSummary((layer,), 1, 1, 0, 2, 0.0, 0.0, 0.0, 0.0)
    assert "<td>a&lt;b (X&amp;Y)</td><td>[-1, 3]</td><td>1</td>" in result._repr_html_()


def test_a_layer_error_caught_by_the_model_itself_does_not_confuse_the_rows():
    class Fallback(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.strict = nn.Linear(5, 2)
            self.loose = nn.Linear(3, 2)

        def forward(self, x):
            try:
                return self.strict(x)
            except RuntimeError:
                return self.loose(x)

    result = summary(Fallback(), (3,))
    assert [(layer.name, layer.output_shape) for layer in result.layers] == [("loose", (2, 2))]
    assert result.total_params == 12 + 8


def test_a_model_that_caught_a_layer_error_is_blamed_for_its_own_failure():
    class CatchesThenFails(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.strict = nn.Linear(5, 2)

        def forward(self, x):
            with contextlib.suppress(RuntimeError):
                self.strict(x)
            return x.reshape(7, -1)

    with pytest.raises(RuntimeError, match=r"^model \(CatchesThenFails\) failed on input of"):
        summary(CatchesThenFails(), (3,))


# The model is left exactly as it was ----------------------------------------------------


def test_a_lazy_module_stays_lazy_and_the_global_rng_is_untouched():
    model = nn.Sequential(nn.LazyLinear(4), nn.ReLU())
    torch.manual_seed(123)
    state = torch.get_rng_state()
    result = summary(model, (3,))
    assert result.total_params == 16
    assert [layer.output_shape for layer in result.layers] == [(2, 4), (2, 4)]
    assert model[0].has_uninitialized_params()
    assert torch.equal(torch.get_rng_state(), state)


def test_a_forward_pass_that_draws_random_numbers_leaves_the_global_rng_alone():
    class Noisy(nn.Module):
        def forward(self, x):
            return x + torch.randn_like(x)

    state = torch.get_rng_state()
    summary(Noisy(), (3,))
    assert torch.equal(torch.get_rng_state(), state)


def test_a_custom_train_that_toggles_requires_grad_is_undone():
    class FreezesInEval(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(3, 2)
            self.frozen = nn.Linear(2, 2)
            self.frozen.requires_grad_(False)

        def train(self, mode=True):
            super().train(mode)
            self.linear.requires_grad_(mode)
            return self

        def forward(self, x):
            return self.frozen(self.linear(x))

    model = FreezesInEval()
    result = summary(model, (3,))
    assert result.trainable_params == 8 and result.non_trainable_params == 6
    assert model.training
    assert [p.requires_grad for p in model.parameters()] == [True, True, False, False]


def test_per_module_modes_are_restored_exactly():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2), nn.Dropout())
    model[1].eval()
    summary(model, (2,))
    assert [module.training for module in model.modules()] == [True, True, False, True]


# Inputs that cannot work are refused before anything runs ------------------------------


def test_absurd_sizes_are_refused_with_a_memory_estimate():
    with pytest.raises(
        ValueError,
        match=r"input_size=\(10000000, 10000000\) with batch_size=2 asks for 727\.60 TiB of "
        r"memory for the inputs, more than the .* that the cpu device has",
    ):
        summary(nn.ReLU(), (10**7, 10**7))


def test_numpy_ints_are_ints():
    import numpy as np

    result = summary(lecture_network(), (np.int64(128),), batch_size=np.int64(3))
    assert result.batch_size == 3 and type(result.batch_size) is int
    assert result.layers[0].output_shape == (3, 64)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_a_missing_gpu_is_named_not_asserted():
    with pytest.raises(RuntimeError, match=r"device='cuda' asks for a CUDA GPU, but none"):
        summary(nn.ReLU(), (3,), device="cuda")


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_scripted_modules_are_refused_with_the_reason():
    scripted = torch.jit.script(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    with pytest.raises(TypeError, match=r"model is a TorchScript module \(RecursiveScriptModule\)"):
        summary(scripted, (2,))


@pytest.mark.parametrize("dtype", [torch.qint8, torch.quint8, torch.qint32])
def test_quantized_dtypes_cannot_be_built_from_input_size(dtype):
    with pytest.raises(ValueError, match=rf"dtypes is the quantized dtype {dtype}"):
        summary(nn.Linear(2, 3), (2,), dtypes=dtype)
    with pytest.raises(ValueError, match=rf"dtypes\[1\] is the quantized dtype {dtype}"):
        summary(TwoInputs(), [(3,), (4,)], dtypes=[torch.float32, dtype])


def test_a_model_on_the_meta_device_is_summarized_without_memory():
    result = summary(nn.Sequential(nn.Linear(1000, 1000, device="meta"), nn.ReLU()), (1000,))
    assert result.total_params == 1000 * 1000 + 1000
    assert [layer.output_shape for layer in result.layers] == [(2, 1000), (2, 1000)]


def test_meta_input_data_for_a_real_model_is_refused():
    with pytest.raises(ValueError, match=r"input_data holds a meta tensor of shape \(2, 2\)"):
        summary(nn.Linear(2, 3), input_data=torch.empty(2, 2, device="meta"))


def test_korean_summary_has_korean_labels_and_columns_that_line_up():
    from nnguide.tables import display_width

    model = nn.Sequential(nn.Linear(128, 64), nn.Tanh(), nn.Linear(64, 1))
    english = summary(model, (128,))
    korean = summary(model, (128,), language="ko")
    text = str(korean)
    for label in ("계층 (종류)", "출력 모양", "매개변수 수", "전체 매개변수: 8,321"):
        assert label in text
    assert "Total params" not in text and "Layer (type)" not in text
    rows = text.split("\n")[1:7]
    # Header and rows end at the same display column, like the rule lines.
    assert {display_width(row) for row in rows if not row.startswith("=")} == {
        display_width(text.split("\n")[0])
    }
    assert english.layers == korean.layers and english.total_params == korean.total_params
    assert "<th>출력 모양</th>" in korean._repr_html_()
    assert "Layer (type)" in str(english)


@pytest.mark.parametrize("language", ["fr", ["ko"], None])
def test_summary_language_is_checked(language):
    with pytest.raises((TypeError, ValueError), match=rf"language.*{re.escape(repr(language))}"):
        summary(nn.Linear(2, 2), (2,), language=language)
