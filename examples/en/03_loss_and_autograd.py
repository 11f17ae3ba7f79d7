# %% [markdown]
# # Loss functions and autograd
#
# A network learns by changing its weights so that a single number, the loss, gets
# smaller. This lesson covers both halves of that sentence. First the loss: the
# three loss functions you will meet most (mean squared error, binary
# cross-entropy and cross-entropy), what each expects as input, and how PyTorch
# computes them. Then the "how to change the weights" part: autograd, PyTorch's
# automatic differentiation, which records the computation as a graph and computes
# every gradient with one call to `backward()`. We do not take autograd on trust:
# we check its answer against a gradient worked out by hand and against finite
# differences.
#
# **What you will learn**
#
# - `requires_grad`, the computational graph, `backward()` and `.grad`
# - `nn.MSELoss`, `nn.BCELoss`, `nn.BCEWithLogitsLoss` and `nn.CrossEntropyLoss`,
#   each checked against its formula
# - why the losses take logits rather than probabilities
# - how to verify a gradient by hand and with finite differences (`gradcheck`)
# - why gradients accumulate, what `zero_grad()` does, and one step of gradient
#   descent
#
# **Prerequisites:** Lesson 1 (`nn.Linear`, modules) and Lesson 2 (derivatives of
# activations, `log_softmax`).

# %% [markdown]
# ## Setup
#
# The usual start: imports, a fixed seed, the plot style and the device. Random
# tensors are drawn on the CPU and then moved, so the numbers are the same whatever
# the device.

# %%
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from nnguide.device import get_device
from nnguide.plotting import set_style

torch.manual_seed(0)
set_style()
device = get_device()
print("device:", device)

# %% [markdown]
# ## Tensors that track gradients
#
# A tensor created with `requires_grad=True` asks autograd to record every
# operation that uses it. Here is the smallest possible "model": one weight `w`,
# one bias `b`, one input `x = 2` and one target `10`. The prediction is
# `w * x + b = 7` and the squared error is `(7 − 10)² = 9`.
#
# Tensors we create ourselves are *leaves* of the graph. A tensor computed from a
# leaf that requires gradients requires them too, and remembers the operation that
# made it in `grad_fn`. The input `x` does not require gradients: we never want to
# change the data.

# %%
w = torch.tensor(3.0, device=device, requires_grad=True)
b = torch.tensor(1.0, device=device, requires_grad=True)
x = torch.tensor(2.0, device=device)
prediction = w * x + b
loss = (prediction - 10.0) ** 2

print(
    "requires_grad  w, x, prediction:", w.requires_grad, x.requires_grad, prediction.requires_grad
)
print("is_leaf        w, prediction:   ", w.is_leaf, prediction.is_leaf)
print("loss:", loss.item(), " loss.grad_fn:", type(loss.grad_fn).__name__)
assert loss.item() == 9.0 and prediction.requires_grad and not x.requires_grad
assert w.is_leaf and not prediction.is_leaf and w.grad_fn is None

# %% [markdown]
# ## The computational graph
#
# Each `grad_fn` points to the functions that produced its inputs
# (`next_functions`), so starting from the loss we can walk the whole graph
# backwards. The leaves show up as `AccumulateGrad` nodes: that is where a gradient
# ends its journey and is stored in the leaf's `.grad`.


# %%
def print_graph(node, depth=0):
    leaf = getattr(node, "variable", None)
    label = f" -> leaf with value {leaf.item()}" if leaf is not None else ""
    print("    " * depth + type(node).__name__ + label)
    for next_node, _ in node.next_functions:
        if next_node is not None:
            print_graph(next_node, depth + 1)


print_graph(loss.grad_fn)
assert type(loss.grad_fn).__name__ == "PowBackward0"

# %% [markdown]
# ## Backward and grad
#
# `loss.backward()` runs through that graph from the loss to the leaves, applying
# the chain rule at every node, and adds the result to `.grad` of every leaf that
# requires gradients. By hand: with error e = w·x + b − 10 = −3,
# ∂loss/∂w = 2·e·x = −12 and ∂loss/∂b = 2·e = −6.
#
# To save memory, `backward()` frees the intermediate values the graph kept; a
# second `backward()` through the same graph is an error.

