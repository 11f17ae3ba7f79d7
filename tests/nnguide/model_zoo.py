"""Models that the summary tests and benchmarks/summary.py both run.

``MODELS`` maps a name to a model factory and a factory of the keyword arguments for
``nnguide.summary``; ``torchinfo_arguments`` gives torchinfo the same input.
"""

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

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
}


def torchinfo_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The same input for torchinfo, whose input_size includes the batch dimension."""
    if "input_data" in kwargs:
        return {"input_data": kwargs["input_data"]}
    size = kwargs["input_size"]
    if isinstance(size, list):
        return {"input_size": [(BATCH, *shape) for shape in size]}
    return {"input_size": (BATCH, *size)}
