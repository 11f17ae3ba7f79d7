# %% [markdown]
# # 경사 하강법과 미니배치
#
# 3강은 내리막으로 한 걸음을 내딛는 데서 끝났습니다. 손실을 계산하고 `backward()`를
# 호출한 다음, 모든 매개변수를 기울기의 반대 방향으로 조금 옮기는 경사 하강법의 한
# 걸음이었습니다. 신경망의 학습은 이 한 걸음을 수천 번 되풀이하는 일입니다. 이번
# 강의에서는 이 되풀이, 곧 학습 루프를 직접 만듭니다. 답을 하나하나 검산할 수 있도록
# 잡음이 섞인 점 512개에 평면 하나를 맞추는 작은 문제를 씁니다. 먼저 루프를 손으로
# 짜고, 다음에는 갱신을 옵티마이저에 맡기고, 마지막으로 PyTorch의 `Dataset`과
# `DataLoader`로 데이터를 미니배치로 나누어 넣습니다. 루프가 갖춰지면 학습에서 가장
# 중요한 두 설정인 학습률과 배치 크기가 손실 곡선을 어떻게 바꾸는지 직접 볼 수
# 있습니다.
#
# **이번 강의에서 배울 내용**
#
# - 순전파, 손실 계산, `backward()`, 갱신, 기울기 초기화로 이루어진 학습 루프
# - `torch.optim.SGD`가 손으로 쓴 갱신과 똑같이 동작한다는 것
# - 전체 배치, 미니배치, 확률적 경사 하강법의 차이와 반복, 에포크의 뜻
# - `Dataset`을 직접 작성하고 `DataLoader`로 배치를 묶고 섞는 방법
# - 학습률이 너무 작거나 너무 클 때 학습이 어떻게 되는지
# - 배치 크기에 따른 갱신 횟수와 잡음의 절충 관계
# - 같은 루프를 함수 하나로 묶은 `nnguide.fit`
#
# **사전 지식:** 1강에서 다룬 `nn.Linear`와 모듈, 3강에서 다룬 손실 함수,
# `backward()`, `zero_grad()`, 경사 하강법의 한 걸음.

# %% [markdown]
# ## 준비 { #setup }
#
# 모듈을 불러오고 시드를 고정한 다음, 그림 스타일과 장치를 정합니다. 데이터는 CPU에서
# 만들기 때문에 이 페이지의 숫자는 어느 컴퓨터에서 실행해도 같습니다. 시드는 `SEED`
# 한 곳에서만 정합니다. 이번 강의는 학습률과 배치 크기를 비교하는데, 그 결론이 데이터를
# 한 번 운 좋게 뽑은 덕분이어서는 안 되기 때문입니다. (이 프로젝트의 테스트는 다른
# 시드로도 이 페이지를 다시 실행합니다.)

# %%
import math
from itertools import pairwise

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from nnguide.device import get_device
from nnguide.plotting import set_style
from nnguide.tables import format_table
from nnguide.training import fit

SEED = 0
torch.manual_seed(SEED)
set_style()
device = get_device()
print("장치:", device)

# %% [markdown]
# ## 학습할 평면 { #a-plane-to-learn }
# <!-- index: 선형 회귀 -->
#
# 답을 미리 아는 데이터를 직접 만듭니다. 샘플마다 표준 정규 분포에서 뽑은 특성 $x_1$,
# $x_2$가 있고, 목표값은 다음과 같습니다.
#
# $$y = 3x_1 - 2x_2 + 1 + \varepsilon$$
#
# 잡음 $\varepsilon$의 표준 편차는 0.1입니다. 특성이 두 개이므로 점 $(x_1, x_2, y)$는
# 직선이 아니라 3차원 공간의 평면 가까이에 모입니다. 가중치 $(3, -2)$와 편향 1을
# 알아낸 모델은 규칙을 찾은 셈입니다. 잡음은 예측할 수 없으므로 평균 제곱 오차는
# $0.1^2 = 0.01$ 근처보다 더 내려가지 않습니다(아래의 정확한 해가 닿는 값이 그 자리에
# 출력됩니다).

# %%
num_samples = 512
true_weight = torch.tensor([[3.0, -2.0]])
true_bias = torch.tensor([1.0])

