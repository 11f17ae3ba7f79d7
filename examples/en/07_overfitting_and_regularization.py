# %% [markdown]
# # Overfitting and regularization
#
# A network with enough parameters can learn its training data by heart. Its
# training loss then keeps falling while it gets worse on new data: it
# **overfits**. This lesson makes that happen on purpose: a large network,
# trained for a long time on only 150 digit images, until its validation loss
# turns and rises. Then it measures the usual remedies one by one on the same
# split: weight decay, dropout and early stopping. It also compares three
# optimizers on one plot and explains what a hyperparameter is. Every decision
# is made on the validation set; the test set is used exactly once, at the end.
#
# **What you will learn**
#
# - how underfitting and overfitting look on training and validation curves
# - what a hyperparameter is, and why the validation set chooses it
# - weight decay, and how much is too much
# - dropout, and why `model.eval()` matters for it
# - early stopping with `nnguide.EarlyStopping`, which keeps the best epoch's
#   `state_dict`
# - SGD, SGD with momentum and Adam on one plot
#
# **Prerequisites:** Lesson 5 (training the digits classifier with `fit`,
# validation and test sets) and Lesson 6 (`state_dict`).

# %% [markdown]
# ## Setup
#
# Besides the training helpers of Lesson 5 we import `EarlyStopping` and
# `plot_histories`, which draws several runs on one plot.
#
# This lesson trains nine small networks, thousands of tiny steps in all. On a
# CPU, PyTorch splits each operation among several threads; for matrices this
# small, coordinating the threads costs more than it saves, most of all on a busy
# machine. `torch.set_num_threads(1)` makes PyTorch use one.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from nnguide.comparison import plot_histories
from nnguide.data import load_digits
from nnguide.device import get_device
from nnguide.early_stopping import EarlyStopping
from nnguide.models import count_parameters
from nnguide.plotting import plot_history, set_style
from nnguide.training import evaluate, fit

torch.manual_seed(0)
torch.set_num_threads(1)
set_style()
device = get_device()
print("device:", device, "  threads:", torch.get_num_threads())
assert torch.get_num_threads() == 1

# %% [markdown]
# ## A small training set
#
# Overfitting is a matter of too little data for too large a model, so we take
# only a little data: from the 1,437 training images of `load_digits` we draw 150
# for training and 500 for validation, with a seeded permutation. The 360 test
# images stay untouched until the last section. Every run below uses this same
# split, the same shuffling and the same initial weights, so their differences
# come from the one setting each changes.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=0)
order = torch.randperm(len(X_train), generator=torch.Generator().manual_seed(0))
train_set = TensorDataset(X_train[order[:150]], y_train[order[:150]])
val_set = TensorDataset(X_train[order[150:650]], y_train[order[150:650]])
test_set = TensorDataset(X_test, y_test)
val_loader = DataLoader(val_set, batch_size=500)
test_loader = DataLoader(test_set, batch_size=500)
loss_fn = nn.CrossEntropyLoss()
EPOCHS = 60


def make_train_loader():
    return DataLoader(
        train_set, batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(0)
    )


def train(model, optimizer, epochs=EPOCHS):
    return fit(
        model,
        make_train_loader(),
        loss_fn=loss_fn,
        optimizer=optimizer,
        epochs=epochs,
        val_loader=val_loader,
        device=device,
    )


print("training:", len(train_set), "  validation:", len(val_set), "  test:", len(test_set))
print("images per digit in the training set:", torch.bincount(train_set.tensors[1]).tolist())
assert (len(train_set), len(val_set), len(test_set)) == (150, 500, 360)
assert len(set(order[:650].tolist())) == 650

# %% [markdown]
# ## Underfitting
#
# First the opposite problem. A network whose hidden layer has only 4 nodes is
# too small for ten digits: however long it trains, its training loss stays high,
# and its validation accuracy stays poor. It **underfits**: it cannot even fit the
# data it learns from. Its training and validation losses stay close together,
# both of them bad.

