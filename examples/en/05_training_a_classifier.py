# %% [markdown]
# # Training a classifier end to end
#
# Time for real data. scikit-learn ships a small data set of handwritten digits:
# 1,797 grayscale images of 8×8 pixels, each labelled with the digit it shows. In
# this lesson we train a neural network to read them, and we do every step a real
# project does: look at the data, split it into training, validation and test
# parts, build a model, write the training loop by hand, then hand the same loop
# to `nnguide.fit`, and finally measure the model on images it has never seen,
# with its accuracy, a confusion matrix and the mistakes it makes. The finished
# model recognises more than 95% of the test images.
#
# **What you will learn**
#
# - how the digits data set looks, and why data are split into training,
#   validation and test sets
# - the classification training loop: logits, `nn.CrossEntropyLoss`,
#   `model.train()` and `model.eval()`, accuracy from `argmax`
# - the same loop with `nnguide.fit`, and its history as a plot
# - measuring a classifier: test accuracy, predicted probabilities, a confusion
#   matrix, and a look at the misclassified images
#
# **Prerequisites:** Lesson 1 (`MLP`), Lesson 3 (cross-entropy and logits) and
# Lesson 4 (the training loop, `DataLoader`).

# %% [markdown]
# ## Setup
#
# Besides PyTorch we import scikit-learn's data sets module to look at the raw
# data, and several `nnguide` helpers that we will meet one by one.

# %%
import matplotlib.pyplot as plt
import torch
from sklearn import datasets
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

from nnguide.data import load_digits
from nnguide.device import get_device
from nnguide.models import MLP, count_parameters
from nnguide.plotting import plot_confusion_matrix, plot_history, set_style
from nnguide.tables import format_table
from nnguide.training import confusion_matrix, evaluate, fit, predict

torch.manual_seed(0)
set_style()
device = get_device()
print("device:", device)

# %% [markdown]
# ## The digits data set
# <!-- index: load_digits; scikit-learn digits; handwritten digits -->
#
# `datasets.load_digits()` reads the data from a file inside the scikit-learn
# package; nothing is downloaded. `images` holds the 1,797 pictures as 8×8 arrays,
# `data` the same pixels flattened into rows of 64 numbers, and `target` the digit
# each picture shows. Pixels are whole numbers from 0 (white) to 16 (black). The
# ten digits are about equally common, between 174 and 183 images each.

# %%
raw = datasets.load_digits()
counts = torch.bincount(torch.as_tensor(raw.target))
print("images:", raw.images.shape, "  data:", raw.data.shape, "  target:", raw.target.shape)
print("pixel values from", raw.data.min(), "to", raw.data.max())
print("images per digit:", counts.tolist())
assert raw.images.shape == (1797, 8, 8) and raw.data.shape == (1797, 64)
assert raw.data.min() == 0 and raw.data.max() == 16
assert counts.min() == 174 and counts.max() == 183

# %% [markdown]
# ## A look at the images
# <!-- index: plot the images -->
#
# Before training anything, look at the data. Here is the first image of each
# digit. At 8×8 pixels they are coarse, but most are easy to read for a person.

# %%
fig, axes = plt.subplots(2, 5, figsize=(8, 3.6))
for digit, ax in enumerate(axes.flat):
    index = int((torch.as_tensor(raw.target) == digit).nonzero()[0])
    ax.imshow(raw.images[index], cmap="gray_r")
    ax.set_title(f"label {digit}")
    ax.axis("off")
fig.suptitle("The first image of each digit")
plt.show()

