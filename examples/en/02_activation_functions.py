# %% [markdown]
# # Activation functions in depth
#
# Lesson 1 put sigmoid, tanh and ReLU between linear layers without asking why one
# might be better than another. This lesson looks at them closely: their curves,
# their derivatives (computed by autograd, the way training computes them), and
# what those derivatives do to learning. You will see numerically why sigmoid
# networks train slowly when they get deep, why a ReLU node can stop learning for
# good, and why PyTorch computes softmax and its logarithm the way it does.
#
# **What you will learn**
#
# - how to build activation modules by name with `nnguide.activation`
# - just enough autograd to ask PyTorch for a derivative
# - the formulas, curves and derivatives of sigmoid, tanh, ReLU, LeakyReLU and GELU
# - saturation: where a derivative is almost zero, and how that makes gradients
#   vanish in deep networks
# - dead ReLU nodes, and how LeakyReLU keeps a small slope
# - why a naive softmax overflows, why `log_softmax` beats `log(softmax(x))`, and
#   why softmax probabilities are not calibrated confidence
# - which activation goes where, and why a classifier's output layer has none
#
# **Prerequisites:** Lesson 1 (layers, activation modules, `nn.Sequential`).
# Autograd, PyTorch's automatic differentiation, is the topic of Lesson 3; the short
# preview below covers the few calls this lesson uses. Knowing what a derivative is
# helps; the chain rule is explained where it is used.

# %% [markdown]
# ## Setup
#
# We seed the random number generator so every number on this page is the same on
# every run. The seed is set once, as `SEED`, and every random draw below starts
# from it, so changing that one line reruns the comparisons with other random
# numbers. We also switch on the guide's plot style (it also makes Korean labels
# render) and pick the device with `get_device`: a GPU when there is one, otherwise
# the CPU. Random tensors are drawn on the CPU and then moved, so the numbers are
# the same whatever the device.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

import nnguide
from nnguide.device import get_device
from nnguide.plotting import set_style

SEED = 0
torch.manual_seed(SEED)
set_style()
device = get_device()
print("device:", device)

# %% [markdown]
# ## Activations by name
# <!-- index: string names -->
#
# `nnguide.activation(name)` returns the PyTorch module for a name such as
# `"relu"` or `"gelu"` (upper or lower case). That lets us loop over the five
# activations of this lesson instead of writing each one out. Every one of them
# works element by element, so the output has the same shape as the input.

# %%
names = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]
labels = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "gelu": "GELU",
}
activations = {name: nnguide.activation(name) for name in names}

x = torch.randn(8, 128).to(device)
rows = []
for name, act in activations.items():
    out = act(x)
    assert out.shape == x.shape
    rows.append([labels[name], repr(act), str(tuple(x.shape)), str(tuple(out.shape))])
headers = [
    "activation",
    "module",
    "input shape",
    "output shape",
]
print(nnguide.format_table(rows, headers=headers, align="<<<<"))

# %% [markdown]
# ## A preview of autograd
# <!-- index: automatic differentiation -->
#
# **Preview.** Lesson 3 explains autograd in full; this section shows only what
# this lesson needs.
#
# Training needs derivatives, and PyTorch computes them for you. Mark a tensor with
# `requires_grad_()` (or create it with `requires_grad=True`) and PyTorch records
# every operation that uses it. From a result $y$ that is a single number you can
# then ask for derivatives in two ways:
#
# - `torch.autograd.grad(y, x)` returns $\partial y / \partial x$, a tensor shaped
#   like `x`;
# - `y.backward()` computes the same derivatives and *adds* them to the `.grad`
#   attribute of every marked tensor, including the weights and biases of a module,
#   which are marked from the start. Code that calls `backward()` on the same layer
#   again therefore clears the old values first with `zero_grad()`.
#
# Each call uses up the record, so below $y$ is computed again before `backward()`.
# Here $y = x_1^2 + x_2^2 + x_3^2$, so $\partial y / \partial x_i = 2 x_i$. Two
# more tools appear later: `.detach()` gives a tensor's values without the record
# (to plot them, for example), and inside `with torch.no_grad():` nothing is
# recorded, which is how we set a weight by hand.