X = torch.randn(num_samples, 2)
y = X @ true_weight.T + true_bias + 0.1 * torch.randn(num_samples, 1)
print("X:", tuple(X.shape), "  y:", tuple(y.shape))
print("첫 번째 샘플:", [round(v, 3) for v in X[0].tolist()], "->", round(y[0].item(), 3))
print(f"y²의 평균: {(y**2).mean().item():.2f}")
assert X.shape == (512, 2) and y.shape == (512, 1)
assert abs((y**2).mean().item() - 14) < 2

# %% [markdown]
# ## 손으로 구현하는 경사 하강법 { #gradient-descent-by-hand }
# <!-- index: 갱신 규칙; 경사하강법; SGD 직접 구현; gradient descent -->
#
# 모델은 $\hat{y} = X w^\top + b$이고, 가중치 `w`와 편향 `b`는 0에서 출발합니다. 손실은
# 샘플 $n = 512$개에 대한 평균 제곱 오차입니다.
#
# $$L = \frac{1}{n} \sum_{i=1}^{n} (\hat{y}_i - y_i)^2$$
#
# 경사 하강법의 한 걸음은 3강에서 본 것과 같습니다.
#
# 1. 순전파로 샘플 512개 전체의 예측과 손실을 계산합니다.
# 2. `loss.backward()`가 `w.grad`와 `b.grad`를 채웁니다.
# 3. 학습률 $\eta$를 곱한 만큼 기울기의 반대 방향으로 매개변수를 옮깁니다. 이 갱신은
#    모델 계산에 속하지 않으므로 `torch.no_grad()` 안에서 합니다.
#
#    $$w \leftarrow w - \eta \nabla_w L, \qquad b \leftarrow b - \eta \nabla_b L$$
#
# 4. `backward()`는 기울기를 기존 값에 더하므로 다음 걸음 전에 기울기를 초기화합니다.
#
# $\eta = 0.1$로 100번 되풀이하면서 중간중간 손실을 출력합니다. 손실은 $y^2$의 평균인
# 약 14에서 시작해 잡음 수준까지 떨어집니다.

# %%
X_device, y_device = X.to(device), y.to(device)
w = torch.zeros(1, 2, device=device, requires_grad=True)
b = torch.zeros(1, device=device, requires_grad=True)
learning_rate = 0.1
losses = []

