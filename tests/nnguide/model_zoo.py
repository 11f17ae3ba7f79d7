"""Models that the summary tests and benchmarks/summary.py both run.

``MODELS`` maps a name to a model factory and a factory of the keyword arguments for
``nnguide.summary``; ``torchinfo_arguments`` gives torchinfo the same input.
"""

from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.nn.utils import parametrizations

from nnguide import MLP

BATCH = 2


class SmallCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(16, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(x + self.bn2(self.conv2(y)))


class Recurrent(nn.Module):
    def __init__(self, cell: type[nn.RNNBase]) -> None:
        super().__init__()
        self.rnn = cell(10, 20, num_layers=2, batch_first=True)
        self.head = nn.Linear(20, 4)

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.head(output[:, -1])


class BagOfWords(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(100, 16)
        self.head = nn.Linear(16, 2)

    def forward(self, ids):
        return self.head(self.embed(ids).mean(dim=1))


class Shared(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.out = nn.Linear(8, 1)

    def forward(self, x):
        return self.out(torch.relu(self.fc(torch.relu(self.fc(x)))))


class Tied(nn.Module):
    """A language-model head that shares the embedding matrix."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(50, 8)
        self.out = nn.Linear(8, 50)
        self.out.weight = self.embed.weight

    def forward(self, ids):
        return self.out(self.embed(ids))


class Frozen(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(10, 16), nn.BatchNorm1d(16), nn.ReLU())
        self.head = nn.Linear(16, 3)
        self.body.requires_grad_(False)

    def forward(self, x):
        return self.head(self.body(x))


class TwoInputs(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.image = nn.Linear(3, 8)
        self.text = nn.Linear(4, 8)
        self.head = nn.Linear(16, 2)

    def forward(self, image, text):
        return self.head(torch.cat([self.image(image), self.text(text)], dim=1))


class Scaled(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.scale = nn.Parameter(torch.ones(4))

    def forward(self, x):
        return self.fc(x) * self.scale


class TwoHeads(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Linear(4, 6)
        self.classes = nn.Linear(6, 3)
        self.boxes = nn.Linear(6, 4)

    def forward(self, x):
        features = self.body(x)
        return {"classes": self.classes(features), "boxes": self.boxes(features)}


class SequenceTagger(nn.Module):
    """A sequence-first GRU (batch_first=False) with a head on every step."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(6, 12, num_layers=2)
        self.head = nn.Linear(12, 5)

    def forward(self, x):
        output, _ = self.rnn(x)
        return self.head(output)


class SelfAttention(nn.Module):
    """MultiheadAttention: its out_proj is a child that is never called as a module."""

    def __init__(self) -> None:
        super().__init__()
        self.attention = nn.MultiheadAttention(16, num_heads=4, batch_first=True)
        self.norm = nn.LayerNorm(16)

    def forward(self, x):
        attended, _ = self.attention(x, x, x)
        return self.norm(x + attended)


class Twice(nn.Module):
    """A block called twice, and a tuple output."""

    def __init__(self) -> None:
        super().__init__()
        self.block = nn.Sequential(nn.Linear(5, 5), nn.Tanh())
        self.out = nn.Linear(5, 2)

    def forward(self, x):
        hidden = self.block(self.block(x))
        return self.out(hidden), hidden


class Stack(nn.Module):
    """Layers held in an nn.ModuleList and called in a loop."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(6, 6) for _ in range(3))
        self.norms = nn.ModuleList(nn.LayerNorm(6) for _ in range(3))

    def forward(self, x):
        for layer, norm in zip(self.layers, self.norms, strict=True):
            x = norm(torch.relu(layer(x)))
        return x


def weight_normed() -> nn.Module:
    """weight_norm registered with torch.nn.utils.parametrize: parameters live under
    parametrizations.weight.original0/1, and each layer has a child."""
    return nn.Sequential(
        parametrizations.weight_norm(nn.Conv2d(1, 4, 3)),
        nn.ReLU(),
        nn.Flatten(),
        parametrizations.weight_norm(nn.Linear(4 * 6 * 6, 3)),
    )


def spectral_normed() -> nn.Module:
    return nn.Sequential(parametrizations.spectral_norm(nn.Linear(6, 4)), nn.ReLU())


def frozen_embedding() -> nn.Module:
    embedding = nn.Embedding(20, 4)
    embedding.weight.requires_grad_(False)
    return nn.Sequential(embedding, nn.Flatten(), nn.Linear(4 * 7, 2))


def transformer() -> nn.Module:
    layer = nn.TransformerEncoderLayer(16, nhead=2, dim_feedforward=32, batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)


def ids() -> torch.Tensor:
    return torch.arange(BATCH * 7).reshape(BATCH, 7) % 100


# name -> (model factory, nnguide.summary keyword arguments)
MODELS: dict[str, tuple[Callable[[], nn.Module], Callable[[], dict[str, Any]]]] = {
    "lecture MLP": (
        lambda: MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid"),
        lambda: {"input_size": (128,)},
    ),
    "CNN with BatchNorm": (SmallCNN, lambda: {"input_size": (1, 28, 28)}),
    "residual CNN": (
        lambda: nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), ResidualBlock(8), ResidualBlock(8)),
        lambda: {"input_size": (3, 16, 16)},
    ),
    "LSTM": (lambda: Recurrent(nn.LSTM), lambda: {"input_size": (5, 10)}),
    "GRU": (lambda: Recurrent(nn.GRU), lambda: {"input_size": (5, 10)}),
    "bare LSTM": (lambda: nn.LSTM(10, 20, batch_first=True), lambda: {"input_size": (5, 10)}),
    "Embedding": (BagOfWords, lambda: {"input_data": ids()}),
    "nested Sequentials": (
        lambda: nn.Sequential(
            nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 8), nn.ReLU())),
            nn.Linear(8, 2),
        ),
        lambda: {"input_size": (6,)},
    ),
    "shared layer": (Shared, lambda: {"input_size": (8,)}),
    "frozen layer": (Frozen, lambda: {"input_size": (10,)}),
    "two inputs": (TwoInputs, lambda: {"input_size": [(3,), (4,)]}),
    "parameter-free": (
        lambda: nn.Sequential(nn.Flatten(), nn.ReLU()),
        lambda: {"input_size": (3, 4)},
    ),
    "bare Parameter": (Scaled, lambda: {"input_size": (4,)}),
    "dict output": (TwoHeads, lambda: {"input_size": (4,)}),
    "Transformer encoder": (transformer, lambda: {"input_size": (5, 16)}),
    "sequence-first LSTM": (
        lambda: nn.LSTM(10, 20, num_layers=2),
        lambda: {"input_size": (5, 10), "batch_dim": 1},
    ),
    "sequence-first GRU tagger": (SequenceTagger, lambda: {"input_size": (7, 6), "batch_dim": 1}),
    "sequence-first RNN, real data": (
        lambda: nn.RNN(3, 4),
        lambda: {"input_data": torch.rand(6, BATCH, 3), "batch_dim": 1},
    ),
    "sequence-first TransformerEncoderLayer": (
        lambda: nn.TransformerEncoderLayer(16, nhead=2, dim_feedforward=32),
        lambda: {"input_size": (5, 16), "batch_dim": 1},
    ),
    "batch-first TransformerEncoderLayer": (
        lambda: nn.TransformerEncoderLayer(16, nhead=4, dim_feedforward=24, batch_first=True),
        lambda: {"input_size": (3, 16)},
    ),
    "MultiheadAttention": (SelfAttention, lambda: {"input_size": (4, 16)}),
    "weight_norm": (weight_normed, lambda: {"input_size": (1, 8, 8)}),
    "spectral_norm": (spectral_normed, lambda: {"input_size": (6,)}),
    "float64 CNN": (lambda: SmallCNN().double(), lambda: {"input_size": (1, 12, 12)}),
    "float64 LSTM": (lambda: Recurrent(nn.LSTM).double(), lambda: {"input_size": (5, 10)}),
    "float16 MLP": (
        lambda: MLP([12, 8, 3], activation="relu").half(),
        lambda: {"input_size": (12,)},
    ),
    "float16 CNN, dtypes given": (
        lambda: nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.MaxPool2d(2)).half(),
        lambda: {"input_size": (2, 8, 8), "dtypes": torch.float16},
    ),
    "bfloat16 MLP": (
        lambda: MLP([6, 4, 2], activation="tanh").to(torch.bfloat16),
        lambda: {"input_size": (6,)},
    ),
    "input_size with the batch": (
        lambda: MLP([128, 64, 10], activation="relu"),
        lambda: {"input_size": (3, 128), "batch_dim": None},
    ),
    "CNN, input_size with the batch": (
        SmallCNN,
        lambda: {"input_size": (4, 1, 16, 16), "batch_dim": None},
    ),
    "Embedding from dtypes": (BagOfWords, lambda: {"input_size": (7,), "dtypes": [torch.long]}),
    "frozen Embedding": (frozen_embedding, lambda: {"input_size": (7,), "dtypes": torch.long}),
    "block called twice, tuple output": (Twice, lambda: {"input_size": (5,)}),
    "ModuleList loop": (Stack, lambda: {"input_size": (6,)}),
}


def input_dtypes(kwargs: dict[str, Any], model: nn.Module | None) -> list[torch.dtype] | None:
    """The dtypes nnguide.summary builds its inputs with, spelled out for torchinfo."""
    size = kwargs["input_size"]
    count = len(size) if isinstance(size, list) else 1
    dtypes = kwargs.get("dtypes")
    if isinstance(dtypes, torch.dtype):
        return [dtypes] * count
    if dtypes is not None:
        return list(dtypes)
    floating = [
        tensor.dtype
        for tensor in [*(model.parameters() if model else []), *(model.buffers() if model else [])]
        if tensor.is_floating_point()
    ]
    return [floating[0]] * count if floating else None


def torchinfo_arguments(kwargs: dict[str, Any], model: nn.Module | None = None) -> dict[str, Any]:
    """The same input for torchinfo, whose input_size includes the batch dimension.

    ``model`` gives the dtype of the inputs, which nnguide infers from the model
    and torchinfo does not (it builds float32 inputs unless told otherwise).
    """
    if "input_data" in kwargs:
        return {"input_data": kwargs["input_data"]}
    size = kwargs["input_size"]
    shapes = size if isinstance(size, list) else [size]
    batch_dim = kwargs.get("batch_dim", 0)
    if batch_dim is not None:
        batch = kwargs.get("batch_size", BATCH)
        shapes = [(*shape[:batch_dim], batch, *shape[batch_dim:]) for shape in shapes]
    arguments: dict[str, Any] = {"input_size": shapes if isinstance(size, list) else shapes[0]}
    dtypes = input_dtypes(kwargs, model)
    if dtypes is not None:
        arguments["dtypes"] = dtypes
    return arguments
