"""Small data sets the training tests share."""

import torch


def blobs(num_samples=120, seed=0, spread=0.5):
    """Three Gaussian blobs in the plane, classes 0, 1, 2 in turn: (inputs, targets)."""
    generator = torch.Generator().manual_seed(seed)
    targets = torch.arange(num_samples) % 3
    centers = torch.tensor([[2.0, 0.0], [-2.0, 2.0], [-2.0, -2.0]])
    inputs = centers[targets] + spread * torch.randn(num_samples, 2, generator=generator)
    return inputs, targets
