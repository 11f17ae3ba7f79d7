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
# - what `nn.Linear` computes, checked against the matrix formula, and what `bias=False` changes;
# - how `nn.Sigmoid`, `nn.Tanh`, `nn.ReLU` and `nn.Softmax` change their input;
# - why a classifier outputs logits and leaves softmax to the loss function;
# - three ways to put a network together: by hand, `nn.Sequential`, an `nn.Module` subclass;
# - how to read a model summary and count parameters.
#
# **Prerequisites**: basic Python and a first look at PyTorch tensors (creating one
# and reading its `.shape`); if tensors are new to you, start with
# [lesson 0](00_tensors.ipynb). No calculus is needed yet.

# %% [markdown]
# ## Setup
#
# We import PyTorch and the few helpers from `nnguide` that this lesson uses, fix
# the random seed so that every run prints the same numbers, and pick the device
# with `get_device()`: an NVIDIA GPU (CUDA) or an Apple-silicon GPU (MPS) when
# there is one, otherwise the CPU. Nothing in this lesson needs a GPU.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from nnguide import MLP, activation, count_parameters, get_device, linear_forward, summary
from nnguide.plotting import set_style

set_style()
torch.manual_seed(0)
device = get_device()
print("PyTorch", torch.__version__, "on", device)

# %% [markdown]
# ## Anatomy of a network
# <!-- index: artificial neuron; neuron; perceptron; hidden layer -->
#
# A fully connected network has an **input layer** (the features of one sample),
# one or more **hidden layers**, and an **output layer**. Each layer is made of
# **nodes**. A node holds one **weight** per input and one **bias**: it multiplies
# each input by its weight, adds the products up (the weighted sum), adds the bias,
# and passes the result $z$ through an **activation function** $f$ such as sigmoid,
# tanh or ReLU. The node's output is $a$:
#
# $$z = w_1 x_1 + w_2 x_2 + \dots + w_n x_n + b, \qquad a = f(z)$$
#
# A network that classifies has one output node per class. Their raw scores are
# called **logits**. To read them as probabilities you apply softmax (several
# classes) or sigmoid (a yes/no answer). For training, though, the model normally
# outputs the logits and the loss function (`nn.CrossEntropyLoss` or
# `nn.BCEWithLogitsLoss`) applies the softmax or sigmoid itself, because it can do
# so more accurately; Lesson 3 shows why.
#
# Here is one node with three inputs, computed by hand. The weighted sum is
# $0.4 \cdot 0.5 + 0.3 \cdot (-1) + (-0.2) \cdot 2 = -0.5$, the bias brings it to
# $z = -0.4$, and the sigmoid $\sigma(z) = \frac{1}{1 + e^{-z}}$ squeezes that into
# the range $(0, 1)$.

# %%
inputs = torch.tensor([0.5, -1.0, 2.0])
weights = torch.tensor([0.4, 0.3, -0.2])
bias = torch.tensor(0.1)

weighted_sum = (weights * inputs).sum()
z = weighted_sum + bias
node_output = torch.sigmoid(z)
assert torch.isclose(weighted_sum, torch.tensor(-0.5))
assert torch.isclose(z, torch.tensor(-0.4))
assert 0 < node_output < 1
print("weighted sum:       ", round(weighted_sum.item(), 4))
print("plus the bias, z:   ", round(z.item(), 4))
print("node output, σ(z):  ", round(node_output.item(), 4))

# %% [markdown]
# A layer is many such nodes side by side, all reading the same inputs. Storing the
# weights of all nodes as the rows of one matrix lets PyTorch compute the whole
# layer with a single matrix multiplication, as the next sections show.
#
# ## Input as a mini-batch
# <!-- index: batch dimension; batch of inputs -->
#
# Networks read inputs in bundles called **mini-batches**: one row per sample, one
# column per feature. The **batch size** is the number of rows. Below is a random
# mini-batch of 32 samples with 128 features each. (Why we train on mini-batches
# rather than one sample or the whole data set is the topic of Lesson 4, on
# gradient descent.)