# %% [markdown]
# ## Training and test data
# <!-- index: train/test split; hold-out set; stratify -->
#
# A model is only useful if it works on data it has not seen, and the only honest
# way to measure that is to hold some data back. `nnguide.load_digits` does three
# things you would otherwise write yourself:
#
# - it turns the pixels into `float32` tensors and divides them by 16, so they lie
#   between 0 and 1 (inputs of a similar, small scale make training easier), and
#   the labels into `int64` class indices, as `nn.CrossEntropyLoss` expects;
# - it holds back 20% of the images as a **test set**, 360 of 1,797;
# - it splits **stratified**: each digit's share is the same in both parts, and
#   the split is the same on every run (it is seeded).

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=0)
train_share = torch.bincount(y_train) / len(y_train)
test_share = torch.bincount(y_test) / len(y_test)
print("X_train:", tuple(X_train.shape), X_train.dtype, "  X_test:", tuple(X_test.shape))
print("y_train:", tuple(y_train.shape), y_train.dtype, "  y_test:", tuple(y_test.shape))
print("pixel values from", X_train.min().item(), "to", X_train.max().item())
print(
    "largest difference of a digit's share between the parts:",
    round((train_share - test_share).abs().max().item(), 4),
)
assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
assert X_train.min() == 0 and X_train.max() == 1 and y_train.dtype == torch.int64
assert (train_share - test_share).abs().max() < 0.005
assert torch.equal(load_digits(test_fraction=0.2, seed=0).y_test, y_test)

# %% [markdown]
# ## A validation set
# <!-- index: dev set -->
#
# While we develop a model we compare settings and watch its progress, and each
# look at a data set influences our choices. If we chose anything by the test
# set's accuracy, that accuracy would no longer be a fair estimate for new data.
# So we split a **validation set** (also called a development or dev set) off the
# training part, 20% of it, with `torch.utils.data.random_split`, and make every
# choice with it. The test set
# decides nothing: we measure the finished model on it, and then study its errors,
# without going back to change the model.
#
# Then come the loaders from Lesson 4. The training loader shuffles with a seeded
# generator; the validation and test loaders keep a fixed order. They can also use
# larger batches: evaluation runs under `torch.no_grad()`, which records no
# computational graph, so none of the intermediate results (activations) of the
# forward pass are kept for a backward pass, and a batch needs less memory (the
# next section counts what is kept).

# %%
train_set, val_set = random_split(
    TensorDataset(X_train, y_train), [0.8, 0.2], generator=torch.Generator().manual_seed(0)
)
test_set = TensorDataset(X_test, y_test)


def make_train_loader():
    return DataLoader(
        train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0)
    )


val_loader = DataLoader(val_set, batch_size=256)
test_loader = DataLoader(test_set, batch_size=256)
print("training:", len(train_set), "  validation:", len(val_set), "  test:", len(test_set))
print("mini-batches per epoch:", len(make_train_loader()))
assert (len(train_set), len(val_set), len(test_set)) == (1150, 287, 360)
assert len(make_train_loader()) == 18

# %% [markdown]
# ## The model
# <!-- index: digit classifier -->
#
# A multilayer perceptron from Lesson 1: 64 inputs (one per pixel), a hidden layer
# of 64 nodes with ReLU, and 10 outputs, one per digit. The outputs are **logits**,
# raw scores with no softmax at the end, because `nn.CrossEntropyLoss` applies
# `log_softmax` itself (Lesson 3). The predicted digit is the index of the largest
# logit, `argmax`.
#
# The loss is the cross-entropy. For one image of class $y$ with logits
# $z_0, \dots, z_9$ it is the negative log of the probability the softmax gives the
# right class, the negative log-likelihood of that class, averaged over the batch:
#
# $$L = -\log \frac{e^{z_y}}{\sum_{j=0}^{9} e^{z_j}}$$
#
# Before training, the model is guessing. Its loss should be close to
# $\log 10 \approx 2.30$, the loss of giving every class the same probability
# $\frac{1}{10}$, and its accuracy close to one in ten. Computed under
# `torch.no_grad()`, the logits have no `grad_fn`: no graph was recorded. With
# gradients on, autograd keeps every tensor the backward pass will need (the
# inputs, weights and activations of each layer); under `no_grad` it keeps none.
# The cell counts the values it keeps for one pass over the training images.

# %%
torch.manual_seed(0)
model = MLP([64, 64, 10]).to(device)
loss_fn = nn.CrossEntropyLoss()
print(model)
print("parameters:", count_parameters(model))

inputs, targets = X_train.to(device), y_train.to(device)
with torch.no_grad():
    logits = model(inputs)
