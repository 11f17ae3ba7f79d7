# %% [markdown]
# # Tensors
#
# Everything a neural network reads, computes and learns is stored in tensors:
# the images of a data set, the weights of a layer, the logits it outputs and the
# gradients that train it. A tensor is an n-dimensional array of numbers that
# also knows its data type and the device it lives on. The lessons after this one
# use tensors on every line, so this lesson collects the rules they rely on:
# how tensors are made, why their data type matters to a loss function, how their
# shape changes, how PyTorch combines tensors of different shapes, how to pick
# elements out of them, how to sum along one dimension, how they share memory
# with NumPy, and how to move them to a GPU. Each rule is checked by an `assert`
# in the code, so the page fails to build if PyTorch ever behaves differently.
#
# **What you will learn**
#
# - how to create tensors and read their `shape`, `dtype` and `device`
# - why inputs are `float32` and class labels `int64`, and what happens otherwise
# - `view`, `reshape` and contiguous memory
# - the broadcasting rules, and the shape bug they can hide
# - indexing with slices, boolean masks and index tensors; `argmax`
# - reductions along a dimension (`sum`, `mean`, `max`) and `keepdim`
# - NumPy interoperability and shared memory
# - moving tensors to a device
# - in-place operations, the methods whose names end in `_`
#
# **Prerequisites:** basic Python (lists, loops, functions). Knowing NumPy helps,
# but is not needed.
#
# To show where each rule matters, this lesson borrows a few names that later
# lessons explain; here you only need to know what they are:
#
# - `nn.Linear` is a fully connected layer of a network (Lesson 1);
# - **logits** are the raw scores a classifier outputs, one per class (Lesson 1);
# - a **loss function** measures how wrong a prediction is: `nn.CrossEntropyLoss`
#   when the answer is a class and `nn.MSELoss` when it is a number (Lesson 3);
# - `nn.functional.one_hot` turns a class index into a row of 0s with a 1 at
#   that index.

# %% [markdown]
# ## Setup
#
# We import PyTorch and NumPy, seed PyTorch's random number generator so the
# random tensors below are the same on every run, and ask `nnguide.get_device()`
# for the best device of this machine.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from nnguide.device import get_device
from nnguide.plotting import set_style

torch.manual_seed(0)
set_style()
device = get_device()
print("PyTorch", torch.__version__, "  device:", device)

# %% [markdown]
# ## Creating tensors
# <!-- index: multidimensional array; ndarray; create; zeros; arange; random tensor; rand; randn -->
#
# `torch.tensor` copies nested Python lists into a tensor. Its **shape** lists
# how many elements it has along each dimension: a matrix of 2 rows and 3 columns
# has shape `(2, 3)`; `ndim` is the number of dimensions and `numel()` the number
# of elements. Factory functions make tensors of a given shape: `zeros`, `ones`,
# `full`, `arange` (a range of integers), `linspace` (evenly spaced points),
# `rand` (uniform on $[0, 1)$) and `randn` (standard normal). A mini-batch of 32
# samples with 128 features each, as in Lesson 1, is a tensor of shape `(32, 128)`.
#
# Two methods take values out of a tensor, and the printed lines of every lesson
# use them: `.item()` turns a tensor of one element into a plain Python number,
# and `.tolist()` turns a tensor into (nested) Python lists.

# %%
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(x)
print("shape:", x.shape, "  ndim:", x.ndim, "  numel:", x.numel())
print("arange(5):  ", torch.arange(5))
print("linspace:   ", torch.linspace(0, 1, steps=5))
print("zeros(2, 2):", torch.zeros(2, 2).tolist())
batch = torch.rand(32, 128)
print(
    "rand(32, 128):",
    tuple(batch.shape),
    " values from",
    round(batch.min().item(), 4),
    "to",
    round(batch.max().item(), 4),
)
assert x.shape == (2, 3) and x.ndim == 2 and x.numel() == 6
assert torch.equal(torch.arange(5), torch.tensor([0, 1, 2, 3, 4]))
assert torch.equal(torch.linspace(0, 1, steps=5), torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0]))
assert batch.shape == (32, 128) and batch.min() >= 0 and batch.max() < 1
assert isinstance(batch.min().item(), float) and x.tolist() == [[1, 2, 3], [4, 5, 6]]