# %%
x_demo = torch.tensor([1.0, 2.0, 3.0], device=device).requires_grad_()
y_demo = (x_demo**2).sum()
(dy_dx,) = torch.autograd.grad(y_demo, x_demo)
print("x:", x_demo.tolist(), "  dy/dx from autograd.grad:", dy_dx.tolist())
assert dy_dx.tolist() == [2.0, 4.0, 6.0]

y_demo = (x_demo**2).sum()
y_demo.backward()
print("x.grad after backward():", x_demo.grad.tolist())
assert torch.equal(x_demo.grad, dy_dx)

# %% [markdown]
# ## Curves and derivatives
# <!-- index: sigmoid derivative; tanh derivative; relu derivative -->
#
# The five activations are defined as
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}, \qquad \mathrm{ReLU}(x) = \max(0, x),$$
#
# $$\mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ 0.01\,x & x \le 0 \end{cases}, \qquad \mathrm{GELU}(x) = x\,\Phi(x),$$
#
# where $\Phi$ is the cumulative distribution function of the standard normal
# distribution and 0.01 is LeakyReLU's default `negative_slope`. Training needs the
# derivative of every activation, and autograd computes it for us. We evaluate each
# activation on a grid of points from −5 to 5 and ask autograd for the gradient of
# the *sum* of the outputs. Each output depends only on its own input, so that
# gradient is exactly the derivative at each point.
#
# The grid contains 0 itself: ReLU has a kink there and no derivative in the strict
# sense, and PyTorch uses 0 as its slope at that one point.

# %%
xs = (torch.arange(-500, 501, device=device) / 100).requires_grad_()
curves, slopes = {}, {}
for name, act in activations.items():
    ys = act(xs)
    (dys,) = torch.autograd.grad(ys.sum(), xs)
    curves[name] = ys.detach().cpu()
    slopes[name] = dys.cpu()

grid = xs.detach().cpu()
print(f"grid: {len(grid)} points from {grid[0].item()} to {grid[-1].item()}")
print("slope at x = 0:", {labels[name]: round(s[500].item(), 3) for name, s in slopes.items()})

# %% [markdown]
# The curves match the definitions, and the derivatives autograd found agree with
# the textbook formulas:
#
# $$\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr), \qquad \tanh'(x) = 1 - \tanh^2(x),$$
#
# $$\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}, \qquad \mathrm{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0.01 & x \le 0 \end{cases}$$

# %%
gelu_formula = grid * 0.5 * (1 + torch.erf(grid / 2**0.5))
assert torch.allclose(curves["gelu"], gelu_formula, atol=1e-6)
assert torch.allclose(curves["sigmoid"], 1 / (1 + torch.exp(-grid)), atol=1e-6)
print("GELU(x) = x Φ(x), largest difference:", f"{(curves['gelu'] - gelu_formula).abs().max():.1e}")

sig = torch.sigmoid(grid)
formulas = {
    "sigmoid": sig * (1 - sig),
    "tanh": 1 - torch.tanh(grid) ** 2,
    "relu": (grid > 0).float(),
    "leaky_relu": torch.where(grid > 0, 1.0, 0.01),
}
rows = []
for name, formula in formulas.items():
    assert torch.allclose(slopes[name], formula, atol=1e-6), name
    max_diff = (slopes[name] - formula).abs().max().item()
    rows.append([labels[name], f"{max_diff:.1e}"])
headers = [
    "activation",
    "autograd vs formula, largest difference",
]
print(nnguide.format_table(rows, headers=headers))

# %% [markdown]
# Now the picture. On the left are the curves, on the right their derivatives.
# Notice how sigmoid and tanh flatten out on both sides, while ReLU, LeakyReLU and
# GELU keep a slope of 1 for large positive inputs. GELU is a smooth ReLU: it
# dips slightly below zero (its minimum is about −0.17 near $x = -0.75$) and its
# slope at 0 is $\Phi(0) = 0.5$.

