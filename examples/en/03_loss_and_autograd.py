# %% [markdown]
# # Loss functions and autograd
#
# A network learns by changing its weights so that a single number, the loss, gets
# smaller. This lesson covers both halves of that sentence. First the loss: the
# three loss functions you will meet most (mean squared error, binary
# cross-entropy and cross-entropy), what each expects as input and as target, and
# how PyTorch computes them (other texts call a loss function a cost function or
# an objective). Then the "how to change the weights" part: autograd, PyTorch's
# automatic differentiation, which records the computation as a graph and
# computes every gradient with one call to `backward()`. We do not take
# autograd on trust: we check its answer against a gradient worked out by hand and
# against finite differences.
#
# **What you will learn**
#
# - `requires_grad`, the computational graph, `backward()` and `.grad`
# - `nn.MSELoss`, `nn.BCELoss`, `nn.BCEWithLogitsLoss` and `nn.CrossEntropyLoss`,
#   each checked against its formula, and which targets each accepts
# - why the losses take logits rather than probabilities
# - how to verify a gradient by hand and with finite differences (`gradcheck`)
# - why gradients accumulate, what `zero_grad()` does, and one step of gradient
#   descent
#
# **Prerequisites:** Lesson 1 (`nn.Linear`, modules) and Lesson 2 (derivatives of
# activations, `log_softmax`, and its short preview of autograd, which this lesson
# explains in full).

# %% [markdown]
# ## Setup
#
# The usual start: imports, a fixed seed, the plot style and the device. Random
# tensors are drawn on the CPU and then moved, so the numbers are the same whatever
# the device.

# %%
import re

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
# <!-- index: requires_grad; leaf -->
#
# A tensor created with `requires_grad=True` asks autograd to record every
# operation that uses it. Here is the smallest possible "model": one weight $w = 3$,
# one bias $b = 1$, one input $x = 2$ and one target 10. The prediction is
# $\hat y = wx + b = 7$ and the squared error is $L = (\hat y - 10)^2 = 9$.
#
# Tensors created directly, not computed from other tensors, are the *leaves* of
# the graph. A tensor computed from a leaf that requires gradients requires them
# too, and remembers the operation that made it in `grad_fn`. The input `x` does
# not require gradients: the data is not something training changes.

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
# <!-- index: grad_fn; autograd graph -->
#
# Each `grad_fn` points to the functions that produced its inputs
# (`next_functions`), so starting from the loss we can walk the whole graph
# backwards. The leaves that require gradients show up as `AccumulateGrad` nodes:
# that is where a gradient ends its journey and is stored in the leaf's `.grad`.


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
# ## `backward()` and `.grad` { #backward-and-grad }
# <!-- index: backpropagation; chain rule -->
#
# `loss.backward()` runs through that graph from the loss to the leaves, applying
# the chain rule at every node, and adds the result to `.grad` of every leaf that
# requires gradients. This is backpropagation, "backprop" for short. By hand, the
# chain rule gives
#
# $$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial \hat y} \cdot \frac{\partial \hat y}{\partial w} = 2(\hat y - 10) \cdot x = 2 \cdot (-3) \cdot 2 = -12,$$
#
# $$\frac{\partial L}{\partial b} = \frac{\partial L}{\partial \hat y} \cdot \frac{\partial \hat y}{\partial b} = 2(\hat y - 10) \cdot 1 = -6.$$
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
# <!-- index: cost function; objective function; L2 loss; MSELoss; squared error -->
#
# For regression (predicting numbers) the usual loss is the mean squared error,
#
# $$\mathrm{MSE} = \frac{1}{N} \sum_{i=1}^{N} (\hat y_i - y_i)^2.$$
#
# `nn.MSELoss` averages over every element by default; `reduction="sum"` adds them
# up instead.

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
# <!-- index: log loss; BCELoss; binary classification -->
#
# For a yes/no question the model outputs a probability $p$ that the answer is
# "yes" (target 1). Binary cross-entropy is
#
# $$\mathrm{BCE} = -\frac{1}{N} \sum_{i=1}^{N} \bigl[y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr],$$
#
# small when the model gives the true answer a high probability. `nn.BCELoss` takes
# probabilities, for example the output of a final `nn.Sigmoid`. The targets are
# floats between 0 and 1: usually exactly 0.0 or 1.0, but a *soft label* such as
# 0.7 is accepted too, and for a target $y$ the loss is smallest at $p = y$.