# %% [markdown]
# ## Data types
# <!-- index: dtype; casting; int64; type conversion -->
#
# Every tensor has one **dtype** for all its elements. PyTorch picks `int64` for
# Python integers and `float32` for Python floats; NumPy arrays keep their own
# type, which for floats is usually `float64`. True division `/` of integers
# gives floats; floor division `//` keeps `int64`. `.float()`, `.long()` and
# `.to(dtype)` convert and return a new tensor.
#
# `float32` is the default for neural networks: a `float64` number takes twice the
# memory, and the extra precision rarely helps learning. (Training on a GPU often
# goes the other way: mixed precision runs most operations in the 16-bit
# `bfloat16` or `float16`.) Element-wise operations such as `+` and `*`
# convert silently to the wider type: `float32 + float64` gives `float64`, and
# `int64 + float32` gives `float32`. A matrix product does not mix types: a
# layer's weights are `float32`, so `nn.Linear` refuses an `int64` or `float64`
# input with an error instead of converting it.

# %%
print("from ints:", torch.tensor([1, 2]).dtype, "  from floats:", torch.tensor([1.0, 2.0]).dtype)
print("from a NumPy float array:", torch.tensor(np.array([1.0, 2.0])).dtype)
print("int64 / 2:", torch.tensor([1, 2, 3]) / 2, "  int64 // 2:", torch.tensor([1, 2, 3]) // 2)
float64_sum = torch.ones(1) + torch.ones(1, dtype=torch.float64)
mixed_sum = torch.tensor([1]) + torch.tensor([1.0])
print("float32 + float64:", float64_sum.dtype, "  int64 + float32:", mixed_sum.dtype)
layer = nn.Linear(3, 2)
print("weights of nn.Linear:", layer.weight.dtype)
messages = {}
for wrong_type in (torch.int64, torch.float64):
    try:
        layer(torch.tensor([[1, 2, 3]], dtype=wrong_type))
    except RuntimeError as error:
        messages[wrong_type] = str(error)
        print(f"nn.Linear on {wrong_type} input:", error)
print("after .float():", layer(torch.tensor([[1, 2, 3]]).float()).shape)
assert torch.tensor([1, 2]).dtype == torch.int64 and torch.tensor([1.0]).dtype == torch.float32
assert torch.tensor(np.array([1.0])).dtype == torch.float64
assert torch.zeros(1, dtype=torch.float64).element_size() == 2 * torch.zeros(1).element_size() == 8
assert (torch.tensor([1, 2, 3]) / 2).dtype == torch.float32
assert (torch.tensor([7]) // 2).dtype == torch.int64 and (torch.tensor([7]) // 2).item() == 3
assert float64_sum.dtype == torch.float64 and mixed_sum.dtype == torch.float32
assert len(messages) == 2 and all("same dtype" in text for text in messages.values())
assert torch.tensor([1.5, 2.7]).long().tolist() == [1, 2]

# %% [markdown]
# The loss functions care just as much. `nn.CrossEntropyLoss` takes logits of
# shape `(N, C)` and, as targets, the **class indices** as an `int64` tensor of
# shape `(N,)`. The same numbers stored as `float32` are refused, and so is
# `int32`: the error names the types it accepts. (A float target of shape
# `(N, C)` is accepted, but means something else: one probability per class,
# not a class index.) This is why `nnguide.load_digits` returns images as
# `float32` and labels as `int64`.

# %%
logits = torch.randn(4, 3)
labels = torch.tensor([0, 2, 1, 2])
loss_fn = nn.CrossEntropyLoss()
print("int64 targets:", round(loss_fn(logits, labels).item(), 4))
for wrong_type in (torch.float32, torch.int32):
    try:
        loss_fn(logits, labels.to(wrong_type))
    except RuntimeError as error:
        print(f"{wrong_type} targets:", error)
        assert "expected target dtype to be Long" in str(error)
probabilities = nn.functional.one_hot(labels, num_classes=3).float()
print("float one-hot targets (4, 3):", round(loss_fn(logits, probabilities).item(), 4))
assert labels.dtype == torch.int64
assert torch.allclose(loss_fn(logits, probabilities), loss_fn(logits, labels))

# %% [markdown]
# ## Shape: view and reshape
# <!-- index: unsqueeze; squeeze; tensor shape; add a dimension; flatten -->
#
# `view` gives the same elements another shape; the number of elements must not
# change, and one size may be `-1`, meaning "whatever is left". A view is not a
# copy: it shares memory with the original, so changing one changes the other.
#
# That works because a tensor's elements lie in one block of memory, and the
# **strides** say how far to jump for each dimension: element $(i, j)$ of a
# tensor with strides $(s_0, s_1)$ sits at position
#
# $$\text{offset}(i, j) = i \cdot s_0 + j \cdot s_1 .$$
#
# A freshly made `(2, 3)` tensor has strides `(3, 1)`: rows one after the other,
# which is called **contiguous**.

# %%
a = torch.arange(6)
b = a.view(2, 3)
c = a.view(3, -1)
print("b:", b.tolist(), "  strides:", b.stride(), "  contiguous:", b.is_contiguous())
print("c:", c.tolist())
b[0, 0] = 100
print("a after b[0, 0] = 100:", a.tolist())
assert b.shape == (2, 3) and c.shape == (3, 2) and b.stride() == (3, 1)
assert a[0] == 100 and b.data_ptr() == a.data_ptr()
a[0] = 0

# %% [markdown]
# Transposing swaps the strides instead of moving any element, so the result is
# not contiguous: its rows are no longer one after the other in memory. `view`
# cannot describe that with new strides and raises an error; the message
# itself suggests `reshape`, which returns a view when it can and a copy when it
# must. `.contiguous()` makes the copy explicitly.

# %%
t = b.T
print("t = b.T:", t.tolist(), "  strides:", t.stride(), "  contiguous:", t.is_contiguous())
try:
    t.view(6)
except RuntimeError as error:
    message = str(error)
print("t.view(6):", message)
print("t.reshape(6):", t.reshape(6).tolist())
assert t.stride() == (1, 3) and not t.is_contiguous()
assert "Use .reshape(...) instead" in message
assert torch.equal(t.reshape(6), t.contiguous().view(6))
assert t.reshape(6).data_ptr() != t.data_ptr() and b.reshape(6).data_ptr() == b.data_ptr()

# %% [markdown]
# Three more shape tools appear in every model: `unsqueeze(d)` inserts a
# dimension of size 1 at position `d`, `squeeze(d)` removes one, and
# `flatten(start_dim=1)` turns everything after the batch dimension into one, as
# `nn.Flatten` does before a fully connected layer. A batch of 16 grayscale
# images of 8×8 pixels has shape `(16, 1, 8, 8)`: batch, channel, height, width.

# %%
images = torch.rand(16, 8, 8)
with_channel = images.unsqueeze(1)
print(
    "unsqueeze(1):",
    tuple(with_channel.shape),
    "  squeeze(1):",
    tuple(with_channel.squeeze(1).shape),
)
print("flatten(start_dim=1):", tuple(with_channel.flatten(start_dim=1).shape))
assert with_channel.shape == (16, 1, 8, 8)
assert with_channel.flatten(start_dim=1).shape == nn.Flatten()(with_channel).shape == (16, 64)

# %% [markdown]
# ## Broadcasting
# <!-- index: broadcasting rules; shapes that broadcast; expand; vector plus matrix -->
#
# Adding a bias of shape `(3,)` to a batch of shape `(4, 3)` works although the
# shapes differ: PyTorch **broadcasts** the smaller tensor as if it were repeated
# along the missing dimension, without copying it. The rules, applied to the two
# shapes aligned at their last dimension:
#
# 1. a missing leading dimension counts as size 1;
# 2. two sizes fit if they are equal or one of them is 1;
# 3. the result takes the larger size in each dimension.
#
# So a column `(3, 1)` plus a row `(1, 4)` gives a `(3, 4)` table of all sums,
# and shapes `(2, 3)` and `(2,)` do not fit, because 3 and 2 differ in the last
# dimension. `torch.broadcast_shapes` applies the rules without computing
# anything.

# %%
batch = torch.ones(4, 3)
bias = torch.tensor([10.0, 20.0, 30.0])
print(f"(4, 3) + (3,): {(batch + bias)[0].tolist()} in each of {(batch + bias).shape[0]} rows")
column = torch.tensor([[0], [10], [20]])
row = torch.tensor([[1, 2, 3, 4]])
table = column + row
print("(3, 1) + (1, 4) ->", tuple(table.shape))
print(table)
try:
    torch.ones(2, 3) + torch.ones(2)
except RuntimeError as error:
    message = str(error)
print("(2, 3) + (2,):", message)
assert torch.equal((batch + bias)[3], bias + 1)
assert table.shape == (3, 4) and table[2, 3] == 24
assert torch.broadcast_shapes((8, 1, 6), (7, 1)) == (8, 7, 6)
assert row.expand(3, 4).stride() == (0, 1)
assert "must match the size of tensor b (2) at non-singleton dimension 1" in message

# %%
fig, axes = plt.subplots(1, 3, figsize=(8, 2.6), width_ratios=[1, 4, 4])
panels = [
    (column, "column (3, 1)"),
    (row.expand(3, 4), "row (1, 4), broadcast"),
    (table, "column + row (3, 4)"),
]
for ax, (values, title) in zip(axes, panels, strict=True):
    ax.imshow(values, cmap="Blues", vmin=-10, vmax=30)
    for (i, j), value in np.ndenumerate(values.numpy()):
        ax.text(j, i, str(value), ha="center", va="center")
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
plt.show()

# %% [markdown]
# Broadcasting can also hide a bug. A model with one output gives predictions of
# shape `(N, 1)`; if the targets have shape `(N,)`, their difference is not `N`
# errors but an `(N, N)` table of every prediction minus every target, and a mean
# over it is a number, just the wrong one. `nn.MSELoss` warns about exactly this
# case; a manual formula does not. Make the shapes equal first.

# %%
predictions = torch.tensor([[1.0], [2.0], [3.0]])
targets = torch.tensor([1.0, 2.0, 3.0])
wrong = ((predictions - targets) ** 2).mean()
right = ((predictions.squeeze(1) - targets) ** 2).mean()
print("shape of predictions - targets:", tuple((predictions - targets).shape))
print("mean squared error, wrong:", round(wrong.item(), 4), "  right:", right.item())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    mse = nn.MSELoss()(predictions, targets)
print("nn.MSELoss warns:", str(caught[0].message).split(". ")[0])
assert (predictions - targets).shape == (3, 3)
assert mse == wrong and "different to the input size" in str(caught[0].message)
assert right == 0 and wrong > 1

# %% [markdown]
# ## Indexing
# <!-- index: slicing; boolean mask; masked selection -->
#
# Slices work as for Python lists, once per dimension: `x[0]` is the first row,
# `x[:, 1]` the second column, `x[1:3]` the rows at index 1 and 2 (the second and
# third). A slice is a view and shares memory. Two other kinds of index make
# copies:
#
# - a **boolean mask** of the same shape picks the elements where it is `True`,
#   in a 1-D tensor;
# - an **integer tensor** (or list) picks whole rows, in any order, repeats
#   allowed. With one index tensor per dimension, `x[rows, cols]` picks the
#   elements `x[rows[k], cols[k]]`.

# %%
x = torch.tensor([[3, -1, 4], [-1, 5, -9], [2, 6, -5]])
print(
    "x[0]:", x[0].tolist(), "  x[:, 1]:", x[:, 1].tolist(), "  x[1:3].shape:", tuple(x[1:3].shape)
)
mask = x > 0
print("mask x > 0:", mask.tolist())
print("x[mask]:", x[mask].tolist())
print("x[[2, 0, 0]]:", x[[2, 0, 0]].tolist())
print("x[[0, 1, 2], [2, 1, 0]]:", x[[0, 1, 2], [2, 1, 0]].tolist())
assert x[:, 1].data_ptr() == x.data_ptr() + 1 * x.element_size()
assert x[mask].tolist() == [3, 4, 5, 2, 6] and mask.dtype == torch.bool
assert x[[0, 1, 2], [2, 1, 0]].tolist() == [4, 5, 2]
picked = x[[2, 0, 0]]
picked[0, 0] = 99
assert x[2, 0] == 2

# %% [markdown]
# Two uses of indexing meet you in every classifier. `argmax(dim=1)` returns the
# index of the largest logit in each row, the predicted class; comparing it with
# the labels gives a boolean tensor whose mean (as floats) is the accuracy. And
# `logits[torch.arange(N), labels]` picks each sample's logit of its true class,
# the number cross-entropy is built from.

# %%
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 4.0, 0.0], [0.3, 0.1, 0.2]])
labels = torch.tensor([0, 2, 2, 1])
predicted = logits.argmax(dim=1)
accuracy = (predicted == labels).float().mean().item()
true_class_logits = logits[torch.arange(4), labels]
print("predicted:", predicted.tolist(), "  labels:", labels.tolist(), "  accuracy:", accuracy)
print("logit of the true class:", [round(v, 2) for v in true_class_logits.tolist()])
assert predicted.tolist() == [0, 2, 1, 0] and accuracy == 0.5
assert torch.allclose(loss_fn(logits, labels), (logits.logsumexp(dim=1) - true_class_logits).mean())