for _ in range(100):
    loss = ((X_device @ w.T + b - y_device) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= learning_rate * w.grad
        b -= learning_rate * b.grad
    w.grad = None
    b.grad = None
    losses.append(loss.item())

for step in [0, 20, 40, 60, 80, 99]:
    print(f"반복 {step:3d}   손실 {losses[step]:8.4f}")
print("학습한 w:", [round(v, 3) for v in w[0].tolist()], "  b:", round(b.item(), 3))
assert abs(losses[0] - (y**2).mean().item()) < 1e-3 and losses[-1] < 0.015
assert torch.allclose(w.cpu(), true_weight, atol=0.02) and abs(b.item() - 1) < 0.02

# %% [markdown]
# 평면을 최소 제곱법으로 맞추는 문제에는 정확한 해가 있으므로, 경사 하강법이 찾은 답을
# 검산할 수 있습니다. `torch.linalg.lstsq`는 가중치와 편향을 한 번에 풉니다. 입력에 1로
# 채운 열을 붙이면 그 열에 곱해지는 값이 편향 역할을 합니다. 두 답은 소수점 넷째 자리까지
# 일치합니다. 작은 걸음으로 100번 내려가 바닥에 닿은 것입니다.

# %%
X_with_ones = torch.cat([X, torch.ones(num_samples, 1)], dim=1)
exact = torch.linalg.lstsq(X_with_ones, y).solution.flatten()
found = torch.cat([w.detach().flatten(), b.detach()]).cpu()
best_mse = ((X_with_ones @ exact - y.flatten()) ** 2).mean().item()
print("정확한 해:  ", [round(v, 4) for v in exact.tolist()], f"  이 해의 MSE: {best_mse:.4f}")
print("경사 하강법:", [round(v, 4) for v in found.tolist()])
assert torch.allclose(found, exact, atol=1e-4) and 0.007 < best_mse < 0.013

# %% [markdown]
# ## 옵티마이저로 쓴 같은 루프 { #the-same-loop-with-an-optimizer }
# <!-- index: torch.optim; optimizer.step; 옵티마이저 스텝; 최적화기; 옵티마이져 -->
#
# 매개변수가 많아지면 갱신을 손으로 쓰기가 번거롭고, 단순한 경사 하강법보다 나은 갱신
# 규칙도 있습니다. `torch.optim`의 옵티마이저는 처음에 모델의 매개변수를 넘겨받고, 그
# 뒤로는 `optimizer.step()`이 갱신을, `optimizer.zero_grad()`가 기울기 초기화를 맡습니다.
# 이번에는 모델로 `nn.Linear(2, 1)`을, 손실 함수로 `nn.MSELoss()`를 씁니다. 똑같이 0에서
# 출발한 `torch.optim.SGD`는 손으로 짠 루프와 같은 가중치에 도달합니다.

# %%
model = nn.Linear(2, 1).to(device)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()

for _ in range(100):
    optimizer.zero_grad()
    loss = loss_fn(model(X_device), y_device)
    loss.backward()
    optimizer.step()

print("SGD 가중치:", [round(v, 4) for v in model.weight[0].tolist()])
print("손으로:    ", [round(v, 4) for v in w[0].tolist()])
assert torch.allclose(model.weight, w, atol=1e-5) and torch.allclose(model.bias, b, atol=1e-5)

# %% [markdown]
# ## 미니배치와 에포크 { #mini-batches-and-epochs }
# <!-- index: 반복; iteration; epoch; 미니 배치; 이터레이션 -->
#
# 지금까지는 걸음마다 샘플 512개를 모두 썼습니다. 이를 **전체 배치**(full-batch) 경사
# 하강법이라고 합니다. 이미지가 백만 장인 실제 데이터 세트(data set)라면 한 걸음을 떼는
# 데도 시간이 너무 오래 걸립니다. 그래서 걸음마다 데이터에서 무작위로 고른 일부인
# **미니배치**만 쓰고, 그 기울기를 전체 기울기의 추정값으로 삼습니다. 미니배치에 든 샘플
# 수가 **배치 크기**, 한 걸음이 **반복**(iteration), 데이터 세트 전체를 한 번 훑는 것이
# **에포크**(epoch)입니다. 배치 크기가 1이면 **확률적 경사 하강법**(stochastic gradient
# descent)이라고 부릅니다. 미니배치를 쓰는 방식도 흔히
# 같은 이름, SGD로 부릅니다.
#
# 에포크를 시작할 때마다 샘플을 섞어서 에포크마다 다른 미니배치가 나오게 합니다. 손으로
# 하자면 인덱스의 무작위 순열을 만든 다음 배치 크기만큼씩 자릅니다.

# %%
batch_size = 64
permutation = torch.randperm(num_samples)
batches = [permutation[start : start + batch_size] for start in range(0, num_samples, batch_size)]
print("배치 크기 64일 때 에포크당 반복 수:", len(batches))
print("첫 번째 미니배치:", tuple(X[batches[0]].shape), tuple(y[batches[0]].shape))

kinds = [("전체 배치", 512), ("미니배치", 64), ("확률적", 1)]
rows = [[name, f"{size}", f"{math.ceil(num_samples / size)}"] for name, size in kinds]
print(format_table(rows, headers=["방식", "배치 크기", "에포크당 반복 수"]))
assert len(batches) == 8 and sorted(torch.cat(batches).tolist()) == list(range(num_samples))

# %% [markdown]
# ## 직접 만드는 `Dataset` { #a-custom-dataset }
# <!-- index: 데이터셋 클래스; 데이터셋; Dataset; __getitem__ -->
#
# PyTorch는 데이터가 *무엇인지*와 데이터를 *어떻게 내줄지*를 따로 다룹니다. `Dataset`은
# 샘플이 몇 개인지(`__len__`)와 `i`번째 샘플이 무엇인지(`__getitem__`)만 알려 주면 됩니다.
# 여기서는 메모리에 있는 텐서를 그대로 담아 두지만, 이미지 파일로 된 데이터
# 세트라면 `__getitem__`에서 파일을 하나 읽어 디코딩하게 됩니다. 이미 메모리에 있는
# 텐서라면 PyTorch가 제공하는 `TensorDataset`을 써도 됩니다.


# %%
class PlaneDataset(Dataset):
    """잡음이 섞인 평면의 샘플 (x, y)를 인덱스마다 하나씩 돌려줍니다."""

    def __init__(self, features, targets):
        self.features = features
        self.targets = targets

    def __len__(self):
        return len(self.features)

    def __getitem__(self, index):
        return self.features[index], self.targets[index]


dataset = PlaneDataset(X, y)
features, target = dataset[0]
print("len(dataset):", len(dataset))
print("dataset[0]:", [round(v, 3) for v in features.tolist()], "->", round(target.item(), 3))
assert len(dataset) == 512 and torch.equal(features, X[0])

# %% [markdown]
# ## `DataLoader` { #dataloader }
# <!-- index: 데이터로더; 셔플; 데이터 로더 -->
#
# 앞에서 손으로 한 일은 `DataLoader`로 대신할 수 있습니다. `DataLoader`는 데이터 세트에서
# 샘플을 꺼내 미니배치로 쌓고, `shuffle=True`이면 에포크마다 순서를 새로 섞습니다. 시드를
# 정한 `torch.Generator`를 넘기면 실행할 때마다 같은 순서가 나옵니다. 같은 방법으로
# 만든 로더는 같은 배치를 내줍니다. 데이터 세트 크기가
# 배치 크기로 나누어떨어지지 않으면 마지막 배치는 작아집니다. 샘플 512개를 100개씩 묶으면
# 꽉 찬 배치 다섯 개와 12개짜리 배치 하나가 됩니다.

# %%
loader = DataLoader(
    dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
)
inputs, targets = next(iter(loader))
print("에포크당 배치 수:", len(loader), "  배치 하나:", tuple(inputs.shape), tuple(targets.shape))
epoch_1 = torch.cat([batch_targets for _, batch_targets in loader])
epoch_2 = torch.cat([batch_targets for _, batch_targets in loader])
print("두 에포크의 순서가 같은가:", torch.equal(epoch_1, epoch_2))

twin = DataLoader(
    dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
)
same_run = torch.equal(next(iter(twin))[1], targets)
print("같은 시드로 만든 두 번째 로더, 첫 배치가 같은가:", same_run)

sizes = [len(batch_inputs) for batch_inputs, _ in DataLoader(dataset, batch_size=100)]
print("batch_size=100일 때 배치 크기:", sizes)
assert len(loader) == 8 and inputs.shape == (64, 2) and targets.shape == (64, 1)
assert sizes == [100, 100, 100, 100, 100, 12] and not torch.equal(epoch_1, epoch_2)
assert same_run

# %% [markdown]
# ## 학습 루프 { #the-training-loop }
# <!-- index: 트레이닝 루프 -->
#
# 이제 이후의 모든 강의에서 쓸 루프입니다. 에포크마다, 로더가 내주는 미니배치마다 배치를
# 장치로 옮긴 다음 앞의 네 단계를 밟습니다. 설정을 바꿔 가며 학습할 수 있도록 함수로
# 감쌉니다. 함수는 미니배치별 손실과 함께, 학습 전과 에포크가 끝날 때마다 데이터 세트
# 전체에서 계산한 손실도 돌려줍니다. 설정끼리 공정하게 비교하려면 뒤의 손실을 봐야 합니다.


# %%
def train(batch_size, learning_rate, epochs):
    model = nn.Linear(2, 1).to(device)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )

    def full_loss():
        with torch.no_grad():
            return loss_fn(model(X_device), y_device).item()

    batch_losses, epoch_losses = [], [full_loss()]
    for _ in range(epochs):
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        epoch_losses.append(full_loss())
    return model, batch_losses, epoch_losses


