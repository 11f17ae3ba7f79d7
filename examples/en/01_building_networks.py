# %% [markdown]
# # Building a Neural Network with PyTorch
#
# A neural network is a stack of simple layers: each one multiplies its input by a
# matrix of weights, adds a bias and passes the result through an activation
# function. This lesson builds a small network three times in PyTorch: layer by
# layer by hand, as one `nn.Sequential`, and as your own `nn.Module` class. Along
# the way it checks every shape, and it ends with a table that lists each layer's
# output shape and parameter count. Every output on this page was produced by
# running the code above it.
#
# **What you will learn**
#
# - what a layer, a node, a weight, a bias and an activation function are;
# - how a mini-batch of inputs is stored as a tensor;
# - what `nn.Linear` computes, checked against the matrix formula;
# - how `nn.Sigmoid`, `nn.Tanh`, `nn.ReLU` and `nn.Softmax` change their input;
# - three ways to put a network together: by hand, `nn.Sequential`, an `nn.Module` subclass;
# - how to read a model summary and count parameters.
#
# **Prerequisites**: basic Python and a first look at PyTorch tensors (creating one
# and reading its `.shape`). No calculus is needed yet.

# %% [markdown]
# ## Setup
#
# We import PyTorch and the few helpers from `nnguide` that this lesson uses, fix
# the random seed so that every run prints the same numbers, and pick the device:
# the GPU when there is one, otherwise the CPU. Everything below runs in a few
# seconds on a CPU.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from nnguide import MLP, activation, count_parameters, linear_forward, summary
from nnguide.plotting import set_style

set_style()
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("PyTorch", torch.__version__, "on", device)

# %% [markdown]
# ## Anatomy of a network
#
# A fully connected network has an **input layer** (the features of one sample),
# one or more **hidden layers**, and an **output layer**. Each layer is made of
# **nodes**. A node holds one **weight** per input and one **bias**: it computes the
# weighted sum of its inputs plus the bias, and passes that number through an
# **activation function** such as Sigmoid, Tanh or ReLU. Networks that classify
# usually end in Softmax, which turns the last layer's scores into probabilities.
#
# Here is one node with three inputs, computed by hand. The weighted sum is
# 0.4 × 0.5 + 0.3 × (−1) + (−0.2) × 2 + 0.1 = −0.4, and the sigmoid squeezes it
# into the range (0, 1).

# %%
inputs = torch.tensor([0.5, -1.0, 2.0])
weights = torch.tensor([0.4, 0.3, -0.2])
bias = torch.tensor(0.1)

weighted_sum = (weights * inputs).sum() + bias
node_output = torch.sigmoid(weighted_sum)
assert torch.isclose(weighted_sum, torch.tensor(-0.4))
assert 0 < node_output < 1
print("weighted sum:", round(weighted_sum.item(), 4))
print("node output: ", round(node_output.item(), 4))

# %% [markdown]
# A layer is many such nodes side by side, all reading the same inputs. Storing the
# weights of all nodes as the rows of one matrix lets PyTorch compute the whole
# layer with a single matrix multiplication, as the next sections show.
#
# ## Input as a mini-batch
#
# Networks read inputs in bundles called **mini-batches**: one row per sample, one
# column per feature. The **batch size** is the number of rows. Below is a random
# mini-batch of 32 samples with 128 features each. (Why we train on mini-batches
# rather than one sample or the whole data set is the topic of the gradient descent
# lesson.)

# %%
x = torch.rand(32, 128).to(device)
assert x.shape == (32, 128)
print("input shape:", x.shape)

# %% [markdown]
# ## The fully connected layer
#
# `nn.Linear(in_features, out_features, bias=True)` is a fully connected layer:
# every one of its `out_features` nodes reads all `in_features` inputs. A layer
# from 128 features to 64 nodes therefore holds a weight matrix with one row per
# node, of shape `(64, 128)`, and a bias vector of shape `(64,)`. PyTorch fills
# them with small random numbers when the layer is created.

# %%
layer = nn.Linear(128, 64).to(device)
assert layer.weight.shape == (64, 128)
assert layer.bias.shape == (64,)
print("weight shape:", layer.weight.shape)
print("bias shape:  ", layer.bias.shape)

