# %% [markdown]
# # 분류기를 처음부터 끝까지 학습시키기
#
# 이제 실제 데이터를 다룰 차례입니다. scikit-learn에는 손글씨 숫자 데이터 세트가
# 작게 들어 있습니다. 8×8 픽셀 흑백 이미지 1,797장이고, 이미지마다 그 이미지가
# 보여 주는 숫자가 레이블로 붙어 있습니다. 이번 강의에서는 이 숫자를 읽는
# 신경망(neural network)을 학습시키며, 실제 프로젝트가 거치는 단계를 모두
# 밟습니다. 데이터를 살펴보고, 학습·검증·테스트 데이터로 나누고, 모델(model)을
# 만들고, 학습 루프를 손으로 짠 다음 같은 루프를 `nnguide.fit`에 맡기고, 마지막으로
# 모델이 한 번도 보지 못한 이미지에서 정확도(accuracy), 혼동 행렬(confusion
# matrix), 모델이 저지른 실수를 살펴봅니다. 완성된 모델은 테스트 이미지의 95 %
# 넘게 알아봅니다.
#
# **이번 강의에서 배울 내용**
#
# - 숫자 데이터 세트의 생김새와, 데이터를 학습·검증·테스트 세트로 나누는 이유
# - 분류의 학습 루프: 로짓(logit), `nn.CrossEntropyLoss`, `model.train()`과
#   `model.eval()`, `argmax`로 구하는 정확도
# - `nnguide.fit`으로 쓴 같은 루프와, 학습 기록을 그린 그림
# - 분류기 평가: 테스트 정확도, 예측 확률(probability), 혼동 행렬, 잘못 분류한
#   이미지 살펴보기
#
# **사전 지식:** 1강(`MLP`), 3강(교차 엔트로피와 로짓), 4강(학습 루프,
# `DataLoader`).

# %% [markdown]
# ## 준비 { #setup }
#
# PyTorch와 함께, 원본 데이터를 살펴보기 위해 scikit-learn의 데이터 세트 모듈을
# 불러오고, 하나씩 만나게 될 `nnguide`의 도우미 함수 몇 가지를 불러옵니다.

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
from nnguide.training import confusion_matrix, evaluate, fit, predict

torch.manual_seed(0)
set_style()
device = get_device()
print("장치:", device)

# %% [markdown]
# ## 숫자 데이터 세트 { #the-digits-data-set }
#
# `datasets.load_digits()`는 scikit-learn 패키지 안에 든 파일에서 데이터를 읽으며,
# 아무것도 내려받지 않습니다. `images`에는 그림 1,797장이 8×8 배열로, `data`에는 같은
# 픽셀이 숫자 64개짜리 행으로 펼쳐져 있고, `target`에는 그림마다 보여 주는 숫자가
# 들어 있습니다. 픽셀 값은 0(흰색)부터 16(검은색)까지의 정수입니다. 열 개 숫자의
# 개수는 거의 같아서, 숫자마다 174장에서 183장 사이입니다.

# %%
raw = datasets.load_digits()
counts = torch.bincount(torch.as_tensor(raw.target))
print("images:", raw.images.shape, "  data:", raw.data.shape, "  target:", raw.target.shape)
print("픽셀 값 범위:", raw.data.min(), "~", raw.data.max())
print("숫자별 이미지 수:", counts.tolist())
assert raw.images.shape == (1797, 8, 8) and raw.data.shape == (1797, 64)
assert raw.data.min() == 0 and raw.data.max() == 16
assert counts.min() == 174 and counts.max() == 183

# %% [markdown]
# ## 이미지 살펴보기 { #a-look-at-the-images }
#
# 무엇이든 학습시키기 전에 데이터부터 보세요. 숫자마다 첫 번째 이미지를
# 그렸습니다. 8×8 픽셀이라 거칠지만, 대부분은 사람이 쉽게 읽을 수 있습니다.

# %%
fig, axes = plt.subplots(2, 5, figsize=(8, 3.6))
for digit, ax in enumerate(axes.flat):
    index = int((torch.as_tensor(raw.target) == digit).nonzero()[0])
    ax.imshow(raw.images[index], cmap="gray_r")
    ax.set_title(f"레이블 {digit}")
    ax.axis("off")
fig.suptitle("숫자마다 첫 번째 이미지")
plt.show()