model, batch_losses, epoch_losses = train(batch_size=64, learning_rate=0.05, epochs=5)
print("반복 수:", len(batch_losses))
print("전체 데이터의 손실, 시작할 때와 매 에포크 뒤:", [round(v, 4) for v in epoch_losses])
assert len(batch_losses) == 5 * 8 and epoch_losses[-1] < 2 * best_mse

# %% [markdown]
# ## 학습률 { #the-learning-rate }
# <!-- index: learning rate; 스텝 크기; 러닝레이트; 러닝 레이트; lr; 학습 속도 -->
#
# 학습률은 한 걸음의 길이를 정합니다. 곡선이 매끄럽도록 전체 배치로(에포크마다 반복이 한
# 번입니다) 학습률 네 가지로 각각 30에포크씩 학습하고, 손실을 로그 눈금으로 그립니다.
#
# - **0.01**은 너무 작습니다. 걸음마다 올바른 방향으로 가지만 30걸음이 지나도 손실이
#   여전히 1보다 큽니다.
# - **0.1**은 잡음 수준까지 내려갑니다.
# - **0.6**은 걸음마다 바닥을 지나쳐 가중치가 양쪽을 오가지만, 오가는 폭이 줄어들어
#   손실은 계속 내려갑니다.
# - **1.2**는 너무 큽니다. 걸음마다 바로잡는 양보다 지나치는 양이 커서 손실이 끝없이
#   커집니다. 학습이 발산하는 것입니다. 처음 몇 번의 반복에서 손실이 엄청나게 커지거나
#   `nan`이 되면 거의 언제나 학습률이 너무 크다는 뜻입니다.
#
# 모든 학습이 같은 0에서 출발해 같은 데이터를 보므로, 차이는 학습률 하나뿐입니다.