# %%
gelu_min = curves["gelu"].min().item()
assert -0.171 < gelu_min < -0.169
assert abs(grid[curves["gelu"].argmin()].item() + 0.75) < 0.02
assert abs(slopes["gelu"][500].item() - 0.5) < 1e-6
for name in ["relu", "leaky_relu", "gelu"]:
    assert abs(slopes[name][-1].item() - 1) < 1e-4, name
for name in ["sigmoid", "tanh"]:
    assert slopes[name][0] < 0.01 and slopes[name][-1] < 0.01, name
print(f"GELU minimum: {gelu_min:.3f} at x = {grid[curves['gelu'].argmin()].item():.2f}")

fig, (ax_curve, ax_slope) = plt.subplots(1, 2, figsize=(10, 4))
for name in names:
    style = "--" if name == "leaky_relu" else "-"
    ax_curve.plot(grid, curves[name], style, label=labels[name])
    ax_slope.plot(grid, slopes[name], style, label=labels[name])
ax_curve.set(title="Activation functions", xlabel="x", ylabel="f(x)", ylim=(-1.5, 3))
ax_slope.set(title="Derivatives (from autograd)", xlabel="x", ylabel="f'(x)")
ax_curve.legend()
ax_slope.legend()
plt.show()

# %% [markdown]
# ## Saturation
# <!-- index: saturated sigmoid; flat regions -->
#
# A node *saturates* when its input is so large (positive or negative) that its
# curve is flat there: a change of the input hardly changes the output, so the
# derivative is nearly zero. The sigmoid's slope is largest at 0, where it is only
# $\sigma'(0) = 0.25$; at $|x| = 10$ it is below $10^{-4}$. Tanh peaks at 1 but
# saturates even faster: at $|x| = 10$ its true slope is about $8 \times 10^{-9}$,
# and in `float32`, where $\tanh(10)$ rounds to exactly 1.0, the computed slope is
# exactly 0. ReLU does not saturate for positive inputs: its slope stays 1.

# %%
points = torch.tensor([-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0], device=device)
points.requires_grad_()
table = {}
rows = []
for name in ["sigmoid", "tanh", "relu"]:
    (slope,) = torch.autograd.grad(activations[name](points).sum(), points)
    table[name] = slope.cpu()
    rows.append([labels[name]] + [f"{v:.2e}" for v in table[name].tolist()])
headers = ["x"] + [f"{p:.0f}" for p in points.tolist()]
print(nnguide.format_table(rows, headers=headers))
true_tanh_slope = 1 - torch.tanh(torch.tensor(10.0, dtype=torch.float64)) ** 2
print("true slope of tanh at x = 10 (float64):", f"{true_tanh_slope.item():.1e}")

assert slopes["sigmoid"].max().item() == 0.25
assert grid[slopes["sigmoid"].argmax()].item() == 0.0
assert table["sigmoid"][0] < 1e-4 and table["sigmoid"][-1] < 1e-4
assert table["tanh"][3] == 1.0 and table["tanh"][0] == table["tanh"][-1] == 0.0
assert 7.5e-9 < true_tanh_slope.item() < 8.5e-9
assert torch.tanh(torch.tensor(10.0)).item() == 1.0
assert table["relu"][-1] == 1.0

# %% [markdown]
# ## Vanishing gradients
# <!-- index: vanishing gradient problem -->
#
# Backpropagation applies the chain rule: the gradient that reaches an early layer
# is a *product* of one factor per layer above it, and each activation contributes
# its derivative as a factor. Stack $n$ sigmoids on a single number,
# $y = \sigma(\sigma(\cdots\sigma(x)))$, and call $a_k$ the input of the $k$-th one.
# The chain rule gives
#
# $$\frac{dy}{dx} = \sigma'(a_n)\,\sigma'(a_{n-1}) \cdots \sigma'(a_1) \le 0.25^n,$$
#
# because every factor is at most 0.25. Let us compare autograd's gradient with that
# bound.

