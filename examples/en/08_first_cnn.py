# %% [markdown]
# # A first convolutional network
#
# The network of Lesson 5 reads a digit as a row of 64 numbers. It does not know
# that pixel 10 sits right below pixel 2: if we shuffled the pixels of every
# image in the same way, it would learn just as well. Images have more structure
# than that. Neighbouring pixels belong together, and a stroke means the same
# wherever it appears. A **convolutional network** builds this in: it slides
# small filters over the image and uses the same few weights at every position.
# In this lesson we read the digits as 1×8×8 images, compute the output shapes of
# convolution and pooling layers by hand, build a small convolutional network,
# train it with `nnguide.fit`, and compare it with Lesson 5's network on the same
# split, on equal terms. It reads more than 96 % of the test digits correctly,
# makes fewer mistakes than Lesson 5's network, and its learned filters can be
# looked at.
#
# **What you will learn**
#
# - images as tensors of shape (channels, height, width)
# - what a convolution computes, checked by hand at one position, with one input
#   channel and with several
# - the output size of `nn.Conv2d` and `nn.MaxPool2d`, and how kernel size,
#   padding and stride change it
# - how to build a small convolutional network and read its summary
# - how to compare it fairly with a fully connected network, in parameters and
#   accuracy
# - what its learned filters look like
#
# **Prerequisites:** Lesson 0 (tensor shapes), Lesson 5 (training the digits
# classifier with `fit`).

# %% [markdown]
# ## Setup
#
# Besides the helpers of Lesson 5 we import two from `nnguide.conv`:
# `conv_output_size` for the shape arithmetic and `plot_filters` for the filters,
# and `format_table` for tables. `SEED` fixes the split, the shuffling and the
# initial weights; with 0 they are those of Lesson 5.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

from nnguide.conv import conv_output_size, plot_filters
from nnguide.data import load_digits
from nnguide.device import get_device
from nnguide.models import MLP, count_parameters
from nnguide.plotting import plot_history, set_style
from nnguide.summary import summary
from nnguide.tables import format_table
from nnguide.training import evaluate, fit

SEED = 0
torch.manual_seed(SEED)
set_style()
device = get_device()
print("device:", device)

# %% [markdown]
# ## The digits as images
# <!-- index: NCHW layout; channels first; channel dimension -->
#
# `load_digits` returns each image as a row of 64 pixels, read row by row. A
# convolutional layer expects a batch of images of shape
# `(batch, channels, height, width)`. The digits are grayscale, so they have one
# **channel** (a color image would have three: red, green and blue), and
# `view(-1, 1, 8, 8)` gives them that shape without copying: pixel $(r, c)$ of an
# image is entry $8r + c$ of its row.
#
# The split is made as in Lesson 5: a test set of 360 images, and an 80/20 split of
# the rest into training and validation sets.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=SEED)
images_train = X_train.view(-1, 1, 8, 8)
images_test = X_test.view(-1, 1, 8, 8)
train_set, val_set = random_split(
    TensorDataset(images_train, y_train), [0.8, 0.2], generator=torch.Generator().manual_seed(SEED)
)
test_set = TensorDataset(images_test, y_test)


def make_train_loader():
    return DataLoader(
        train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )


val_loader = DataLoader(val_set, batch_size=256)
test_loader = DataLoader(test_set, batch_size=256)
print("images:", tuple(images_train.shape), "  test images:", tuple(images_test.shape))
print("training:", len(train_set), "  validation:", len(val_set), "  test:", len(test_set))
assert images_train.shape == (1437, 1, 8, 8) and images_train.data_ptr() == X_train.data_ptr()
assert images_train[5, 0, 2, 3] == X_train[5, 8 * 2 + 3]
assert (len(train_set), len(val_set), len(test_set)) == (1150, 287, 360)

