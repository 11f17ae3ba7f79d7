# %% [markdown]
# # Gradient descent and mini-batches
#
# Lesson 3 ended with a single step downhill: compute the loss, call `backward()`,
# move every parameter a little against its gradient. Training a network is that
# step repeated, thousands of times. This lesson builds the repetition, the
# training loop, on a problem small enough to check every answer: fitting a
# plane to 512 noisy points. We write the loop by hand first, then let an
# optimizer do the update, then feed the data in mini-batches with PyTorch's
# `Dataset` and `DataLoader`. With the loop in place we can watch what the two
# most important settings of training, the learning rate and the batch size, do
# to the loss curve.
#
# **What you will learn**
#
# - the training loop: forward pass, loss, `backward()`, update, clear the gradients
# - how `torch.optim.SGD` performs the same update as a hand-written one
# - full-batch, mini-batch and stochastic gradient descent; iterations and epochs
# - how to write a custom `Dataset` and batch and shuffle it with `DataLoader`
# - what a learning rate that is too small or too large does to training
# - how the batch size trades the number of updates against their noise
# - `nnguide.fit`, the same loop packaged as a function
#
# **Prerequisites:** Lesson 1 (`nn.Linear`, modules) and Lesson 3 (losses,
# `backward()`, `zero_grad()` and one step of gradient descent).

# %% [markdown]
# ## Setup
#
# Imports, a fixed seed, the plot style and the device. The data are drawn on the
# CPU, so the numbers on this page are the same on any machine. The seed is set in
# one place, `SEED`: this lesson compares learning rates and batch sizes, and its
# conclusions should not depend on one lucky draw of the data. (The project's
# tests rerun the page with other seeds.)

# %%
import math
from itertools import pairwise

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from nnguide.device import get_device
from nnguide.plotting import set_style
from nnguide.tables import format_table
from nnguide.training import fit

SEED = 0
torch.manual_seed(SEED)
set_style()
device = get_device()
print("device:", device)

# %% [markdown]
# ## A plane to learn
# <!-- index: linear regression -->
#
# We make up data whose answer we know. Each sample has two features $x_1$ and
# $x_2$, drawn from a standard normal distribution, and a target
#
# $$y = 3x_1 - 2x_2 + 1 + \varepsilon,$$
#
# where the noise $\varepsilon$ has standard deviation 0.1. With two features, the
# points $(x_1, x_2, y)$ lie close to a plane in three dimensions rather than a line.
# A model that learns the weights $(3, -2)$ and the bias 1 has found the rule; the
# noise it cannot predict, so the best possible mean squared error is about
# $0.1^2 = 0.01$ (the exact solution below reaches the value printed there).

# %%
num_samples = 512
true_weight = torch.tensor([[3.0, -2.0]])
true_bias = torch.tensor([1.0])

X = torch.randn(num_samples, 2)
y = X @ true_weight.T + true_bias + 0.1 * torch.randn(num_samples, 1)
print("X:", tuple(X.shape), "  y:", tuple(y.shape))
print("first sample:", [round(v, 3) for v in X[0].tolist()], "->", round(y[0].item(), 3))
print(f"mean of y²: {(y**2).mean().item():.2f}")
assert X.shape == (512, 2) and y.shape == (512, 1)
assert abs((y**2).mean().item() - 14) < 2

# %% [markdown]
# ## Gradient descent by hand
# <!-- index: update rule; steepest descent; manual SGD; SGD by hand -->
#
# The model is $\hat{y} = X w^\top + b$, with weights `w` and bias `b` starting at
# zero, and the loss is the mean squared error over the $n = 512$ samples:
#
# $$L = \frac{1}{n} \sum_{i=1}^{n} (\hat{y}_i - y_i)^2.$$
#
# One iteration of gradient descent is the step from Lesson 3:
#
# 1. forward pass: predictions and the loss on all 512 samples;
# 2. `loss.backward()` fills `w.grad` and `b.grad`;
# 3. update every parameter against its gradient, with learning rate $\eta$,
#    under `torch.no_grad()` because the update is not part of the model:
#
#    $$w \leftarrow w - \eta \nabla_w L, \qquad b \leftarrow b - \eta \nabla_b L;$$
#
# 4. clear the gradients, because `backward()` adds to them.
#
# We repeat it 100 times with $\eta = 0.1$ and print the loss now and then. It
# starts at the mean of $y^2$, about 14, and falls to the noise level.