# %%
probabilities = torch.tensor([0.9, 0.2, 0.6], device=device)
labels = torch.tensor([1.0, 0.0, 1.0], device=device)

bce = nn.BCELoss()(probabilities, labels)
manual = -(labels * probabilities.log() + (1 - labels) * (1 - probabilities).log()).mean()
print(f"BCELoss: {bce.item():.4f}   by hand: {manual.item():.4f}")
assert torch.allclose(bce, manual)

candidates = torch.linspace(0.01, 0.99, 99, device=device)
soft_target = torch.full_like(candidates, 0.7)
soft_losses = nn.BCELoss(reduction="none")(candidates, soft_target)
best = candidates[soft_losses.argmin()].item()
print(f"soft target 0.7: the loss is smallest at p = {best:.2f}")
assert abs(best - 0.7) < 1e-6

# %% [markdown]
# `nn.BCEWithLogitsLoss` does the sigmoid itself and takes the raw score, the logit
# $z$, instead. For ordinary logits both give the same value. For a confident logit
# they do not: with logit 20 and target 0 the exact loss is 20, but $\sigma(20)$
# rounds to exactly 1.0 in float32, $\log(1 - 1)$ is $-\infty$, and `nn.BCELoss`
# clips the logarithm at −100, so it reports 100 for both logit 20 and logit 200.
# `BCEWithLogitsLoss` rearranges the formula so that it never forms $1 - p$,
#
# $$\ell(z, y) = \max(z, 0) - z y + \log\bigl(1 + e^{-|z|}\bigr),$$
#
# and stays exact. Prefer it, and leave the final `Sigmoid` out of the model.

# %%
logits = torch.tensor([-1.0, 0.5, 5.0, 20.0, 200.0], device=device)
zeros = torch.zeros_like(logits)
with_logits = nn.BCEWithLogitsLoss(reduction="none")(logits, zeros)
from_probabilities = nn.BCELoss(reduction="none")(torch.sigmoid(logits), zeros)
rearranged = logits.clamp(min=0) - logits * zeros + torch.log1p(torch.exp(-logits.abs()))
print("logit:                  ", logits.tolist())
print("BCEWithLogitsLoss:      ", [round(v, 4) for v in with_logits.tolist()])
print("BCELoss(sigmoid(logit)):", [round(v, 4) for v in from_probabilities.tolist()])

assert torch.allclose(with_logits, rearranged)
assert torch.allclose(with_logits[:3], from_probabilities[:3], rtol=1e-4)
assert with_logits[3:].tolist() == [20.0, 200.0]
assert from_probabilities[3:].tolist() == [100.0, 100.0]
assert torch.sigmoid(torch.tensor(20.0)).item() == 1.0