# %% [markdown]
# ## What a convolution computes
# <!-- index: cross-correlation; kernel; convolution operation -->
#
# A convolutional layer holds small **filters** (also called kernels), here of
# 3×3 weights. The filter slides over the image; at each position it multiplies
# the 9 pixels under it by its 9 weights and adds them up, plus a bias. For an
# image $x$ with one channel and a filter $w$ of size $k \times k$, the output at
# row $i$, column $j$ is
#
# $$y_{ij} = b + \sum_{u=0}^{k-1} \sum_{v=0}^{k-1} w_{uv} \, x_{i+u,\, j+v} .$$
#
# The outputs form a new, smaller image, a **feature map**: large where the
# image looks like the filter. (Strictly, this is cross-correlation; deep learning
# calls it convolution all the same.)
#
# The filter below has −1 in its left column and +1 in its right one, so its
# output is the right column minus the left column: positive where the values
# rise from left to right. In these images a larger value means more ink: 0 is
# white and 1 is black (Lesson 5's pixel values 0 to 16, divided by 16). So the
# filter responds to a step from the light background to dark ink, the left edge
# of a stroke, and gives negative values at the right edge. We apply it with
# `nn.functional.conv2d` to a digit and to a small step, and compute one output by
# hand with the formula.

# %%
edge = torch.tensor([[[[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]]])
digit = images_train[:1]
feature_map = nn.functional.conv2d(digit, edge)
by_hand = (edge[0, 0] * digit[0, 0, 2:5, 3:6]).sum()
step = torch.tensor([0.0, 0.0, 1.0, 1.0]).repeat(3, 1).view(1, 1, 3, 4)
to_ink = nn.functional.conv2d(step, edge)
to_light = nn.functional.conv2d(step.flip(-1), edge)
print(
    "image:",
    tuple(digit.shape),
    " filter:",
    tuple(edge.shape),
    " feature map:",
    tuple(feature_map.shape),
)
print(f"output (2, 3): conv2d {feature_map[0, 0, 2, 3]:.4f}, by hand {by_hand:.4f}")
print(
    "light to ink:",
    to_ink.flatten().tolist(),
    "  ink to light:",
    to_light.flatten().tolist(),
)
assert feature_map.shape == (1, 1, 6, 6)
assert torch.allclose(feature_map[0, 0, 2, 3], by_hand)
assert (to_ink > 0).all() and (to_light < 0).all()

# %%
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
panels = [
    (digit[0, 0], "image", "gray_r"),
    (edge[0, 0], "filter", "RdBu_r"),
    (feature_map[0, 0], "feature map", "RdBu_r"),
]
for ax, (values, title, cmap) in zip(axes, panels, strict=True):
    limit = values.abs().max().item()
    ax.imshow(values, cmap=cmap, vmin=0 if cmap == "gray_r" else -limit, vmax=limit)
    ax.set_title(title)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## Output shapes by hand
# <!-- index: output size formula; padding; stride -->
#
# How large is a feature map? A kernel of size $k$ fits into a row of $H$ pixels
# at $H - k + 1$ positions. **Padding** $p$ adds $p$ rows and columns of zeros on
# each side, so the borders are covered too; a **stride** $s$ moves the kernel
# $s$ pixels at a time instead of one. Together:
#
# $$H_\text{out} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1 .$$
#
# On our 8×8 digits: a 3×3 kernel gives 6×6; with padding 1 the size stays 8×8;
# with stride 2 as well, 4×4. **Max pooling** uses the same formula: `nn.MaxPool2d(2)`
# takes the largest value of each 2×2 window, with a stride equal to its window.
# That halves an even size, 8 to 4. An odd size is rounded down, 7 to 3, and the
# last row and column are dropped; with `ceil_mode=True` (the default is `False`)
# it is rounded up instead, 7 to 4. `nnguide.conv_output_size` computes the
# formula, and each result is checked against the real layer.

# %%
cases = [
    ("Conv2d(1, 16, 3)", nn.Conv2d(1, 16, 3), dict(kernel_size=3)),
    ("Conv2d(1, 16, 3, padding=1)", nn.Conv2d(1, 16, 3, padding=1), dict(kernel_size=3, padding=1)),
    (
        "Conv2d(1, 16, 3, padding=1, stride=2)",
        nn.Conv2d(1, 16, 3, padding=1, stride=2),
        dict(kernel_size=3, padding=1, stride=2),
    ),
    ("MaxPool2d(2)", nn.MaxPool2d(2), dict(kernel_size=2, stride=2)),
]
rows = []
for name, layer, settings in cases:
    by_formula = conv_output_size(8, **settings)
    shape = tuple(layer(digit).shape)
    rows.append([name, f"{by_formula}×{by_formula}", str(shape)])
    assert shape[-2:] == (by_formula, by_formula)
print(format_table(rows, headers=["layer on 8×8", "formula", "layer output"], align="<><"))
odd = torch.zeros(1, 1, 7, 7)
floor_size = nn.MaxPool2d(2)(odd).shape[-1]
ceil_size = nn.MaxPool2d(2, ceil_mode=True)(odd).shape[-1]
print(
    f"MaxPool2d(2) on 7×7: {floor_size}×{floor_size}, with ceil_mode=True {ceil_size}×{ceil_size}"
)
assert floor_size == conv_output_size(7, kernel_size=2, stride=2) == 3 and ceil_size == 4

# %% [markdown]
# Max pooling on a small example: each 2×2 block of a 4×4 input gives its
# largest value. Pooling has no parameters. It makes the feature maps smaller,
# so the layers after it cost less. And a stroke that moves by one pixel inside a
# 2×2 window gives the same output, so the network becomes less sensitive to such
# small shifts (a shift across the border of a window does change the output).

# %%
grid = torch.tensor([[1.0, 3, 0, 2], [4, 2, 1, 1], [0, 1, 5, 0], [2, 2, 0, 6]]).view(1, 1, 4, 4)
pooled = nn.MaxPool2d(2)(grid)
print(grid[0, 0])
print("max pooling 2×2:", pooled[0, 0].tolist())
assert pooled[0, 0].tolist() == [[4.0, 2.0], [2.0, 6.0]]
assert count_parameters(nn.MaxPool2d(2)) == 0
stroke = torch.zeros(1, 1, 4, 4)
stroke[0, 0, :, 0] = 1.0  # a vertical stroke in column 0
shifted = stroke.roll(1, dims=-1)  # the same stroke in column 1
print("stroke in column 0:", nn.MaxPool2d(2)(stroke)[0, 0].tolist())
print("stroke in column 1:", nn.MaxPool2d(2)(shifted)[0, 0].tolist())
assert torch.equal(nn.MaxPool2d(2)(stroke), nn.MaxPool2d(2)(shifted))

# %% [markdown]
# ## A small convolutional network
# <!-- index: CNN; max pooling; nn.Conv2d; convolutional neural network -->
#
# Two blocks of convolution, ReLU and max pooling, then a fully connected layer
# that maps the flattened feature maps to the ten logits:
#
# - `Conv2d(1, 16, 3, padding=1)`: 16 feature maps of 8×8; pooling: 4×4
# - `Conv2d(16, 32, 3, padding=1)`: 32 feature maps of 4×4; pooling: 2×2
# - `Flatten`: 32 · 2 · 2 = 128 values; `Linear(128, 10)`: the logits
#
# We compute these sizes with the formula first, then let `nnguide.summary` run
# an image through the model and report each layer's output shape and parameter
# count. They agree.

# %%
size = 8
for _ in range(2):
    size = conv_output_size(size, kernel_size=3, padding=1)
    size = conv_output_size(size, kernel_size=2, stride=2)
flat = 32 * size * size
print("size after two blocks:", size, "×", size, "  flattened:", flat)


def make_cnn():
    torch.manual_seed(SEED)
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(flat, 10),
    ).to(device)