# %%
loss.backward()
print("w.grad:", w.grad.item(), " b.grad:", b.grad.item())
assert w.grad.item() == -12.0 and b.grad.item() == -6.0

try:
    loss.backward()
except RuntimeError as error:
    message = str(error)
print("second backward:", message.split(" (")[0])
assert message.startswith("Trying to backward through the graph a second time")

# %% [markdown]
# ## Mean squared error
#
# For regression (predicting numbers) the usual loss is the mean squared error,
# MSE = (1/N) Σ (ŷᵢ − yᵢ)². `nn.MSELoss` averages over every element by default;
# `reduction="sum"` adds them up instead.

# %%
predictions = torch.tensor([2.5, 0.0, 2.0, 8.0], device=device)
targets = torch.tensor([3.0, -0.5, 2.0, 7.0], device=device)

mse = nn.MSELoss()(predictions, targets)
manual = ((predictions - targets) ** 2).mean()
total = nn.MSELoss(reduction="sum")(predictions, targets)
print(f"MSELoss: {mse.item()}   by hand: {manual.item()}   reduction='sum': {total.item()}")
assert torch.allclose(mse, manual) and mse.item() == 0.375 and total.item() == 1.5

# %% [markdown]
# ## Binary cross-entropy
#
# For a yes/no question the model outputs a probability p that the answer is
# "yes" (target 1). Binary cross-entropy is
# BCE = −(1/N) Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]: it is small when the model
# gives the true answer a high probability. `nn.BCELoss` takes probabilities, for
# example the output of a final `nn.Sigmoid`. Targets are floats, 0.0 or 1.0.

# %%
probabilities = torch.tensor([0.9, 0.2, 0.6], device=device)
labels = torch.tensor([1.0, 0.0, 1.0], device=device)

bce = nn.BCELoss()(probabilities, labels)
manual = -(labels * probabilities.log() + (1 - labels) * (1 - probabilities).log()).mean()
print(f"BCELoss: {bce.item():.4f}   by hand: {manual.item():.4f}")
assert torch.allclose(bce, manual)

# %% [markdown]
# `nn.BCEWithLogitsLoss` does the sigmoid itself and takes the raw score (the logit)
# instead. For ordinary logits both give the same value. For a confident logit
# they do not: with logit 20 and target 0 the exact loss is 20, but sigmoid(20)
# rounds to exactly 1.0 in float32, log(1 − 1) is −∞, and `nn.BCELoss` clips the
# logarithm at −100, so it reports 100 for both logit 20 and logit 200.
# `BCEWithLogitsLoss` rearranges the formula so it never forms 1 − p, and stays
# exact. Prefer it, and leave the final `Sigmoid` out of the model.

# %%
logits = torch.tensor([-1.0, 0.5, 5.0, 20.0, 200.0], device=device)
zeros = torch.zeros_like(logits)
with_logits = nn.BCEWithLogitsLoss(reduction="none")(logits, zeros)
from_probabilities = nn.BCELoss(reduction="none")(torch.sigmoid(logits), zeros)
print("logit:                  ", logits.tolist())
print("BCEWithLogitsLoss:      ", [round(v, 4) for v in with_logits.tolist()])
print("BCELoss(sigmoid(logit)):", [round(v, 4) for v in from_probabilities.tolist()])

assert torch.allclose(with_logits[:3], from_probabilities[:3], rtol=1e-4)
assert with_logits[3:].tolist() == [20.0, 200.0]
assert from_probabilities[3:].tolist() == [100.0, 100.0]

# %% [markdown]
# ## Cross-entropy for several classes
#
# With C classes the model outputs C logits per sample, a tensor of shape (N, C).
# `nn.CrossEntropyLoss` takes those logits and the *class indices* as targets: a
# tensor of shape (N,) and integer type (`torch.long`), not one-hot vectors. It
# applies `log_softmax` to the logits and averages the negative log-probability of
# the correct class: the negative log-likelihood (NLL). We check that it equals
# `F.nll_loss` of `log_softmax`, and the same thing written out by hand.