# %% [markdown]
# ## Cross-entropy for several classes
# <!-- index: categorical cross-entropy; negative log-likelihood; CrossEntropyLoss; multiclass -->
#
# With $C$ classes the model outputs $C$ logits per sample, a tensor of shape
# $(N, C)$. `nn.CrossEntropyLoss` takes those logits and, as targets, usually the
# *class indices*: a tensor of shape $(N,)$ and integer type (`torch.long`). It
# applies `log_softmax` to the logits and averages the negative log-probability of
# the correct class $y_i$:
#
# $$\mathrm{CE} = -\frac{1}{N} \sum_{i=1}^{N} \log p_{i, y_i}, \qquad p_{i,c} = \frac{e^{z_{i,c}}}{\sum_{k=1}^{C} e^{z_{i,k}}}.$$
#
# This is the negative log-likelihood (NLL). We check that it equals `F.nll_loss`
# of `log_softmax`, and the same thing written out by hand.

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
# The targets may also be class *probabilities*, a float tensor of shape $(N, C)$
# whose rows sum to 1 (PyTorch accepts them since version 1.10). The loss is then
# $-\frac{1}{N} \sum_i \sum_c q_{i,c} \log p_{i,c}$ for target probabilities $q$. A
# one-hot row (1 for the true class, 0 elsewhere) gives exactly the loss of its
# class index, and a softened row is what `label_smoothing` builds: with
# $\varepsilon = 0.1$, the true class gets $0.9 + 0.1/3$ and the others $0.1/3$.

# %%
one_hot = F.one_hot(classes, num_classes=3).float()
smoothed = 0.9 * one_hot + 0.1 / 3
ce_one_hot = nn.CrossEntropyLoss()(logits, one_hot)
ce_smoothed = nn.CrossEntropyLoss()(logits, smoothed)
ce_label_smoothing = nn.CrossEntropyLoss(label_smoothing=0.1)(logits, classes)
print(f"one-hot targets: {ce_one_hot.item():.4f}   class indices: {ce.item():.4f}")
print(
    f"smoothed targets: {ce_smoothed.item():.4f}   "
    f"label_smoothing=0.1: {ce_label_smoothing.item():.4f}"
)
assert torch.allclose(ce_one_hot, ce) and torch.allclose(ce_smoothed, ce_label_smoothing)

# %% [markdown]
# Two numbers worth remembering. A model that has learnt nothing gives every class
# the same probability $1/C$, and its loss is $\log C$ ($\log 3 \approx 1.0986$
# here): expect a freshly initialised classifier to start near that value. And a
# common bug is to put a `Softmax` at the end of the model *and* use
# `nn.CrossEntropyLoss`: softmax is then applied twice, and the loss is a
# different, wrong number. Worse, it can no longer reach 0: probabilities lie
# between 0 and 1, so even a perfectly confident, correct model gets a loss of
# $-\log \frac{e}{e + 2} \approx 0.5514$ with three classes, while with logits the
# loss goes to 0. Keep softmax out of the model and apply it only to read
# probabilities.

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
# <!-- index: MSE vs BCE -->
#
# Nothing stops you from training a sigmoid output with MSE, so why use BCE? The
# left plot shows both losses for target 1 as the predicted probability $p$ goes
# from 0 to 1. MSE, $(1 - p)^2$, is at most 1 even when the model is completely
# wrong; BCE, $-\log p$, grows without bound. The right plot shows what matters for
# training, the gradient with respect to the logit $z$, where $p = \sigma(z)$:
#
# $$\frac{\partial}{\partial z}\bigl(-\log p\bigr) = p - 1, \qquad \frac{\partial}{\partial z}(1 - p)^2 = -2(1 - p)\,\sigma'(z).$$
#
# For BCE it is close to −1 when the model is confidently wrong. For MSE it carries
# the extra factor $\sigma'(z)$, and, as Lesson 2 showed, that factor is tiny for
# large $|z|$: at $z = -10$ the MSE gradient is below $10^{-3}$, and the model
# barely learns from its worst mistakes.

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
sigmoid_slope = (p * (1 - p)).detach()
assert torch.allclose(mse_slope, -2 * (1 - p.detach()) * sigmoid_slope, atol=1e-6)

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
# <!-- index: verify a gradient; manual derivative -->
#
# Now a real layer. `nn.Linear(3, 1)` predicts $\hat y_i = x_i W^\top + b$ for
# $N = 8$ samples $x_i$ (rows of $X$), and we use MSE,
# $L = \frac{1}{N} \sum_i (\hat y_i - y_i)^2$. The chain rule gives
#
# $$\frac{\partial L}{\partial W} = \frac{2}{N} \sum_{i=1}^{N} (\hat y_i - y_i)\, x_i = \frac{2}{N} (\hat Y - Y)^\top X, \qquad \frac{\partial L}{\partial b} = \frac{2}{N} \sum_{i=1}^{N} (\hat y_i - y_i),$$
#
# of shape (1, 3) like the weight and (1,) like the bias. We compute both with a
# few tensor operations and compare them with what `backward()` stores in
# `layer.weight.grad` and `layer.bias.grad`.

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
# <!-- index: numerical differentiation; gradcheck -->
#
# A derivative is a limit of slopes, so it can also be estimated without any
# calculus: nudge one weight by a small $h$ in each direction and measure how the
# loss changes,
#
# $$\frac{\partial L}{\partial w} \approx \frac{L(w + h) - L(w - h)}{2h}.$$
#
# This *central difference* needs float64. In float32 a loss near 1.2 is stored in
# steps of about $1.2 \times 10^{-7}$, so with $h = 10^{-6}$ the estimate can only
# move in steps of about 0.06: the float32 value printed below is wrong in the
# second digit. The check runs on the CPU, which has float64 everywhere (Apple's
# MPS does not).
#
# `torch.autograd.gradcheck` automates the same test for every input of a function.
# It returns `True` when autograd and finite differences agree.


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