cnn = make_cnn()
cnn_summary = summary(cnn, (1, 8, 8), language="en")
print(cnn_summary)
assert (size, flat) == (2, 128)
assert [layer.output_shape[1:] for layer in cnn_summary.layers if layer.type == "MaxPool2d"] == [
    (16, 4, 4),
    (32, 2, 2),
]
assert cnn_summary.total_params == count_parameters(cnn) == 160 + 4640 + 1290 == 6090

# %% [markdown]
# The first layer has 160 parameters, the second 4,640. The second convolution
# reads 16 feature maps, not one image, so each of its filters has a 3×3 slice for
# every input channel, 16 × 3 × 3 weights in all, and its sum runs over the
# channels too:
#
# $$y_{ij} = b + \sum_{c=0}^{C_\text{in}-1} \sum_{u=0}^{k-1} \sum_{v=0}^{k-1}
#   w_{c,u,v} \, x_{c,\, i+u,\, j+v} .$$
#
# Each filter makes one output channel, so the weights of a layer have the shape
# `(C_out, C_in, k, k)`, here (32, 16, 3, 3), and each filter adds one bias:
# $C_\text{out} \cdot C_\text{in} \cdot k^2 + C_\text{out} = 32 \cdot 16 \cdot 9 + 32 =
# 4{,}640$ parameters, however large the image is. For the first layer,
# $16 \cdot 1 \cdot 9 + 16 = 160$. Below, one output of the second layer is
# computed by hand with the channel sum. With padding 1, output $(1, 1)$ covers
# rows and columns 0 to 2 of its input.