# %% [markdown]
# ## Reductions along a dimension
# <!-- index: sum; mean; argmax; keepdim; dim argument; row sums; column means -->
#
# `sum`, `mean`, `max`, `min` and `argmax` reduce a tensor. Without `dim` they
# reduce everything to one number; with `dim` they reduce only that dimension,
# which disappears from the shape. For a batch of shape `(N, F)`, `dim=0` runs
# down the rows and gives one value per feature, and `dim=1` runs along each row
# and gives one value per sample. The mean over the samples is
#
# $$\bar{x}_j = \frac{1}{N} \sum_{i=1}^{N} x_{ij} .$$
#
# `max(dim=...)` returns both the values and their indices. With `keepdim=True`
# the reduced dimension stays with size 1, which is what broadcasting needs to
# divide every row by its own sum.

# %%
scores = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(
    "sum():",
    scores.sum().item(),
    "  sum(dim=0):",
    scores.sum(dim=0).tolist(),
    "  sum(dim=1):",
    scores.sum(dim=1).tolist(),
)
print("mean(dim=0):", scores.mean(dim=0).tolist())
values, indices = scores.max(dim=1)
print("max(dim=1): values", values.tolist(), " indices", indices.tolist())
row_sums = scores.sum(dim=1, keepdim=True)
shares = scores / row_sums
print("sum(dim=1, keepdim=True):", tuple(row_sums.shape), "  each row divided by its sum:")
print(shares)
assert scores.sum(dim=0).shape == (3,) and scores.sum(dim=1).shape == (2,)
assert torch.equal(scores.mean(dim=0), torch.tensor([2.5, 3.5, 4.5]))
assert indices.tolist() == [2, 2] and row_sums.shape == (2, 1)
assert torch.allclose(shares.sum(dim=1), torch.ones(2))
assert scores.sum(dim=1).shape != row_sums.shape