# %%
learning_rates = [0.01, 0.1, 0.6, 1.2]
lr_curves = {lr: train(batch_size=512, learning_rate=lr, epochs=30)[2] for lr in learning_rates}
print(
    format_table(
        [[f"{lr}", f"{curve[-1]:.4g}"] for lr, curve in lr_curves.items()],
        headers=["학습률", "30걸음 뒤 손실"],
        align=">>",
    )
)

fig, ax = plt.subplots()
for lr, curve in lr_curves.items():
    ax.plot(curve, label=f"학습률 {lr}")
ax.set(
    yscale="log",
    ylim=(5e-3, 1e3),
    xlabel="반복 (= 에포크, 전체 배치)",
    ylabel="전체 데이터의 MSE",
)
ax.set_title("네 가지 학습률로 본 전체 배치 경사 하강법")
ax.legend()
plt.show()

assert lr_curves[0.01][-1] > 1
assert lr_curves[0.1][-1] < 1.2 * best_mse and lr_curves[0.6][-1] < 1.2 * best_mse
assert lr_curves[1.2][-1] > 1000 * lr_curves[1.2][0]
assert all(later < earlier for earlier, later in pairwise(lr_curves[0.01]))

# %% [markdown]
# 0.6에서 가중치가 왜 오가는지 보겠습니다. 학습률 0.6으로 다시 학습하면서 걸음마다 첫 번째
# 가중치를 기록해, 정확한 해에서 구한 최적값(약 3)과 비교합니다. 처음에는 최적값보다 3만큼
# 아래에 있다가 한 걸음 뒤에는 위로, 그다음 걸음에는 다시 아래로 갑니다. 차이의 부호가
# 걸음마다 바뀌면서 크기는 줄어듭니다.

# %%
model = nn.Linear(2, 1).to(device)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.6)
differences = [model.weight[0, 0].item() - exact[0].item()]
for _ in range(5):
    optimizer.zero_grad()
    loss_fn(model(X_device), y_device).backward()
    optimizer.step()
    differences.append(model.weight[0, 0].item() - exact[0].item())
print("첫 번째 가중치 - 최적값:", [round(v, 3) for v in differences])
assert all(a * b < 0 and abs(b) < abs(a) for a, b in pairwise(differences))