# %% [markdown]
# ## 학습 데이터와 테스트 데이터 { #training-and-test-data }
#
# 모델은 보지 못한 데이터에서도 잘 동작해야 쓸모가 있고, 이를 정직하게 재는 방법은
# 데이터 일부를 떼어 두는 것뿐입니다. `nnguide.load_digits`는 여러분이 직접 짜야 했을
# 세 가지 일을 해 줍니다.
#
# - 픽셀을 `float32` 텐서(tensor)로 바꾸고 16으로 나누어 0과 1 사이에 놓습니다
#   (비슷하고 작은 범위의 입력이 학습을 쉽게 합니다). 레이블은
#   `nn.CrossEntropyLoss`가 기대하는 `int64` 클래스 인덱스로 바꿉니다.
# - 이미지의 20 %, 곧 1,797장 중 360장을 **테스트 세트(test set)**로 떼어 둡니다.
# - **층화(stratified)** 분할을 합니다. 숫자마다 차지하는 비율이 두 부분에서 같고,
#   시드를 쓰므로 실행할 때마다 같은 분할이 나옵니다.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=0)
train_share = torch.bincount(y_train) / len(y_train)
test_share = torch.bincount(y_test) / len(y_test)
print("X_train:", tuple(X_train.shape), X_train.dtype, "  X_test:", tuple(X_test.shape))
print("y_train:", tuple(y_train.shape), y_train.dtype, "  y_test:", tuple(y_test.shape))
print("픽셀 값 범위:", X_train.min().item(), "~", X_train.max().item())
print(
    "두 부분 사이에서 숫자별 비율이 가장 크게 다른 정도:",
    round((train_share - test_share).abs().max().item(), 4),
)
assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
assert X_train.min() == 0 and X_train.max() == 1 and y_train.dtype == torch.int64
assert (train_share - test_share).abs().max() < 0.005
assert torch.equal(load_digits(test_fraction=0.2, seed=0).y_test, y_test)

# %% [markdown]
# ## 검증 세트 { #a-validation-set }
#
# 모델을 다듬는 동안 우리는 여러 설정을 비교하고 진행 상황을 지켜보는데, 데이터
# 세트를 한 번 볼 때마다 그것이 우리의 선택에 영향을 줍니다. 테스트 세트를 계속
# 들여다보면 그 정확도는 더 이상 새 데이터에 대한 공정한 추정값이 아닙니다. 그래서
# `torch.utils.data.random_split`으로 학습 부분의 20 %를 **검증 세트(validation
# set)**로 떼어 내고, 테스트 세트는 마지막에 한 번만 봅니다.
#
# 다음은 4강의 로더입니다. 학습 로더는 시드를 정한 생성기로 섞고, 검증 로더와
# 테스트 로더는 순서를 고정합니다. 평가할 때는 기울기(gradient)를 저장하지 않으므로
# 배치를 더 크게 잡아도 됩니다.

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
print("학습:", len(train_set), "  검증:", len(val_set), "  테스트:", len(test_set))
print("에포크당 미니배치 수:", len(make_train_loader()))
assert (len(train_set), len(val_set), len(test_set)) == (1150, 287, 360)
assert len(make_train_loader()) == 18

# %% [markdown]
# ## 모델 { #the-model }
#
# 1강의 다층 퍼셉트론입니다. 입력은 픽셀마다 하나씩 64개, 은닉층(hidden layer)은
# ReLU를 쓰는 노드(node) 64개, 출력은 숫자마다 하나씩 10개입니다. 출력은 끝에
# softmax를 붙이지 않은 원시 점수인 **로짓**입니다. `nn.CrossEntropyLoss`가
# `log_softmax`를 직접 적용하기 때문입니다(3강). 예측한 숫자는 가장 큰 로짓의
# 인덱스, 곧 `argmax`입니다.
#
# 학습 전의 모델은 찍고 있는 셈입니다. 손실은 모든 클래스에 같은 확률을 줄 때의
# 손실인 log 10 ≈ 2.30에 가깝고, 정확도는 10분의 1에 가까워야 합니다.

# %%
torch.manual_seed(0)
model = MLP([64, 64, 10]).to(device)
loss_fn = nn.CrossEntropyLoss()
print(model)
print("매개변수 수:", count_parameters(model))

inputs, targets = X_train.to(device), y_train.to(device)
with torch.no_grad():
    logits = model(inputs)
untrained_loss = loss_fn(logits, targets).item()
untrained_accuracy = (logits.argmax(dim=1) == targets).float().mean().item()
print(f"학습 전: 손실 {untrained_loss:.3f} (log 10 = 2.303), 정확도 {untrained_accuracy:.3f}")
assert count_parameters(model) == 64 * 64 + 64 + 64 * 10 + 10 == 4810
assert abs(untrained_loss - 2.303) < 0.1 and untrained_accuracy < 0.25

