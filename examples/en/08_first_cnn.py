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
# split. It reads more than 98 % of the test digits correctly, and its learned
# filters can be looked at.
#
# **What you will learn**
#
# - images as tensors of shape (channels, height, width)
# - what a convolution computes, checked by hand at one position
# - the output size of `nn.Conv2d` and `nn.MaxPool2d`, and how kernel size,
#   padding and stride change it
# - how to build a small convolutional network and read its summary
# - how it compares with a fully connected network in parameters and accuracy
# - what its learned filters look like
#
# **Prerequisites:** Lesson 0 (tensor shapes), Lesson 5 (training the digits
# classifier with `fit`).

# %% [markdown]
# ## Setup
#
# Besides the helpers of Lesson 5 we import two from `nnguide.conv`:
# `conv_output_size` for the shape arithmetic and `plot_filters` for the filters.

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
from nnguide.training import evaluate, fit

torch.manual_seed(0)
set_style()
device = get_device()
print("device:", device)

# %% [markdown]
# ## The digits as images
#
# `load_digits` returns each image as a row of 64 pixels, read row by row. A
# convolutional layer expects a batch of images of shape
# `(batch, channels, height, width)`. The digits are grayscale, so they have one
# **channel** (a color image would have three: red, green and blue), and
# `view(-1, 1, 8, 8)` gives them that shape without copying: pixel $(r, c)$ of an
# image is entry $8r + c$ of its row.
#
# The split is Lesson 5's: the same test set of 360 images, and the same 80/20
# split of the rest into training and validation sets.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=0)
images_train = X_train.view(-1, 1, 8, 8)
images_test = X_test.view(-1, 1, 8, 8)
train_set, val_set = random_split(
    TensorDataset(images_train, y_train), [0.8, 0.2], generator=torch.Generator().manual_seed(0)
)
test_set = TensorDataset(images_test, y_test)


def make_train_loader():
    return DataLoader(
        train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0)
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
#
# A convolutional layer holds small **filters** (also called kernels), here of
# 3×3 weights. The filter slides over the image; at each position it multiplies
# the 9 pixels under it by its 9 weights and adds them up, plus a bias. For a
# filter $w$ of size $k \times k$ the output at row $i$, column $j$ is
#
# $$y_{ij} = b + \sum_{u=0}^{k-1} \sum_{v=0}^{k-1} w_{uv} \, x_{i+u,\, j+v} .$$
#
# The outputs form a new, smaller image, a **feature map**: large where the
# image looks like the filter. (Strictly, this is cross-correlation; deep learning
# calls it convolution all the same.) Below, a filter that responds to a
# left-to-right step from dark to light, applied with `nn.functional.conv2d`,
# and one output computed by hand with the formula.

