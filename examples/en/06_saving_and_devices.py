# %% [markdown]
# # Saving, loading and devices
#
# A trained model is only worth something if you can keep it: stop the program, come
# back tomorrow or move to another machine, and get exactly the same answers. This
# lesson covers the practical side of that. We save a trained classifier's weights
# to a file and load them into a fresh model, save a checkpoint that lets training
# resume where it stopped, move models between devices, run a model for prediction
# only with `torch.inference_mode`, and make a whole training run repeatable with
# seeds. Each time the page checks the promise: on the CPU the outputs are not just
# close, they are identical.
#
# **What you will learn**
#
# - what a `state_dict` is, and how to save and load one with `torch.save` and
#   `torch.load`
# - why you save the `state_dict` rather than the model object, and what
#   `weights_only=True` (safety) and `map_location` (devices) are for
# - how to write a checkpoint and resume training from it
# - how to choose a device at run time and move models and data there
# - `torch.inference_mode` and how it differs from `torch.no_grad`
# - how seeds make initial weights and whole training runs reproducible
#
# **Prerequisites:** Lesson 5 (training the digits classifier with `fit`).

# %% [markdown]
# ## Setup
#
# The files of this lesson go into a temporary folder that is deleted at the end,
# so running the page leaves nothing behind. `same_values` is how this page compares
# two results: bit for bit (`torch.equal`) on the CPU, and up to float rounding
# (`torch.allclose`) on a GPU, for the reason given under Reproducibility below.

# %%
import contextlib
import io
import pickle
import re
import tempfile
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader

from nnguide.data import digits_loaders
from nnguide.device import get_device
from nnguide.models import MLP, count_parameters
from nnguide.training import evaluate, fit

torch.manual_seed(0)
device = get_device()
folder = tempfile.TemporaryDirectory()
print("device:", device)


def same_values(a, b):
    """Bit-identical on the CPU; on a GPU, equal up to float rounding."""
    if a.device.type == "cpu":
        return torch.equal(a, b)
    return torch.allclose(a, b, rtol=1e-4, atol=1e-5)


# %% [markdown]
# ## A trained model
# <!-- index: digits_loaders -->
#
# First we need something worth saving: the digits classifier of Lesson 5, trained
# in a few lines. `nnguide.digits_loaders` returns a shuffling training loader
# and a test loader over the same stratified split as `load_digits`. We train on
# all 1,437 training images this time; there is no validation set because we
# change no settings.

# %%
train_loader, test_loader = digits_loaders(batch_size=64, seed=0)
loss_fn = nn.CrossEntropyLoss()

torch.manual_seed(0)
model = MLP([64, 64, 10])
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = fit(model, train_loader, loss_fn=loss_fn, optimizer=optimizer, epochs=10, device=device)
test_accuracy = evaluate(model, test_loader, device=device)["accuracy"]
print(
    f"training loss after 10 epochs {history.train_loss[-1]:.4f}, test accuracy {test_accuracy:.1%}"
)
assert test_accuracy >= 0.95

# %% [markdown]
# ## The `state_dict` { #the-state_dict }
# <!-- index: load_state_dict -->
#
# Everything a model has learnt is in its parameters (and, for some layers such as
# batch normalization, in buffers of running statistics). `model.state_dict()`
# collects them in a dictionary that maps each name to a tensor. The names follow
# the module structure: `0.weight` is the weight of the layer at index 0 of the
# model's `nn.Sequential`. The ReLU at index 1 has no parameters and no entry.
#
# The tensors in a `state_dict` are not copies. They are detached from autograd
# (`requires_grad` is `False`, and there is no graph behind them) but share their
# storage with the parameters, so training the model further changes them too. To
# keep a snapshot in memory, clone them; to keep it beyond the program, save it to
# a file.

# %%
state = model.state_dict()
for name, tensor in state.items():
    print(f"{name:9} {tuple(tensor.shape)}")