# %% [markdown]
# Calling the layer on an input runs its **forward pass**. For an input `x` of
# shape `(batch, 128)` it computes `x @ layer.weight.T + layer.bias`: the transpose
# puts the 128 weights of each node in a column, so each output column is one node's
# weighted sum. We check this on a mini-batch of 8 with `torch.allclose`, which
# allows for tiny floating-point differences. `nnguide.linear_forward` spells out
# the same formula and checks the shapes first, so a mismatch raises a clear error
# instead of a cryptic one.

# %%
x8 = torch.rand(8, 128).to(device)
by_module = layer(x8)
by_formula = x8 @ layer.weight.T + layer.bias
by_nnguide = linear_forward(x8, layer.weight, layer.bias)

assert by_module.shape == (8, 64)
assert torch.allclose(by_module, by_formula)
assert torch.allclose(by_module, by_nnguide)
print("output shape:", by_module.shape)
print("nn.Linear equals x @ W.T + b:", torch.allclose(by_module, by_formula))
print("linear_forward agrees:       ", torch.allclose(by_module, by_nnguide))

# %% [markdown]
# A shape mistake is the most common error in this kind of code. Passing a weight
# matrix the wrong way round to `linear_forward` names the arguments and the shapes
# involved:

# %%
try:
    linear_forward(x8, layer.weight.T, layer.bias)
    raised = False
except ValueError as error:
    raised = True
    print("ValueError:", error)
assert raised

# %% [markdown]
# ## Activation functions
#
# An activation function is applied to every number on its own, so it never changes
# the shape of a tensor. In PyTorch each one is a module: `nn.Sigmoid` squeezes
# values into (0, 1), `nn.Tanh` into (−1, 1), and `nn.ReLU` replaces negative values
# with 0 and keeps the rest.

# %%
x_act = torch.randn(8, 128).to(device)
for module in [nn.Sigmoid(), nn.Tanh(), nn.ReLU()]:
    y = module(x_act)
    assert y.shape == x_act.shape
    print(
        module,
        "shape",
        tuple(x_act.shape),
        "->",
        tuple(y.shape),
        "| range",
        round(y.min().item(), 3),
        "to",
        round(y.max().item(), 3),
    )

assert nn.Sigmoid()(x_act).min() > 0 and nn.Sigmoid()(x_act).max() < 1
assert nn.Tanh()(x_act).abs().max() < 1
assert nn.ReLU()(x_act).min() == 0

# %% [markdown]
# ### Softmax turns scores into probabilities
#
# Softmax is different: it looks at a whole row at once. The last layer of a
# classifier produces one raw score per class, called a **logit**; softmax turns a
# row of logits into **probabilities**: all positive, summing to 1. `dim=1` tells it
# to normalise along the class dimension, one row per sample. Below, one sample
# with 20 classes: the logits sum to an arbitrary number, the probabilities to 1
# (up to floating-point rounding, which is why we compare with a tolerance).

# %%
logits = torch.randn(1, 20).to(device)
softmax = nn.Softmax(dim=1)
probabilities = softmax(logits)

assert probabilities.shape == logits.shape == (1, 20)
assert (probabilities > 0).all()
assert torch.allclose(probabilities.sum(dim=1), torch.ones(1, device=device))
print("probabilities shape:", probabilities.shape)
print("sum of logits:       ", logits.sum(dim=1).item())
print("sum of probabilities:", probabilities.sum(dim=1).item())

# %% [markdown]
# ### The activation curves
#
# A picture says more than the descriptions above. `nnguide.activation` builds an
# activation module from its name, which makes a loop over several of them easy.
# Besides the three classics we draw two of their modern relatives: LeakyReLU,
# which lets a little of the negative side through, and GELU, a smooth ReLU used
# in transformers.

# %%
functions = {
    "sigmoid": activation("sigmoid"),
    "tanh": activation("tanh"),
    "relu": activation("relu"),
    "leaky_relu": activation("leaky_relu", negative_slope=0.1),
    "gelu": activation("gelu"),
}
labels = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU (slope 0.1)",
    "gelu": "GELU",
}
grid = torch.linspace(-4, 4, 401)
curves = {name: function(grid) for name, function in functions.items()}

assert ((curves["sigmoid"] > 0) & (curves["sigmoid"] < 1)).all()
assert (curves["tanh"].abs() < 1).all()
assert (curves["relu"][grid < 0] == 0).all()
assert torch.allclose(curves["leaky_relu"][grid < 0], 0.1 * grid[grid < 0])