# %%
edge = torch.tensor([[[[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]]])
digit = images_train[:1]
feature_map = nn.functional.conv2d(digit, edge)
by_hand = (edge[0, 0] * digit[0, 0, 2:5, 3:6]).sum()
print(
    "image:",
    tuple(digit.shape),
    " filter:",
    tuple(edge.shape),
    " feature map:",
    tuple(feature_map.shape),
)
print(f"output (2, 3): conv2d {feature_map[0, 0, 2, 3]:.4f}, by hand {by_hand:.4f}")
assert feature_map.shape == (1, 1, 6, 6)
assert torch.allclose(feature_map[0, 0, 2, 3], by_hand)

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
# takes the largest value of each 2×2 window, with a stride equal to its window, so
# it halves the size. `nnguide.conv_output_size` computes the formula, and each
# result is checked against the real layer. A convolutional layer has
# $C_\text{out} \cdot C_\text{in} \cdot k^2 + C_\text{out}$ parameters, however
# large the image is.

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
for name, layer, settings in cases:
    by_formula = conv_output_size(8, **settings)
    shape = tuple(layer(digit).shape)
    print(f"{name:38} formula {by_formula}×{by_formula}   layer output {shape}")
    assert shape[-2:] == (by_formula, by_formula)
print("parameters of Conv2d(1, 16, 3):", count_parameters(cases[0][1]))
assert count_parameters(cases[0][1]) == 16 * 1 * 3 * 3 + 16 == 160

# %% [markdown]
# Max pooling on a small example: each 2×2 block of a 4×4 input gives its
# largest value. Pooling has no parameters. It makes the feature maps smaller,
# so the layers after it cost less, and it makes the network less sensitive to
# a shift of a stroke by one pixel.

# %%
grid = torch.tensor([[1.0, 3, 0, 2], [4, 2, 1, 1], [0, 1, 5, 0], [2, 2, 0, 6]]).view(1, 1, 4, 4)
pooled = nn.MaxPool2d(2)(grid)
print(grid[0, 0])
print("max pooling 2×2:", pooled[0, 0].tolist())
assert pooled[0, 0].tolist() == [[4.0, 2.0], [2.0, 6.0]]
assert count_parameters(nn.MaxPool2d(2)) == 0

# %% [markdown]
# ## A small convolutional network
#
# Two blocks of convolution, ReLU and max pooling, then a fully connected layer
# that maps the flattened feature maps to the ten logits:
#
# - `Conv2d(1, 16, 3, padding=1)`: 16 feature maps of 8×8; pooling: 4×4
# - `Conv2d(16, 32, 3, padding=1)`: 32 feature maps of 4×4; pooling: 2×2
# - `Flatten`: 32 · 2 · 2 = 128 numbers; `Linear(128, 10)`: the logits
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
    torch.manual_seed(0)
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
cnn_summary = summary(cnn, (1, 8, 8))
print(cnn_summary)
assert (size, flat) == (2, 128)
assert [layer.output_shape[1:] for layer in cnn_summary.layers if layer.type == "MaxPool2d"] == [
    (16, 4, 4),
    (32, 2, 2),
]
assert cnn_summary.total_params == count_parameters(cnn) == 160 + 4640 + 1290 == 6090

# %% [markdown]
# ## Training
#
# `nnguide.fit` trains the network exactly as it trained Lesson 5's: Adam with
# learning rate 0.01, mini-batches of 64, ten epochs, measured on the validation
# set after each epoch. Nothing in the loop knows the model is convolutional.

# %%
cnn_history = fit(
    cnn,
    make_train_loader(),
    loss_fn=nn.CrossEntropyLoss(),
    optimizer=torch.optim.Adam(cnn.parameters(), lr=0.01),
    epochs=10,
    val_loader=val_loader,
    device=device,
)
print("validation accuracy:", [round(value, 3) for value in cnn_history.val_accuracy])
assert cnn_history.train_loss[-1] < 0.1 * cnn_history.train_loss[0]

# %%
plot_history(cnn_history, title="Training a convolutional network", language="en")
plt.show()

# %% [markdown]
# ## Test accuracy
#
# Training is over, so the test set is measured, once. The convolutional network
# reads more than 98 % of the 360 test digits correctly.

# %%
cnn_accuracy = evaluate(cnn, test_loader, device=device)["accuracy"]
print(f"test accuracy {cnn_accuracy:.1%}")
assert cnn_accuracy >= 0.98

# %% [markdown]
# ## Compared with Lesson 5's network
#
# For a fair comparison we train Lesson 5's fully connected network here, on the
# same split, with the same optimizer, batches and epochs. It needs its input as
# rows of 64 numbers, so an `nn.Flatten` goes in front; that adds no parameters,
# and with the same seed the network starts from the same weights as in Lesson 5.
# The convolutional network has about a quarter more parameters, but it spends
# them differently: its two convolutional layers have only 4,800 weights and
# biases, used at every position of the image.

# %%
torch.manual_seed(0)
mlp = nn.Sequential(nn.Flatten(), MLP([64, 64, 10])).to(device)
fit(
    mlp,
    make_train_loader(),
    loss_fn=nn.CrossEntropyLoss(),
    optimizer=torch.optim.Adam(mlp.parameters(), lr=0.01),
    epochs=10,
    device=device,
)
mlp_accuracy = evaluate(mlp, test_loader, device=device)["accuracy"]
print(f"{'model':28} {'parameters':>10} {'test accuracy':>14}")
print(f"{'MLP (Lesson 5)':28} {count_parameters(mlp):>10,} {mlp_accuracy:>14.1%}")
print(f"{'convolutional network':28} {count_parameters(cnn):>10,} {cnn_accuracy:>14.1%}")
wrong_mlp, wrong_cnn = round((1 - mlp_accuracy) * 360), round((1 - cnn_accuracy) * 360)
print(f"misclassified test images: MLP {wrong_mlp}, convolutional network {wrong_cnn}")
assert count_parameters(mlp) == 4810 and count_parameters(cnn[:4]) == 4800
assert cnn_accuracy > mlp_accuracy and wrong_cnn < wrong_mlp / 2

# %% [markdown]
# ## The learned filters
#
# The 16 filters of the first layer started as random numbers, and training
# changed them substantially: on average each weight moved by more than its
# initial size. `nnguide.plot_filters` draws them on one color scale: red for
# positive weights, blue for negative ones. At 3×3 they are small, but look for
# a red side next to a blue side: such a filter responds to an edge in one
# direction, like the hand-made filter above. Below them, the feature maps of the
# first layer (after ReLU) for one test digit: different filters light up
# different parts of the strokes, and a few stay dark for this digit.

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
dark = int((maps.amax(dim=(1, 2)) == 0).sum())
print("feature maps:", tuple(maps.shape), "  maps that are zero everywhere:", dark)
assert maps.shape == (16, 8, 8) and maps.min() >= 0 and 0 < dark < 4

# %% [markdown]
# ## Summary
#
# - Images are tensors of shape `(batch, channels, height, width)`; the digits
#   become `(N, 1, 8, 8)` with `view`.
# - A convolution slides a small filter over the image and computes a weighted
#   sum at each position, with the same weights everywhere.
# - Output size: $\lfloor (H + 2p - k)/s \rfloor + 1$, for convolution and
#   pooling alike; `nnguide.conv_output_size` computes it.
# - `nn.MaxPool2d(2)` halves height and width and has no parameters.
# - A small convolutional network with 6,090 parameters reaches more than 98 %
#   test accuracy, better than Lesson 5's fully connected network trained the
#   same way on the same split.
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
