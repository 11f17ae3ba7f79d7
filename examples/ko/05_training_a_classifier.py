# %% [markdown]
# # 분류기를 처음부터 끝까지 학습시키기
#
# 이제 실제 데이터를 다룰 차례입니다. scikit-learn에는 손글씨 숫자를 모은 작은 데이터
# 세트가 들어 있습니다. 8×8 픽셀 흑백 이미지 1,797장이고, 이미지마다 그 이미지가
# 나타내는 숫자가 레이블로 붙어 있습니다. 이번 강의에서는 이 숫자를 읽는 신경망의 학습
# 과정을 따라가며 실제 프로젝트가 거치는 단계를 모두 밟습니다. 데이터를 살펴보고,
# 학습용·검증용·테스트용으로 나누고, 모델을 만들고, 학습 루프를 손으로 짠 다음 같은
# 루프를 `nnguide.fit`에 맡깁니다. 마지막으로 모델이 한 번도 보지 못한 이미지로 정확도와
# 혼동 행렬(confusion matrix)을 구하고, 모델이 틀린 이미지를 살펴봅니다. 완성된 모델은 테스트 이미지의 95%
# 넘게 알아봅니다.
#
# **이번 강의에서 배울 내용**
#
# - 숫자 데이터 세트의 생김새, 그리고 데이터를 학습 세트와 검증 세트(validation set),
#   테스트 세트(test set)로 나누는 이유
# - 분류의 학습 루프를 이루는 로짓, `nn.CrossEntropyLoss`, `model.train()`과
#   `model.eval()`, `argmax`로 구하는 정확도
# - 같은 루프를 `nnguide.fit`으로 실행하고 학습 기록을 그래프로 그리는 방법
# - 분류기를 평가하는 방법: 테스트 정확도, 예측 확률, 혼동 행렬, 잘못 분류한
#   이미지 살펴보기
#
# **사전 지식:** 1강의 `MLP`, 3강의 교차 엔트로피와 로짓, 4강의 학습 루프와
# `DataLoader`.

# %% [markdown]
# ## 준비 { #setup }
#
# PyTorch 말고도 원본 데이터를 살펴보려고 scikit-learn의 `datasets` 모듈을 불러오고, 이번
# 강의에서 하나씩 만나게 될 `nnguide` 도우미 함수도 몇 가지 불러옵니다.

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
print("장치:", device)

# %% [markdown]
# ## 숫자 데이터 세트 { #the-digits-data-set }
# <!-- index: load_digits; 손글씨 숫자; 사이킷런 -->
#
# `datasets.load_digits()`는 scikit-learn 패키지 안에 들어 있는 파일에서 데이터를 읽으므로
# 아무것도 내려받지 않습니다. `images`에는 이미지 1,797장이 8×8 배열로 들어 있고, `data`에는
# 같은 픽셀이 값 64개짜리 행으로 펼쳐져 있으며, `target`에는 이미지마다 나타내는 숫자가
# 들어 있습니다. 픽셀 값은 0(흰색)부터 16(검은색)까지의 정수입니다. 숫자 열 개는 거의 같은
# 비율로 들어 있어서, 숫자마다 이미지가 174장에서 183장 사이입니다.

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
# <!-- index: 이미지 보기; 시각화 -->
#
# 무엇이든 학습시키기 전에 먼저 데이터를 보세요. 숫자마다 첫 번째 이미지를 그렸습니다.
# 8×8 픽셀이라 거칠지만 대부분은 사람이 쉽게 읽을 수 있습니다.

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
# <!-- index: 데이터 분할; train/test split -->
#
# 모델은 처음 보는 데이터에서도 잘 동작해야 쓸모가 있고, 이를 공정하게 평가하려면 데이터 일부를
# 떼어 두는 수밖에 없습니다. `nnguide.load_digits`는 여러분이 직접 짜야 했을 일 세 가지를
# 대신합니다.
#
# - 픽셀을 `float32` 텐서로 바꾸고 16으로 나누어 0과 1 사이에 놓습니다. 입력의
#   범위가 작고 비슷하면 학습이 쉬워집니다. 레이블은 `nn.CrossEntropyLoss`가 받는 `int64`
#   클래스 인덱스로 바꿉니다.
# - 이미지의 20%, 곧 1,797장 가운데 360장을 **테스트 세트**로 떼어 둡니다.
# - **층화**(stratification) 방식으로 나눕니다. 숫자마다 차지하는 비율이 두 부분에서 같고,
#   시드를 고정하므로 실행할 때마다 똑같이 나뉩니다.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=0)
train_share = torch.bincount(y_train) / len(y_train)
test_share = torch.bincount(y_test) / len(y_test)
print("X_train:", tuple(X_train.shape), X_train.dtype, "  X_test:", tuple(X_test.shape))
print("y_train:", tuple(y_train.shape), y_train.dtype, "  y_test:", tuple(y_test.shape))
print("픽셀 값 범위:", X_train.min().item(), "~", X_train.max().item())
print(
    "학습/테스트 세트의 숫자별 비율 차이(최댓값):",
    round((train_share - test_share).abs().max().item(), 4),
)
assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
assert X_train.min() == 0 and X_train.max() == 1 and y_train.dtype == torch.int64
assert (train_share - test_share).abs().max() < 0.005
assert torch.equal(load_digits(test_fraction=0.2, seed=0).y_test, y_test)