# %%
conv2 = cnn[3]
with torch.no_grad():
    inputs = cnn[:3](digit.to(device))  # the 16 feature maps that conv2 reads
    output = conv2(inputs)[0, 0, 1, 1]
    by_hand = conv2.bias[0] + (conv2.weight[0] * inputs[0, :, 0:3, 0:3]).sum()
print("weight shape of the second convolution:", tuple(conv2.weight.shape))
print(f"output (filter 0, 1, 1): layer {output:.4f}, by hand {by_hand:.4f}")
assert conv2.weight.shape == (32, 16, 3, 3) and inputs.shape == (1, 16, 4, 4)
assert count_parameters(conv2) == 32 * 16 * 9 + 32 == 4640
assert count_parameters(cnn[0]) == 16 * 1 * 9 + 16 == 160
assert torch.allclose(output, by_hand, atol=1e-6)

# %% [markdown]
# ## Training
# <!-- index: training the CNN -->
#
# `nnguide.fit` trains the network exactly as it trained Lesson 5's: Adam with
# learning rate 0.01, mini-batches of 64, ten epochs, measured on the validation
# set after each epoch. Nothing in the loop knows the model is convolutional.
# `train` wraps the call, so that the comparison below can train every network
# the same way.


# %%
def train(model, lr):
    return fit(
        model,
        make_train_loader(),
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.Adam(model.parameters(), lr=lr),
        epochs=10,
        val_loader=val_loader,
        device=device,
    )


cnn_history = train(cnn, 0.01)
print("validation accuracy:", [round(value, 3) for value in cnn_history.val_accuracy])
assert cnn_history.train_loss[-1] < 0.1 * cnn_history.train_loss[0]

# %%
plot_history(cnn_history, title="Training a convolutional network", language="en")
plt.show()

# %% [markdown]
# ## Compared with Lesson 5's network
# <!-- index: CNN vs MLP -->
#
# Is the convolutional network better than Lesson 5's fully connected network? A
# fair comparison gives both the same data, the same training and the same
# chance to be tuned. Both train on the same split with Adam, mini-batches of 64
# and ten epochs. The learning rate 0.01 comes from Lesson 5, where it was set
# for the fully connected network, so each network tries three learning rates,
# 0.003, 0.01 and 0.03, and keeps the one with the lowest validation loss after
# the last epoch. The test set plays no part in this choice. The fully connected network
# needs its input as rows of 64 values, so an `nn.Flatten` goes in front; that
# adds no parameters.


# %%
def make_mlp():
    torch.manual_seed(SEED)
    return nn.Sequential(nn.Flatten(), MLP([64, 64, 10])).to(device)