# %% [markdown]
# ## 손으로 짠 학습 루프 { #the-training-loop-by-hand }
#
# 4강의 루프에 분류를 위한 세 가지를 더합니다.
#
# - 학습 전에는 `model.train()`, 평가 전에는 `model.eval()`을 부릅니다. 어떤
#   계층(layer)은 두 모드에서 다르게 동작합니다(드롭아웃, 배치 정규화). 우리 모델에는
#   그런 계층이 없지만, 모드 전환은 처음부터 들여 둘 만한 습관입니다.
# - 평가는 `torch.no_grad()` 안에서 합니다. 그래프를 기록하지 않으므로 메모리와
#   시간이 절약됩니다. (6강에서 더 엄격한 `torch.inference_mode`를 봅니다.)
# - 정확도: 가장 큰 로짓이 정답 숫자인 검증 이미지의 비율입니다.
#
# 옵티마이저는 `torch.optim.Adam`입니다. 학습하면서 매개변수(parameter)마다 걸음
# 크기를 조절하며, 분류기에 흔히 먼저 써 보는 옵티마이저입니다. 여기서는 미니배치
# 18개짜리 에포크(epoch) 10번이면 충분합니다.

# %%
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
train_loader = make_train_loader()
train_losses, val_accuracies = [], []

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
    print(
        f"에포크 {epoch + 1:2d}   학습 손실 {train_losses[-1]:.4f}   검증 정확도 {val_accuracies[-1]:.3f}"
    )

assert train_losses[-1] < 0.2 * train_losses[0] and val_accuracies[-1] > 0.93

# %% [markdown]
# ## fit으로 같은 일 하기 { #the-same-with-fit }
#
# `nnguide.fit`은 `train()`/`eval()` 전환까지 포함해 이 루프를 실행하고, 에포크가
# 끝날 때마다 `nnguide.evaluate`(`torch.inference_mode`를 씁니다)로 검증 로더를
# 평가합니다. 같은 초기 가중치(weight)와 같은 섞는 순서로 다시 시작하므로, fit은
# 우리 루프의 숫자를 그대로 재현해야 합니다. `History`에는 검증 손실도 기록되고,
# `plot_history`는 세 곡선을 모두 그립니다. 손실은 왼쪽 축, 검증 정확도는 오른쪽
# 축입니다. 첫 에포크에서는 검증 손실이 학습 손실보다 낮습니다. 이상한 일이
# 아닙니다. 학습 손실은 모델이 아직 나아지는 중인 에포크 동안의 평균이고, 검증
# 손실은 에포크가 끝난 뒤 더 나아진 모델로 잰 값입니다.

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
print("에포크 수:", history.epochs)
print("학습 손실, fit:  ", [round(v, 3) for v in history.train_loss])
print("학습 손실, 손으로:", [round(v, 3) for v in train_losses])
print("검증 정확도:     ", [round(v, 3) for v in history.val_accuracy])
assert torch.allclose(torch.tensor(history.train_loss), torch.tensor(train_losses), rtol=1e-4)
assert history.val_accuracy == val_accuracies
assert history.val_loss[0] < history.train_loss[0]

# %%
plot_history(history, title="숫자 데이터로 MLP 학습하기", language="ko")
plt.show()

# %% [markdown]
# ## 테스트 정확도 { #test-accuracy }
#
# 학습이 끝났으니 이제 딱 한 번 테스트 세트를 봅니다. `nnguide.evaluate`는 로더에
# 대한 평균 손실과 정확도를 돌려줍니다. 모델은 테스트 숫자 360개 중 95 % 넘게
# 올바르게 읽습니다.

# %%
test_metrics = evaluate(model, test_loader, loss_fn=loss_fn, device=device)
print(f"테스트 손실 {test_metrics['loss']:.4f}   테스트 정확도 {test_metrics['accuracy']:.1%}")
assert test_metrics["accuracy"] >= 0.95

# %% [markdown]
# ## 이미지 한 장의 확률 { #probabilities-for-one-image }
#
# 로짓에 열 개 클래스에 걸친 softmax를 적용하면 확률이 됩니다. 확률의 합은 1이고,
# 가장 큰 확률이 예측한 숫자의 것입니다. 이 이미지에 대해서는 모델이 거의 확신하며,
# 답도 맞습니다. 틀릴 때 얼마나 확신하는지는 이 강의 끝에서 봅니다.

# %%
model.eval()
with torch.no_grad():
    probabilities = model(X_test[:1].to(device)).softmax(dim=1)[0].cpu()
predicted = probabilities.argmax().item()
print("확률:", [round(p, 3) for p in probabilities.tolist()])
print(
    f"예측한 숫자 {predicted} (확률 {probabilities[predicted]:.3f}), 실제 숫자 {y_test[0].item()}"
)
assert abs(probabilities.sum().item() - 1) < 1e-5
assert predicted == y_test[0].item() and probabilities[predicted] > 0.99