# %% [markdown]
# ## 검증 세트 { #a-validation-set }
# <!-- index: 검증 데이터; 밸리데이션; validation set; 검증셋 -->
#
# 모델을 다듬는 동안에는 여러 설정을 비교하고 학습 과정을 지켜보게 되는데, 어떤 데이터를
# 들여다볼 때마다 그 결과가 선택에 영향을 줍니다. 테스트 세트의 정확도를 보고 무언가를
# 고른다면 그 정확도는 더 이상 새 데이터에서의 성능을 공정하게 어림한 값이 아닙니다.
# 그래서 `torch.utils.data.random_split`으로 학습 데이터의 20%를 **검증 세트**로 떼어 내고,
# 모든 선택은 검증 세트를 보고 합니다. 검증 세트는 개발 세트라고도 부릅니다. 테스트
# 세트로는 아무것도 정하지 않습니다. 완성된 모델을 테스트 세트로 평가하고 틀린 이미지를
# 살펴보기는 하지만, 그 결과를 보고 모델을 다시 고치지는 않습니다.
#
# 다음은 4강에서 본 로더입니다. 학습 로더는 시드를 정한 생성기로 샘플을 섞고, 검증
# 로더와 테스트 로더는 순서를 고정합니다. 평가용 로더는 배치 크기를 더 크게 잡아도
# 됩니다. 평가는 `torch.no_grad()` 안에서 하는데, 이때는 계산 그래프를 기록하지 않으므로
# 역전파에 쓸 순전파의 중간 결과(활성값)도 저장하지 않습니다. 그만큼 배치 하나에 드는
# 메모리가 적습니다(저장하는 값은 다음 절에서 세어 봅니다).

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
# <!-- index: 숫자 분류기 -->
#
# 1강에서 본 다층 퍼셉트론입니다. 입력은 픽셀마다 하나씩 64개이고, 은닉층은 ReLU를
# 쓰는 노드 64개, 출력은 숫자마다 하나씩 10개입니다. 출력은 **로짓**으로, 끝에
# 소프트맥스를 붙이지 않은 점수입니다.
# `nn.CrossEntropyLoss`가 안에서 `log_softmax`를 직접 계산하기 때문입니다(3강). 예측한
# 숫자는 가장 큰 로짓의 인덱스, 곧 `argmax`입니다.
#
# 손실은 교차 엔트로피입니다. 정답 클래스가 $y$이고 로짓이 $z_0, \dots, z_9$인 이미지
# 한 장의 손실은 소프트맥스가 정답 클래스에 준 확률에 로그를 취하고 음수를 붙인 값, 곧
# 정답 클래스의 음의 로그 가능도이며, 배치 전체에 대해 이를
# 평균합니다.
#
# $$L = -\log \frac{e^{z_y}}{\sum_{j=0}^{9} e^{z_j}}$$
#
# 학습하기 전의 모델은 찍는 것과 다름없습니다. 손실은 모든 클래스에 같은 확률
# $\frac{1}{10}$을 줄 때의 손실인 $\log 10 \approx 2.30$에 가깝고, 정확도는 10분의 1 언저리일
# 것입니다. `torch.no_grad()` 안에서 계산한 로짓에는 `grad_fn`이 없습니다. 그래프를 기록하지
# 않았다는 뜻입니다. 기울기를 켜 두면 자동 미분은 역전파에 필요한 텐서(각 계층의 입력,
# 가중치, 활성값)를 모두 보관하지만, `no_grad` 안에서는 아무것도 보관하지 않습니다. 아래
# 셀은 학습 이미지 전체를 한 번 통과시킬 때 보관하는 값의 개수를 셉니다.

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
print("no_grad 안에서 그래프를 기록했는가:", logits.grad_fn is not None)
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
    f"자동 미분이 역전파에 쓰려고 보관한 값: 기울기를 켰을 때 {kept_with_grad:,}개, "
    f"no_grad 안에서 {kept_no_grad}개"
)
assert kept_with_grad > 100_000 and kept_no_grad == 0