# %% [markdown]
# ## NumPy interoperability
# <!-- index: from_numpy; numpy array; convert to numpy -->
#
# `torch.from_numpy` wraps a NumPy array without copying, and `tensor.numpy()`
# does the same in the other direction: both names refer to one block of memory,
# so a change through either is seen by both. `torch.tensor(array)` copies
# instead. Remember that NumPy's default float is `float64`; convert with
# `.float()` before feeding a network.

# %%
array = np.zeros(3)
shared = torch.from_numpy(array)
copied = torch.tensor(array)
shared[0] = 7.0
print("array after shared[0] = 7:", array, "  copy:", copied.tolist())
back = shared.numpy()
back[1] = 8.0
print("tensor after back[1] = 8: ", shared.tolist())
print("dtype:", shared.dtype, "->", shared.float().dtype)
assert array[0] == 7.0 and copied[0] == 0.0 and shared[1] == 8.0
assert np.shares_memory(array, back) and shared.dtype == torch.float64

# %% [markdown]
# ## Moving to a device
# <!-- index: .to(device) -->
#
# A tensor lives on one device, the CPU or a GPU. `x.to(device)` returns a tensor
# on that device (the same one if it is already there) and leaves `x` where it
# was, so write `x = x.to(device)`. An operation needs all its tensors on one
# device, and `.numpy()` works only on the CPU, so results go back with `.cpu()`.
# A tensor that tracks gradients must also be detached first. Lesson 6 covers
# devices in depth.

