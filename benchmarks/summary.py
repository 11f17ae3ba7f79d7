"""Time nnguide.summary against torchinfo.summary on the same models.

Run from anywhere:

    python benchmarks/summary.py [--repeats 25]

Each model is summarized by both tools once to warm up, then ``--repeats`` more
times, alternating the two tools so that both see the same machine state. The
table shows the median time of each and the ratio nnguide / torchinfo (the goal
is a ratio of at most 1.0). Both run on the CPU, in one thread, with the same
input.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
import torchinfo
from torch import nn

import nnguide

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


def transformer() -> nn.Module:
    layer = nn.TransformerEncoderLayer(16, nhead=2, dim_feedforward=32, batch_first=True)
    return nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)


# name -> (model factory, nnguide.summary keyword arguments)
MODELS: dict[str, tuple[Callable[[], nn.Module], dict[str, Any]]] = {
    "lecture MLP": (
        lambda: nnguide.MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid"),
        {"input_size": (128,)},
    ),
    "CNN with BatchNorm": (SmallCNN, {"input_size": (1, 28, 28)}),
    "LSTM": (lambda: Recurrent(nn.LSTM), {"input_size": (5, 10)}),
    "GRU": (lambda: Recurrent(nn.GRU), {"input_size": (5, 10)}),
    "Embedding": (BagOfWords, {"input_data": torch.arange(BATCH * 7).reshape(BATCH, 7)}),
    "nested Sequentials": (
        lambda: nn.Sequential(
            nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 8), nn.ReLU())),
            nn.Linear(8, 2),
        ),
        {"input_size": (6,)},
    ),
    "shared layer": (Shared, {"input_size": (8,)}),
    "frozen layer": (Frozen, {"input_size": (10,)}),
    "two inputs": (TwoInputs, {"input_size": [(3,), (4,)]}),
    "parameter-free": (lambda: nn.Sequential(nn.Flatten(), nn.ReLU()), {"input_size": (3, 4)}),
    "Transformer encoder": (transformer, {"input_size": (5, 16)}),
}


def torchinfo_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The same input for torchinfo, whose input_size includes the batch dimension."""
    if "input_data" in kwargs:
        return {"input_data": kwargs["input_data"]}
    size = kwargs["input_size"]
    if isinstance(size, list):
        return {"input_size": [(BATCH, *shape) for shape in size]}
    return {"input_size": (BATCH, *size)}


def median_times(
    first: Callable[[], object], second: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Median seconds of each call, timed alternately after one warm-up call each."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for call, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            call()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=25, help="timed runs per tool and model")
    repeats = parser.parse_args().repeats

    torch.manual_seed(0)
    torch.set_num_threads(1)  # Tiny inputs: one thread is fastest and least disturbed by load.
    versions = f"torch {torch.__version__}, torchinfo {torchinfo.__version__}"
    print(f"{versions}, nnguide {nnguide.__version__}")
    print(f"median of {repeats} runs each, batch size {BATCH}, CPU, 1 thread")
    print()
    header = f"{'model':<22} {'nnguide (ms)':>13} {'torchinfo (ms)':>15} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    ratios = []
    for name, (make_model, kwargs) in MODELS.items():
        model = make_model()
        theirs_kwargs = torchinfo_arguments(kwargs)
        ours, theirs = median_times(
            lambda model=model, kwargs=kwargs: nnguide.summary(model, **kwargs),
            lambda model=model, kwargs=theirs_kwargs: torchinfo.summary(model, verbose=0, **kwargs),
            repeats,
        )
        ratios.append(ours / theirs)
        print(f"{name:<22} {ours * 1e3:>13.3f} {theirs * 1e3:>15.3f} {ours / theirs:>6.2f}")
    print("-" * len(header))
    print(f"{'largest ratio':<22} {'':>13} {'':>15} {max(ratios):>6.2f}")
    print(
        f"{'geometric mean ratio':<22} {'':>13} {'':>15} {statistics.geometric_mean(ratios):>6.2f}"
    )


if __name__ == "__main__":
    main()