# %% [markdown]
# ## 손으로 짠 학습 루프 { #the-training-loop-by-hand }
# <!-- index: model.train; model.eval -->
#
# 4강의 루프에 분류를 위한 세 가지를 더합니다.
#
# - 학습 전에는 `model.train()`, 평가 전에는 `model.eval()`을 호출합니다. 두 모드에서
#   다르게 동작하는 계층이 있기 때문입니다. 드롭아웃(dropout)과 배치 정규화가 그런
#   계층입니다. 이 모델에는 그런 계층이 없지만, 모드를 바꾸는 습관은 처음부터 들여 두는
#   것이 좋습니다.
# - 평가는 `torch.no_grad()` 안에서 합니다. 그래프를 기록하지 않으므로 메모리와 시간이
#   절약됩니다. 6강에서 더 엄격한 `torch.inference_mode`를 다룹니다.
# - 정확도는 가장 큰 로짓이 정답 숫자와 같은 검증 이미지의 비율입니다.
#
#   $$\text{정확도} = \frac{\text{맞힌 이미지 수}}{\text{전체 이미지 수}}$$
#
# 옵티마이저는 분류기에 흔히 먼저 써 보는 `torch.optim.Adam`입니다. Adam은 매개변수마다
# 기울기와 기울기 제곱의 이동 평균을 유지하고, 이 값으로 걸음 크기를 매개변수마다 따로
# 조절합니다. 자세한 내용은 6강에서 들여다봅니다. 여기서는 에포크마다 미니배치 18개씩,
# 10에포크 동안 학습하면 충분합니다.

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

print(format_table(rows, headers=["에포크", "학습 손실", "검증 정확도"], align=">>>"))
assert train_losses[-1] < 0.2 * train_losses[0] and val_accuracies[-1] > 0.93

# %% [markdown]
# ## `fit`으로 같은 일 하기 { #the-same-with-fit }
# <!-- index: History; plot_history; 학습 곡선 -->
#
# `nnguide.fit`은 `train()`과 `eval()` 전환까지 포함해 이 루프를 그대로 실행하고, 에포크가
# 끝날 때마다 `nnguide.evaluate`로 검증 데이터에서 모델을 평가합니다. `evaluate`도 앞의
# 루프처럼 `torch.no_grad()` 안에서 계산합니다. 같은 초기 가중치와 같은 섞기 순서에서 다시
# 시작하므로, `fit`은 앞의 루프와 똑같은 숫자를 내야 합니다. `History`에는 검증 손실도
# 기록되고, `plot_history`는 세 곡선을 한 그림에 그립니다. 손실은 왼쪽 축, 검증 정확도는
# 오른쪽 축을 씁니다. 첫 에포크에서는 검증 손실이 학습 손실보다 낮은데, 이상한 일이
# 아닙니다. 학습 손실은 모델이 아직 나아지는 동안 에포크 전체에 걸쳐 낸 평균이고, 검증
# 손실은 에포크가 끝난 뒤 더 나아진 모델로 계산한 값이기 때문입니다.

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
# <!-- index: 정확도; accuracy -->
#
# 학습이 끝나 모델이 확정되었으니 이제 테스트 세트로 평가합니다. `nnguide.evaluate`는 로더
# 전체의 평균 손실과 정확도를 돌려줍니다. 모델은 테스트 숫자 360개 가운데 95% 넘게
# 올바르게 읽습니다. 이 강의의 나머지 절에서는 이 테스트 예측을 자세히 살펴봅니다. 살펴본
# 결과로 모델을 고치지만 않는다면 분석은 얼마든지 해도 됩니다.

