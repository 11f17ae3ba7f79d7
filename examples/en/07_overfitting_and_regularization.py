# %% [markdown]
# # Overfitting and regularization
#
# A network with enough parameters can learn its training data by heart. Its
# training loss then keeps falling while it gets worse on new data: it
# **overfits**. This lesson makes that happen on purpose: a large network,
# trained for a long time on only 150 digit images, until its validation loss
# turns and rises. Then it tries the usual remedies one by one on the same
# split: early stopping, weight decay and dropout. It also compares three
# optimizers, each at the learning rate the validation set picks, and explains
# what a hyperparameter is. Every decision is made on the validation set; the
# test set is used exactly once, at the end.
#
# **What you will learn**
#
# - how underfitting and overfitting look on training and validation curves
# - early stopping with `nnguide.EarlyStopping`, which keeps the best epoch's
#   `state_dict`
# - what a hyperparameter is, and why the validation set chooses it
# - weight decay, why `AdamW` and not `Adam(weight_decay=...)`, and how much is
#   too much
# - dropout, and why `model.eval()` matters for it
# - a fair comparison of SGD, SGD with momentum and Adam
#
# **Prerequisites:** Lesson 5 (training the digits classifier with `fit`,
# validation and test sets) and Lesson 6 (`state_dict`).

# %% [markdown]
# ## Setup
#
# Besides the training helpers of Lesson 5 we import `EarlyStopping`,
# `plot_histories`, which draws several trainings on one plot, and
# `format_table`, which prints aligned tables. This lesson compares methods, so
# one value, `SEED`, seeds everything random in it: change it and every
# comparison is repeated on another split, other initial weights and another
# shuffling.
#
# This lesson trains eleven small networks, thousands of tiny steps in all. On a
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
from nnguide.tables import format_table
from nnguide.training import History, evaluate, fit

SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)
set_style()
device = get_device()
print("device:", device, "  threads:", torch.get_num_threads())
assert torch.get_num_threads() == 1

# %% [markdown]
# ## A small training set
# <!-- index: 150 images -->
#
# Overfitting is a matter of too little data for too large a model, so we take
# only a little data: from the 1,437 training images of `load_digits` we draw 150
# for training and 500 for validation, with a seeded permutation. The 360 test
# images stay untouched until the last section. Every training below uses this
# same split, the same shuffling and the same initial weights, so their
# differences come from the one setting each changes.
#
# Measuring needs no shuffling and no mini-batches, so each set is measured as
# one batch: `val_loader` is a list that holds one `(images, labels)` pair. A
# list of batches works wherever `fit` and `evaluate` expect a loader, and it
# saves the `DataLoader` the work of gathering the images one by one at every
# epoch.
#
# `train` trains a model for 60 epochs. It calls `fit` one epoch at a time and
# collects the epochs into one `History`, so that an early stopper can watch the
# training (see the early stopping section). It first reseeds PyTorch's global
# random generator, which dropout draws its random choices from, so that a
# training gives the same result whatever ran before it.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=SEED)
order = torch.randperm(len(X_train), generator=torch.Generator().manual_seed(SEED))
train_set = TensorDataset(X_train[order[:150]], y_train[order[:150]])
val_set = TensorDataset(X_train[order[150:650]], y_train[order[150:650]])
test_set = TensorDataset(X_test, y_test)
train_eval_loader = [train_set.tensors]
val_loader = [val_set.tensors]
test_loader = [test_set.tensors]
loss_fn = nn.CrossEntropyLoss()
EPOCHS = 60
PATIENCE = 10


def make_train_loader():
    return DataLoader(
        train_set, batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )


def train(model, optimizer, stopper=None):
    torch.manual_seed(SEED + 1)
    loader = make_train_loader()
    history = History()
    for _ in range(EPOCHS):
        epoch = fit(
            model,
            loader,
            loss_fn=loss_fn,
            optimizer=optimizer,
            epochs=1,
            val_loader=val_loader,
            device=device,
        )
        history.train_loss += epoch.train_loss
        history.val_loss += epoch.val_loss
        history.val_accuracy += epoch.val_accuracy
        if stopper is not None and not stopper.should_stop:
            stopper.step(epoch.val_loss[-1], model)
    return history


print("training:", len(train_set), "  validation:", len(val_set), "  test:", len(test_set))
print("images per digit in the training set:", torch.bincount(train_set.tensors[1]).tolist())
assert (len(train_set), len(val_set), len(test_set)) == (150, 500, 360)