# %% [markdown]
# ## 배치 크기 { #the-batch-size }
# <!-- index: 배치사이즈; 배치 사이즈; batch size; batch_size -->
#
# 이번에는 학습률을 0.05로 고정하고 배치 크기를 512(전체 배치), 64, 8, 1(확률적 경사
# 하강법)로 바꿔 가며 각각 5에포크 동안 학습합니다. 배치 크기만의 효과를 보려고
# 학습률은 일부러 고정했고, 배치 크기마다 맞추지는 않았습니다. 그러니 이 비교는 어느
# 배치 크기가 가장 좋은지 가리는 시합이 아닙니다(전체 배치라도 앞에서 학습률 0.1은
# 30에포크 만에 잡음 수준에 닿았습니다). 배치 크기를 바꾸면 두 가지가 달라집니다.
#
# - **에포크당 갱신 횟수.** 배치가 작을수록 에포크당 반복이 많아져 각각 1, 8, 64,
#   512번이 됩니다. 한 에포크가 지났을 때 전체 배치 모델은 작은 걸음을 한 번 옮겼을
#   뿐이지만 나머지는 여러 번 옮겼고, 그만큼 손실도 낮습니다(왼쪽 그림).
# - **잡음.** 샘플 하나에서 계산한 손실은 그 자체가 전체 데이터의 손실을 잡음 섞어
#   어림한 값이고, 그 기울기도 마찬가지입니다. 오른쪽 그림은 그중 손실 쪽을 보여 줍니다.
#   배치 크기 1의 손실은 배치 크기 64의 미니배치 손실보다 훨씬 심하게
#   들쭉날쭉합니다(마지막 에포크의 표준 편차는 아래에 출력됩니다). 이렇게 퍼지는 까닭은
#   대부분 어림값 자체의 잡음입니다. 가중치를 정확한 해에 고정해 두어도 샘플 하나의 손실은 64개의
#   평균보다 약 $\sqrt{64} = 8$배 넓게 퍼지며, 아래 셀에서 이를 직접 계산합니다. 잡음 섞인
#   기울기의 영향은 전체 데이터의 손실에서 보입니다. 배치 크기 1은 걸음이 들쭉날쭉해서
#   바닥에 자리 잡지 못하고 그 근처를 오가며, 5에포크 뒤에는 배치 크기 8보다 조금 높은
#   손실로 끝납니다.
#
# 반복마다 순전파와 역전파를 한 번씩 해야 합니다. 한 에포크 동안 배치
# 크기 1은 샘플 하나짜리 계산을 512번 하고, 배치 크기 64는 샘플 64개를 한꺼번에 다루는
# 계산을 8번 합니다. 프로세서, 특히 GPU가 병렬로 빠르게 처리하는 쪽은 뒤의 계산입니다.
# 그래서 실제로는 샘플 수십 개에서 수백 개짜리 미니배치로 잦은 갱신과 값싸고 안정된 갱신
# 사이의 균형을 잡는 경우가 많습니다.

# %%
batch_sizes = [512, 64, 8, 1]
runs = {size: train(batch_size=size, learning_rate=0.05, epochs=5) for size in batch_sizes}
rows = [
    [f"{size}", f"{len(steps) // 5}", f"{epochs[1]:.4f}", f"{epochs[-1]:.4f}"]
    for size, (_, steps, epochs) in runs.items()
]
headers = ["배치 크기", "에포크당 반복 수", "1에포크 뒤 손실", "5에포크 뒤"]
print(format_table(rows, headers=headers, align=">>>>"))

colors = {512: "C0", 64: "C1", 8: "C2", 1: "C3"}
fig, (ax_epochs, ax_steps) = plt.subplots(1, 2, figsize=(11, 4))
for size in batch_sizes:
    ax_epochs.plot(
        range(6), runs[size][2], marker="o", color=colors[size], label=f"배치 크기 {size}"
    )
# 작은 배치를 먼저 그려서 큰 배치의 곡선이 위에 보이게 합니다.
for size in reversed(batch_sizes):
    steps = runs[size][1]
    position = [(i + 1) * 5 / len(steps) for i in range(len(steps))]
    ax_steps.plot(position, steps, color=colors[size], linewidth=0.8, label=f"배치 크기 {size}")
ax_epochs.set(yscale="log", xlabel="에포크", ylabel="전체 데이터의 MSE", title="에포크별 손실")
ax_steps.set(yscale="log", ylim=(1e-6, 1e2), xlabel="에포크", ylabel="미니배치 손실")
ax_steps.set_title("미니배치별 손실")
ax_epochs.legend()
ax_steps.legend(loc="upper right")
plt.show()

