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
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torchinfo

import nnguide

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.nnguide.model_zoo import BATCH, MODELS, torchinfo_arguments


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
    for name, (make_model, make_kwargs) in MODELS.items():
        model, kwargs = make_model(), make_kwargs()
        theirs_kwargs = torchinfo_arguments(kwargs, model)
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