# %%
previous = 1.0
rows = []
for depth in [1, 2, 5, 10, 20]:
    inp = torch.tensor(0.0, device=device, requires_grad=True)
    out = inp
    for _ in range(depth):
        out = torch.sigmoid(out)
    (grad,) = torch.autograd.grad(out, inp)
    assert grad.item() <= 0.25**depth and grad.item() < previous
    previous = grad.item()
    rows.append([depth, f"{grad.item():.3e}", f"{0.25**depth:.3e}"])
headers = [
    "layers",
    "d(output)/d(input)",
    "bound 0.25^n",
]
print(nnguide.format_table(rows, headers=headers, align=">>>"))

# %% [markdown]
# The same happens in a real network. Below are three networks of ten `Linear`
# layers (64 nodes each) with a sigmoid, a tanh or a ReLU after every layer. All
# three start from the same seed and the same scheme, He (Kaiming) initialisation
# with `nonlinearity="relu"`, which draws each weight with standard deviation
# $\sqrt{2 / n_\text{in}} = \sqrt{2/64} \approx 0.177$. That scheme is derived for
# ReLU: it keeps the size of the signal steady through ReLU layers. So the set-up
# favours ReLU, and the comparison shows how each activation fares with it, not a
# contest on equal terms. After one backward pass we measure the size (norm) of
# each layer's weight gradient. Layer 1 is nearest the input and receives the
# longest product.


# %%
def deep_net(activation_name, depth=10, width=64):
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, nnguide.activation(activation_name)]
    return nn.Sequential(*layers).to(device)


grad_norms = {}
rows = []
for name in ["sigmoid", "tanh", "relu"]:
    torch.manual_seed(SEED)
    net = deep_net(name)
    inputs = torch.randn(256, 64).to(device)
    net(inputs).pow(2).mean().backward()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    assert all(abs(m.weight.std().item() - (2 / 64) ** 0.5) < 0.01 for m in linears)
    grad_norms[name] = [m.weight.grad.norm().item() for m in linears]
    ratio = grad_norms[name][0] / grad_norms[name][-1]
    rows.append(
        [labels[name]] + [f"{v:.1e}" for v in (grad_norms[name][0], grad_norms[name][-1], ratio)]
    )
headers = [
    "activation",
    "layer 1",
    "layer 10",
    "layer 1 / layer 10",
]
print(nnguide.format_table(rows, headers=headers))
assert nn.init.calculate_gain("relu") == 2**0.5

# %% [markdown]
# With sigmoid, the first layer's gradient is more than ten thousand times smaller
# than the last layer's (the last column of the table above), so the first layers
# would barely move during training. With tanh (slope 1 at 0) and
# ReLU (slope 1 for positive inputs), every layer's gradient is within a factor of
# ten of every other layer's. This is one of the main reasons ReLU and its relatives
# replaced sigmoid in hidden layers.

# %%
sigmoid_ratio = grad_norms["sigmoid"][0] / grad_norms["sigmoid"][-1]
assert sigmoid_ratio < 1e-4
for name in ["tanh", "relu"]:
    assert max(grad_norms[name]) / min(grad_norms[name]) < 10, name

fig, ax = plt.subplots()
for name, norms in grad_norms.items():
    ax.semilogy(range(1, 11), norms, marker="o", label=labels[name])
ax.set(
    title="Weight gradient size per layer",
    xlabel="layer (1 = nearest the input)",
    ylabel="gradient norm (log scale)",
)
ax.legend()
plt.show()

# %% [markdown]
# ## Dead ReLU units
# <!-- index: dying ReLU; dead neurons -->
#
# ReLU has its own weakness. If a node's input is negative for *every* sample, its
# output is always 0 and so is its derivative: no gradient reaches its weights, they
# never change, and the node is "dead" (a dead unit, as it is often called). This
# can happen after a large update pushes the bias far below zero. We build that
# situation on purpose: a layer of three nodes whose node 0 gets a bias of −10, so
# that for our inputs, drawn from the standard normal distribution, its input to
# the activation is always negative. Nodes 1 and 2 are left as they are.
#
# LeakyReLU replaces the flat zero with a small slope (0.01 by default), so even a
# node stuck on the negative side still receives a gradient, at least ten times
# smaller than that of the live nodes here but not zero, and can recover.