# %%
logits = torch.randn(4, 3).to(device)
classes = torch.tensor([0, 2, 1, 2], device=device)

ce = nn.CrossEntropyLoss()(logits, classes)
nll = F.nll_loss(F.log_softmax(logits, dim=1), classes)
log_probs = logits - logits.logsumexp(dim=1, keepdim=True)
manual = -log_probs[torch.arange(4), classes].mean()
print("logits:", logits.shape, logits.dtype, "  classes:", classes.shape, classes.dtype)
print(
    f"CrossEntropyLoss: {ce.item():.4f}   NLL of log_softmax: {nll.item():.4f}   "
    f"by hand: {manual.item():.4f}"
)
assert torch.allclose(ce, nll) and torch.allclose(ce, manual)

# %% [markdown]
# Two numbers worth remembering. A model that has learnt nothing gives every class
# the same probability 1/C, and its loss is log C (log 3 ≈ 1.0986 here): expect a
# freshly initialised classifier to start near that value. And a common bug is to
# put a `Softmax` at the end of the model *and* use `nn.CrossEntropyLoss`: softmax
# is then applied twice, and the loss is a different, wrong number. Worse, it can
# no longer reach 0: probabilities lie between 0 and 1, so even a perfectly
# confident, correct model gets a loss of −log(e / (e + 2)) ≈ 0.5514 with three
# classes, while with logits the loss goes to 0.

# %%
uniform = nn.CrossEntropyLoss()(torch.zeros(4, 3, device=device), classes)
double_softmax = nn.CrossEntropyLoss()(torch.softmax(logits, dim=1), classes)
print(f"all-equal logits: {uniform.item():.4f}   log(3): {torch.tensor(3.0).log().item():.4f}")
print(f"softmax applied twice: {double_softmax.item():.4f}   correct: {ce.item():.4f}")
assert torch.isclose(uniform.cpu(), torch.tensor(3.0).log())
assert not torch.isclose(double_softmax, ce, atol=1e-2)

perfect = 100 * F.one_hot(classes, num_classes=3).float()
best_ce = nn.CrossEntropyLoss()(perfect, classes)
best_double = nn.CrossEntropyLoss()(torch.softmax(perfect, dim=1), classes)
print(f"perfect logits: {best_ce.item():.4f}   the same after a softmax: {best_double.item():.4f}")
assert best_ce.item() < 1e-6 and abs(best_double.item() - 0.5514) < 1e-4

# %% [markdown]
# ## MSE or BCE for a probability
#
# Nothing stops you from training a sigmoid output with MSE, so why use BCE? The
# left plot shows both losses for target 1 as the predicted probability p goes from
# 0 to 1. MSE, (1 − p)², is at most 1 even when the model is completely wrong;
# BCE, −log p, grows without bound. The right plot shows what matters for training,
# the gradient with respect to the logit z (p = sigmoid(z)). For BCE it is p − 1,
# close to −1 when the model is confidently wrong. For MSE it carries an extra factor
# sigmoid'(z), and, as Lesson 2 showed, that factor is tiny for large |z|: at
# z = −10 the MSE gradient is below 10⁻³, and the model barely learns from its
# worst mistakes.

# %%
z = torch.linspace(-10, 10, 401, device=device, requires_grad=True)
p = torch.sigmoid(z)
ones = torch.ones_like(z)
mse_curve = F.mse_loss(p, ones, reduction="none")
bce_curve = F.binary_cross_entropy_with_logits(z, ones, reduction="none")
(mse_slope,) = torch.autograd.grad(mse_curve.sum(), z)
(bce_slope,) = torch.autograd.grad(bce_curve.sum(), z)

print(
    f"z = -10 (p = {p[0].item():.1e}):  MSE {mse_curve[0].item():.4f}, "
    f"BCE {bce_curve[0].item():.4f}; slope MSE {mse_slope[0].item():.1e}, "
    f"BCE {bce_slope[0].item():.4f}"
)
assert mse_curve.max() <= 1.0 and bce_curve[0] > 9.9
assert abs(bce_slope[0].item() + 1) < 1e-3 and abs(mse_slope[0].item()) < 1e-3
assert torch.allclose(bce_slope, p.detach() - 1, atol=1e-6)