# %%
test_metrics = evaluate(model, test_loader, loss_fn=loss_fn, device=device)
print(f"테스트 손실 {test_metrics['loss']:.4f}   테스트 정확도 {test_metrics['accuracy']:.1%}")
assert test_metrics["accuracy"] >= 0.95

# %% [markdown]
# ## 이미지 한 장의 확률 { #probabilities-for-one-image }
# <!-- index: 예측 확률; 예측 클래스 -->
#
# 로짓에 클래스 열 개에 걸친 소프트맥스를 적용하면 확률이 됩니다. 확률을 모두 더하면 1이고,
# 가장 큰 확률이 예측한 숫자의 확률입니다. 이 이미지에서는 모델이 거의 확신하고 있고 답도
# 맞습니다. 틀릴 때 얼마나 확신하는지는 이 강의 끝에서 봅니다.

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
# <!-- index: 오분류; 오차 행렬; 컨퓨전 매트릭스; confusion matrix; 헷갈리는 클래스 -->
#
# 정확도는 값 하나일 뿐이지만 **혼동 행렬**은 어디서 틀리는지 보여 줍니다. $(i, j)$ 칸에는
# 숫자 $i$인 테스트 이미지를 모델이 숫자 $j$로 예측한 횟수가 들어갑니다. 따라서 대각선에는
# 맞힌 답이, 대각선 밖에는 틀린 답이 놓입니다. `nnguide.predict`는 로더 전체의 예측과 실제
# 레이블을 모으고, `nnguide.confusion_matrix`는 이를 셉니다. 대각선의 합을 이미지 수 360으로
# 나누면 다시 테스트 정확도가 나옵니다.

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
# <!-- index: 오답; 잘못 분류; 실수한 이미지 -->
#
# 마지막으로 모델이 틀린 이미지를 실제 숫자, 예측한 숫자, 모델이 그 답에 준 확률과 함께
# 봅니다. 사람이라면 몇 장이나 맞게 읽을지 직접 판단해 보세요. 확률도 눈여겨보세요. 모델은
# 맞힌 이미지보다 잘못 분류한 이미지에서 대체로 훨씬 덜 확신했습니다(중앙값을 비교해
# 보세요). 가장 큰 확률이 낮으면 쓸 만한 경고 신호가 되지만, 믿을 만한 신호는 아닙니다.
# 이렇게 오류를 들여다보면 다음에 무엇을 고칠지, 곧 데이터를 늘릴지, 모델을 바꿀지, 레이블을
# 손볼지 정하는 데 큰 도움이 됩니다. 다만 이 테스트 이미지를 보고 모델을 고치면 테스트 세트가
# 모델 선택에 관여한 셈이 되므로, 공정하게 평가하려면 모델을 고칠 때 한 번도 쓰지 않은 새
# 데이터가 필요합니다.

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
fig.suptitle("모델이 잘못 분류한 테스트 이미지와 그 예측", y=1.12)
plt.show()
assert len(wrong) == 360 - matrix.trace().item()
assert confidence[wrong].median() < confidence[right].median() - 0.3