# %%
torch.manual_seed(SEED)
layer = nn.Linear(4, 3).to(device)
with torch.no_grad():
    layer.bias[0] = -10.0
inputs = torch.randn(64, 4).to(device)
assert (layer(inputs)[:, 0] < 0).all()

weight_grads = {}
rows = []
for name in ["relu", "leaky_relu"]:
    layer.zero_grad()
    out = nnguide.activation(name)(layer(inputs))
    out.sum().backward()
    weight_grads[name] = layer.weight.grad.abs().sum(dim=1).cpu()
    sizes = ", ".join(f"{g:.2f}" for g in weight_grads[name].tolist())
    rows.append([labels[name], f"{out[:, 0].max().item():.4f}", sizes])
headers = [
    "activation",
    "largest output of node 0",
    "weight-gradient size of nodes 0, 1, 2",
]
print(nnguide.format_table(rows, headers=headers))

assert weight_grads["relu"][0] == 0.0 and (weight_grads["relu"][1:] > 0).all()
assert 0.0 < weight_grads["leaky_relu"][0] < weight_grads["leaky_relu"][1:].min() / 10

# %% [markdown]
# ## Softmax numerics
# <!-- index: log-sum-exp trick; numerical stability; nan -->
#
# Softmax turns logits into probabilities,
#
# $$p_i = \frac{e^{z_i}}{\sum_j e^{z_j}} = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}}, \qquad m = \max_j z_j.$$
#
# Written as the first fraction it breaks for large logits: in `float32`, $e^x$
# overflows to `inf` above about $x = 88.7$, and `inf / inf` is `nan`. The second
# fraction is the same number, because the factor $e^{-m}$ cancels, so PyTorch
# subtracts the largest logit first and the exponentials stay between 0 and 1.

# %%
softmax = nnguide.activation("softmax", dim=-1)
logits = torch.tensor([1000.0, 1001.0, 1002.0], device=device)

naive = torch.exp(logits) / torch.exp(logits).sum()
stable = softmax(logits)
shifted = torch.exp(logits - logits.max()) / torch.exp(logits - logits.max()).sum()
rows = [
    ["exp(logits)", str(torch.exp(logits).tolist())],
    ["naive softmax", str(naive.tolist())],
    ["torch softmax", str([round(p, 4) for p in stable.tolist()])],
    ["softmax([0, 1, 2])", str([round(p, 4) for p in softmax(logits - 1000).tolist()])],
]
print(nnguide.format_table(rows, align="<<"))

assert torch.isinf(torch.exp(logits)).all() and torch.isnan(naive).all()
assert torch.isfinite(torch.exp(torch.tensor(88.7))) and torch.isinf(torch.exp(torch.tensor(88.8)))
assert torch.allclose(stable, shifted) and torch.allclose(stable, softmax(logits - 1000))
assert torch.isclose(stable.sum(), torch.tensor(1.0, device=device))

# %% [markdown]
# The classification losses of the next lesson, cross-entropy and binary
# cross-entropy, work with the *logarithm* of a probability (the mean squared error
# does not). Taking `log(softmax(z))` goes
# wrong when one probability is tiny: for logits $(200, 0)$, the second probability
# is $e^{-200} \approx 10^{-87}$, smaller than the smallest `float32` number, so it
# becomes 0 and its log is $-\infty$. `torch.log_softmax` computes
#
# $$\log p_i = z_i - m - \log \sum_j e^{z_j - m}$$
#
# directly and gets the exact answer, −200. This is why `nn.CrossEntropyLoss` takes
# logits and applies `log_softmax` inside, and why `nn.BCEWithLogitsLoss` takes a
# logit and works with the logarithm of the sigmoid in the same way. Both report
# the exact loss of 200 here. With only two classes, one logit, $z_1 - z_0 = -200$,
# says the same as the pair, so that is what `nn.BCEWithLogitsLoss` receives.