# %%
fig, (ax_loss, ax_slope) = plt.subplots(1, 2, figsize=(10, 4))
p_cpu, z_cpu = p.detach().cpu(), z.detach().cpu()
ax_loss.plot(p_cpu, mse_curve.detach().cpu(), label="MSE  (1 - p)²")
ax_loss.plot(p_cpu, bce_curve.detach().cpu(), label="BCE  -log p")
ax_loss.set(title="Loss for target 1", xlabel="predicted probability p", ylabel="loss", ylim=(0, 5))
ax_slope.plot(z_cpu, mse_slope.cpu(), label="MSE")
ax_slope.plot(z_cpu, bce_slope.cpu(), label="BCE")
ax_slope.set(title="Gradient with respect to the logit", xlabel="logit z", ylabel="dLoss/dz")
ax_loss.legend()
ax_slope.legend()
plt.show()

# %% [markdown]
# ## Checking a gradient by hand
#
# Now a real layer. `nn.Linear(3, 1)` predicts ŷᵢ = W xᵢ + b for 8 samples, and we
# use MSE, L = (1/N) Σ (ŷᵢ − yᵢ)². The chain rule gives
#
# - ∂L/∂W = (2/N) Σ (ŷᵢ − yᵢ) xᵢ, in matrix form (2/N) (Ŷ − Y)ᵀ X, shape (1, 3)
#   like the weight
# - ∂L/∂b = (2/N) Σ (ŷᵢ − yᵢ), shape (1,) like the bias
#
# We compute both with a few tensor operations and compare them with what
# `backward()` stores in `layer.weight.grad` and `layer.bias.grad`.

# %%
torch.manual_seed(0)
layer = nn.Linear(3, 1).to(device)
inputs = torch.randn(8, 3).to(device)
outputs = torch.randn(8, 1).to(device)

loss = F.mse_loss(layer(inputs), outputs)
loss.backward()

with torch.no_grad():
    error = layer(inputs) - outputs
    grad_w = 2 / len(inputs) * error.T @ inputs
    grad_b = 2 / len(inputs) * error.sum(dim=0)
print("autograd dL/dW:", [round(v, 5) for v in layer.weight.grad.flatten().tolist()])
print("by hand  dL/dW:", [round(v, 5) for v in grad_w.flatten().tolist()])
print("autograd dL/db:", round(layer.bias.grad.item(), 5), "  by hand:", round(grad_b.item(), 5))
assert grad_w.shape == layer.weight.shape and grad_b.shape == layer.bias.shape
assert torch.allclose(layer.weight.grad, grad_w) and torch.allclose(layer.bias.grad, grad_b)

# %% [markdown]
# ## Finite differences
#
# A derivative is a limit of slopes, so it can also be estimated without any
# calculus: nudge one weight by a small h in each direction and measure how the loss
# changes, (L(w + h) − L(w − h)) / 2h. This *central difference* needs float64.
# In float32 a loss near 1.2 is stored in steps of about 1.2 × 10⁻⁷, so with
# h = 10⁻⁶ the estimate can only move in steps of about 0.06: the float32 value
# printed below is wrong in the second digit. The check runs on the CPU, which has
# float64 everywhere (Apple's MPS does not).
#
# `torch.autograd.gradcheck` automates the same test for every input of a function
# and returns `True` when autograd and finite differences agree.


# %%
def mse_of_linear(weight, bias):
    x, y = inputs.cpu().to(weight.dtype), outputs.cpu().to(weight.dtype)
    return F.mse_loss(x @ weight.T + bias, y)


def central_difference(weight, bias, j, h=1e-6):
    step = torch.zeros_like(weight)
    step[0, j] = h
    return (mse_of_linear(weight + step, bias) - mse_of_linear(weight - step, bias)) / (2 * h)