# %% [markdown]
# ## Underfitting
# <!-- index: high bias; too simple -->
#
# First the opposite problem. A hidden layer of only 2 nodes squeezes every image
# into two values, too few to tell ten digits apart well. After 60 epochs such a
# network classifies only about half of its own training images correctly, and
# both of its losses are high. It **underfits**: it does badly even on the data
# it learns from. Training longer would help only slowly: over the last 20
# epochs its training loss fell by less than a fifth. Its validation loss is
# higher still. A model too small for its task is one cause of underfitting; too
# strong a regularization, as the weight decay section shows, is another.

# %%
torch.manual_seed(SEED)
small = nn.Sequential(nn.Linear(64, 2), nn.Tanh(), nn.Linear(2, 10)).to(device)
small_history = train(small, torch.optim.Adam(small.parameters(), lr=0.01))
small_train = evaluate(small, train_eval_loader, loss_fn=loss_fn, device=device)
print("parameters:", count_parameters(small))
print(
    f"training loss after epoch 40 {small_history.train_loss[39]:.3f}, "
    f"after epoch {EPOCHS} {small_history.train_loss[-1]:.3f}"
)
print(
    f"training accuracy {small_train['accuracy']:.1%}, "
    f"validation loss {small_history.val_loss[-1]:.3f}, "
    f"validation accuracy {small_history.val_accuracy[-1]:.1%}"
)
assert small_train["accuracy"] < 0.6 and small_history.train_loss[-1] > 1.0
assert small_history.train_loss[-1] > 0.8 * small_history.train_loss[39]
assert small_history.val_loss[-1] > small_history.train_loss[-1]

# %% [markdown]
# ## Overfitting
# <!-- index: generalization gap; high variance; poor generalization -->
#
# Now a large network: two hidden layers of 256 nodes, 85,002 parameters for 150
# images. `make_mlp` builds it with a fixed seed, so every call starts from the
# same weights (the optional dropout layers come in a later section). Adam
# trains it for 60 epochs.
#
# The curves tell the story. The training loss falls towards 0: in the end the
# network classifies every training image correctly. The validation loss falls
# too, for a while, reaches its lowest point, and then rises again (how much
# depends on the split), while the training loss keeps falling. From there on
# the network memorizes its training data: it learns details of its 150 images
# that do not carry over to other images of digits.
#
# Look at the validation accuracy, though: at the last epoch it is about the
# same as at the best one, within 2 percentage points. The rising loss comes
# from confidence. On the validation images it gets wrong, the network grows
# more sure of its wrong answer, and cross-entropy punishes a confident
# mistake heavily (compare the calibration note in Lesson 2). Growing
# over-confident is one face of overfitting; here the validation loss shows it
# while the accuracy does not. The next section checks it.