# %%
x = torch.arange(4.0)
on_device = x.to(device)
print("x on", x.device, "  x.to(device) on", on_device.device)
result = (on_device * 2).cpu().numpy()
print("back on the CPU as NumPy:", result)
weight = torch.ones(2, requires_grad=True)
try:
    weight.numpy()
except RuntimeError as error:
    message = str(error)
print("weight.numpy():", message)
print("weight.detach().numpy():", weight.detach().numpy())
assert x.device.type == "cpu" and on_device.device.type == device.type
assert result.tolist() == [0.0, 2.0, 4.0, 6.0]
assert "Use tensor.detach().numpy() instead" in message

# %% [markdown]
# ## In-place operations
# <!-- index: in-place; trailing underscore; add_ -->
#
# A method whose name ends in an underscore changes the tensor itself instead of
# returning a new one: `add_`, `zero_`, `requires_grad_`, and in later lessons
# `nn.init.zeros_` and `kaiming_normal_`, which fill a layer's weights. Autograd
# refuses such a change to a tensor like `weight` above, created with
# `requires_grad=True`, while it records operations to compute gradients: the
# tensor it differentiates with respect to would change under it. Inside `with torch.no_grad():` nothing
# is recorded, so the change is allowed. That is how a training step updates the
# weights (Lessons 3 and 4).