untrained_loss = loss_fn(logits, targets).item()
untrained_accuracy = (logits.argmax(dim=1) == targets).float().mean().item()
print(f"untrained: loss {untrained_loss:.3f} (log 10 = 2.303), accuracy {untrained_accuracy:.3f}")
print("graph recorded under no_grad:", logits.grad_fn is not None)
assert count_parameters(model) == 64 * 64 + 64 + 64 * 10 + 10 == 4810
assert abs(untrained_loss - 2.303) < 0.1 and 0.02 < untrained_accuracy < 0.25
assert logits.grad_fn is None and model(inputs).grad_fn is not None


def values_kept_for_backward(grad_enabled):
    kept = []

    def keep(tensor):
        kept.append(tensor.numel())
        return tensor

    hooks = torch.autograd.graph.saved_tensors_hooks(keep, lambda tensor: tensor)
    with torch.set_grad_enabled(grad_enabled), hooks:
        model(inputs)
    return sum(kept)


kept_with_grad, kept_no_grad = values_kept_for_backward(True), values_kept_for_backward(False)
print(
    f"values autograd keeps for the backward pass: {kept_with_grad:,} with gradients, "
    f"{kept_no_grad} under no_grad"
)
assert kept_with_grad > 100_000 and kept_no_grad == 0

# %% [markdown]
# ## The training loop by hand
# <!-- index: model.train; model.eval -->
#
# The loop from Lesson 4, with three additions for classification.
#
# - `model.train()` before training and `model.eval()` before measuring. Some
#   layers behave differently in the two modes (dropout, batch normalization);
#   ours has none, but switching is a habit worth having from the start.
# - Measuring runs under `torch.no_grad()`: no graph is recorded, which saves
#   memory and time. (Lesson 6 shows `torch.inference_mode`, a stricter version.)
# - Accuracy: the share of validation images whose largest logit is the right digit,
#
#   $$\text{accuracy} = \frac{\text{number of correct predictions}}{\text{number of images}}.$$
#
# The optimizer is `torch.optim.Adam`, a common first choice for classifiers. It
# keeps running averages of each parameter's gradients and squared gradients and
# scales each parameter's step by them (Lesson 6 looks inside). Ten epochs of 18
# mini-batches each are enough here.

# %%
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
train_loader = make_train_loader()
train_losses, val_accuracies, rows = [], [], []

for epoch in range(10):
    model.train()
    total_loss, seen = 0.0, 0
    for inputs, targets in train_loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(inputs)
        seen += len(inputs)
    train_losses.append(total_loss / seen)

    model.eval()
    correct = 0
    with torch.no_grad():
        for inputs, targets in val_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            correct += (model(inputs).argmax(dim=1) == targets).sum().item()
    val_accuracies.append(correct / len(val_set))
    rows.append([f"{epoch + 1}", f"{train_losses[-1]:.4f}", f"{val_accuracies[-1]:.3f}"])

print(format_table(rows, headers=["epoch", "training loss", "validation accuracy"], align=">>>"))
assert train_losses[-1] < 0.2 * train_losses[0] and val_accuracies[-1] > 0.93

# %% [markdown]
# ## The same with `fit` { #the-same-with-fit }
# <!-- index: History; plot_history -->
#
# `nnguide.fit` runs this loop, `train()`/`eval()` switches included, and evaluates
# the model on the validation data after every epoch with `nnguide.evaluate` (which, like
# our loop, runs under `torch.no_grad()`). We start again from the same initial weights and the
# same shuffling, so fit must reproduce the numbers of our loop. Its `History`
# also records the validation loss, and `plot_history` draws all three curves:
# the losses on the left axis, the validation accuracy on the right. In the first
# epoch the validation loss is lower than the training loss. That is no paradox:
# the training loss is averaged over the epoch while the model is still
# improving, and the validation loss is measured after the epoch, on the better
# model.

# %%
torch.manual_seed(0)
model = MLP([64, 64, 10])
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = fit(
    model,
    make_train_loader(),
    loss_fn=loss_fn,
    optimizer=optimizer,
    epochs=10,
    val_loader=val_loader,
    device=device,
)
print("epochs:", history.epochs)
print("training loss, fit:    ", [round(v, 3) for v in history.train_loss])
print("training loss, by hand:", [round(v, 3) for v in train_losses])
print("validation accuracy:   ", [round(v, 3) for v in history.val_accuracy])
assert torch.allclose(torch.tensor(history.train_loss), torch.tensor(train_losses), rtol=1e-4)
assert history.val_accuracy == val_accuracies
assert history.val_loss[0] < history.train_loss[0]