# %%
X_device, y_device = X.to(device), y.to(device)
w = torch.zeros(1, 2, device=device, requires_grad=True)
b = torch.zeros(1, device=device, requires_grad=True)
learning_rate = 0.1
losses = []

for _ in range(100):
    loss = ((X_device @ w.T + b - y_device) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= learning_rate * w.grad
        b -= learning_rate * b.grad
    w.grad = None
    b.grad = None
    losses.append(loss.item())

for step in [0, 20, 40, 60, 80, 99]:
    print(f"step {step:3d}   loss {losses[step]:8.4f}")
print("learned w:", [round(v, 3) for v in w[0].tolist()], "  b:", round(b.item(), 3))
assert abs(losses[0] - (y**2).mean().item()) < 1e-3 and losses[-1] < 0.015
assert torch.allclose(w.cpu(), true_weight, atol=0.02) and abs(b.item() - 1) < 0.02

# %% [markdown]
# A plane fitted by least squares has an exact solution, so we can check what
# gradient descent found. `torch.linalg.lstsq` solves for the weights and the bias
# (a column of ones in the input stands for the bias) directly. Both answers agree
# to four decimal places: 100 small steps downhill reached the bottom.

# %%
X_with_ones = torch.cat([X, torch.ones(num_samples, 1)], dim=1)
exact = torch.linalg.lstsq(X_with_ones, y).solution.flatten()
found = torch.cat([w.detach().flatten(), b.detach()]).cpu()
best_mse = ((X_with_ones @ exact - y.flatten()) ** 2).mean().item()
print("exact solution:  ", [round(v, 4) for v in exact.tolist()], f"  its MSE: {best_mse:.4f}")
print("gradient descent:", [round(v, 4) for v in found.tolist()])
assert torch.allclose(found, exact, atol=1e-4) and 0.007 < best_mse < 0.013

# %% [markdown]
# ## The same loop with an optimizer
# <!-- index: torch.optim; optimiser; optimizer.step; SGD optimizer -->
#
# Writing the update by hand gets tedious once a model has many parameters, and
# better update rules than plain gradient descent exist. PyTorch's optimizers in
# `torch.optim` take the model's parameters once and then do the update in
# `optimizer.step()`; `optimizer.zero_grad()` clears the gradients. The model is
# now an `nn.Linear(2, 1)` and the loss `nn.MSELoss()`. Starting from the same
# zeros, `torch.optim.SGD` lands on the same weights as our hand-written loop.

# %%
model = nn.Linear(2, 1).to(device)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()

for _ in range(100):
    optimizer.zero_grad()
    loss = loss_fn(model(X_device), y_device)
    loss.backward()
    optimizer.step()

print("SGD weight:", [round(v, 4) for v in model.weight[0].tolist()])
print("by hand:   ", [round(v, 4) for v in w[0].tolist()])
assert torch.allclose(model.weight, w, atol=1e-5) and torch.allclose(model.bias, b, atol=1e-5)

# %% [markdown]
# ## Mini-batches and epochs
# <!-- index: iteration; mini-batch; epoch -->
#
# So far every step used all 512 samples: **full-batch** gradient descent. With a
# real data set of a million images that is far too slow for a single step.
# Instead, each step uses a small random part of the data, a **mini-batch**, and
# its gradient as an estimate of the full one. The **batch size** is the number of
# samples in a mini-batch; one step is an **iteration**; one pass over the whole
# data set is an **epoch**. With batch size 1 the method is called **stochastic**
# gradient descent (the name SGD is used for the mini-batch version too).
#
# Before each epoch the samples are shuffled, so that the mini-batches differ
# from epoch to epoch. By hand: a random permutation of the indices, cut into
# slices.

# %%
batch_size = 64
permutation = torch.randperm(num_samples)
batches = [permutation[start : start + batch_size] for start in range(0, num_samples, batch_size)]
print("iterations per epoch with batch size 64:", len(batches))
print("first mini-batch:", tuple(X[batches[0]].shape), tuple(y[batches[0]].shape))

kinds = [("full-batch", 512), ("mini-batch", 64), ("stochastic", 1)]
rows = [[name, f"{size}", f"{math.ceil(num_samples / size)}"] for name, size in kinds]
print(format_table(rows, headers=["method", "batch size", "iterations per epoch"]))
assert len(batches) == 8 and sorted(torch.cat(batches).tolist()) == list(range(num_samples))

# %% [markdown]
# ## A custom Dataset
# <!-- index: Dataset class; __getitem__; __len__ -->
#
# PyTorch separates *what* the data are from *how* they are served. A `Dataset`
# answers two questions: how many samples there are (`__len__`) and what sample
# number `i` is (`__getitem__`). Ours holds tensors in memory; a data set of image
# files would read and decode one file in `__getitem__` instead. (For tensors
# already in memory PyTorch has a ready-made one, `TensorDataset`.)


# %%
class PlaneDataset(Dataset):
    """Samples (x, y) of the noisy plane, one per index."""

    def __init__(self, features, targets):
        self.features = features
        self.targets = targets

    def __len__(self):
        return len(self.features)

    def __getitem__(self, index):
        return self.features[index], self.targets[index]


dataset = PlaneDataset(X, y)
features, target = dataset[0]
print("len(dataset):", len(dataset))
print("dataset[0]:", [round(v, 3) for v in features.tolist()], "->", round(target.item(), 3))
assert len(dataset) == 512 and torch.equal(features, X[0])

# %% [markdown]
# ## `DataLoader` { #dataloader }
# <!-- index: shuffle -->
#
# A `DataLoader` does the slicing we did by hand: it asks the data set for samples,
# stacks them into mini-batches and, with `shuffle=True`, draws a new order every
# epoch. Passing it a seeded `torch.Generator` makes the order the same on every
# run: a second loader built the same way serves the same batches. When the batch
# size does not divide the data set, the last batch is smaller: 512 samples in
# batches of 100 give five full batches and one of 12.

# %%
loader = DataLoader(
    dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
)
inputs, targets = next(iter(loader))
print("batches per epoch:", len(loader), "  one batch:", tuple(inputs.shape), tuple(targets.shape))
epoch_1 = torch.cat([batch_targets for _, batch_targets in loader])
epoch_2 = torch.cat([batch_targets for _, batch_targets in loader])
print("same order in two epochs:", torch.equal(epoch_1, epoch_2))

twin = DataLoader(
    dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
)
same_run = torch.equal(next(iter(twin))[1], targets)
print("a second loader with the same seed, same first batch:", same_run)

sizes = [len(batch_inputs) for batch_inputs, _ in DataLoader(dataset, batch_size=100)]
print("batch sizes with batch_size=100:", sizes)
assert len(loader) == 8 and inputs.shape == (64, 2) and targets.shape == (64, 1)
assert sizes == [100, 100, 100, 100, 100, 12] and not torch.equal(epoch_1, epoch_2)
assert same_run

# %% [markdown]
# ## The training loop
# <!-- index: four steps of training -->
#
# Now the loop every later lesson uses: for each epoch, for each mini-batch from
# the loader, move the batch to the device and do the four steps. We wrap it in a
# function so we can run it with different settings. It returns the loss of every
# mini-batch, and the loss on the whole data set at the start and after every
# epoch, which is the fair number to compare between settings.


# %%
def train(batch_size, learning_rate, epochs):
    model = nn.Linear(2, 1).to(device)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )

    def full_loss():
        with torch.no_grad():
            return loss_fn(model(X_device), y_device).item()

    batch_losses, epoch_losses = [], [full_loss()]
    for _ in range(epochs):
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        epoch_losses.append(full_loss())
    return model, batch_losses, epoch_losses