names = {"mlp": "MLP (Lesson 5)", "cnn": "convolutional network"}
learning_rates = [0.003, 0.01, 0.03]
runs = {("cnn", 0.01): (cnn, cnn_history)}  # trained above
for key, make_model in [("mlp", make_mlp), ("cnn", make_cnn)]:
    for lr in learning_rates:
        if (key, lr) not in runs:
            model = make_model()
            runs[key, lr] = (model, train(model, lr))
best_lr = {key: min(learning_rates, key=lambda lr: runs[key, lr][1].val_loss[-1]) for key in names}
best_loss = {key: runs[key, best_lr[key]][1].val_loss[-1] for key in names}
print("validation loss after the last epoch:")
print(
    format_table(
        [
            [f"{lr}"] + [f"{runs[key, lr][1].val_loss[-1]:.3f}" for key in names]
            for lr in learning_rates
        ],
        headers=["learning rate"] + [names[key] for key in names],
    )
)
print("chosen learning rate:", ", ".join(f"{names[key]} {best_lr[key]}" for key in names))
assert best_loss["cnn"] < best_loss["mlp"]

# %% [markdown]
# Each network at its best: the convolutional network reaches a lower validation
# loss than the fully connected one.
#
# ## Test accuracy
# <!-- index: CNN accuracy -->
#
# Training and the choice are over, so the two chosen networks are evaluated on
# the test set, once. The convolutional network reads more than 96 % of the 360
# test digits correctly and makes fewer mistakes than the fully connected
# network. It has about a quarter more parameters, but it spends them
# differently: its two convolutional layers have only 4,800 weights and biases,
# used at every position of the image.

# %%
mlp, cnn = runs["mlp", best_lr["mlp"]][0], runs["cnn", best_lr["cnn"]][0]
accuracy = {
    key: evaluate(model, test_loader, device=device)["accuracy"]
    for key, model in [("mlp", mlp), ("cnn", cnn)]
}
wrong = {key: round((1 - accuracy[key]) * len(test_set)) for key in names}
parameters = {"mlp": count_parameters(mlp), "cnn": count_parameters(cnn)}
print(
    format_table(
        [[names[key], parameters[key], f"{accuracy[key]:.1%}", wrong[key]] for key in names],
        headers=["model", "parameters", "test accuracy", "misclassified"],
    )
)
assert parameters["mlp"] == 4810 and count_parameters(cnn[:4]) == 4800
assert 1.2 < parameters["cnn"] / parameters["mlp"] < 1.3
assert accuracy["cnn"] > 0.96 and wrong["cnn"] < wrong["mlp"]

# %% [markdown]
# ## The learned filters
# <!-- index: feature map; visualize filters -->
#
# The 16 filters of the first layer of the chosen network started as random
# values, and training changed them substantially: on average each weight moved
# by more than its initial size. `nnguide.plot_filters` draws them on one color scale: red for
# positive weights, blue for negative ones. At 3×3 they are small, but look for
# a red side next to a blue side: such a filter responds to an edge in one
# direction, like the hand-made filter above. Below them, the feature maps of the
# first layer (after ReLU) for one test digit: different filters light up
# different parts of the strokes, and a filter that finds nothing of its pattern
# in this digit gives a map that is zero everywhere; the line under the figure
# counts them.

# %%
initial = make_cnn()[0].weight.detach().cpu()
learned = cnn[0].weight.detach().cpu()
change = ((learned - initial).abs().mean() / initial.abs().mean()).item()
print(f"mean change of a first-layer weight, relative to its initial size: {change:.1f}")
assert change > 1
plot_filters(cnn[0], columns=8, title="Filters of the first layer", language="en")
plt.show()

with torch.no_grad():
    maps = cnn[1](cnn[0](images_test[:1].to(device)))[0].cpu()
fig, axes = plt.subplots(2, 8, figsize=(10, 2.8))
for index, ax in enumerate(axes.flat):
    ax.imshow(maps[index], cmap="magma")
    ax.set_title(f"map {index}", fontsize=9)
    ax.axis("off")