# %%
counts = torch.zeros(3)
returned = counts.add_(1)
print("counts after counts.add_(1):", counts.tolist(), "  same tensor:", returned is counts)
try:
    weight.add_(1)
except RuntimeError as error:
    message = str(error)
print("weight.add_(1):", message)
with torch.no_grad():
    weight.add_(1)
print("weight after add_(1) under no_grad:", weight.tolist())
assert returned is counts and counts.tolist() == [1.0, 1.0, 1.0]
assert "leaf Variable that requires grad is being used in an in-place operation" in message
assert weight.tolist() == [2.0, 2.0] and weight.requires_grad

# %% [markdown]
# ## Summary
#
# - A tensor has a `shape`, a `dtype` and a `device`. Networks compute in
#   `float32`; `nn.CrossEntropyLoss` takes class indices as `int64` and refuses
#   `float32` or `int32` labels of shape `(N,)`.
# - `view` reshapes without copying but needs contiguous memory; after a
#   transpose use `reshape`, which copies when it must.
# - Broadcasting aligns shapes at the last dimension; sizes must be equal or 1.
#   A `(N, 1)` minus a `(N,)` silently makes an `(N, N)` table.
# - Slices are views; boolean masks and index tensors make copies.
#   `argmax(dim=1)` gives the predicted classes.
# - A reduction along `dim` removes that dimension; `keepdim=True` keeps it with
#   size 1 for broadcasting.
# - `torch.from_numpy` and `.numpy()` share memory; `torch.tensor` copies.
# - `x = x.to(device)` moves a tensor; `.cpu()` and `.detach()` come before
#   `.numpy()`.
# - A method whose name ends in `_` changes the tensor in place; autograd refuses
#   that on a tensor created with `requires_grad=True` unless it runs under
#   `torch.no_grad()`.
#
# ## Further reading
#
# - PyTorch documentation, "Tensors": https://pytorch.org/docs/stable/tensors.html
# - PyTorch documentation, "Broadcasting semantics":
#   https://pytorch.org/docs/stable/notes/broadcasting.html
# - PyTorch documentation, "Tensor Views":
#   https://pytorch.org/docs/stable/tensor_view.html
# - Next lesson: building a neural network from layers.

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **Predict the shape.** Write down the shapes of `torch.ones(4, 1) + torch.ones(3)`
#    and of `torch.arange(12).view(3, -1).sum(dim=0)`, and say which of
#    `torch.ones(2, 3) + torch.ones(3)` and `torch.ones(2, 3) + torch.ones(2)` raises an
#    error. Then check with the code.
# 2. **Accuracy from logits.** A classifier gave the logits
#    `[[0.2, 1.5, 3.1], [2.0, -1.0, 0.3], [0.1, 0.4, 0.2], [1.2, 0.9, -0.5]]` for four
#    images whose labels are `[2, 0, 1, 1]`. Compute the predicted classes with
#    `argmax` and the accuracy as the mean of a boolean tensor.
# 3. **Rows that sum to 1.** Divide each row of
#    `torch.tensor([[1.0, 3.0], [2.0, 2.0], [0.5, 4.5]])` by its own sum. Why does the
#    sum need `keepdim=True`, and what happens without it?