print("values in total:", sum(tensor.numel() for tensor in state.values()))
assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
assert sum(tensor.numel() for tensor in state.values()) == count_parameters(model) == 4810
print(
    "requires_grad: state_dict tensor",
    state["0.weight"].requires_grad,
    "  parameter",
    model[0].weight.requires_grad,
)
assert state["0.weight"].data_ptr() == model[0].weight.data_ptr()
assert not state["0.weight"].requires_grad and state["0.weight"].grad_fn is None
assert model[0].weight.requires_grad

# %% [markdown]
# ## Saving and loading weights
# <!-- index: serialization; torch.save; torch.load -->
#
# `torch.save` writes the `state_dict` to a file; `.pt` is the usual extension.
# To use it, build a model of the same architecture (its fresh random weights give
# different outputs) and call `load_state_dict` with what `torch.load` read. Two
# arguments of `torch.load` deserve a habit:
#
# - `weights_only=True` (the default since PyTorch 2.6) only unpacks tensors and
#   plain containers. A `.pt` file is a Python pickle, and unpickling a file from
#   an untrusted source can otherwise run arbitrary code. This is the setting that
#   protects you; the Devices section below shows it at work.
# - `map_location` puts the tensors on the device you name, so a file saved on a
#   GPU loads on a machine without one. It is about devices, not safety.
#
# After loading, the restored model gives the same outputs as the original, on the
# CPU not just close but bit for bit (`torch.equal`).

# %%
path = Path(folder.name) / "digits_mlp.pt"
torch.save(model.state_dict(), path)
print(f"saved {path.name}: {path.stat().st_size / 1024:.0f} KiB")

torch.manual_seed(1)
restored = MLP([64, 64, 10]).to(device)
images, _ = next(iter(test_loader))
images = images.to(device)
model.eval()
restored.eval()
print("outputs equal before loading:", same_values(model(images), restored(images)))

result = restored.load_state_dict(torch.load(path, map_location=device, weights_only=True))
print(result)
print("outputs equal after loading: ", same_values(model(images), restored(images)))
assert path.stat().st_size > 4810 * 4
assert not result.missing_keys and not result.unexpected_keys
assert not torch.allclose(MLP([64, 64, 10]).to(device)(images), model(images))
assert same_values(model(images), restored(images))
assert evaluate(restored, test_loader, device=device)["accuracy"] == test_accuracy

# %% [markdown]
# Why not save the whole model with `torch.save(model, path)`? That pickles the
# model object, which refers to its class by import path; the file then only loads
# where the same code is importable under the same name, and needs
# `weights_only=False`. A `state_dict` is just names and tensors, and the code that
# builds the model stays in your program.
#
# The price is that the architecture must match. `load_state_dict` checks every
# name and shape and refuses a mismatch with an error that says what differs, here
# a hidden layer of 32 nodes instead of 64.

# %%
try:
    MLP([64, 32, 10]).load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
except RuntimeError as error:
    message = str(error)
print(message.splitlines()[0])
print(message.splitlines()[1].strip())
assert "size mismatch for 0.weight" in message

# %% [markdown]
# ## Checkpoints
# <!-- index: resume training -->
#
# To stop training and resume it later, the weights are not enough. Adam keeps
# a state of its own for every parameter: a step count $t$ and running averages of
# the gradient $g_t$ and of its square,
#
# $$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2,$$
#
# and it moves each weight by $\eta\, \hat{m}_t / (\sqrt{\hat{v}_t} + \epsilon)$, where
# $\hat{m}_t = m_t / (1 - \beta_1^t)$ and $\hat{v}_t = v_t / (1 - \beta_2^t)$ correct the
# averages for starting at zero. PyTorch calls them `step`, `exp_avg` and
# `exp_avg_sq`. On top of that, the data loader's random generator decides the
# order of the next epochs. A **checkpoint** saves all of it in one dictionary:
# the model's and the optimizer's `state_dict`, the loader's generator state and
# the epoch count. This model draws no other random numbers while it trains, but a
# dropout layer (Lesson 7) draws from PyTorch's global generator, so the checkpoint
# keeps that generator's state too (`torch.get_rng_state()`; on a GPU also
# `torch.cuda.get_rng_state_all()`). A learning-rate scheduler or a mixed-precision
# `GradScaler`, where used, has a `state_dict` that belongs in it as well.
#
# The test: one model trains for 4 epochs without a break. A second trains for 2,
# is saved, and is "forgotten"; a brand-new model, optimizer and loader load the
# checkpoint and train the remaining 2 epochs. The two final models are
# identical, on the CPU bit for bit.