fig.suptitle(f"Feature maps of a test image of the digit {y_test[0].item()}")
plt.show()
lit = maps.amax(dim=(1, 2)) > 0
brightest = {int(feature.argmax()) for feature in maps[lit]}
print("feature maps:", tuple(maps.shape), "  maps that are zero everywhere:", int((~lit).sum()))
print("distinct positions of the largest value, over the maps that are not zero:", len(brightest))
assert maps.shape == (16, 8, 8) and maps.min() >= 0 and len(brightest) > 1

# %% [markdown]
# ## Summary
#
# - Images are tensors of shape `(batch, channels, height, width)`; the digits
#   become `(N, 1, 8, 8)` with `view`.
# - A convolution slides a small filter over the image and computes a weighted
#   sum at each position, with the same weights everywhere. With several input
#   channels the sum runs over all of them: the weights have the shape
#   `(C_out, C_in, k, k)`.
# - The filter with rows `[-1, 0, 1]` responds where values rise to the right:
#   here, where the light background meets the ink on the left edge of a stroke.
# - Output size: $\lfloor (H + 2p - k)/s \rfloor + 1$, for convolution and
#   pooling alike; `nnguide.conv_output_size` computes it.
# - `nn.MaxPool2d(2)` halves an even height and width, rounds an odd one down
#   (or up with `ceil_mode=True`), and has no parameters.
# - A small convolutional network with 6,090 parameters reaches more than 96 %
#   test accuracy and makes fewer mistakes than Lesson 5's fully connected
#   network, trained the same way on the same split, each with its best of three
#   learning rates.
# - `nnguide.plot_filters` shows what the filters learned.
#
# ## Further reading
#
# - PyTorch documentation, `torch.nn.Conv2d`:
#   https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html
# - V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep
#   learning" (2016), with pictures of padding and stride.
# - Stanford CS231n notes, "Convolutional Neural Networks":
#   https://cs231n.github.io/convolutional-networks/

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **A 5×5 filter.** Predict the output size of `nn.Conv2d(1, 8, kernel_size=5)` on
#    an 8×8 image, the padding that keeps it 8×8, and the layer's number of
#    parameters. Check with `conv_output_size`, the layer itself and
#    `count_parameters`.
# 2. **More filters.** Give the second convolution 64 filters instead of 32 (and the
#    last layer the inputs that follow from that). Predict the parameter count of the
#    whole network, then build it and check.
# 3. **Average pooling.** Predict what `nn.AvgPool2d(2)` gives for the 4×4 `grid` of
#    the pooling example, and check.

# %% tags=["solution"]
conv_5 = nn.Conv2d(1, 8, kernel_size=5)
padded_5 = nn.Conv2d(1, 8, kernel_size=5, padding=2)
print("kernel 5:", conv_output_size(8, kernel_size=5), "  layer:", tuple(conv_5(digit).shape))
print("kernel 5, padding 2:", tuple(padded_5(digit).shape))
print("parameters:", count_parameters(conv_5), "= 8 × 1 × 5 × 5 + 8")
assert conv_output_size(8, kernel_size=5) == 4 and conv_5(digit).shape == (1, 8, 4, 4)
assert padded_5(digit).shape == (1, 8, 8, 8)
assert count_parameters(conv_5) == 8 * 25 + 8 == 208

# %% tags=["solution"]
wider = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 64, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(64 * 2 * 2, 10),
)
counted = (16 * 9 + 16) + (64 * 16 * 9 + 64) + (64 * 2 * 2 * 10 + 10)
print("by hand:", counted, "  count_parameters:", count_parameters(wider))
print("output:", tuple(wider(digit).shape))
assert counted == count_parameters(wider) == 12010 and wider(digit).shape == (1, 10)

# %% tags=["solution"]
averaged = nn.AvgPool2d(2)(grid)
print("average pooling 2×2:", averaged[0, 0].tolist())
assert averaged[0, 0].tolist() == [[2.5, 1.0], [1.25, 2.75]]