weight64 = layer.weight.detach().cpu().double().requires_grad_()
bias64 = layer.bias.detach().cpu().double().requires_grad_()
mse_of_linear(weight64, bias64).backward()
with torch.no_grad():
    numeric = torch.stack([central_difference(weight64, bias64, j) for j in range(3)])
    numeric32 = central_difference(weight64.float(), bias64.float(), 0)
print("autograd:                 ", [round(v, 8) for v in weight64.grad[0].tolist()])
print("central difference:       ", [round(v, 8) for v in numeric.tolist()])
print("float32, first weight:    ", round(numeric32.item(), 8))
passed = torch.autograd.gradcheck(mse_of_linear, (weight64, bias64))
print("gradcheck:", passed)
assert torch.allclose(numeric, weight64.grad[0], atol=1e-8) and passed
assert 1.15 < loss.item() < 1.25
assert abs(numeric32.item() - weight64.grad[0, 0].item()) > 1e-2

# %% [markdown]
# ## Gradients accumulate
#
# `backward()` *adds* to `.grad`; it does not overwrite it. Call it twice without
# clearing and the gradient doubles. That is why every training step starts with
# `zero_grad()` (on the model or on the optimizer), which by default resets each
# `.grad` to `None`.
#
# Accumulation is also useful on purpose. If a batch does not fit in memory, split
# it, call `backward()` on each part's loss scaled by its share of the batch, and the
# summed gradient equals the full-batch gradient.

# %%
full_grad = layer.weight.grad.clone()
F.mse_loss(layer(inputs), outputs).backward()
print("after a second backward, grad / first grad:", (layer.weight.grad / full_grad).tolist())
assert torch.allclose(layer.weight.grad, 2 * full_grad)

layer.zero_grad()
print("after zero_grad():", layer.weight.grad)
assert layer.weight.grad is None

for part_inputs, part_outputs in zip(inputs.split(4), outputs.split(4), strict=True):
    (F.mse_loss(layer(part_inputs), part_outputs) / 2).backward()
print("two halves accumulated equal the full batch:", torch.allclose(layer.weight.grad, full_grad))
assert torch.allclose(layer.weight.grad, full_grad)

# %% [markdown]
# ## One step downhill
#
# The gradient points in the direction in which the loss grows fastest, so a small
# step against it makes the loss smaller. This is one step of gradient descent:
# w ← w − learning rate × ∂L/∂w, done under `torch.no_grad()` because the update
# itself is not part of the model's computation. The next lesson turns this single
# step into a training loop.

# %%
learning_rate = 0.1
before = F.mse_loss(layer(inputs), outputs).item()
with torch.no_grad():
    for parameter in layer.parameters():
        parameter -= learning_rate * parameter.grad
after = F.mse_loss(layer(inputs), outputs).item()
print(f"loss before the step: {before:.4f}   after: {after:.4f}")
assert after < before

# %% [markdown]
# ## Summary
#
# - A tensor with `requires_grad=True` makes autograd record a graph of `grad_fn`
#   nodes; `backward()` walks it from the loss to the leaves and stores gradients in
#   `.grad`.
# - `nn.MSELoss` is the mean of squared errors; `nn.BCELoss` takes probabilities,
#   `nn.BCEWithLogitsLoss` takes logits and stays exact for large ones;
#   `nn.CrossEntropyLoss` takes (N, C) logits and (N,) class indices, and equals the
#   NLL of `log_softmax`. An untrained classifier starts near log C.
# - For a sigmoid output, BCE keeps a gradient near −1 when the model is confidently
#   wrong; MSE's gradient vanishes there.
# - Autograd's gradient for a linear layer with MSE matched the hand-derived
#   (2/N)(Ŷ − Y)ᵀX, central differences and `gradcheck`.
# - Gradients add up across `backward()` calls: clear them with `zero_grad()`, or
#   use that on purpose to accumulate a large batch in parts.
#
# ## Further reading
#
# - PyTorch tutorial "A Gentle Introduction to torch.autograd":
#   https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
# - PyTorch documentation, "Loss functions" in `torch.nn`:
#   https://pytorch.org/docs/stable/nn.html#loss-functions
# - Next lesson: gradient descent and mini-batches, where this one step becomes a
#   training loop.