# %%
def make_mlp(dropout=0.0):
    torch.manual_seed(SEED)
    layers = [nn.Linear(64, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(256, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(256, 10))
    return nn.Sequential(*layers).to(device)


baseline_model = make_mlp()
baseline_optimizer = torch.optim.Adam(baseline_model.parameters(), lr=0.002)
baseline = train(baseline_model, baseline_optimizer)
best = min(range(EPOCHS), key=baseline.val_loss.__getitem__)
train_accuracy = evaluate(baseline_model, train_eval_loader, device=device)["accuracy"]
print("parameters:", count_parameters(baseline_model))
print(
    f"lowest validation loss {baseline.val_loss[best]:.3f} after epoch {best + 1}, "
    f"validation accuracy {baseline.val_accuracy[best]:.1%}"
)
print(
    f"after epoch {EPOCHS}: validation loss {baseline.val_loss[-1]:.3f}, "
    f"validation accuracy {baseline.val_accuracy[-1]:.1%}"
)
print(f"training loss {baseline.train_loss[-1]:.4f}, training accuracy {train_accuracy:.0%}")
assert count_parameters(baseline_model) == 85002
assert best < EPOCHS - 10 and baseline.val_loss[-1] > baseline.val_loss[best]
assert baseline.train_loss[-1] < baseline.train_loss[best] and train_accuracy == 1.0
assert abs(baseline.val_accuracy[-1] - baseline.val_accuracy[best]) <= 0.02

# %%
plot_history(baseline, title="A large network on 150 images", language="en")
plt.show()

# %% [markdown]
# ## Early stopping
# <!-- index: EarlyStopping -->
#
# The simplest remedy needs no change to the model: stop training when the
# validation loss stops improving, and keep the weights of the best epoch.
# `nnguide.EarlyStopping` does the bookkeeping. After every epoch, `step` gets the
# validation loss; when it is the lowest so far, the stopper copies the model's
# `state_dict`. It must make a copy: as Lesson 6 showed, the tensors of a
# `state_dict` share storage with the parameters (they are only detached from
# autograd), so they would keep changing with training. `step` returns
# `True` once `patience` epochs in a row have brought no improvement, and
# `restore` loads the best weights back.
#
# We train the network of the overfitting section again, one epoch at a time
# with `fit(..., epochs=1)`, with a patience of 10 epochs. Because everything is
# seeded, the training repeats the first 60-epoch one until it stops: exactly on
# a CPU, and on a GPU, where some operations are not reproducible bit for bit,
# up to the last digits.

# %%
model = make_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
loader = make_train_loader()
stopper = EarlyStopping(patience=PATIENCE)
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
repeated = zip(val_losses, baseline.val_loss[: stopper.epochs], strict=True)
assert all(abs(new - old) < 1e-4 for new, old in repeated)
assert stopper.best_epoch == best + 1 or stopper.epochs < best + 1
assert stopper.epochs == min(stopper.best_epoch + PATIENCE, EPOCHS)
assert abs(restored_loss - stopper.best_loss) < 1e-6
assert not torch.equal(last_weights, model[0].weight)
assert stopper.best_state["0.weight"].data_ptr() != model[0].weight.data_ptr()

# %% [markdown]
# The restored model is the network at its best epoch, and `baseline_model` is
# the same network after all 60 epochs: a chance to check what the overfitting
# section said about confidence. For the validation images each model gets
# wrong, we take the probability it gives its (wrong) answer. The network
# trained to the end is surer of its mistakes.


# %%
def confidence_when_wrong(model):
    images, labels = val_set.tensors
    model.eval()
    with torch.no_grad():
        probabilities = model(images.to(device)).softmax(dim=1).cpu()
    confidence, predicted = probabilities.max(dim=1)
    return confidence[predicted != labels].mean().item()


at_best, at_end = confidence_when_wrong(model), confidence_when_wrong(baseline_model)
print(f"mean confidence in a wrong answer: best epoch {at_best:.1%}, epoch {EPOCHS} {at_end:.1%}")
assert at_end > at_best

# %% [markdown]
# Every setting that follows trains for the full 60 epochs, so that the plots
# show whole curves. But `train(model, optimizer, stopper)` lets an
# `EarlyStopping` with the same patience watch it: the stopper sees the
# validation losses only until it says stop, as if training had stopped there.
# Its `best_loss` is the setting's **score**, the validation loss that early
# stopping would have delivered, and its `best_state` holds the weights it would
# have kept. `try_setting` does this and files the results under the setting's
# name. The network above is the first setting; its stopper is the one we just
# used.
#
# A score is not always the lowest validation loss of the 60 epochs: a lower
# minimum that comes after 10 epochs without improvement is never seen, just as
# it would not be in a real early-stopped training. Scoring every setting with
# the same rule keeps the comparison fair.

# %%
histories, stoppers, models = {}, {}, {}


def try_setting(name, model, optimizer):
    stoppers[name] = EarlyStopping(patience=PATIENCE)
    histories[name] = train(model, optimizer, stoppers[name])
    models[name] = model
    return histories[name]


histories["Adam, lr 0.002"] = baseline
stoppers["Adam, lr 0.002"] = stopper
models["Adam, lr 0.002"] = model
print(
    f"score {stopper.best_loss:.3f} (epoch {stopper.best_epoch}), "
    f"lowest of all {EPOCHS} epochs {min(baseline.val_loss):.3f}"
)

# %% [markdown]
# ## Hyperparameters
# <!-- index: hyperparameter tuning -->
#
# The weights are learnt by gradient descent, but many settings are not: the
# learning rate, the number of epochs, the batch size, the width of the layers,
# the optimizer, and the strength of the regularization methods below. These
# settings chosen before training are **hyperparameters**. The only fair way to
# choose them is to try values and compare the trainings on data the model does
# not train on: the validation set. The test set must not take part, or its
# accuracy stops being an estimate for new data. An optimizer keeps its
# hyperparameters in `param_groups`; here are those of the optimizer that trained
# the network of the overfitting section.

# %%
settings = {key: baseline_optimizer.param_groups[0][key] for key in ("lr", "betas", "weight_decay")}
print("Adam:", settings, "  batch size:", make_train_loader().batch_size, "  epochs:", EPOCHS)
assert settings["lr"] == 0.002 and settings["weight_decay"] == 0

# %% [markdown]
# ## Weight decay
# <!-- index: regularization; regularisation; L2 regularization; L2 penalty; weight_decay -->
#
# Overfitted networks tend to have large weights: large weights make sharp,
# wiggly functions that can pass through every training point. **Weight decay**
# shrinks every weight a little towards 0 at each step, by a fraction set by
# its strength $\lambda$.
#
# For plain SGD this is the same as adding a penalty for large weights to the
# loss,
#
# $$L_\text{total} = L + \frac{\lambda}{2} \sum_i w_i^2 ,$$
#
# whose gradient adds $\lambda w_i$ to the gradient of every weight. The SGD step
# becomes
#
# $$w \leftarrow w - \eta(\nabla L + \lambda w) = (1 - \eta\lambda)\,w - \eta \nabla L .$$
#
# The weight shrinks by the factor $1 - \eta\lambda$, then takes its usual step.
# The penalty is proportional to the squared L2 norm of the weights, so it is
# also called L2 regularization.
#
# With Adam the two are not the same. `torch.optim.Adam(weight_decay=λ)` adds the
# L2 penalty's $\lambda w$ to the gradient, and Adam then rescales it per weight
# like the rest of the gradient: a weight whose gradients are large is pulled
# back less. `torch.optim.AdamW` decays the weights directly instead,
# $w \leftarrow w - \eta\lambda w$, apart from Adam's step. This *decoupled*
# weight decay is the usual choice with Adam, and the one we use here.
#
# Two practical points. First, `weight_decay` applies to every parameter the
# optimizer holds, biases included, while the formula sums over weights only.
# Biases are often left out: a bias shifts a node's output and does not make the
# function steeper. An optimizer accepts a list of *parameter groups*, each a dict
# with its own settings, so `decay_groups` puts the weights in one group with
# `weight_decay` $\lambda$ and the biases in another with 0. Second, AdamW's
# $\lambda$ has to suit the number of steps: a weight shrinks by the factor
# $1 - \eta\lambda$ per step, and 60 epochs of 3 mini-batches are only 180 steps.
# With $\eta = 0.002$ the default $\lambda = 0.01$ would barely do anything here,
# so we try $\lambda = 1$ and $\lambda = 10$.


# %%
def weight_norm(model):
    return torch.cat([p.flatten() for n, p in model.named_parameters() if "weight" in n]).norm()


def decay_groups(model, strength):
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    return [{"params": weights, "weight_decay": strength}, {"params": biases, "weight_decay": 0.0}]


steps = EPOCHS * len(make_train_loader())
shrink = {strength: (1 - 0.002 * strength) ** steps for strength in (0.01, 1.0, 10.0)}
print(f"{steps} steps; a weight left alone by the gradient keeps this share of its value:")
print({strength: round(factor, 3) for strength, factor in shrink.items()})
assert steps == 180 and shrink[0.01] > 0.99 and shrink[10.0] < 0.05

decay_histories = {"no weight decay": baseline}
decay_norms = {"no weight decay": weight_norm(baseline_model).item()}
for strength in (1.0, 10.0):
    decayed = make_mlp()
    optimizer = torch.optim.AdamW(decay_groups(decayed, strength), lr=0.002)
    name = f"AdamW, λ = {strength:g}"
    decay_histories[name] = try_setting(name, decayed, optimizer)
    decay_norms[name] = weight_norm(decayed).item()
print(
    "weight decay of the two groups:", [group["weight_decay"] for group in optimizer.param_groups]
)
rows = [
    [
        name,
        f"{decay_norms[name]:.2f}",
        f"{history.train_loss[-1]:.3f}",
        f"{min(history.val_loss):.3f}",
        f"{history.val_loss[-1]:.3f}",
    ]
    for name, history in decay_histories.items()
]
headers = ["setting", "weight norm", "training loss", "lowest val. loss", "last val. loss"]
print(format_table(rows, headers))
mild, strong = decay_histories["AdamW, λ = 1"], decay_histories["AdamW, λ = 10"]
assert decay_norms["AdamW, λ = 1"] < 0.9 * decay_norms["no weight decay"]
assert mild.val_loss[-1] < baseline.val_loss[-1]
assert abs(min(mild.val_loss) - min(baseline.val_loss)) < 0.03
assert strong.train_loss[-1] > 0.2 and min(strong.val_loss) > min(baseline.val_loss) + 0.1

# %% [markdown]
# With $\lambda = 1$ the weights stay smaller and the validation loss ends lower
# than without weight decay. Its lowest value is about the same (within 0.03),
# so early stopping alone would have done about as well.
# With $\lambda = 10$ the decay wins over the data: the training loss stays high,
# the validation loss never gets close to the others, and the network underfits.

# %%
plot_histories(decay_histories, "val_loss", title="Weight decay", language="en")
plt.show()

# %% [markdown]
# ## Dropout
# <!-- index: nn.Dropout; dropout rate; randomly zeroed activations -->
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
# switch modes for you.) Five validation images show it; the test set stays
# untouched.

# %%
model = make_mlp(dropout=0.5)
images = val_set.tensors[0][:5].to(device)
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
# We train the network of the overfitting section with dropout $p = 0.5$ after
# both hidden layers. Its early-stopping score is lower than without dropout.
#
# Mind the training loss that `fit` reports: it is averaged over the epoch in
# training mode, so for this model it is the loss of randomly thinned networks,
# with dropout on. The model we keep runs in evaluation mode, with dropout off.
# Measured that way, with `evaluate` on the training set, its training loss is
# below 0.05 and less than half the reported one.

# %%
dropout_history = try_setting("dropout 0.5", model, torch.optim.Adam(model.parameters(), lr=0.002))
rows, measured = [], {}
for name, setting, trained in (
    ("without dropout", "Adam, lr 0.002", baseline_model),
    ("dropout 0.5", "dropout 0.5", model),
):
    history, stopper = histories[setting], stoppers[setting]
    measured[setting] = evaluate(trained, train_eval_loader, loss_fn=loss_fn, device=device)["loss"]
    rows.append(
        [
            name,
            f"{stopper.best_loss:.3f}",
            str(stopper.best_epoch),
            f"{history.val_accuracy[stopper.best_epoch - 1]:.1%}",
            f"{history.train_loss[-1]:.4f}",
            f"{measured[setting]:.4f}",
        ]
    )
headers = ["", "score", "at epoch", "val. accuracy", "train loss (fit)", "train loss (eval)"]
print(format_table(rows, headers))
assert stoppers["dropout 0.5"].best_loss < stoppers["Adam, lr 0.002"].best_loss
assert dropout_history.train_loss[-1] > 2 * measured["dropout 0.5"]
assert measured["dropout 0.5"] < 0.05

# %%
plot_histories(
    {"without dropout": baseline, "dropout 0.5": dropout_history},
    "val_loss",
    title="Dropout",
    language="en",
)
plt.show()

# %% [markdown]
# ## Optimizers compared
# <!-- index: Adam; momentum -->
#
# The optimizer is a hyperparameter too. Plain **SGD** takes a step against the
# gradient, $w \leftarrow w - \eta \nabla L$. **SGD with momentum** keeps a running
# sum $v$ of past gradients and steps along it, like a ball rolling downhill that
# keeps its speed through small bumps:
#
# $$v \leftarrow \mu v + \nabla L, \qquad w \leftarrow w - \eta v,$$
#
# with $\mu = 0.9$ a common choice. **Adam** (Lessons 5 and 6) also keeps a running
# average of the squared gradients and gives every weight its own step size.
#
# Each optimizer has its own good learning rate, so comparing them all at one
# learning rate would be unfair. Momentum in particular changes the scale: where
# the gradient stays about the same, $v$ grows to $\nabla L / (1 - \mu)$, so the
# steps are about $\eta / (1 - \mu)$, ten times $\eta$ for $\mu = 0.9$. We give each
# optimizer two learning rates and let the validation set pick: plain SGD gets
# 0.05 and 0.5, SGD with momentum 0.005 and 0.05 (the same two effective steps),
# and Adam 0.0005 and the 0.002 of the overfitting section. Every training starts
# from the same initial weights. The training loss is drawn on a logarithmic
# scale.

# %%
grid = (
    ("SGD", 0.0, (0.05, 0.5)),
    ("SGD + momentum 0.9", 0.9, (0.005, 0.05)),
    ("Adam", None, (0.0005, 0.002)),
)
rows, chosen = [], {}
for kind, momentum, rates in grid:
    names = []
    for lr in rates:
        name = f"{kind}, lr {lr}"
        names.append(name)
        if name not in stoppers:
            model = make_mlp()
            if momentum is None:
                optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            else:
                optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
            try_setting(name, model, optimizer)
        losses = histories[name].train_loss
        rows.append(
            [
                name,
                f"{losses[9]:.3f}",
                f"{losses[19]:.3f}",
                f"{losses[-1]:.4f}",
                f"{stoppers[name].best_loss:.3f}",
            ]
        )
    chosen[kind] = min(names, key=lambda n: stoppers[n].best_loss)
headers = ["setting", "train loss, epoch 10", "epoch 20", f"epoch {EPOCHS}", "score"]
print(format_table(rows, headers))
print("chosen:", list(chosen.values()))
slow_name = "SGD, lr 0.05"
sgd_name = "SGD, lr 0.5"
momentum_name = "SGD + momentum 0.9, lr 0.05"
sgd_slow, sgd, sgd_momentum = histories[slow_name], histories[sgd_name], histories[momentum_name]
best_scores = [stoppers[name].best_loss for name in chosen.values()]
assert chosen["SGD"] == sgd_name and chosen["SGD + momentum 0.9"] == momentum_name
assert sgd_slow.train_loss[-1] > 10 * sgd.train_loss[-1]
assert all(0.5 < sgd.train_loss[i] / sgd_momentum.train_loss[i] < 2 for i in (19, EPOCHS - 1))
assert stoppers[momentum_name].best_loss > stoppers[sgd_name].best_loss - 0.02
assert max(best_scores) - min(best_scores) < 0.15

# %% [markdown]
# Three things stand out. First, the learning rate matters more than the
# optimizer: plain SGD at 0.05 is still far from fitting the training set after
# 60 epochs (its training loss is more than ten times that of SGD at 0.5), and
# for both SGD variants the validation set picks the larger step. Second, at
# the same effective step, plain SGD at 0.5 and momentum at 0.05 train about
# equally fast (their training losses after 20 and 60 epochs are within a factor
# of 2), and momentum's score is no better. What momentum brings at the same
# effective step is mostly smoothing: it averages the gradients of successive
# mini-batches, which damps their noise and makes training more robust on
# rugged or badly scaled losses; the gain in raw speed comes from its larger
# effective step. Third, each tuned to its better learning rate, the three
# optimizers end up close: their scores differ by less than 0.15. On this small
# problem no optimizer is far ahead once each has its learning rate.

# %%
plot_histories(
    {slow_name: sgd_slow} | {name: histories[name] for name in chosen.values()},
    "train_loss",
    log_scale=True,
    title="Optimizers",
    language="en",
)
plt.show()

# %% [markdown]
# ## The choice, and the test set once
# <!-- index: model selection -->
#
# Now the validation set decides among all the settings tried above. Each has its
# score: the lowest validation loss before the same early-stopping rule (patience
# 10) would have stopped it. The lowest score wins. Its stopper already holds the
# weights of the epoch it scored, so we restore them instead of training again:
# the model measured on the test set is exactly the one that was scored. Its test
# accuracy is the number to report; the other settings never see the test set.

# %%
rows = [
    [name, f"{stopper.best_loss:.3f}", str(stopper.best_epoch)]
    for name, stopper in sorted(stoppers.items(), key=lambda item: item[1].best_loss)
]
print(format_table(rows, ["setting", "score", "at epoch"]))
choice = min(stoppers, key=lambda name: stoppers[name].best_loss)
print("choice:", choice)

model = stoppers[choice].restore(models[choice])
val_loss = evaluate(model, val_loader, loss_fn=loss_fn, device=device)["loss"]
test_accuracy = evaluate(model, test_loader, device=device)["accuracy"]
print(f"validation loss {val_loss:.3f}, test accuracy {test_accuracy:.1%}")
assert len(stoppers) == 9 and abs(val_loss - stoppers[choice].best_loss) < 1e-6
assert test_accuracy > 0.85

# %% [markdown]
# With 150 training images the network reads about nine in ten test digits
# correctly. Lesson 5 trained on 1,150 images: more data is the most reliable
# remedy for overfitting, when you can get it.
#
# ## Summary
#
# - Underfitting: the model does badly even on its training data. Overfitting:
#   the training loss keeps falling while the validation loss rises after its
#   minimum, often while the validation accuracy stays flat (the network grows
#   over-confident).
# - `EarlyStopping` keeps a copy of the best epoch's `state_dict` and restores it.
#   Score every setting with the same early-stopping rule.
# - Hyperparameters are the settings chosen before training; compare them on the
#   validation set, and use the test set once, at the end.
# - Weight decay shrinks the weights at every step. For SGD it equals an L2
#   penalty $\frac{\lambda}{2} \sum w^2$ on the loss; with Adam it does not, and
#   `AdamW` is the usual choice. Its $\lambda$ depends on the number of steps, too
#   large a $\lambda$ underfits, and parameter groups leave the biases out.
# - Dropout zeroes outputs at random during training and scales the rest by
#   $1 / (1 - p)$; `model.eval()` switches it off, which makes the outputs
#   deterministic. The training loss `fit` reports for it is measured with
#   dropout on.
# - Compare optimizers each at its own tuned learning rate. Momentum's steps are
#   about $\eta / (1 - \mu)$; at the same effective step it mainly smooths.
#
# ## Further reading
#
# - N. Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
#   Overfitting", JMLR 15 (2014).
# - I. Loshchilov and F. Hutter, "Decoupled Weight Decay Regularization" (2019),
#   on `AdamW`.
# - PyTorch documentation, `torch.optim`: https://pytorch.org/docs/stable/optim.html
# - Next lesson: a first convolutional network, a model built for images.

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **Dropout with p = 0.2.** Predict the values that `nn.Dropout(p=0.2)` gives in
#    training mode for an input of ones, and what share of them is 0. Check on
#    100,000 ones.
# 2. **The shrink factor of weight decay.** The lesson says that a weight whose
#    gradient is 0 keeps $(1 - \eta\lambda)^{\text{steps}}$ of its value. Check it: give
#    a parameter of ones to `torch.optim.AdamW` with `lr=0.002` and `weight_decay=1.0`,
#    set its gradient to 0 and take 180 steps.
# 3. **Less patience.** Without training again, find from the validation losses of
#    the network of the Overfitting section (`baseline.val_loss`) the epoch after which
#    early stopping with `patience=5` would stop, and the best epoch it would keep.
#    Check with an `EarlyStopping(patience=5)` fed the same losses.

# %% tags=["solution"]
dropout_02 = nn.Dropout(p=0.2).train()
dropped = dropout_02(torch.ones(100_000))
zero_share = (dropped == 0).float().mean().item()
print("values:", sorted(set(dropped.unique().tolist())), "  share of zeros:", round(zero_share, 4))
assert set(dropped.unique().tolist()) == {0.0, 1.25} and abs(zero_share - 0.2) < 0.01

# %% tags=["solution"]
decayed_weight = nn.Parameter(torch.ones(3))
adamw = torch.optim.AdamW([decayed_weight], lr=0.002, weight_decay=1.0)
for _ in range(180):
    decayed_weight.grad = torch.zeros(3)
    adamw.step()
predicted_share = (1 - 0.002 * 1.0) ** 180
print(f"after 180 steps: {decayed_weight[0].item():.4f}   predicted: {predicted_share:.4f}")
assert torch.allclose(decayed_weight.detach(), torch.full((3,), predicted_share), atol=1e-5)

# %% tags=["solution"]
best_5, lowest, stop_5 = 0, float("inf"), EPOCHS
for epoch, loss in enumerate(baseline.val_loss, start=1):
    if loss < lowest:
        best_5, lowest = epoch, loss
    elif epoch - best_5 >= 5:
        stop_5 = epoch
        break
impatient = EarlyStopping(patience=5)
for loss in baseline.val_loss:
    if impatient.step(loss, baseline_model):
        break
patient = stoppers["Adam, lr 0.002"]
print(f"patience 5, by hand: stops after epoch {stop_5}, keeps epoch {best_5}")
print(f"EarlyStopping(patience=5): {impatient.epochs}, {impatient.best_epoch}")
print(f"the lesson's patience {PATIENCE}: {patient.epochs}, {patient.best_epoch}")
assert (impatient.epochs, impatient.best_epoch) == (stop_5, best_5)
assert stop_5 <= patient.epochs and best_5 <= patient.best_epoch