# %%
plot_history(history, title="Training an MLP on the digits", language="en")
plt.show()

# %% [markdown]
# ## Test accuracy
# <!-- index: nnguide.evaluate -->
#
# Training is over and the model is final, so now it meets the test set.
# `nnguide.evaluate` returns the mean loss and the accuracy on a loader. The model
# reads more than 95% of the 360 test digits correctly. The rest of the lesson
# studies these test predictions; that is fine as long as nothing in the model is
# changed because of what we see.

# %%
test_metrics = evaluate(model, test_loader, loss_fn=loss_fn, device=device)
print(f"test loss {test_metrics['loss']:.4f}   test accuracy {test_metrics['accuracy']:.1%}")
assert test_metrics["accuracy"] >= 0.95

# %% [markdown]
# ## Probabilities for one image
# <!-- index: predicted class; predicted probabilities -->
#
# The logits become probabilities with a softmax over the ten classes; they sum to
# 1, and the largest one belongs to the predicted digit. For this image the
# model is almost certain, and right. How sure it is when it is wrong, we will see
# at the end of the lesson.

# %%
model.eval()
with torch.no_grad():
    probabilities = model(X_test[:1].to(device)).softmax(dim=1)[0].cpu()
predicted = probabilities.argmax().item()
print("probabilities:", [round(p, 3) for p in probabilities.tolist()])
print(
    f"predicted digit {predicted} with probability {probabilities[predicted]:.3f}, true digit {y_test[0].item()}"
)
assert abs(probabilities.sum().item() - 1) < 1e-5
assert predicted == y_test[0].item() and probabilities[predicted] > 0.99

# %% [markdown]
# ## Confusion matrix
# <!-- index: misclassification; confused classes -->
#
# Accuracy is one number; a **confusion matrix** shows where the errors are. Entry
# (i, j) counts the test images of digit i that the model predicted as digit j, so
# the diagonal holds the correct answers and everything off the diagonal is a
# mistake. `nnguide.predict` collects predictions and true labels for a whole
# loader, and `nnguide.confusion_matrix` counts them. The diagonal's sum divided by
# all 360 images is the test accuracy again.

# %%
predictions, targets = predict(model, test_loader, device=device)
matrix = confusion_matrix(targets, predictions, num_classes=10)
mistakes = matrix.clone().fill_diagonal_(0)
true_digit, predicted_digit = divmod(mistakes.argmax().item(), 10)
print(matrix)
print("correct:", matrix.trace().item(), "of", matrix.sum().item())
print(f"most common mistake: {true_digit} read as {predicted_digit}, {mistakes.max().item()} times")
assert matrix.sum() == 360 and matrix.sum(dim=1).tolist() == torch.bincount(y_test).tolist()
assert matrix.trace().item() / 360 == test_metrics["accuracy"]

# %%
plot_confusion_matrix(matrix, title="Confusion matrix on the test set", language="en")
plt.show()

# %% [markdown]
# ## The mistakes
# <!-- index: wrong predictions -->
#
# Finally, look at the images the model got wrong, with the true digit, the
# predicted one and the probability the model gave its answer. Judge for yourself
# how many of them a person would read correctly. Note the probabilities: on the
# images it misclassified, the model was typically far less sure than on those it
# got right (compare the medians). A low top probability is a useful warning sign,
# though not a reliable one. Looking at errors like this is often the best guide to
# what to improve next: more data, a different model, or better labels. Once you
# change the model because of these test images, though, the test set has helped
# choose it, and a fair estimate needs new data that the model has never been
# tuned on.

# %%
model.eval()
with torch.no_grad():
    confidence = model(X_test.to(device)).softmax(dim=1).max(dim=1).values.cpu()
right = predictions == targets
wrong = (~right).nonzero().flatten()
print("misclassified test images:", len(wrong))
print(
    f"median probability of the answer: right {confidence[right].median():.3f}, wrong {confidence[wrong].median():.3f}"
)