# %%
x = torch.rand(32, 128).to(device)
assert x.shape == (32, 128)
print("input shape:", x.shape)

# %% [markdown]
# ## The fully connected layer
# <!-- index: dense layer; linear layer; nn.Linear; weights and bias; affine layer; in_features; out_features -->
#
# `nn.Linear(in_features, out_features, bias=True)` is a fully connected layer,
# also called a dense layer or a feed-forward layer: every one of its
# `out_features` nodes reads all `in_features` inputs. A layer from 128 features to
# 64 nodes therefore holds a weight matrix with one row per node, of shape
# `(64, 128)`, and a bias vector of shape `(64,)`. PyTorch fills the weights and
# biases with small random numbers when the layer is created: with 128 inputs,
# all of them lie between $-1/\sqrt{128} \approx -0.088$ and $1/\sqrt{128}$.

# %%
layer = nn.Linear(128, 64).to(device)
assert layer.weight.shape == (64, 128)
assert layer.bias.shape == (64,)
print("weight shape:", layer.weight.shape)
print("bias shape:  ", layer.bias.shape)
print(
    "largest |weight|, |bias|:",
    round(layer.weight.abs().max().item(), 4),
    round(layer.bias.abs().max().item(), 4),
)
assert layer.weight.abs().max() <= 1 / 128**0.5 and layer.bias.abs().max() <= 1 / 128**0.5

# %% [markdown]
# Calling the layer on an input runs its **forward pass**. For an input $X$ of
# shape `(batch, 128)` it computes
#
# $$Y = XW^\top + b$$
#
# The transpose $W^\top$ puts the 128 weights of each node in a column, so each
# column of $Y$ is one node's weighted sum, and the bias $b$ is added to every row.
# In code that is `x @ layer.weight.T + layer.bias`. We check it on a mini-batch
# of 8 with `torch.allclose`, which allows for tiny floating-point differences.
# `nnguide.linear_forward` spells out the same formula and checks the shapes
# first, so a mismatch raises a clear error instead of a cryptic one.

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
# A shape mistake is the most common error in this kind of code. Passing the weight
# matrix transposed to `linear_forward` names the arguments and the shapes
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
# With `bias=False` the layer has no bias at all: its `bias` attribute is `None`, the layer
# computes only $XW^\top$, and its parameter count drops from
# $128 \cdot 64 + 64 = 8{,}256$ to $128 \cdot 64 = 8{,}192$. You will meet
# `bias=False` in front of layers that learn a shift of their own (batch
# normalisation, for example), where a bias would be redundant.

# %%
no_bias = nn.Linear(128, 64, bias=False).to(device)
assert no_bias.bias is None
assert count_parameters(layer) == 128 * 64 + 64 == 8256
assert count_parameters(no_bias) == 128 * 64 == 8192
print("bias:", no_bias.bias)
print("parameters with bias:   ", count_parameters(layer))
print("parameters, bias=False: ", count_parameters(no_bias))

# %% [markdown]
# ## Activation functions
# <!-- index: nonlinearity -->
#
# An activation function is applied to every number on its own, so it never changes
# the shape of a tensor. PyTorch offers each one both as a module (`nn.Sigmoid()`,
# the form that goes into `nn.Sequential`) and as a function (`torch.sigmoid`, the
# form used for the node above); both compute the same values. The sigmoid
# $\sigma(x) = \frac{1}{1 + e^{-x}}$ squeezes values into $(0, 1)$,
# $\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$ into $(-1, 1)$, and
# $\mathrm{ReLU}(x) = \max(0, x)$ replaces negative values with 0 and keeps the rest.

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
pairs = [(nn.Sigmoid(), torch.sigmoid), (nn.Tanh(), torch.tanh), (nn.ReLU(), torch.relu)]
same = all(torch.equal(module(x_act), function(x_act)) for module, function in pairs)
assert same
print("modules and functions give the same values:", same)