spacing = torch.finfo(torch.float32).eps  # the gap between float32 values in [1, 2)
print(f"float32 values near 1.2 lie {spacing:.2e} apart; estimate steps: {spacing / 2e-6:.3f}")
assert abs(spacing / 2e-6 - 0.06) < 1e-3

# %% [markdown]
# When they disagree, `gradcheck` does not return `False` by default: it raises a
# `GradcheckError` that shows both sets of derivatives (pass
# `raise_exception=False` to get `False` instead). Here it catches a deliberate
# bug. `w * w.detach()` has the value $w^2$, but `.detach()` hides one factor from
# autograd, which therefore reports the derivative $w$ instead of $2w$. For
# $w = (1.5, -2)$ the message shows the finite differences $2w = (3, -4)$ and
# autograd's $(1.5, -2)$ on the diagonals of the two matrices.


# %%
def square_with_a_bug(w):
    return w * w.detach()


w_check = torch.tensor([1.5, -2.0], dtype=torch.float64, requires_grad=True)
try:
    torch.autograd.gradcheck(square_with_a_bug, (w_check,))
    raised = None
except RuntimeError as error:
    raised = type(error).__name__
    gradcheck_message = str(error)
    print(raised + ":", error)
assert raised == "GradcheckError"
numbers = [float(v) for v in re.findall(r"-?\d+\.\d+", gradcheck_message)]
assert [numbers[0], numbers[3]] == [3.0, -4.0] and [numbers[4], numbers[7]] == [1.5, -2.0]
returned = torch.autograd.gradcheck(square_with_a_bug, (w_check,), raise_exception=False)
print("with raise_exception=False:", returned)
assert returned is False