fig, axes = plt.subplots(1, min(len(wrong), 10), figsize=(10, 2.4), squeeze=False)
for ax, index in zip(axes.flat, wrong.tolist(), strict=False):
    ax.imshow(X_test[index].reshape(8, 8).numpy(), cmap="gray_r")
    ax.set_title(
        f"true {targets[index].item()}\npredicted {predictions[index].item()}\n({confidence[index]:.0%})",
        fontsize=9,
    )
    ax.axis("off")
fig.suptitle("Test images the model got wrong, with its prediction", y=1.12)
plt.show()
assert len(wrong) == 360 - matrix.trace().item()
assert confidence[wrong].median() < confidence[right].median() - 0.3

# %% [markdown]
# ## Summary
#
# - The digits data set has 1,797 8×8 images of the digits 0 to 9; `load_digits`
#   returns them as scaled tensors with a stratified, seeded test split.
# - Make every choice with the validation set; measure the finished model on the
#   test set, and change nothing because of it.
# - A classifier outputs logits; `nn.CrossEntropyLoss` takes logits and class
#   indices; the prediction is the `argmax`, and a softmax turns logits into
#   probabilities.
# - Switch `model.train()` and `model.eval()`, and measure under `torch.no_grad()`,
#   which records no graph and keeps no activations.
# - `nnguide.fit` runs the same loop and returns a `History`; `plot_history` draws
#   it. `evaluate`, `predict`, `confusion_matrix` and `plot_confusion_matrix`
#   measure the result.
# - A small MLP with 4,810 parameters reaches more than 95% test accuracy after ten
#   epochs; on its mistakes it is typically much less sure than on its correct
#   answers.
#
# ## Further reading
#
# - scikit-learn, "The digits dataset":
#   https://scikit-learn.org/stable/auto_examples/datasets/plot_digits_last_image.html
# - PyTorch documentation, `torch.nn.CrossEntropyLoss`:
#   https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html
# - Next lesson: saving and loading the trained model, devices, and reproducibility.

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. **A narrower hidden layer.** Predict the number of parameters of
#    `MLP([64, 32, 10])` and check it with `count_parameters`.
# 2. **Accuracy per digit.** From the confusion matrix `matrix`, compute the accuracy
#    for each digit (the diagonal divided by the row sums). Which digit is hardest?
#    Check that these accuracies, weighted by the number of test images of each digit,
#    average to the test accuracy.
# 3. **Top-2 accuracy.** How often is the true digit among the model's two most
#    probable digits? Use `topk(2, dim=1)` on the test images' probabilities and
#    compare with the test accuracy.

# %% tags=["solution"]
counted = (64 * 32 + 32) + (32 * 10 + 10)
print("parameters by hand:", counted, "  count_parameters:", count_parameters(MLP([64, 32, 10])))
assert counted == count_parameters(MLP([64, 32, 10])) == 2410

# %% tags=["solution"]
per_digit = matrix.diagonal() / matrix.sum(dim=1)
hardest = per_digit.argmin().item()
weighted = (per_digit * matrix.sum(dim=1)).sum() / matrix.sum()
print("accuracy per digit:", [round(v, 3) for v in per_digit.tolist()])
print(f"hardest digit: {hardest} ({per_digit[hardest]:.1%})")
print(f"weighted mean {weighted:.4f}, test accuracy {test_metrics['accuracy']:.4f}")
assert per_digit.min() == per_digit[hardest] and per_digit.max() <= 1
assert abs(weighted.item() - test_metrics["accuracy"]) < 1e-6

# %% tags=["solution"]
model.eval()
with torch.no_grad():
    top2 = model(X_test.to(device)).softmax(dim=1).topk(2, dim=1).indices.cpu()
top1_accuracy = (top2[:, 0] == y_test).float().mean().item()
top2_accuracy = (top2 == y_test.unsqueeze(1)).any(dim=1).float().mean().item()
print(f"top-1 accuracy {top1_accuracy:.1%}   top-2 accuracy {top2_accuracy:.1%}")
assert abs(top1_accuracy - test_metrics["accuracy"]) < 1e-6
assert top1_accuracy <= top2_accuracy <= 1