# %%
def new_run():
    torch.manual_seed(0)
    model = MLP([64, 64, 10]).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(
        train_loader.dataset,
        batch_size=64,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    return model, optimizer, loader


model_a, optimizer_a, loader_a = new_run()
fit(model_a, loader_a, loss_fn=loss_fn, optimizer=optimizer_a, epochs=4)

model_b, optimizer_b, loader_b = new_run()
fit(model_b, loader_b, loss_fn=loss_fn, optimizer=optimizer_b, epochs=2)
checkpoint = {
    "model": model_b.state_dict(),
    "optimizer": optimizer_b.state_dict(),
    "generator": loader_b.generator.get_state(),
    "rng": torch.get_rng_state(),
    "epoch": 2,
}
torch.save(checkpoint, Path(folder.name) / "checkpoint.pt")
adam_state = checkpoint["optimizer"]["state"][0]
print(
    "Adam's state of the first parameter:", sorted(adam_state), " steps:", int(adam_state["step"])
)
assert sorted(adam_state) == ["exp_avg", "exp_avg_sq", "step"]
assert adam_state["step"] == 2 * len(loader_b)
del model_b, optimizer_b, loader_b

model_c, optimizer_c, loader_c = new_run()
checkpoint = torch.load(Path(folder.name) / "checkpoint.pt", map_location=device, weights_only=True)
model_c.load_state_dict(checkpoint["model"])
optimizer_c.load_state_dict(checkpoint["optimizer"])
loader_c.generator.set_state(checkpoint["generator"])
torch.set_rng_state(checkpoint["rng"].cpu())
fit(model_c, loader_c, loss_fn=loss_fn, optimizer=optimizer_c, epochs=4 - checkpoint["epoch"])

same = all(same_values(model_a.state_dict()[name], model_c.state_dict()[name]) for name in state)
print("resumed run identical to the uninterrupted one:", same)
assert same

# %% [markdown]
# ## Devices
# <!-- index: GPU; CUDA; mps -->
#
# `get_device()` returns the best device this machine has: a CUDA GPU, an Apple
# GPU (`mps`), or the CPU; `get_device("cpu")` forces one. Asking for a GPU the
# machine does not have fails at once, with an error that says why, rather than
# later deep inside a training loop. This page ran on the device printed below.
#
# Two rules cover almost every device error:
#
# - All tensors in one operation must be on the same device, so inputs go where
#   the model is. `next(model.parameters()).device` tells you where that is.
# - `model.to(device)` moves the module's parameters in place and returns the same
#   module. `tensor.to(device)` does not change the tensor: it returns a tensor on
#   that device (a new one, unless it was there already), so write
#   `x = x.to(device)`. A change of dtype works the same way, and the code below
#   uses one to show this on any machine.

# %%
print("this page runs on:", device, "  the model is on:", next(model.parameters()).device)
print("get_device('cpu'):", get_device("cpu"))
if torch.cuda.is_available():
    print("CUDA GPU:", torch.cuda.get_device_name())
else:
    try:
        get_device("cuda")
    except RuntimeError as error:
        print("get_device('cuda'):", str(error).split(";")[0])

x = torch.ones(3)
y = x.to(torch.float64)
print(
    "model.to(device) is model:",
    model.to(device) is model,
    "  x.dtype after x.to(float64):",
    x.dtype,
)
assert next(model.parameters()).device.type == device.type
assert model.to(device) is model and x.dtype == torch.float32 and y.dtype == torch.float64
assert x.to(torch.float32) is x

# %% [markdown]
# `map_location` also works the other way round: whatever device a file was saved
# from, `map_location="cpu"` loads every tensor onto the CPU, which is what you
# want on a machine without a GPU.

# %%
on_cpu = torch.load(path, map_location="cpu", weights_only=True)
print("devices after map_location='cpu':", {tensor.device.type for tensor in on_cpu.values()})
assert all(tensor.device.type == "cpu" for tensor in on_cpu.values())

# %% [markdown]
# Loading onto the CPU is a matter of devices, not of trust. What protects you from
# a malicious file is `weights_only=True`. A pickle may name any Python function
# to be called while it is loaded; the file below holds a tensor and an object
# whose pickle calls `print`, a harmless stand-in for what an attacker's file
# could run. With `weights_only=False` the call happens during loading. With
# `weights_only=True`, `torch.load` refuses the file before anything runs, whatever
# `map_location` says.


# %%
class Payload:
    """An object whose pickle calls print() when it is loaded."""

    def __reduce__(self):
        return (print, ("unpickling called print()",))


untrusted = Path(folder.name) / "untrusted.pt"
torch.save({"0.bias": torch.zeros(2), "extra": Payload()}, untrusted)

with contextlib.redirect_stdout(io.StringIO()) as captured:
    torch.load(untrusted, map_location="cpu", weights_only=False)
print("weights_only=False, printed while loading:", captured.getvalue().strip())
try:
    torch.load(untrusted, map_location="cpu", weights_only=True)
except pickle.UnpicklingError as error:
    refusal = re.search(r"Unsupported global: GLOBAL \w+", str(error)).group(0)
print("weights_only=True refuses the file:", refusal)
assert captured.getvalue().strip() == "unpickling called print()"
assert refusal == "Unsupported global: GLOBAL print"

# %% [markdown]
# ## Inference mode
# <!-- index: no_grad; inference_mode -->
#
# For predictions you need no gradients. Lesson 5 used `torch.no_grad()`;
# `torch.inference_mode()` goes further: tensors created inside it are marked as
# *inference tensors*, so PyTorch can skip even the bookkeeping that `no_grad`
# keeps (version counters for in-place checks). That makes it the preferred way to
# run a model for prediction. Both give outputs without `requires_grad` and with the
# same values.
#
# The price: inference tensors are not for autograd. PyTorch's documentation
# states the rule: use inference mode only for tensors that will not be used in a
# computation that autograd records. If you do need such a tensor there, `.clone()`
# it outside inference mode, which gives an ordinary tensor, or compute it under
# `no_grad` in the first place.
#
# What happens when the rule is broken depends on the operation, so do not build
# on it. Autograd can never *save* an inference tensor for the backward pass: with
# a weight $w$ that requires gradients and an inference tensor $t$, `w * t` needs
# $t$ for its derivative and raises an error. `w + t` happens to go through,
# because its derivative does not need $t$; that is a detail of the implementation,
# not a promise. The clone works in both cases.

# %%
model.eval()
with torch.no_grad():
    no_grad_logits = model(images)
with torch.inference_mode():
    inference_logits = model(images)
print("requires_grad:", no_grad_logits.requires_grad, inference_logits.requires_grad)
print("is_inference: ", no_grad_logits.is_inference(), inference_logits.is_inference())
assert same_values(no_grad_logits, inference_logits)
assert inference_logits.is_inference() and not no_grad_logits.is_inference()

w = torch.ones(10, device=device, requires_grad=True)
(w + inference_logits).sum().backward()
print("(w + t).sum().backward() works, w.grad[:3] =", w.grad[:3].tolist())
try:
    (w * inference_logits).sum().backward()
except RuntimeError as error:
    message = str(error)
print(message)
assert same_values(w.grad, torch.full((10,), float(len(images)), device=device))
w.grad = None
(w * inference_logits.clone()).sum().backward()
print("(w * t.clone()).sum().backward() works:", w.grad is not None)
assert message.startswith("Inference tensors cannot be saved for backward")
assert same_values(w.grad, inference_logits.sum(dim=0))

# %% [markdown]
# ## Reproducibility
# <!-- index: random seed; determinism; manual_seed -->
#
# A network starts from random weights and a loader shuffles at random, so two runs
# differ unless the random number generators start from the same seed.
# `torch.manual_seed(s)` seeds PyTorch's global generator: the same seed gives the
# same initial weights, a different seed different ones. Our loaders carry their
# own seeded generator as well.
#
# Put together, a whole training run repeats: we train again with the recipe of
# the first section, seed 0, and on the CPU get a model whose every weight, and so
# every output, equals the first one's bit for bit.

# %%
torch.manual_seed(42)
first = MLP([64, 64, 10])
torch.manual_seed(42)
second = MLP([64, 64, 10])
torch.manual_seed(7)
third = MLP([64, 64, 10])
print("seed 42 twice, same weights:", torch.equal(first[0].weight, second[0].weight))
print("seed 42 and 7, same weights:", torch.equal(first[0].weight, third[0].weight))
assert torch.equal(first[0].weight, second[0].weight)
assert not torch.equal(first[0].weight, third[0].weight)

train_loader, test_loader = digits_loaders(batch_size=64, seed=0)
torch.manual_seed(0)
again = MLP([64, 64, 10])
optimizer = torch.optim.Adam(again.parameters(), lr=0.01)
fit(again, train_loader, loss_fn=loss_fn, optimizer=optimizer, epochs=10, device=device)
again.eval()
identical = all(same_values(model.state_dict()[name], again.state_dict()[name]) for name in state)
print("second training run, identical weights:", identical)
print("identical outputs:", same_values(model(images), again(images)))
assert identical and same_values(model(images), again(images))

# %% [markdown]
# Some limits to know. Other libraries have their own generators: seed Python's
# `random` and NumPy too if your code uses them. On a GPU, seeds alone are not
# enough: several operations are nondeterministic by default (they add up in an
# order that can change from run to run). PyTorch's list of them includes
# `nn.NLLLoss` on CUDA, which `nn.CrossEntropyLoss`, the loss this page trains with,
# uses. That is why `same_values` allows float rounding there.
# `torch.use_deterministic_algorithms(True)` makes PyTorch use deterministic
# versions or raise an error where none exists (some CUDA operations also need the
# environment variable `CUBLAS_WORKSPACE_CONFIG=:4096:8`, and cuDNN's
# `torch.backends.cudnn.benchmark` should stay `False`). Even then, PyTorch does not
# promise identical results across releases, platforms or between CPU and GPU: a
# seed makes a run repeatable on the same software and hardware, not portable.
#
# The error is easy to see on any device. `put_` writes values at given positions;
# when a position is given twice, which value ends up there is not defined, and
# there is no deterministic version. With the mode on, PyTorch refuses it.


# %%
positions, values = torch.tensor([0, 0]), torch.tensor([1.0, 2.0])
torch.use_deterministic_algorithms(True)
try:
    torch.zeros(3).put_(positions, values)
    refused = None
except RuntimeError as error:
    refused = str(error).split(",")[0]
torch.use_deterministic_algorithms(False)
print("deterministic algorithms on: ", refused)
print("deterministic algorithms off:", torch.zeros(3).put_(positions, values).tolist())
assert refused == "put_ does not have a deterministic implementation"
assert not torch.are_deterministic_algorithms_enabled()

# %% [markdown]
# ## Cleaning up
# <!-- index: temporary files -->
#
# Finally the temporary folder goes, with the three files in it.

# %%
folder.cleanup()
print(
    "files left:", path.exists(), (Path(folder.name) / "checkpoint.pt").exists(), untrusted.exists()
)
assert not Path(folder.name).exists()

# %% [markdown]
# ## Summary
#
# - `model.state_dict()` maps names such as `0.weight` to tensors that share storage
#   with the parameters but are detached from autograd;
#   `torch.save` writes it to a file, and `load_state_dict(torch.load(path,
#   weights_only=True))` restores it into a model of the same architecture, with
#   the same outputs. A mismatched architecture is refused with an error that says
#   what differs.
# - Save state dicts rather than whole model objects. Load with
#   `weights_only=True`, which is what keeps a malicious file from running code,
#   and use `map_location` to choose the device.
# - A checkpoint of model, optimizer (for Adam: step count and the running
#   averages of gradients and squared gradients), loader generator, global random
#   generator and epoch let this model's training resume exactly as if it had never
#   stopped; add the states of a scheduler or `GradScaler` where you use them.
# - Choose the device once at run time with `get_device()`; `model.to(device)`
#   moves a module in place, `x = x.to(device)` returns a new tensor.
# - `torch.inference_mode()` is the leanest way to predict. Keep its outputs out of
#   computations you backpropagate through, or `.clone()` them outside inference
#   mode first.
# - Seeds make initial weights and entire training runs repeatable on the same
#   software and hardware; on a GPU this also needs deterministic algorithms, which
#   raise an error for an operation that has no deterministic version.
#
# ## Further reading
#
# - PyTorch tutorial "Saving and Loading Models":
#   https://pytorch.org/tutorials/beginner/saving_loading_models.html
# - PyTorch documentation, "Reproducibility":
#   https://pytorch.org/docs/stable/notes/randomness.html
# - PyTorch documentation, "Autograd mechanics", section on inference mode:
#   https://pytorch.org/docs/stable/notes/autograd.html
# - Next lesson: [lesson 7, overfitting and regularization](07_overfitting_and_regularization.ipynb),
#   where the validation set decides which epoch's `state_dict` to keep.
#   [Lesson 8](08_first_cnn.ipynb) then builds a first convolutional network that reads
#   the digits as images rather than as rows of 64 numbers.

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **Save into memory.** `torch.save` also writes to a file object. Save
#    `model.state_dict()` into an `io.BytesIO()`, load it into a new
#    `MLP([64, 64, 10])` and check that it gives the same outputs for `images`. Is the
#    buffer at least 4 bytes per parameter?
# 2. **Half the size.** Save the same weights converted to `float16`
#    (`{name: tensor.half() for name, tensor in state.items()}`). Predict the size
#    compared with `float32`, load them back into a `float32` model and measure how
#    much its outputs change.
# 3. **Replay random numbers.** Keep the state of the random number generator with
#    `torch.get_rng_state()`, draw `torch.rand(3)`, put the state back with
#    `torch.set_rng_state` and draw again. This is what the checkpoint's `"rng"` entry
#    does.

# %% tags=["solution"]
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
from_memory = MLP([64, 64, 10]).to(device).eval()
from_memory.load_state_dict(torch.load(buffer, map_location=device, weights_only=True))
size_32 = buffer.getbuffer().nbytes
print(
    f"bytes in the buffer: {size_32:,}   4 bytes × {count_parameters(model)} parameters: "
    f"{4 * count_parameters(model):,}"
)
print("same outputs:", same_values(model(images), from_memory(images)))
assert size_32 >= 4 * count_parameters(model)
assert same_values(model(images), from_memory(images))

# %% tags=["solution"]
buffer_16 = io.BytesIO()
torch.save({name: tensor.half() for name, tensor in model.state_dict().items()}, buffer_16)
buffer_16.seek(0)
rounded = MLP([64, 64, 10]).to(device).eval()
rounded.load_state_dict(torch.load(buffer_16, map_location=device, weights_only=True))
with torch.no_grad():
    change = (rounded(images) - model(images)).abs().max().item()
    same_predictions = torch.equal(rounded(images).argmax(dim=1), model(images).argmax(dim=1))
size_16 = buffer_16.getbuffer().nbytes
print(f"float16: {size_16:,} bytes, {size_16 / size_32:.0%} of float32")
print(f"largest change of a logit: {change:.4f}   same predicted digits: {same_predictions}")
assert rounded[0].weight.dtype == torch.float32 and size_16 < 0.6 * size_32
assert change < 0.05 and same_predictions

# %% tags=["solution"]
saved_state = torch.get_rng_state()
first_draw = torch.rand(3)
torch.set_rng_state(saved_state)
second_draw = torch.rand(3)
print("first draw: ", [round(v, 4) for v in first_draw.tolist()])
print("second draw:", [round(v, 4) for v in second_draw.tolist()])
assert torch.equal(first_draw, second_draw) and not torch.equal(torch.rand(3), first_draw)