last_epoch = {size: torch.tensor(runs[size][1]).reshape(5, -1)[-1] for size in (64, 1)}
spread = {size: losses.std().item() for size, losses in last_epoch.items()}
print("마지막 에포크의 미니배치 손실이 퍼진 정도(표준 편차):")
print(f"    배치 크기 64: {spread[64]:.4f}   배치 크기 1: {spread[1]:.4f}")

# 가중치를 정확한 해에 고정했을 때, 샘플 하나의 손실과 시드를 정한 생성기로 뽑은
# 무작위 배치 2,000개(64개씩)의 손실을 비교합니다.
squared_errors = (X_with_ones @ exact - y.flatten()) ** 2
draws = torch.randint(num_samples, (2000, 64), generator=torch.Generator().manual_seed(SEED))
fixed_ratio = (squared_errors.std() / squared_errors[draws].mean(dim=1).std()).item()
print(f"가중치 고정: 샘플 하나의 손실은 64개 평균보다 {fixed_ratio:.1f}배 넓게 퍼집니다")

assert [len(runs[size][1]) // 5 for size in batch_sizes] == [1, 8, 64, 512]
assert runs[512][2][1] > runs[64][2][1] > runs[8][2][1] and runs[512][2][1] > runs[1][2][1]
assert spread[1] > 1.5 * spread[64] and 7 < fixed_ratio < 9
assert runs[1][2][-1] > runs[8][2][-1]

# %% [markdown]
# ## 도우미 함수 `fit` { #the-helper-fit }
# <!-- index: 학습 함수; fit 함수 -->
#
# 이번 강의의 루프는 거의 모든 모델에서 똑같으므로 `nnguide`에 함수로 들어 있습니다.
# `nnguide.fit(model, loader, loss_fn=..., optimizer=..., epochs=...)`은 미니배치마다
# 정확히 같은 네 단계를 밟고, 모델과 모든 배치를 `device`로 옮기며, 에포크별 평균
# 미니배치 손실을 `train_loss`에 담은 `History`를 돌려줍니다. 시작 가중치와 섞는 순서가
# 같으면 손으로 짠 루프와 숫자 하나까지 같은 결과가 나옵니다. 진행 표시줄(progress
# bar)도 보여 줄 수 있는데, 여러분이 원하거나 터미널에서 실행할 때만 나타납니다.

# %%
model = nn.Linear(2, 1)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
loader = DataLoader(
    dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
)
history = fit(model, loader, loss_fn=loss_fn, optimizer=optimizer, epochs=5, device=device)

by_hand = torch.tensor(runs[64][1]).reshape(5, 8).mean(dim=1)
print("fit, 에포크별 평균 손실:   ", [round(v, 4) for v in history.train_loss])
print("손으로, 에포크별 평균 손실:", [round(v, 4) for v in by_hand.tolist()])
assert history.epochs == 5
assert torch.allclose(torch.tensor(history.train_loss), by_hand, rtol=1e-4)

# %% [markdown]
# ## 요약 { #summary }
#
# - 학습은 순전파, 손실 계산, `backward()`, 갱신, 기울기 초기화를 되풀이하는 루프입니다.
#   손으로 짠 전체 배치 경사 하강법 100걸음이 최소 제곱법의 정확한 평면을 찾았습니다.
# - `torch.optim.SGD`는 같은 갱신을 `optimizer.step()`에서 하고, 기울기는
#   `optimizer.zero_grad()`로 초기화합니다.
# - 전체 배치 경사 하강법은 걸음마다 샘플 전체를, 확률적 경사 하강법은 샘플 하나를,
#   미니배치 방식은 그 사이의 몇 개를 씁니다. 에포크는 데이터를 한 번 다 훑는 것입니다.
# - `Dataset`은 샘플 수와 `i`번째 샘플을 알려 주고, `DataLoader`는 샘플을 배치로 묶고
#   섞습니다. 시드를 정한 생성기를 넘기면 순서가 재현됩니다.
# - 학습률이 너무 작으면 기어가듯 느리고, 알맞으면 수렴하고, 그보다 크면 오가며 수렴하고,
#   너무 크면 손실이 폭발합니다.
# - 배치가 작을수록 에포크당 갱신은 많아지고 잡음도 커집니다. 작은 배치의 손실과
#   기울기는 전체 데이터에서 구한 값을 잡음 섞어 어림한 값이기 때문입니다.
# - `nnguide.fit`은 같은 루프를 실행하고 에포크별 손실을 돌려줍니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - PyTorch 튜토리얼 "Datasets & DataLoaders":
#   https://pytorch.org/tutorials/beginner/basics/data_tutorial.html
#   (한국어판: https://tutorials.pytorch.kr/beginner/basics/data_tutorial.html)
# - PyTorch 튜토리얼 "Optimizing Model Parameters":
#   https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html
#   (한국어판: https://tutorials.pytorch.kr/beginner/basics/optimization_tutorial.html)
# - 다음 강의: 실제 손글씨 숫자로 분류기를 처음부터 끝까지 학습시킵니다.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **갱신 횟수 세기.** `batch_size=100`으로 3에포크 학습하면 `train`은 매개변수를 몇 번
#    갱신할까요? (샘플 512개는 100으로 나누어떨어지지 않습니다.) `train`이 돌려주는
#    미니배치 손실의 개수로 확인하세요.
# 2. **같은 예산으로 `momentum` 써 보기.** 학습률 0.01은 전체 배치 30걸음에 너무
#    작았습니다. 같은 학습률에 `momentum=0.9`를 준 `torch.optim.SGD`로, 가중치 0에서
#    시작해 전체 배치로 똑같이 30걸음 학습하고, 마지막 손실을 `lr_curves`에 있는
#    결과와 비교하세요. (`momentum`을 주면 걸음마다 앞선 걸음의 일부를 더합니다.
#    7강에서 자세히 설명합니다.)
# 3. **발산하지 않는 가장 큰 학습률.** 선형 모델의 평균 제곱 오차에서 전체 배치 경사
#    하강법은 학습률이 $2 / \lambda_{\max}$보다 작을 때 수렴합니다. 여기서
#    $\lambda_{\max}$는 $\frac{2}{N} X^\top X$(편향을 위한 1의 열을 붙인 `X_with_ones`)의
#    가장 큰 고윳값입니다. `torch.linalg.eigvalsh`로 이 한계를 구해 이 강의의 학습률
#    0.6과 1.2 사이에 있는지 확인하고, 한계보다 10 % 작은 학습률과 10 % 큰 학습률로
#    30걸음씩 학습해 보세요.

# %% tags=["solution"]
updates = math.ceil(num_samples / 100) * 3
_, steps_100, _ = train(batch_size=100, learning_rate=0.05, epochs=3)
print("예측:", updates, "  train이 돌려준 미니배치 손실의 개수:", len(steps_100))
assert updates == len(steps_100) == 18

# %% tags=["solution"]
model = nn.Linear(2, 1).to(device)
nn.init.zeros_(model.weight)
nn.init.zeros_(model.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
for _ in range(30):
    optimizer.zero_grad()
    loss_fn(model(X_device), y_device).backward()
    optimizer.step()
with torch.no_grad():
    with_momentum = loss_fn(model(X_device), y_device).item()
print(
    f"학습률 0.01로 30걸음 뒤의 손실: 모멘텀 없이 {lr_curves[0.01][-1]:.3f}, "
    f"모멘텀 0.9로 {with_momentum:.3f}"
)
assert with_momentum < lr_curves[0.01][-1] / 2

# %% tags=["solution"]
curvature = torch.linalg.eigvalsh(2 / num_samples * X_with_ones.T @ X_with_ones)
limit = 2 / curvature.max().item()
final = {}
for share in (0.9, 1.1):
    model = nn.Linear(2, 1).to(device)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=share * limit)
    for _ in range(30):
        optimizer.zero_grad()
        loss_fn(model(X_device), y_device).backward()
        optimizer.step()
    with torch.no_grad():
        final[share] = loss_fn(model(X_device), y_device).item()
print(f"가장 큰 고윳값 {curvature.max().item():.3f}, 한계 2/λ = {limit:.3f}")
print(
    f"30걸음 뒤의 손실: 10 % 작게 {final[0.9]:.4f}, 10 % 크게 {final[1.1]:.4g} (처음 {lr_curves[0.01][0]:.2f})"
)
assert 0.6 < limit < 1.2
assert final[0.9] < 1.2 * best_mse and final[1.1] > lr_curves[0.01][0]