# %% [markdown]
# ## 요약 { #summary }
#
# - 숫자 데이터 세트에는 숫자 0~9를 담은 8×8 이미지 1,797장이 있습니다. `load_digits`는
#   이를 0과 1 사이로 맞춘 텐서로 돌려주고, 시드를 고정해 층화로 나눈 테스트 세트도 함께
#   줍니다.
# - 모든 선택은 검증 세트로 하고, 완성된 모델은 테스트 세트로 평가합니다. 테스트 결과를 보고
#   모델을 고치지 않습니다.
# - 분류기는 로짓을 출력합니다. `nn.CrossEntropyLoss`는 로짓과 클래스 인덱스를 받고, 예측은
#   `argmax`이며, 소프트맥스는 로짓을 확률로 바꿉니다.
# - `model.train()`과 `model.eval()`을 바꿔 가며 쓰고, 평가는 `torch.no_grad()` 안에서
#   합니다. 그러면 그래프도 활성값도 저장되지 않습니다.
# - `nnguide.fit`은 같은 루프를 실행하고 `History`를 돌려주며, `plot_history`가 이를
#   그립니다. 결과는 `evaluate`, `predict`, `confusion_matrix`, `plot_confusion_matrix`로
#   평가합니다.
# - 매개변수가 4,810개인 작은 MLP가 10에포크 만에 테스트 정확도 95%를 넘깁니다. 맞힌
#   답보다 틀린 답에서 대체로 훨씬 덜 확신합니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - scikit-learn, "The digits dataset":
#   https://scikit-learn.org/stable/auto_examples/datasets/plot_digits_last_image.html
# - PyTorch 문서, `torch.nn.CrossEntropyLoss`:
#   https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html
# - 다음 강의: 학습한 모델의 저장과 불러오기, 장치, 재현성.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **더 좁은 은닉층.** `MLP([64, 32, 10])`의 매개변수 수를 예측하고 `count_parameters`로
#    확인하세요.
# 2. **숫자별 정확도.** 혼동 행렬 `matrix`로 숫자별 정확도(대각 성분을 행의 합으로 나눈
#    값)를 구하세요. 어느 숫자가 가장 어려울까요? 숫자별 정확도를 테스트 이미지 수로
#    가중 평균하면 테스트 정확도와 같은지도 확인하세요.
# 3. **상위 2개 정확도.** 모델이 가장 높은 확률을 준 두 숫자 안에 정답이 얼마나 자주
#    들어 있을까요? 테스트 이미지의 확률에 `topk(2, dim=1)`을 써서 구하고 테스트 정확도와
#    비교하세요.

# %% tags=["solution"]
counted = (64 * 32 + 32) + (32 * 10 + 10)
print("손으로 센 매개변수 수:", counted, "  count_parameters:", count_parameters(MLP([64, 32, 10])))
assert counted == count_parameters(MLP([64, 32, 10])) == 2410

# %% tags=["solution"]
per_digit = matrix.diagonal() / matrix.sum(dim=1)
hardest = per_digit.argmin().item()
weighted = (per_digit * matrix.sum(dim=1)).sum() / matrix.sum()
print("숫자별 정확도:", [round(v, 3) for v in per_digit.tolist()])
print(f"가장 어려운 숫자: {hardest} ({per_digit[hardest]:.1%})")
print(f"가중 평균 {weighted:.4f}, 테스트 정확도 {test_metrics['accuracy']:.4f}")
assert per_digit.min() == per_digit[hardest] and per_digit.max() <= 1
assert abs(weighted.item() - test_metrics["accuracy"]) < 1e-6

# %% tags=["solution"]
model.eval()
with torch.no_grad():
    top2 = model(X_test.to(device)).softmax(dim=1).topk(2, dim=1).indices.cpu()
top1_accuracy = (top2[:, 0] == y_test).float().mean().item()
top2_accuracy = (top2 == y_test.unsqueeze(1)).any(dim=1).float().mean().item()
print(f"상위 1개 정확도 {top1_accuracy:.1%}   상위 2개 정확도 {top2_accuracy:.1%}")
assert abs(top1_accuracy - test_metrics["accuracy"]) < 1e-6
assert top1_accuracy <= top2_accuracy <= 1