# %% [markdown]
# ## Gradients accumulate
# <!-- index: zero_grad; accumulation -->
#
# `backward()` *adds* to `.grad`; it does not overwrite it. Call it twice without
# clearing and the gradient doubles. That is why every training step starts with
# `zero_grad()` (on the model or on the optimizer), which by default resets each
# `.grad` to `None`.
#
# Accumulation is also useful on purpose. If a batch does not fit in memory, split
# it, call `backward()` on each part's loss scaled by its share of the batch, and the
# summed gradient equals the full-batch gradient. With two halves,
# $L = \frac{1}{2} L_1 + \frac{1}{2} L_2$.

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
# <!-- index: descent step -->
#
# The gradient points in the direction in which the loss grows fastest, so a small
# step against it makes the loss smaller. This is one step of gradient descent with
# learning rate $\eta$,
#
# $$w \leftarrow w - \eta \, \frac{\partial L}{\partial w},$$
#
# done under `torch.no_grad()` because the update itself is not part of the model's
# computation. The next lesson turns this single step into a training loop.

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
# - `nn.MSELoss` is the mean of squared errors. `nn.BCELoss` takes probabilities and
#   targets anywhere in $[0, 1]$, soft labels included; `nn.BCEWithLogitsLoss` takes
#   logits and stays exact for large ones. `nn.CrossEntropyLoss` takes $(N, C)$
#   logits and usually $(N,)$ class indices, or $(N, C)$ class probabilities, and
#   equals the NLL of `log_softmax`. An untrained classifier starts near $\log C$.
# - For a sigmoid output, BCE keeps a gradient near −1 when the model is confidently
#   wrong; MSE's gradient vanishes there.
# - Autograd's gradient for a linear layer with MSE matched the hand-derived
#   $\frac{2}{N}(\hat Y - Y)^\top X$, central differences and `gradcheck`, which
#   raises a `GradcheckError` when they disagree.
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

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **A gradient by hand.** For $L = (wx + b - y)^2$ with $w = 1$, $x = 3$, $b = 0.5$
#    and $y = 2$, compute $\partial L / \partial w = 2(wx + b - y)\,x$ and
#    $\partial L / \partial b$ by hand, then check both with `backward()`.
# 2. **Cross-entropy of one image.** For the logits `[2.0, 1.0, 0.0]` and the true
#    class 0, compute the loss by hand as $-\log$ of the softmax probability of class 0,
#    and check it with `nn.CrossEntropyLoss`.
# 3. **The gradient of cross-entropy.** Show with autograd that the gradient of
#    `nn.CrossEntropyLoss` with respect to the logits is
#    $(\operatorname{softmax}(z) - \text{one-hot}(y)) / N$, for the lesson's `logits`
#    and `classes` ($N = 4$). What does each row of the gradient sum to?

# %% tags=["solution"]
w = torch.tensor(1.0, device=device, requires_grad=True)
b = torch.tensor(0.5, device=device, requires_grad=True)
loss = (w * 3.0 + b - 2.0) ** 2
loss.backward()
error = 1.0 * 3.0 + 0.5 - 2.0
print("loss:", loss.item())
print("dL/dw: autograd", w.grad.item(), "  by hand", 2 * error * 3.0)
print("dL/db: autograd", b.grad.item(), "  by hand", 2 * error)
assert loss.item() == 2.25 and w.grad.item() == 2 * error * 3.0 == 9.0
assert b.grad.item() == 2 * error == 3.0

# %% tags=["solution"]
one_image = torch.tensor([[2.0, 1.0, 0.0]], device=device)
softmax_0 = one_image.exp()[0, 0] / one_image.exp().sum()
loss_by_hand = -softmax_0.log()
loss_by_module = nn.CrossEntropyLoss()(one_image, torch.tensor([0], device=device))
print(f"softmax probability of class 0: {softmax_0.item():.4f}")
print(f"-log p by hand: {loss_by_hand.item():.4f}   CrossEntropyLoss: {loss_by_module.item():.4f}")
assert torch.isclose(loss_by_hand, loss_by_module) and abs(loss_by_module.item() - 0.4076) < 1e-4

# %% tags=["solution"]
z_leaf = logits.detach().clone().requires_grad_()
nn.CrossEntropyLoss()(z_leaf, classes).backward()
expected = (torch.softmax(z_leaf.detach(), dim=1) - F.one_hot(classes, num_classes=3)) / 4
print("autograd:  ", [[round(v, 4) for v in row] for row in z_leaf.grad.tolist()])
print("by formula:", [[round(v, 4) for v in row] for row in expected.tolist()])
print(f"largest absolute row sum: {z_leaf.grad.sum(dim=1).abs().max().item():.1e}")
assert torch.allclose(z_leaf.grad, expected, atol=1e-6)
assert torch.allclose(z_leaf.grad.sum(dim=1), torch.zeros(4, device=device), atol=1e-6)