# %% [markdown]
# ## 혼동 행렬 { #confusion-matrix }
#
# 정확도는 숫자 하나일 뿐이고, **혼동 행렬**은 오류가 어디서 나는지 보여 줍니다.
# (i, j) 항목은 숫자 i인 테스트 이미지를 모델이 숫자 j로 예측한 횟수입니다. 따라서
# 대각선에는 맞힌 답이, 대각선 밖에는 모두 실수가 놓입니다. `nnguide.predict`는
# 로더 전체에 대한 예측과 실제 레이블을 모으고, `nnguide.confusion_matrix`는 그것을
# 셉니다. 대각선의 합을 이미지 360장으로 나누면 다시 테스트 정확도가 나옵니다.

# %%
predictions, targets = predict(model, test_loader, device=device)
matrix = confusion_matrix(targets, predictions, num_classes=10)
mistakes = matrix.clone().fill_diagonal_(0)
true_digit, predicted_digit = divmod(mistakes.argmax().item(), 10)
print(matrix)
print("맞힌 수:", matrix.trace().item(), "/", matrix.sum().item())
print(f"가장 흔한 실수: 실제 {true_digit} → 예측 {predicted_digit}, {mistakes.max().item()}번")
assert matrix.sum() == 360 and matrix.sum(dim=1).tolist() == torch.bincount(y_test).tolist()
assert matrix.trace().item() / 360 == test_metrics["accuracy"]

# %%
plot_confusion_matrix(matrix, title="테스트 세트의 혼동 행렬", language="ko")
plt.show()

# %% [markdown]
# ## 모델의 실수 { #the-mistakes }
#
# 마지막으로 모델이 틀린 이미지를 실제 숫자, 예측한 숫자, 모델이 그 답에 준 확률과
# 함께 봅니다. 사람이라면 몇 장이나 맞게 읽을지 직접 판단해 보세요. 확률에도 눈여겨
# 보세요. 잘못 분류한 이미지에서 모델은 대체로 맞힌 이미지에서보다 훨씬 덜
# 확신했습니다(중앙값을 비교해 보세요). 가장 큰 확률이 낮다는 것은 쓸모 있는 경고
# 신호이지만 믿을 만한 신호는 아닙니다. 이렇게 오류를 들여다보는 것이 다음에 무엇을
# 고칠지(데이터를 늘릴지, 모델을 바꿀지, 레이블을 손볼지) 정하는 가장 좋은 길잡이인
# 경우가 많습니다.

# %%
model.eval()
with torch.no_grad():
    confidence = model(X_test.to(device)).softmax(dim=1).max(dim=1).values.cpu()
right = predictions == targets
wrong = (~right).nonzero().flatten()
print("잘못 분류한 테스트 이미지:", len(wrong))
print(
    f"답에 준 확률의 중앙값: 맞힌 경우 {confidence[right].median():.3f}, 틀린 경우 {confidence[wrong].median():.3f}"
)

fig, axes = plt.subplots(1, min(len(wrong), 10), figsize=(10, 2.4), squeeze=False)
for ax, index in zip(axes.flat, wrong.tolist(), strict=False):
    ax.imshow(X_test[index].reshape(8, 8).numpy(), cmap="gray_r")
    ax.set_title(
        f"실제 {targets[index].item()}\n예측 {predictions[index].item()}\n({confidence[index]:.0%})",
        fontsize=9,
    )
    ax.axis("off")
plt.show()
assert len(wrong) == 360 - matrix.trace().item()
assert confidence[wrong].median() < confidence[right].median() - 0.3

# %% [markdown]
# ## 요약 { #summary }
#
# - 숫자 데이터 세트에는 숫자 0~9를 담은 8×8 이미지 1,797장이 있습니다.
#   `load_digits`는 이를 크기를 맞춘 텐서로, 층화되고 시드가 고정된 테스트 분할과
#   함께 돌려줍니다.
# - 테스트 세트는 마지막까지 떼어 두고, 학습하는 동안에는 검증 세트를 지켜봅니다.
# - 분류기는 로짓을 출력합니다. `nn.CrossEntropyLoss`는 로짓과 클래스 인덱스를
#   받고, 예측은 `argmax`이며, softmax는 로짓을 확률로 바꿉니다.
# - `model.train()`과 `model.eval()`을 전환하고, 평가는 기울기 없이 합니다.
# - `nnguide.fit`은 같은 루프를 실행하고 `History`를 돌려주며, `plot_history`가
#   그것을 그립니다. `evaluate`, `predict`, `confusion_matrix`,
#   `plot_confusion_matrix`로 결과를 잽니다.
# - 매개변수 4,810개짜리 작은 MLP가 10 에포크 만에 테스트 정확도 95 %를 넘깁니다.
#   틀린 답에서는 맞힌 답에서보다 대체로 훨씬 덜 확신합니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - scikit-learn, "The digits dataset":
#   https://scikit-learn.org/stable/auto_examples/datasets/plot_digits_last_image.html
# - PyTorch 문서, `torch.nn.CrossEntropyLoss`:
#   https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html
# - 다음 강의: 학습한 모델의 저장과 불러오기, 장치, 재현성.