groups = [["sigmoid", "tanh"], ["relu", "leaky_relu", "gelu"]]
titles = ["Sigmoid and Tanh squeeze their input", "ReLU and its relatives"]
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, group, title in zip(axes, groups, titles, strict=True):
    for name in group:
        ax.plot(grid, curves[name], label=labels[name])
    ax.set_title(title)
    ax.set_xlabel("input x")
    ax.legend()
axes[0].set_ylabel("output")
plt.show()

# %% [markdown]
# ## Building the network by hand
#
# Now the network this lesson is about: 128 input features, a hidden layer of 64
# nodes with Tanh, a hidden layer of 16 nodes with Tanh, and one output node with
# Sigmoid, whose output between 0 and 1 can be read as the probability of a
# yes/no answer. First we create the six modules one by one and apply them in order
# to the mini-batch of 32, printing the shape after each step.

# %%
fc1 = nn.Linear(128, 64).to(device)
act1 = nn.Tanh()
fc2 = nn.Linear(64, 16).to(device)
act2 = nn.Tanh()
fc3 = nn.Linear(16, 1).to(device)
act3 = nn.Sigmoid()

h1 = act1(fc1(x))
h2 = act2(fc2(h1))
out = act3(fc3(h2))
assert h1.shape == (32, 64) and h2.shape == (32, 16) and out.shape == (32, 1)
assert ((out > 0) & (out < 1)).all()
print("hidden layer 1:", h1.shape)
print("hidden layer 2:", h2.shape)
print("output:        ", out.shape)

# %% [markdown]
# ## One module with Sequential
#
# Calling six modules by hand gets tedious. `nn.Sequential` chains modules into
# one: calling it calls each module in turn on the previous one's output. The
# modules are passed as separate arguments. Printing the model shows them with
# their positions, 0 to 5.

# %%
model = nn.Sequential(
    nn.Linear(128, 64),
    nn.Tanh(),
    nn.Linear(64, 16),
    nn.Tanh(),
    nn.Linear(16, 1),
    nn.Sigmoid(),
).to(device)
print(model)

y = model(x)
assert y.shape == (32, 1)
assert [type(m).__name__ for m in model] == [
    "Linear",
    "Tanh",
    "Linear",
    "Tanh",
    "Linear",
    "Sigmoid",
]
print("output shape:", y.shape)

# %% [markdown]
# `nn.Sequential` does nothing beyond calling its modules in order. Built from the
# six hand-made modules above, it gives exactly the output we computed step by step.

# %%
chained = nn.Sequential(fc1, act1, fc2, act2, fc3, act3)
assert torch.equal(chained(x), out)
print("Sequential equals the step-by-step result:", torch.equal(chained(x), out))

# %% [markdown]
# A common slip is to pass the modules as one list. `nn.Sequential` then receives a
# single argument that is not a module and refuses it. If your layers are already in
# a list, unpack it with `*`.

# %%
layers = [nn.Linear(128, 64), nn.Tanh()]
try:
    nn.Sequential(layers)
    raised = False
except TypeError as error:
    raised = True
    print("TypeError:", error)
assert raised

unpacked = nn.Sequential(*layers)
assert len(unpacked) == 2
print(unpacked)

# %% [markdown]
# ## Writing your own module
#
# For anything beyond a straight chain you write a class. Subclass `nn.Module`,
# call `super().__init__()` first in `__init__` (it sets up the bookkeeping that
# records sub-modules and parameters), create the layers there as attributes, and
# describe the computation in `forward`. You call the model itself, `net(x)`, and
# PyTorch runs `forward` for you. Here the class wraps the same `Sequential`; the
# printed model shows the nesting.