# %%
logits = torch.tensor([200.0, 0.0], device=device)
log_of_softmax = torch.log(torch.softmax(logits, dim=-1))
log_softmax = torch.log_softmax(logits, dim=-1)
print("log(softmax(z)):", log_of_softmax.tolist())
print("log_softmax(z): ", log_softmax.tolist())

assert torch.exp(torch.tensor(-200.0)) == 0.0
assert 1e-88 < torch.tensor(-200.0, dtype=torch.float64).exp() < 1e-86
assert torch.isinf(log_of_softmax[1]) and log_of_softmax[1] < 0
assert log_softmax.tolist() == [0.0, -200.0]

cross_entropy = nn.CrossEntropyLoss()(logits.unsqueeze(0), torch.tensor([1], device=device))
bce_with_logits = nn.BCEWithLogitsLoss()(logits[1] - logits[0], torch.tensor(1.0, device=device))
print("CrossEntropyLoss, true class 1:", cross_entropy.item())
print("BCEWithLogitsLoss, logit -200, target 1:", bce_with_logits.item())
assert cross_entropy.item() == 200.0 and bce_with_logits.item() == 200.0

# %% [markdown]
# ## Which activation where
# <!-- index: output activation; regression output; classification output -->
#
# | place in the network | usual choice | why |
# |---|---|---|
# | hidden layers | ReLU, or GELU / LeakyReLU | slope 1 for positive inputs, no saturation there, cheap |
# | output, two classes | none: one logit, fed to `nn.BCEWithLogitsLoss` | the loss applies the sigmoid itself, exactly; `torch.sigmoid` turns the logit into a probability when you want to read one |
# | output, several classes | none: logits, fed to `nn.CrossEntropyLoss` | the loss applies `log_softmax` itself; `torch.softmax` gives probabilities to read |
# | output, regression | none (identity) | any real number |
#
# Tanh is still used inside recurrent networks, where its output range $(-1, 1)$ is
# useful, but for the hidden layers of a plain feed-forward network ReLU is the
# default to start with.
#
# Two facts about the probabilities you read from a classifier. Softmax keeps the
# order of the logits, so the predicted class, the `argmax`, is the same with or
# without it. And a softmax probability is not a calibrated confidence: a model
# that says 0.99 is not right 99% of the time just because it says so. The
# probabilities depend on the scale of the logits, which training sets as a side
# effect: below, the same logits multiplied by 3 and by 10 predict the same classes
# with ever higher "confidence". Whether a model's probabilities match how often it
# is right (its calibration) has to be measured on data it was not trained on.

# %%
torch.manual_seed(SEED)
scores = torch.randn(5, 3).to(device)
predictions, largest = {}, {}
rows = []
for scale in [1, 3, 10]:
    probabilities = torch.softmax(scale * scores, dim=1)
    predictions[scale] = probabilities.argmax(dim=1).tolist()
    largest[scale] = probabilities.max(dim=1).values.cpu()
    shown = ", ".join(f"{p:.3f}" for p in largest[scale].tolist())
    rows.append([scale, str(predictions[scale]), shown])
headers = [
    "logits times",
    "predicted classes",
    "largest probability",
]
print(nnguide.format_table(rows, headers=headers, align=">><"))

assert predictions[1] == predictions[3] == predictions[10] == scores.argmax(dim=1).tolist()
assert (largest[1] < largest[3]).all() and (largest[3] < largest[10]).all()