# %% tags=["solution"]
broadcast = torch.ones(4, 1) + torch.ones(3)
column_sums = torch.arange(12).view(3, -1).sum(dim=0)
print("ones(4, 1) + ones(3):", tuple(broadcast.shape))
print("arange(12).view(3, -1).sum(dim=0):", tuple(column_sums.shape), column_sums.tolist())
raises = {}
for size in (3, 2):
    try:
        torch.ones(2, 3) + torch.ones(size)
        raises[size] = False
    except RuntimeError:
        raises[size] = True
    print(f"ones(2, 3) + ones({size}) raises an error:", raises[size])
assert broadcast.shape == (4, 3) and column_sums.shape == (4,)
assert column_sums.tolist() == [12, 15, 18, 21]
assert raises == {3: False, 2: True}

# %% tags=["solution"]
exercise_logits = torch.tensor(
    [[0.2, 1.5, 3.1], [2.0, -1.0, 0.3], [0.1, 0.4, 0.2], [1.2, 0.9, -0.5]]
)
exercise_labels = torch.tensor([2, 0, 1, 1])
predicted = exercise_logits.argmax(dim=1)
accuracy = (predicted == exercise_labels).float().mean()
print("predicted classes:", predicted.tolist(), "  accuracy:", accuracy.item())
assert predicted.tolist() == [2, 0, 1, 0] and accuracy.item() == 0.75

# %% tags=["solution"]
rows = torch.tensor([[1.0, 3.0], [2.0, 2.0], [0.5, 4.5]])
normalized = rows / rows.sum(dim=1, keepdim=True)
print("each row divided by its sum:", [[round(v, 3) for v in row] for row in normalized.tolist()])
print("row sums:", normalized.sum(dim=1).tolist())
try:
    rows / rows.sum(dim=1)
    message = ""
except RuntimeError as error:
    message = str(error)
print("without keepdim:", message)
assert torch.allclose(normalized, torch.tensor([[0.25, 0.75], [0.5, 0.5], [0.1, 0.9]]))
assert torch.allclose(normalized.sum(dim=1), torch.ones(3))
assert "must match the size" in message