# %%
class Network(nn.Module):
    """128 -> 64 (Tanh) -> 16 (Tanh) -> 1 (Sigmoid)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(128, 64),
            nn.Tanh(),
            nn.Linear(64, 16),
            nn.Tanh(),
            nn.Linear(16, 1),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.layers(x)


net = Network().to(device)
print(net)
y = net(x)
assert y.shape == (32, 1)
print("output shape:", y.shape)

# %% [markdown]
# ### Why modules
#
# A module is more than a function. It keeps track of its trainable **parameters**,
# including those of every module nested inside it; `net.parameters()` hands them
# all to an optimizer in one call. `.to(device)` moves all of them at once.
# `state_dict()` collects them under stable names, so a trained model can be saved
# and loaded into a fresh copy. Our network has six parameter tensors, a weight and
# a bias for each `Linear`; their names follow the nesting.

# %%
params = list(net.parameters())
param_names = [name for name, _ in net.named_parameters()]
assert len(params) == 6
assert all(p.requires_grad and p.device.type == device.type for p in params)
assert param_names == list(net.state_dict().keys())
print("parameter tensors:", len(params))
print("names:", param_names)

copy = Network().to(device)
copy.load_state_dict(net.state_dict())
assert torch.equal(copy(x), net(x))
print("copy loaded from state_dict gives the same output:", torch.equal(copy(x), net(x)))

# %% [markdown]
# ## The same network with MLP
#
# Networks like this one, a chain of `Linear` layers with an activation between
# them, are so common that `nnguide.MLP` (for multilayer perceptron, the classic name
# of such a network) builds them from a list of layer sizes.
# `MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")` is the same
# architecture: same layers, same number of parameters, same output shape.

# %%
mlp = MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid").to(device)
print(mlp)

assert [type(m).__name__ for m in mlp] == [type(m).__name__ for m in model]
assert count_parameters(mlp) == count_parameters(model) == count_parameters(net)
assert mlp(x).shape == (32, 1)
print("parameters, Sequential:", count_parameters(model))
print("parameters, MLP:       ", count_parameters(mlp))
print("output shape:", mlp(x).shape)

# %% [markdown]
# `MLP` is itself an `nn.Sequential`, with the same numbered positions, so it can
# even load the weights of our hand-written `model` and then compute exactly the
# same outputs.

# %%
assert isinstance(mlp, nn.Sequential)
mlp.load_state_dict(model.state_dict())
assert torch.equal(mlp(x), model(x))
print("MLP with the Sequential's weights gives the same output:", torch.equal(mlp(x), model(x)))

# %% [markdown]
# ## Model summary
#
# A summary lists every layer with its output shape and its number of parameters,
# then the totals. The first `Linear` holds 128 × 64 weights plus 64 biases = 8,256
# parameters, the second 64 × 16 + 16 = 1,040, the last 16 + 1 = 17; activations have
# none. That is 9,313 parameters, all trainable. Stored as 32-bit floats, 4 bytes
# each, they take about 0.04 MB.
#
# The lecture this guide grew out of used `torchsummary`, which is no longer
# maintained. Its successor `torchinfo` is the tool to reach for in your own
# projects: it handles nested models to any depth and more input types, and has a
# different table layout. `nnguide.summary` keeps `torchsummary`'s familiar table in
# a small tested function and returns an object whose numbers you can use in code:
# `input_size` is the shape of one sample, without the batch dimension.

# %%
model_summary = summary(model, input_size=(128,))
print(model_summary)

assert [row.num_params for row in model_summary.layers] == [8256, 0, 1040, 0, 17, 0]
assert [row.output_shape[1:] for row in model_summary.layers] == [
    (64,),
    (64,),
    (16,),
    (16,),
    (1,),
    (1,),
]
assert model_summary.total_params == 9313
assert model_summary.trainable_params == 9313
assert model_summary.non_trainable_params == 0
assert round(model_summary.params_size_mb, 2) == 0.04

# %% [markdown]
# In the Output Shape column, `-1` stands for the batch dimension: the summary ran
# the model on a small batch, but the shapes hold for any batch size. In a notebook,
# a summary that ends a cell is displayed as a table:

# %%
model_summary

# %% [markdown]
# ## Summary
#
# - A network is a chain of layers; a fully connected layer computes
#   `x @ weight.T + bias` for a whole mini-batch at once, with a weight of shape
#   `(out_features, in_features)`.
# - Activation functions work element by element and keep the shape; softmax turns
#   a row of logits into probabilities that sum to 1.
# - `nn.Sequential(module, module, ...)` chains modules passed as separate arguments;
#   an `nn.Module` subclass defines its layers in `__init__` and its computation in
#   `forward`, and gives you parameters, device moves and `state_dict` for free.
# - `nnguide.MLP` builds the same chain from layer sizes, and `nnguide.summary`
#   shows the result layer by layer: 9,313 parameters for 128 → 64 → 16 → 1.
#
# ## Further reading
#
# - The next lesson, *Activation functions in depth*, looks at the curves above
#   and their derivatives, and at why saturation slows learning.
# - PyTorch documentation: `torch.nn.Linear`, `torch.nn.Sequential`, `torch.nn.Module`.
# - The PyTorch tutorial "Build the Neural Network" covers the same ground in a
#   different order.