# %%
torch.manual_seed(0)
small = nn.Sequential(nn.Linear(64, 4), nn.ReLU(), nn.Linear(4, 10))
small_history = train(small, torch.optim.Adam(small.parameters(), lr=0.01))
print("parameters:", count_parameters(small))
print(
    f"after {EPOCHS} epochs: training loss {small_history.train_loss[-1]:.3f}, "
    f"validation loss {small_history.val_loss[-1]:.3f}, "
    f"validation accuracy {small_history.val_accuracy[-1]:.1%}"
)
assert small_history.train_loss[-1] > 0.5 and small_history.val_accuracy[-1] < 0.6

# %% [markdown]
# ## Overfitting
#
# Now a large network: two hidden layers of 256 nodes, 85,002 parameters for 150
# images. `make_mlp` builds it with a fixed seed, so every call starts from the
# same weights (the optional dropout layers come in a later section). Adam
# trains it for 60 epochs.
#
# The curves tell the story. The training loss falls towards 0: in the end the
# network classifies every training image correctly. The validation loss falls
# too, for a while, reaches its lowest point, and then rises again, while the
# training loss keeps falling. From there on the network memorizes its training
# data: it learns details of its 150 images that do not carry over to other images
# of digits, and it generalizes worse to new data.


# %%
def make_mlp(dropout=0.0):
    torch.manual_seed(0)
    layers = [nn.Linear(64, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(256, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(256, 10))
    return nn.Sequential(*layers).to(device)


model = make_mlp()
baseline = train(model, torch.optim.Adam(model.parameters(), lr=0.002))
best = min(range(EPOCHS), key=baseline.val_loss.__getitem__)
train_accuracy = evaluate(model, DataLoader(train_set, batch_size=150))["accuracy"]
print("parameters:", count_parameters(model))
print(f"lowest validation loss {baseline.val_loss[best]:.3f} after epoch {best + 1}")
print(f"after epoch {EPOCHS}: validation loss {baseline.val_loss[-1]:.3f}, ", end="")
print(f"training loss {baseline.train_loss[-1]:.4f}, training accuracy {train_accuracy:.0%}")
assert count_parameters(model) == 85002
assert best < EPOCHS - 20 and baseline.val_loss[-1] > baseline.val_loss[best] + 0.03
assert baseline.train_loss[-1] < baseline.train_loss[best] / 5 and train_accuracy == 1.0

# %%
plot_history(baseline, title="A large network on 150 images", language="en")
plt.show()

# %% [markdown]
# ## Hyperparameters
#
# The weights are learnt by gradient descent, but many settings are not: the
# learning rate, the number of epochs, the batch size, the width of the layers,
# the optimizer, and the strength of the regularization methods below. These
# settings chosen before training are **hyperparameters**. The only honest way
# to choose them is to try values and compare the runs on data the model does not
# train on: the validation set. The test set must not take part, or its accuracy
# stops being an estimate for new data. An optimizer keeps its hyperparameters
# in `param_groups`; these are the ones of the run above.

# %%
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
settings = {key: optimizer.param_groups[0][key] for key in ("lr", "betas", "weight_decay")}
print("Adam:", settings, "  batch size:", make_train_loader().batch_size, "  epochs:", EPOCHS)
assert settings["lr"] == 0.002 and settings["weight_decay"] == 0

# %% [markdown]
# ## Weight decay
#
# Overfitted networks tend to have large weights: large weights make sharp,
# wiggly functions that can pass through every training point. **Weight decay**
# adds a penalty for large weights to the loss, with a strength $\lambda$:
#
# $$L_\text{total} = L + \frac{\lambda}{2} \sum_i w_i^2 .$$
#
# The penalty is proportional to the squared L2 norm of the weights, so weight
# decay is also called L2 regularization. Its gradient adds $\lambda w_i$ to the gradient of
# every weight, so each step also pulls every weight a little towards 0, hence
# the name. In PyTorch it is
# the optimizer's `weight_decay` argument. (Adam divides this term by its
# per-weight step sizes like the rest of the gradient; `torch.optim.AdamW` applies
# the decay directly instead, which often works better with Adam.)
#
# $\lambda$ is a hyperparameter, so we try two values. With $\lambda = 0.003$ the
# weights stay much smaller and the validation loss rises far less late in
# training. With $\lambda = 0.03$ the penalty wins over the data: the training
# loss stays high, and the network underfits.


# %%
def weight_norm(model):
    return torch.cat([p.flatten() for n, p in model.named_parameters() if "weight" in n]).norm()


decay_histories = {"no weight decay": baseline}
decay_norms = {"no weight decay": weight_norm(model).item()}
for strength in (0.003, 0.03):
    decayed = make_mlp()
    optimizer = torch.optim.Adam(decayed.parameters(), lr=0.002, weight_decay=strength)
    name = f"weight decay {strength}"
    decay_histories[name] = train(decayed, optimizer)
    decay_norms[name] = weight_norm(decayed).item()
for name, history in decay_histories.items():
    print(
        f"{name:16}  weight norm {decay_norms[name]:5.2f}"
        f"   training loss {history.train_loss[-1]:.3f}"
        f"   validation loss: lowest {min(history.val_loss):.3f}, last {history.val_loss[-1]:.3f}"
    )
mild, strong = decay_histories["weight decay 0.003"], decay_histories["weight decay 0.03"]
assert decay_norms["weight decay 0.003"] < 0.7 * decay_norms["no weight decay"]
assert mild.val_loss[-1] < baseline.val_loss[-1]
assert mild.val_loss[-1] - min(mild.val_loss) < (baseline.val_loss[-1] - min(baseline.val_loss)) / 2
assert strong.train_loss[-1] > 0.2 and min(strong.val_loss) > min(baseline.val_loss)

# %%
plot_histories(decay_histories, "val_loss", title="Weight decay", language="en")
plt.show()

# %% [markdown]
# ## Dropout
#
# **Dropout** switches off a random part of a layer's outputs at every training
# step: each output $h_i$ is set to 0 with probability $p$, and the ones that
# survive are scaled up so the expected value stays the same:
#
# $$\tilde{h}_i = \frac{m_i \, h_i}{1 - p}, \qquad m_i = \begin{cases} 1 & \text{with probability } 1 - p \\ 0 & \text{with probability } p \end{cases}$$
#
# The network cannot rely on any single node, because that node may be gone in
# the next step, and so it learns more redundant, more general features. At
# prediction time nothing is dropped: in evaluation mode `nn.Dropout` passes its
# input through unchanged. With $p = 0.5$, about half of a row of ones becomes 0
# and the rest becomes 2.

# %%
dropout = nn.Dropout(p=0.5)
ones = torch.ones(1, 12)
dropout.train()
print("training mode:  ", dropout(ones).tolist()[0])
dropout.eval()
print("evaluation mode:", dropout(ones).tolist()[0])
dropout.train()
assert set(dropout(ones).unique().tolist()) <= {0.0, 2.0}
assert dropout(torch.ones(100_000)).mean().sub(1).abs() < 0.01
assert torch.equal(dropout.eval()(ones), ones)

# %% [markdown]
# This is why `model.eval()` matters. A model with dropout in training mode is
# random: the same image gives a different output on every call. In evaluation
# mode it is a fixed function again. Forgetting `model.eval()` before measuring
# or predicting gives noisy, worse results. (`nnguide.evaluate` and `fit`
# switch modes for you.)

# %%
model = make_mlp(dropout=0.5)
images = X_test[:5].to(device)
model.train()
with torch.no_grad():
    noisy = model(images), model(images)
model.eval()
with torch.no_grad():
    fixed = model(images), model(images)
print("training mode, two calls equal:  ", torch.equal(*noisy))
print("evaluation mode, two calls equal:", torch.equal(*fixed))
assert not torch.equal(*noisy) and torch.equal(*fixed)

# %% [markdown]
# Trained like the network of the overfitting section, with dropout $p = 0.5$
# after both hidden layers, the training loss falls more slowly (half the nodes
# are missing at every step), and the validation loss reaches a lower minimum
# than without dropout.

# %%
dropout_history = train(model, torch.optim.Adam(model.parameters(), lr=0.002))
for name, history in (("without dropout", baseline), ("dropout 0.5", dropout_history)):
    lowest = min(range(EPOCHS), key=history.val_loss.__getitem__)
    print(
        f"{name:15}  lowest validation loss {history.val_loss[lowest]:.3f} after epoch {lowest + 1}"
        f"   (accuracy {history.val_accuracy[lowest]:.1%})"
    )
assert min(dropout_history.val_loss) < min(baseline.val_loss)
assert dropout_history.train_loss[9] > baseline.train_loss[9]

# %%
plot_histories(
    {"without dropout": baseline, "dropout 0.5": dropout_history},
    "val_loss",
    title="Dropout",
    language="en",
)
plt.show()

# %% [markdown]
# ## Early stopping
#
# The simplest remedy needs no change to the model: stop training when the
# validation loss stops improving, and keep the weights of the best epoch.
# `nnguide.EarlyStopping` does the bookkeeping. After every epoch, `step` gets the
# validation loss; when it is the lowest so far, the stopper copies the model's
# `state_dict`. It must be a copy: as Lesson 6 showed, the tensors of a
# `state_dict` are the model's own and would keep changing with training. `step`
# returns `True` once `patience` epochs in a row have brought no improvement, and
# `restore` loads the best weights back.
#
# We train the network of the overfitting section again, one epoch at a time
# with `fit(..., epochs=1)`, with a patience of 10 epochs. Because everything is
# seeded, the run repeats the first 60-epoch run exactly until it stops.

# %%
model = make_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
loader = make_train_loader()
stopper = EarlyStopping(patience=10)
val_losses = []
for _ in range(EPOCHS):
    history = fit(
        model, loader, loss_fn=loss_fn, optimizer=optimizer, epochs=1, val_loader=val_loader
    )
    val_losses.append(history.val_loss[-1])
    if stopper.step(history.val_loss[-1], model):
        break
last_weights = model[0].weight.detach().clone()
stopper.restore(model)
restored_loss = evaluate(model, val_loader, loss_fn=loss_fn)["loss"]
print(f"stopped after epoch {stopper.epochs}, best epoch {stopper.best_epoch}")
print(f"validation loss of the restored model {restored_loss:.4f} (best {stopper.best_loss:.4f})")
assert val_losses == baseline.val_loss[: stopper.epochs]
assert stopper.best_epoch == best + 1 and stopper.epochs == best + 1 + 10
assert abs(restored_loss - stopper.best_loss) < 1e-6
assert not torch.equal(last_weights, model[0].weight)
assert stopper.best_state["0.weight"].data_ptr() != model[0].weight.data_ptr()

# %% [markdown]
# ## Optimizers compared
#
# The optimizer is a hyperparameter too. Plain **SGD** takes a step against the
# gradient, $w \leftarrow w - \eta \nabla L$. **SGD with momentum** keeps a running
# sum $v$ of past gradients and steps along it, like a ball rolling downhill that
# keeps its speed through small bumps:
#
# $$v \leftarrow \mu v + \nabla L, \qquad w \leftarrow w - \eta v,$$
#
# with $\mu = 0.9$ a common choice. **Adam** (Lessons 5 and 6) also keeps a running
# average of the squared gradients and gives every weight its own step size. We
# train the same network from the same initial weights with SGD and with SGD
# with momentum, both at learning rate 0.05, and compare them with the Adam run
# of the overfitting section. Each optimizer has its own good learning rate, so
# this compares three tuned-by-hand settings, not the algorithms in general.
# The training loss is drawn on a logarithmic scale.

# %%
optimizer_histories = {}
for name, momentum in (("SGD", 0.0), ("SGD with momentum 0.9", 0.9)):
    model = make_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=momentum)
    optimizer_histories[name] = train(model, optimizer)
optimizer_histories["Adam"] = baseline
for name, history in optimizer_histories.items():
    print(
        f"{name:21}  training loss after 10 / 20 / 60 epochs: {history.train_loss[9]:.3f} / "
        f"{history.train_loss[19]:.3f} / {history.train_loss[-1]:.4f}"
        f"   lowest validation loss {min(history.val_loss):.3f}"
    )
sgd, momentum = optimizer_histories["SGD"], optimizer_histories["SGD with momentum 0.9"]
assert sgd.train_loss[19] > 10 * momentum.train_loss[19]
assert sgd.train_loss[19] > 10 * baseline.train_loss[19]

# %%
plot_histories(optimizer_histories, "train_loss", log_scale=True, title="Optimizers", language="en")
plt.show()

# %% [markdown]
# ## The choice, and the test set once
#
# Now the validation set decides. Each run above reached its lowest validation
# loss at some epoch, and early stopping can always bring us back to that epoch,
# so that lowest value is each setting's score. The lowest score wins: dropout.
# Only this winner is trained once more, with early stopping, and measured on the
# test set. Its test accuracy is the number to report; the other settings never
# see the test set.

# %%
scores = {
    "no regularization": min(baseline.val_loss),
    "weight decay 0.003": min(mild.val_loss),
    "weight decay 0.03": min(strong.val_loss),
    "dropout 0.5": min(dropout_history.val_loss),
    "SGD": min(sgd.val_loss),
    "SGD with momentum 0.9": min(momentum.val_loss),
}
for name, score in sorted(scores.items(), key=lambda item: item[1]):
    print(f"{name:21}  lowest validation loss {score:.3f}")
choice = min(scores, key=scores.get)
print("choice:", choice)

model = make_mlp(dropout=0.5)
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
loader = make_train_loader()
stopper = EarlyStopping(patience=10)
for _ in range(EPOCHS):
    history = fit(
        model, loader, loss_fn=loss_fn, optimizer=optimizer, epochs=1, val_loader=val_loader
    )
    if stopper.step(history.val_loss[-1], model):
        break
stopper.restore(model)
test_accuracy = evaluate(model, test_loader, device=device)["accuracy"]
print(f"best epoch {stopper.best_epoch}, test accuracy {test_accuracy:.1%}")
assert choice == "dropout 0.5"
assert test_accuracy >= 0.9

# %% [markdown]
# With 150 training images the network reads more than nine in ten test digits
# correctly. Lesson 5's smaller network, trained on 1,150 images, passed 95 %:
# more data is the most reliable remedy for overfitting, when you can get it.
#
# ## Summary
#
# - Underfitting: the model does badly even on its training data. Overfitting:
#   the training loss keeps falling while the validation loss rises after its
#   minimum.
# - Hyperparameters are the settings chosen before training; compare them on the
#   validation set, and use the test set once, at the end.
# - Weight decay adds $\frac{\lambda}{2} \sum w^2$ to the loss and keeps the
#   weights small; too large a $\lambda$ underfits.
# - Dropout zeroes outputs at random during training and scales the rest by
#   $1 / (1 - p)$; `model.eval()` switches it off, which makes the outputs
#   deterministic.
# - `EarlyStopping` keeps a copy of the best epoch's `state_dict` and restores it.
# - Momentum and Adam train far faster than plain SGD at the same number of
#   epochs.
#
# ## Further reading
#
# - N. Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
#   Overfitting", JMLR 15 (2014).
# - I. Loshchilov and F. Hutter, "Decoupled Weight Decay Regularization" (2019),
#   on `AdamW`.
# - PyTorch documentation, `torch.optim`: https://pytorch.org/docs/stable/optim.html
# - Next lesson: a first convolutional network, a model built for images.