# %% [markdown]
# ## Summary
#
# - `nnguide.activation(name)` builds activation modules by name; all of them keep
#   the shape of their input.
# - `requires_grad_()` marks a tensor; `torch.autograd.grad` returns derivatives and
#   `backward()` adds them to `.grad` (Lesson 3 explains how).
# - Autograd's derivatives match the formulas: $\sigma' = \sigma(1 - \sigma)$ with a
#   maximum of 0.25, $\tanh' = 1 - \tanh^2$, $\mathrm{ReLU}' \in \{0, 1\}$,
#   $\mathrm{LeakyReLU}' \in \{0.01, 1\}$, $\mathrm{GELU}'(0) = 0.5$.
# - Sigmoid and tanh saturate: for $|x| = 10$ their slopes are below $10^{-4}$ and
#   $10^{-8}$. Through $n$ sigmoid layers the gradient is at most $0.25^n$ times what
#   it would be without them; in a ten-layer sigmoid network the first layer's
#   gradient was over ten thousand times smaller than the last layer's, while tanh
#   and ReLU, with an initialisation made for ReLU, kept every layer within a factor
#   of ten.
# - A ReLU node whose input is always negative gets no gradient and stops learning;
#   LeakyReLU keeps a slope of 0.01 there.
# - Softmax must subtract the largest logit to avoid `inf`/`nan`, and
#   `log_softmax` gives finite log-probabilities where `log(softmax(x))` gives
#   $-\infty$; that is why classifiers output logits and the losses take them.
# - Softmax never changes the predicted class, and its probabilities are not a
#   calibrated confidence.
#
# ## Further reading
#
# - PyTorch documentation, "Non-linear activations" in `torch.nn`:
#   https://pytorch.org/docs/stable/nn.html#non-linear-activations-weighted-sum-nonlinearity
# - X. Glorot and Y. Bengio, "Understanding the difficulty of training deep
#   feedforward neural networks" (2010), on saturation in deep sigmoid networks.
# - K. He et al., "Delving Deep into Rectifiers" (2015), where the ReLU
#   initialisation used above comes from.
# - D. Hendrycks and K. Gimpel, "Gaussian Error Linear Units (GELUs)" (2016).
# - C. Guo et al., "On Calibration of Modern Neural Networks" (2017).
# - Next lesson: loss functions and autograd, where these derivatives are put to use.

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **The slope of tanh at 1.** Compute $\tanh'(1) = 1 - \tanh^2(1)$ by hand
#    ($\tanh(1) \approx 0.7616$) and check it with `torch.autograd.grad`.
# 2. **Ten tanh in a row.** Ten sigmoids applied one after the other to 0 have a
#    derivative below $0.25^{10}$. Predict the derivative of ten `torch.tanh` applied
#    one after the other to 0, then compute it with autograd. Why is it so different?
# 3. **Shifting and scaling logits.** Predict the softmax of the logits
#    `[1.0, 2.0, 3.0]` plus 100, and of the logits times 0. Check both.

# %% tags=["solution"]
point = torch.tensor(1.0, device=device, requires_grad=True)
(tanh_slope,) = torch.autograd.grad(torch.tanh(point), point)
by_formula = 1 - torch.tanh(torch.tensor(1.0)) ** 2
print(f"tanh'(1): autograd {tanh_slope.item():.4f}, 1 - tanh²(1) = {by_formula.item():.4f}")
assert abs(tanh_slope.item() - by_formula.item()) < 1e-6
assert abs(by_formula.item() - (1 - 0.7616**2)) < 1e-4

# %% tags=["solution"]
# tanh(0) = 0 and tanh'(0) = 1: every layer passes 0 on with slope 1. A sigmoid
# sends 0 to 0.5, and its slope is at most 0.25.
start = torch.tensor(0.0, device=device, requires_grad=True)
chain = start
for _ in range(10):
    chain = torch.tanh(chain)
(chain_slope,) = torch.autograd.grad(chain, start)
print(f"ten tanh at 0: {chain_slope.item()}   bound for ten sigmoids: {0.25**10:.1e}")
assert chain_slope.item() == 1.0

# %% tags=["solution"]
base = torch.tensor([1.0, 2.0, 3.0], device=device)
plain = torch.softmax(base, dim=0)
plus_100 = torch.softmax(base + 100, dim=0)
times_0 = torch.softmax(0 * base, dim=0)
print("softmax(z):      ", [round(p, 4) for p in plain.tolist()])
print("softmax(z + 100):", [round(p, 4) for p in plus_100.tolist()])
print("softmax(0 · z):  ", [round(p, 4) for p in times_0.tolist()])
assert torch.allclose(plus_100, plain)
assert torch.allclose(times_0, torch.full((3,), 1 / 3, device=device))