model, batch_losses, epoch_losses = train(batch_size=64, learning_rate=0.05, epochs=5)
print("iterations:", len(batch_losses))
print("loss on all data, start and after each epoch:", [round(v, 4) for v in epoch_losses])
assert len(batch_losses) == 5 * 8 and epoch_losses[-1] < 2 * best_mse

# %% [markdown]
# ## The learning rate
# <!-- index: step size; lr -->
#
# The learning rate sets the length of each step. We train with full batches (one
# iteration per epoch, so the curves are smooth) for 30 epochs with four learning
# rates and plot the loss on a logarithmic scale:
#
# - **0.01** is too small: every step goes the right way, but after 30 steps the
#   loss is still above 1.
# - **0.1** reaches the noise level.
# - **0.6** steps past the bottom each time, so the weights swing from one side to
#   the other, but the swings shrink and the loss still falls.
# - **1.2** is too large: each step overshoots by more than it corrects, and the
#   loss grows without limit: training diverges, or "explodes". A loss that
#   climbs to huge values or `nan` in the first few iterations almost always means
#   the learning rate is too large.
#
# Every run starts from the same zeros and sees the same data, so the learning rate
# is the only difference.

# %%
learning_rates = [0.01, 0.1, 0.6, 1.2]
lr_curves = {lr: train(batch_size=512, learning_rate=lr, epochs=30)[2] for lr in learning_rates}
print(
    format_table(
        [[f"{lr}", f"{curve[-1]:.4g}"] for lr, curve in lr_curves.items()],
        headers=["learning rate", "loss after 30 steps"],
        align=">>",
    )
)