# %% [markdown]
# ### Softmax turns scores into probabilities
# <!-- index: logits; probabilities that sum to one -->
#
# Softmax is different: it looks at a whole row at once. It turns a row of $C$
# logits $z$ into **probabilities**,
#
# $$p_i = \frac{e^{z_i}}{\sum_{j=1}^{C} e^{z_j}},$$
#
# all positive and summing to 1. `dim=1` tells it to normalise along the class
# dimension, one row per sample. Below, one sample with 20 classes: the logits sum
# to an arbitrary number, the probabilities to 1 (up to floating-point rounding,
# which is why we compare with a tolerance).

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
# Softmax keeps the order of the values, so the class with the largest probability
# is the class with the largest logit: to predict a class you can take the
# `argmax` of the logits directly. This is why a classifier's last layer outputs
# logits. The cross-entropy loss `nn.CrossEntropyLoss` takes those logits and
# applies the softmax inside; if the true class is class 3, the loss is
# $-\log p_3$. Softmax is for reading the probabilities, not a layer to put in
# front of that loss (Lesson 3 shows what goes wrong if you do).

# %%
predicted = probabilities.argmax(dim=1)
assert torch.equal(predicted, logits.argmax(dim=1))
target = torch.tensor([3], device=device)
loss = nn.CrossEntropyLoss()(logits, target)
assert torch.isclose(loss, -probabilities[0, 3].log())
print("class with the largest probability:", predicted.item())
print("class with the largest logit:      ", logits.argmax(dim=1).item())
print("CrossEntropyLoss(logits, class 3): ", round(loss.item(), 4))
print("-log p_3:                          ", round(-probabilities[0, 3].log().item(), 4))

# %% [markdown]
# ### The activation curves
# <!-- index: activation plot; graph of an activation -->
#
# A picture says more than the descriptions above. `nnguide.activation` builds an
# activation module from its name, which makes a loop over several of them easy.
# Besides the three classics we draw two of their modern relatives: LeakyReLU,
# which lets a little of the negative side through, and GELU, a smooth ReLU used
# in transformers. Lesson 2 gives their formulas and derivatives.

# %%
functions = {
    "sigmoid": activation("sigmoid"),
    "tanh": activation("tanh"),
    "relu": activation("relu"),
    "leaky_relu": activation("leaky_relu", negative_slope=0.1),
    "gelu": activation("gelu"),
}
labels = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
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
titles = ["Sigmoid and tanh squeeze their input", "ReLU and its relatives"]
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
# <!-- index: forward pass by hand -->
#
# Now the network this lesson is about: 128 input features, a hidden layer of 64
# nodes with tanh, a hidden layer of 16 nodes with tanh, and one output node with
# a sigmoid, whose output between 0 and 1 can be read as the probability of a
# "yes". The sigmoid is there because this lesson reads that probability; a
# network you train for a yes/no answer would usually output the logit and leave
# the sigmoid to `nn.BCEWithLogitsLoss` (Lesson 3). First we create the six modules
# one by one and apply them in order to the mini-batch of 32, printing the shape
# after each step.

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
# <!-- index: container module -->
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
# single argument that is not a module and refuses it with a `TypeError`. If your
# layers are already in a list, unpack it with `*`.

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
# <!-- index: subclass nn.Module; forward method -->
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
# <!-- index: what a module gives you -->
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
# <!-- index: multilayer perceptron; feedforward network; nnguide.models.MLP -->
#
# Networks like this one, a chain of `Linear` layers with an activation between
# them, are so common that they have a name of their own, the multilayer
# perceptron (MLP). `nnguide.MLP` builds one from a list of layer sizes.
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
# <!-- index: parameter count; number of parameters; count_parameters; model architecture -->
#
# A summary lists every layer with its output shape and its number of parameters,
# then the totals. The first `Linear` holds $128 \cdot 64$ weights plus 64 biases,
# 8,256 parameters; the second $64 \cdot 16 + 16 = 1{,}040$; the last
# $16 + 1 = 17$; activations have none. That is 9,313 parameters, all trainable.
# Stored as 32-bit floats, 4 bytes each, they take about 0.04 MB.
#
# The lecture this guide grew out of used `torchsummary`, which is no longer
# maintained. Its successor `torchinfo` is the tool to reach for in your own
# projects: it handles nested models to any depth and more input types, and has a
# different table layout. `nnguide.summary` keeps `torchsummary`'s familiar table in
# a small tested function and returns an object whose numbers you can use in code:
# `input_size` is the shape of one sample, without the batch dimension.