fig, ax = plt.subplots()
for lr, curve in lr_curves.items():
    ax.plot(curve, label=f"learning rate {lr}")
ax.set(
    yscale="log",
    ylim=(5e-3, 1e3),
    xlabel="iteration (= epoch, full batch)",
    ylabel="MSE on all data",
)
ax.set_title("Full-batch gradient descent with four learning rates")
ax.legend()
plt.show()

assert lr_curves[0.01][-1] > 1
assert lr_curves[0.1][-1] < 1.2 * best_mse and lr_curves[0.6][-1] < 1.2 * best_mse
assert lr_curves[1.2][-1] > 1000 * lr_curves[1.2][0]
assert all(later < earlier for earlier, later in pairwise(lr_curves[0.01]))

# %% [markdown]
# Why 0.6 swings: we train it again, keep the first weight after every step and
# compare it with its best value from the exact solution (about 3). It starts 3
# below; after one step it is above, after the next below again: the sign of the
# difference flips at every step while its size shrinks.

# %%
model = nn.Linear(2, 1).to(device)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.6)
differences = [model.weight[0, 0].item() - exact[0].item()]
for _ in range(5):
    optimizer.zero_grad()
    loss_fn(model(X_device), y_device).backward()
    optimizer.step()
    differences.append(model.weight[0, 0].item() - exact[0].item())
print("first weight minus its best value:", [round(v, 3) for v in differences])
assert all(a * b < 0 and abs(b) < abs(a) for a, b in pairwise(differences))

# %% [markdown]
# ## The batch size
# <!-- index: batch_size -->
#
# Now the learning rate stays at 0.05 and the batch size changes: 512 (full
# batch), 64, 8 and 1 (stochastic), each for 5 epochs. The learning rate is held
# fixed on purpose, to show what the batch size alone does; it is not tuned for
# each batch size, so this is no contest for the best batch size (with full
# batches, the rate 0.1 above reached the noise level in 30 epochs). Two things
# change with the batch size.
#
# - **Updates per epoch.** A smaller batch gives more iterations per epoch: 1, 8,
#   64 and 512. After one epoch, the full-batch model has taken one small step,
#   while the others have taken many, and their loss is lower (left plot).
# - **Noise.** The loss measured on one sample is itself a noisy estimate of the
#   loss on all data, and so is its gradient. The right plot shows the first part:
#   the losses of batch size 1 jump around far more than the mini-batch losses of
#   batch size 64 (their standard deviations in the last epoch are printed below). Most
#   of that spread is the estimate's own noise: even with the weights held fixed at
#   the exact solution, single-sample losses spread about $\sqrt{64} = 8$ times as
#   widely as means of 64, as the cell below measures. The noisy gradient shows in
#   the loss on all data: its steps keep batch size 1 jumping around near the
#   bottom instead of settling, and after 5 epochs it ends a little higher than
#   batch size 8.
#
# Every iteration costs a forward and a backward pass: per epoch, batch size 1
# makes 512 of them, each on a single sample, while batch size 64 makes 8, each on
# 64 samples at once, which is the kind of work processors (GPUs above all) do in
# parallel. Mini-batches of a few dozen to a few hundred samples are the usual
# compromise between many updates and cheap, steady ones.

# %%
batch_sizes = [512, 64, 8, 1]
runs = {size: train(batch_size=size, learning_rate=0.05, epochs=5) for size in batch_sizes}
rows = [
    [f"{size}", f"{len(steps) // 5}", f"{epochs[1]:.4f}", f"{epochs[-1]:.4f}"]
    for size, (_, steps, epochs) in runs.items()
]
headers = ["batch size", "iterations per epoch", "loss after 1 epoch", "after 5 epochs"]
print(format_table(rows, headers=headers, align=">>>>"))

colors = {512: "C0", 64: "C1", 8: "C2", 1: "C3"}
fig, (ax_epochs, ax_steps) = plt.subplots(1, 2, figsize=(11, 4))
for size in batch_sizes:
    ax_epochs.plot(
        range(6), runs[size][2], marker="o", color=colors[size], label=f"batch size {size}"
    )
# Small batches first, so that the larger batches' curves stay visible on top.
for size in reversed(batch_sizes):
    steps = runs[size][1]
    position = [(i + 1) * 5 / len(steps) for i in range(len(steps))]
    ax_steps.plot(position, steps, color=colors[size], linewidth=0.8, label=f"batch size {size}")
ax_epochs.set(yscale="log", xlabel="epoch", ylabel="MSE on all data", title="Loss per epoch")
ax_steps.set(yscale="log", ylim=(1e-6, 1e2), xlabel="epoch", ylabel="mini-batch loss")
ax_steps.set_title("Loss of each mini-batch")
ax_epochs.legend()
ax_steps.legend(loc="upper right")
plt.show()

last_epoch = {size: torch.tensor(runs[size][1]).reshape(5, -1)[-1] for size in (64, 1)}
spread = {size: losses.std().item() for size, losses in last_epoch.items()}
print("spread (standard deviation) of the mini-batch losses in the last epoch:")
print(f"    batch size 64: {spread[64]:.4f}   batch size 1: {spread[1]:.4f}")

# The weights held fixed at the exact solution: losses of single samples, and of
# 2,000 random batches of 64, drawn with a seeded generator.
squared_errors = (X_with_ones @ exact - y.flatten()) ** 2
draws = torch.randint(num_samples, (2000, 64), generator=torch.Generator().manual_seed(SEED))
fixed_ratio = (squared_errors.std() / squared_errors[draws].mean(dim=1).std()).item()
print(
    f"fixed weights: single-sample losses spread {fixed_ratio:.1f} times as widely as means of 64"
)