# %%
model_summary = summary(model, input_size=(128,), language="en")
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
# - A network is a chain of layers; a fully connected (dense) layer computes
#   $Y = XW^\top + b$ for a whole mini-batch at once, with a weight of shape
#   `(out_features, in_features)`; `bias=False` drops $b$ and its parameters.
# - Activation functions work element by element and keep the shape; PyTorch has
#   each one as a module and as a function. Softmax turns a row of logits into
#   probabilities that sum to 1 without changing which class is largest.
# - A classifier outputs logits; `nn.CrossEntropyLoss` and `nn.BCEWithLogitsLoss`
#   apply softmax or sigmoid themselves, so outside the loss you use them only to
#   read probabilities.
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

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **A narrower network.** Give the first hidden layer 32 nodes instead of 64
#    (128 → 32 → 16 → 1). Count its parameters by hand, layer by layer, then check
#    with `count_parameters`.
# 2. **One node by hand.** A node with weights `[0.5, -1.0]` and bias `0.5` gets the
#    input `[1.0, 2.0]`. Compute $z$, the weighted sum plus the bias, and its sigmoid
#    $\sigma(z)$ by hand; then put these weights into an `nn.Linear(2, 1)` and compare.
# 3. **A classifier for 10 classes.** Build an `nn.Sequential` 128 → 64 (ReLU) → 10
#    that ends in `nn.Softmax(dim=1)`, apply it to the mini-batch `x`, and check the
#    output's shape, that every row sums to 1, and its parameter count.

# %% tags=["solution"]
narrow = MLP([128, 32, 16, 1], activation="tanh", output_activation="sigmoid")
counted = (128 * 32 + 32) + (32 * 16 + 16) + (16 * 1 + 1)
print("parameters by hand:", counted, "  count_parameters:", count_parameters(narrow))
assert counted == count_parameters(narrow) == 4673

# %% tags=["solution"]
node = nn.Linear(2, 1)
with torch.no_grad():
    node.weight.copy_(torch.tensor([[0.5, -1.0]]))
    node.bias.fill_(0.5)
node_z = node(torch.tensor([[1.0, 2.0]]))
z_by_hand = 0.5 * 1.0 + (-1.0) * 2.0 + 0.5
sigma_by_hand = 1 / (1 + torch.exp(torch.tensor(-z_by_hand)))
print("z: by hand", z_by_hand, "  nn.Linear", node_z.item())
print(
    "σ(z): by hand",
    round(sigma_by_hand.item(), 4),
    "  torch.sigmoid",
    round(torch.sigmoid(node_z).item(), 4),
)
assert z_by_hand == -1.0 and node_z.item() == z_by_hand
assert torch.isclose(torch.sigmoid(node_z).squeeze(), sigma_by_hand)

# %% tags=["solution"]
classifier = nn.Sequential(
    nn.Linear(128, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
    nn.Softmax(dim=1),
).to(device)
class_probabilities = classifier(x)
row_sums = class_probabilities.sum(dim=1)
print(
    "output shape:", tuple(class_probabilities.shape), "  parameters:", count_parameters(classifier)
)
print("smallest and largest row sum:", row_sums.min().item(), row_sums.max().item())
assert class_probabilities.shape == (32, 10)
assert torch.allclose(row_sums, torch.ones(32, device=device))
assert count_parameters(classifier) == 128 * 64 + 64 + 64 * 10 + 10 == 8906