assert [len(runs[size][1]) // 5 for size in batch_sizes] == [1, 8, 64, 512]
assert runs[512][2][1] > runs[64][2][1] > runs[8][2][1] and runs[512][2][1] > runs[1][2][1]
assert spread[1] > 1.5 * spread[64] and 7 < fixed_ratio < 9
assert runs[1][2][-1] > runs[8][2][-1]

# %% [markdown]
# ## The helper: `fit` { #the-helper-fit }
# <!-- index: nnguide.fit -->
#
# The loop of this lesson is the same for almost every model, so `nnguide` has it
# as a function. `nnguide.fit(model, loader, loss_fn=..., optimizer=..., epochs=...)`
# runs exactly the four steps per mini-batch, moves the model and every batch to
# `device`, and returns a `History` whose `train_loss` holds each epoch's mean
# mini-batch loss. Given the same starting weights and the same shuffling, it
# reproduces our hand-written loop number for number. (It can also show a
# progress bar; it does so only when you ask or when it runs in a terminal.)

# %%
model = nn.Linear(2, 1)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
loader = DataLoader(
    dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
)
history = fit(model, loader, loss_fn=loss_fn, optimizer=optimizer, epochs=5, device=device)

by_hand = torch.tensor(runs[64][1]).reshape(5, 8).mean(dim=1)
print("fit, mean loss per epoch:    ", [round(v, 4) for v in history.train_loss])
print("by hand, mean loss per epoch:", [round(v, 4) for v in by_hand.tolist()])
assert history.epochs == 5
assert torch.allclose(torch.tensor(history.train_loss), by_hand, rtol=1e-4)

# %% [markdown]
# ## Summary
#
# - Training is a loop: forward pass, loss, `backward()`, update, clear the
#   gradients. By hand, 100 full-batch steps found the exact least-squares plane.
# - `torch.optim.SGD` does the same update in `optimizer.step()`, and
#   `optimizer.zero_grad()` clears the gradients.
# - Full-batch gradient descent uses all samples per step, stochastic uses one,
#   mini-batch a few; an epoch is one pass over the data.
# - A `Dataset` says how many samples there are and what sample `i` is; a
#   `DataLoader` batches and shuffles it, reproducibly with a seeded generator.
# - A learning rate that is too small crawls, a good one converges, a larger one
#   oscillates, and one that is too large makes the loss explode.
# - Smaller batches give more, noisier updates per epoch: the loss and gradient of a
#   small batch are noisy estimates of those on all data.
# - `nnguide.fit` runs the same loop and returns the loss of every epoch.
#
# ## Further reading
#
# - PyTorch tutorial "Datasets & DataLoaders":
#   https://pytorch.org/tutorials/beginner/basics/data_tutorial.html
# - PyTorch tutorial "Optimizing Model Parameters":
#   https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html
# - Next lesson: training a classifier end to end, on real handwritten digits.

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **Count the updates.** With `batch_size=100` and 3 epochs, how many times does
#    `train` update the parameters? (The 512 samples do not divide by 100.) Check with
#    the length of the mini-batch losses that `train` returns.
# 2. **Momentum on the same budget.** The learning rate 0.01 was too small for 30
#    full-batch steps. Give `torch.optim.SGD` the same rate and `momentum=0.9`, take the
#    same 30 full-batch steps from zero weights, and compare the final loss with the
#    one without momentum in `lr_curves`. (Momentum adds a share of the previous step
#    to each step; Lesson 7 explains it.)
# 3. **The largest stable learning rate.** For the mean squared error of a linear
#    model, full-batch gradient descent converges when the learning rate is below
#    $2 / \lambda_{\max}$, where $\lambda_{\max}$ is the largest eigenvalue of
#    $\frac{2}{N} X^\top X$ (with the column of ones for the bias, `X_with_ones`).
#    Compute this limit with `torch.linalg.eigvalsh`, check that it lies between the
#    rates 0.6 and 1.2 of the lesson, and train 30 steps 10 % below and 10 % above it.

# %% tags=["solution"]
updates = math.ceil(num_samples / 100) * 3
_, steps_100, _ = train(batch_size=100, learning_rate=0.05, epochs=3)
print("predicted:", updates, "  mini-batch losses returned by train:", len(steps_100))
assert updates == len(steps_100) == 18

# %% tags=["solution"]
model = nn.Linear(2, 1).to(device)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
for _ in range(30):
    optimizer.zero_grad()
    loss_fn(model(X_device), y_device).backward()
    optimizer.step()
with torch.no_grad():
    with_momentum = loss_fn(model(X_device), y_device).item()
print(
    f"loss after 30 steps at lr 0.01: without momentum {lr_curves[0.01][-1]:.3f}, "
    f"with momentum 0.9 {with_momentum:.3f}"
)
assert with_momentum < lr_curves[0.01][-1] / 2

# %% tags=["solution"]
curvature = torch.linalg.eigvalsh(2 / num_samples * X_with_ones.T @ X_with_ones)
limit = 2 / curvature.max().item()
final = {}
for share in (0.9, 1.1):
    model = nn.Linear(2, 1).to(device)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=share * limit)
    for _ in range(30):
        optimizer.zero_grad()
        loss_fn(model(X_device), y_device).backward()
        optimizer.step()
    with torch.no_grad():
        final[share] = loss_fn(model(X_device), y_device).item()
print(f"largest eigenvalue {curvature.max().item():.3f}, limit 2/λ = {limit:.3f}")
print(
    f"after 30 steps: 10 % below {final[0.9]:.4f}, 10 % above {final[1.1]:.4g} (start {lr_curves[0.01][0]:.2f})"
)
assert 0.6 < limit < 1.2
assert final[0.9] < 1.2 * best_mse and final[1.1] > lr_curves[0.01][0]
