# %% [markdown]
# # 손실 함수와 자동 미분
#
# 신경망은 손실이라는 값 하나가 작아지도록 가중치를 조금씩 바꾸면서 배웁니다.
# 그러려면 두 가지가 필요합니다. 하나는 예측이 얼마나 틀렸는지 평가하는 손실
# 함수이고, 다른 하나는 가중치를 어느 쪽으로 바꿔야 손실이 줄어드는지 알려 주는
# 기울기입니다. 이번 강의의 앞부분에서는 가장 자주 쓰는 손실 함수 세 가지, 곧 평균
# 제곱 오차, 이진 교차 엔트로피, 교차 엔트로피가 각각 무엇을 입력과 목표값으로 받고
# PyTorch가 이를 어떻게 계산하는지 봅니다. 다른 책에서는 손실 함수를 비용 함수나 목적
# 함수라고도 부릅니다. 뒷부분에서는 PyTorch의 자동 미분을 다룹니다. 자동 미분은 계산
# 과정을 그래프로 기록해 두었다가 `backward()` 한 번으로 모든 기울기를 구합니다. 그
# 답을 그냥 믿지 않고, 손으로 유도한 기울기와 유한 차분(finite difference)으로 어림한
# 값에 맞춰 확인합니다.
#
# **이번 강의에서 배울 내용**
#
# - `requires_grad`, 계산 그래프(computational graph), `backward()`, `.grad`
# - `nn.MSELoss`, `nn.BCELoss`, `nn.BCEWithLogitsLoss`, `nn.CrossEntropyLoss`를 각각
#   공식과 맞춰 보기, 그리고 각 손실이 받는 목표값의 형태
# - 손실 함수가 확률 대신 로짓을 받는 이유
# - 기울기를 손으로, 그리고 유한 차분(`gradcheck`)으로 검증하는 방법
# - 기울기가 누적되는 이유, `zero_grad()`가 하는 일, 경사 하강법의 한 걸음
#
# **사전 지식:** 1강(`nn.Linear`, 모듈), 2강(활성화 함수의 도함수, `log_softmax`,
# 그리고 이번 강의에서 자세히 다룰 자동 미분 미리 보기).

# %% [markdown]
# ## 준비 { #setup }
#
# 늘 하던 대로 필요한 모듈을 불러오고, 시드를 고정하고, 그림 스타일과 장치를
# 정합니다. 난수 텐서는 CPU에서 만든 다음 장치로 옮기므로, 어느 장치에서 실행해도
# 값이 같습니다.

# %%
import re

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from nnguide.device import get_device
from nnguide.plotting import set_style

torch.manual_seed(0)
set_style()
device = get_device()
print("장치:", device)

# %% [markdown]
# ## 기울기를 추적하는 텐서 { #tensors-that-track-gradients }
# <!-- index: 그래디언트 추적; 그레디언트; requires_grad; 잎 텐서 -->
#
# `requires_grad=True`로 텐서를 만들면 자동 미분이 그 텐서가 쓰이는 연산을 모두
# 기록합니다. 가장 작은 "모델"로 시작합니다. 가중치 $w = 3$, 편향 $b = 1$, 입력
# $x = 2$, 목표값 10이 하나씩 있습니다. 예측은 $\hat y = wx + b = 7$이고,
# 제곱 오차는 $L = (\hat y - 10)^2 = 9$입니다.
#
# 다른 텐서에서 계산되지 않고 직접 만든 텐서는 그래프의 *잎(leaf)*입니다. 기울기가
# 필요한 잎에서 계산된 텐서는 그 자신도 기울기가 필요하며, 자기를 만든 연산을
# `grad_fn`에 기억해 둡니다. 입력 `x`에는 기울기가 필요 없습니다. 데이터는 학습으로
# 바꾸는 대상이 아니기 때문입니다.

# %%
w = torch.tensor(3.0, device=device, requires_grad=True)
b = torch.tensor(1.0, device=device, requires_grad=True)
x = torch.tensor(2.0, device=device)
prediction = w * x + b
loss = (prediction - 10.0) ** 2

print(
    "requires_grad  w, x, prediction:", w.requires_grad, x.requires_grad, prediction.requires_grad
)
print("is_leaf        w, prediction:   ", w.is_leaf, prediction.is_leaf)
print("손실:", loss.item(), " loss.grad_fn:", type(loss.grad_fn).__name__)
assert loss.item() == 9.0 and prediction.requires_grad and not x.requires_grad
assert w.is_leaf and not prediction.is_leaf and w.grad_fn is None

# %% [markdown]
# ## 계산 그래프 { #the-computational-graph }
# <!-- index: grad_fn; 연산 그래프; computational graph -->
#
# `grad_fn`은 저마다 자기 입력을 만든 함수들(`next_functions`)을 가리킵니다. 그래서
# 손실에서 출발하면 그래프 전체를 거꾸로 따라갈 수 있습니다. 기울기가 필요한 잎은
# `AccumulateGrad` 노드로 나타납니다. 거슬러 온 기울기가 도착해 잎의 `.grad`에
# 저장되는 곳입니다.


# %%
def print_graph(node, depth=0):
    leaf = getattr(node, "variable", None)
    label = f" -> 잎, 값 {leaf.item()}" if leaf is not None else ""
    print("    " * depth + type(node).__name__ + label)
    for next_node, _ in node.next_functions:
        if next_node is not None:
            print_graph(next_node, depth + 1)


print_graph(loss.grad_fn)
assert type(loss.grad_fn).__name__ == "PowBackward0"

# %% [markdown]
# ## `backward()`와 `.grad` { #backward-and-grad }
# <!-- index: 역전파; 연쇄 법칙; backpropagation; 백프롭 -->
#
# `loss.backward()`는 이 그래프를 손실에서 잎까지 거슬러 가면서 노드마다 연쇄 법칙을
# 적용하고, 기울기가 필요한 모든 잎의 `.grad`에 결과를 더합니다. 이것이 역전파입니다. 같은 계산을 손으로 해 보면 연쇄 법칙에 따라
# 다음과 같습니다.
#
# $$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial \hat y} \cdot \frac{\partial \hat y}{\partial w} = 2(\hat y - 10) \cdot x = 2 \cdot (-3) \cdot 2 = -12$$
#
# $$\frac{\partial L}{\partial b} = \frac{\partial L}{\partial \hat y} \cdot \frac{\partial \hat y}{\partial b} = 2(\hat y - 10) \cdot 1 = -6$$
#
# `backward()`는 메모리를 아끼려고 그래프가 보관하던 중간값을 해제합니다. 그래서 같은
# 그래프로 `backward()`를 한 번 더 부르면 오류가 납니다.

# %%
loss.backward()
print("w.grad:", w.grad.item(), " b.grad:", b.grad.item())
assert w.grad.item() == -12.0 and b.grad.item() == -6.0

try:
    loss.backward()
except RuntimeError as error:
    message = str(error)
print("두 번째 backward():", message.split(" (")[0])
assert message.startswith("Trying to backward through the graph a second time")

# %% [markdown]
# ## 평균 제곱 오차 { #mean-squared-error }
# <!-- index: 비용 함수; 목적 함수; cost function; MSE; MSELoss; 제곱 오차 -->
#
# 값을 예측하는 회귀 문제에서는 보통 평균 제곱 오차, 줄여서 MSE를 손실로 씁니다.
#
# $$\mathrm{MSE} = \frac{1}{N} \sum_{i=1}^{N} (\hat y_i - y_i)^2$$
#
# `nn.MSELoss`는 기본적으로 모든 원소의 평균을 내고, `reduction="sum"`을 주면 평균
# 대신 합을 냅니다.

# %%
predictions = torch.tensor([2.5, 0.0, 2.0, 8.0], device=device)
targets = torch.tensor([3.0, -0.5, 2.0, 7.0], device=device)

mse = nn.MSELoss()(predictions, targets)
manual = ((predictions - targets) ** 2).mean()
total = nn.MSELoss(reduction="sum")(predictions, targets)
print(f"MSELoss: {mse.item()}   손 계산: {manual.item()}   reduction='sum': {total.item()}")
assert torch.allclose(mse, manual) and mse.item() == 0.375 and total.item() == 1.5

# %% [markdown]
# ## 이진 교차 엔트로피 { #binary-cross-entropy }
# <!-- index: BCE; BCELoss; 이진 분류 손실; 로그 손실 -->
#
# 예/아니요 문제에서 모델은 답이 "예"(목표값 1)일 확률 $p$를 내놓습니다. 이진 교차
# 엔트로피, 줄여서 BCE는 모델이 정답에 높은 확률을 줄수록 작아지는 손실입니다.
#
# $$\mathrm{BCE} = -\frac{1}{N} \sum_{i=1}^{N} \bigl[y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr]$$
#
# `nn.BCELoss`는 확률을 받으므로, 모델 끝에 `nn.Sigmoid`를 두었을 때 그 출력을
# 넘기면 됩니다. 목표값은 0과 1 사이의 실수입니다. 보통은 정확히 0.0이나 1.0이지만
# 0.7 같은 *소프트 레이블*(soft label)도 받으며, 목표값이 $y$이면 손실은 $p = y$에서 가장
# 작습니다.

# %%
probabilities = torch.tensor([0.9, 0.2, 0.6], device=device)
labels = torch.tensor([1.0, 0.0, 1.0], device=device)

bce = nn.BCELoss()(probabilities, labels)
manual = -(labels * probabilities.log() + (1 - labels) * (1 - probabilities).log()).mean()
print(f"BCELoss: {bce.item():.4f}   손 계산: {manual.item():.4f}")
assert torch.allclose(bce, manual)

candidates = torch.linspace(0.01, 0.99, 99, device=device)
soft_target = torch.full_like(candidates, 0.7)
soft_losses = nn.BCELoss(reduction="none")(candidates, soft_target)
best = candidates[soft_losses.argmin()].item()
print(f"목표값 0.7: 손실이 가장 작은 곳은 p = {best:.2f}")
assert abs(best - 0.7) < 1e-6

# %% [markdown]
# `nn.BCEWithLogitsLoss`는 시그모이드를 스스로 적용하므로 확률 대신 로짓
# $z$를 받습니다. 평범한 로짓에서는 두 손실의 값이 같습니다. 하지만 확신이 강한
# 로짓에서는 달라집니다. 로짓이 20이고 목표값이 0이면 정확한 손실은 20입니다.
# 그런데 `float32`에서는 $\sigma(20)$이 정확히 1.0으로 반올림되고 $\log(1 - 1)$은
# $-\infty$이며, `nn.BCELoss`는 로그 값을 −100에서 잘라 내므로 로짓 20에도 200에도
# 똑같이 100을 내놓습니다. `BCEWithLogitsLoss`는 $1 - p$를 아예 만들지 않도록 식을
# 다음과 같이 바꿔 계산하므로 정확한 값을 유지합니다.
#
# $$\ell(z, y) = \max(z, 0) - z y + \log\bigl(1 + e^{-|z|}\bigr)$$
#
# 그러니 `BCEWithLogitsLoss`를 쓰고, 모델 끝의 `Sigmoid`는 빼 두세요.

# %%
logits = torch.tensor([-1.0, 0.5, 5.0, 20.0, 200.0], device=device)
zeros = torch.zeros_like(logits)
with_logits = nn.BCEWithLogitsLoss(reduction="none")(logits, zeros)
from_probabilities = nn.BCELoss(reduction="none")(torch.sigmoid(logits), zeros)
rearranged = logits.clamp(min=0) - logits * zeros + torch.log1p(torch.exp(-logits.abs()))
print("로짓:                   ", logits.tolist())
print("BCEWithLogitsLoss:      ", [round(v, 4) for v in with_logits.tolist()])
print("BCELoss(sigmoid(logit)):", [round(v, 4) for v in from_probabilities.tolist()])

assert torch.allclose(with_logits, rearranged)
assert torch.allclose(with_logits[:3], from_probabilities[:3], rtol=1e-4)
assert with_logits[3:].tolist() == [20.0, 200.0]
assert from_probabilities[3:].tolist() == [100.0, 100.0]
assert torch.sigmoid(torch.tensor(20.0)).item() == 1.0

# %% [markdown]
# ## 여러 클래스의 교차 엔트로피 { #cross-entropy-for-several-classes }
# <!-- index: 음의 로그 우도; CrossEntropyLoss; 크로스 엔트로피; 다중 분류 손실; NLL -->
#
# 클래스가 $C$개이면 모델은 샘플마다 로짓 $C$개, 곧 모양이 $(N, C)$인 텐서를
# 내놓습니다. `nn.CrossEntropyLoss`는 이 로짓과 함께 목표값으로 보통 *클래스 인덱스*를
# 받습니다. 모양이 $(N,)$이고 자료형이 정수(`torch.long`)인 텐서입니다. 이 손실은 로짓에 `log_softmax`를 적용한 뒤 정답
# 클래스 $y_i$의 로그 확률에 음수를 붙여 평균을 냅니다.
#
# $$\mathrm{CE} = -\frac{1}{N} \sum_{i=1}^{N} \log p_{i, y_i}, \qquad p_{i,c} = \frac{e^{z_{i,c}}}{\sum_{k=1}^{C} e^{z_{i,k}}}$$
#
# 이 값을 음의 로그 가능도(negative log-likelihood), 줄여서 NLL이라고 합니다.
# `log_softmax`에 `F.nll_loss`를 적용한 값, 그리고 같은 계산을 손으로 풀어 쓴 값과
# 같은지 확인합니다.

# %%
logits = torch.randn(4, 3).to(device)
classes = torch.tensor([0, 2, 1, 2], device=device)

ce = nn.CrossEntropyLoss()(logits, classes)
nll = F.nll_loss(F.log_softmax(logits, dim=1), classes)
log_probs = logits - logits.logsumexp(dim=1, keepdim=True)
manual = -log_probs[torch.arange(4), classes].mean()
print("로짓:", logits.shape, logits.dtype, "  클래스 인덱스:", classes.shape, classes.dtype)
print(
    f"CrossEntropyLoss: {ce.item():.4f}   log_softmax의 NLL: {nll.item():.4f}   "
    f"손 계산: {manual.item():.4f}"
)
assert torch.allclose(ce, nll) and torch.allclose(ce, manual)

# %% [markdown]
# 목표값으로 클래스별 *확률*을 줄 수도 있습니다. 각 행의 합이 1이고 모양이 $(N, C)$인
# 실수 텐서를 넘기면 되며, PyTorch는 1.10부터 이런 목표값을 받습니다. 목표 확률이 $q$이면 손실은
# $-\frac{1}{N} \sum_i \sum_c q_{i,c} \log p_{i,c}$입니다. 정답 클래스만 1이고 나머지는
# 0인 원-핫(one-hot) 행을 주면 클래스 인덱스를 줄 때와 정확히 같은 손실이 나옵니다. 이 행을
# 조금 부드럽게 만든 것이 `label_smoothing`입니다. $\varepsilon = 0.1$이면 정답
# 클래스에는 $0.9 + 0.1/3$, 나머지 클래스에는 $0.1/3$이 돌아갑니다.

# %%
one_hot = F.one_hot(classes, num_classes=3).float()
smoothed = 0.9 * one_hot + 0.1 / 3
ce_one_hot = nn.CrossEntropyLoss()(logits, one_hot)
ce_smoothed = nn.CrossEntropyLoss()(logits, smoothed)
ce_label_smoothing = nn.CrossEntropyLoss(label_smoothing=0.1)(logits, classes)
print(f"원-핫 목표값: {ce_one_hot.item():.4f}   클래스 인덱스: {ce.item():.4f}")
print(
    f"부드럽게 만든 목표값: {ce_smoothed.item():.4f}   "
    f"label_smoothing=0.1: {ce_label_smoothing.item():.4f}"
)
assert torch.allclose(ce_one_hot, ce) and torch.allclose(ce_smoothed, ce_label_smoothing)

# %% [markdown]
# 기억해 둘 만한 값이 두 개 있습니다. 아무것도 배우지 않은 모델은 모든 클래스에
# 같은 확률 $1/C$를 주고, 그 손실은 $\log C$입니다(여기서는 $\log 3 \approx 1.0986$).
# 막 초기화한 분류 모델의 손실은 이 값 근처에서 시작한다고 보면 됩니다. 또 하나는
# 흔한 실수와 관련된 값입니다. 모델 끝에 `Softmax`를 두고 *동시에*
# `nn.CrossEntropyLoss`를 쓰면 소프트맥스가 두 번 적용되어 손실이 엉뚱한
# 값이 됩니다. 더 나쁜 점은 손실이 더는 0에 닿지 못한다는 것입니다. 확률은 0과 1
# 사이에 있으므로, 완벽하게 확신하며 정답을 맞히는 모델도 클래스가 세 개이면 손실이
# $-\log \frac{e}{e + 2} \approx 0.5514$ 아래로 내려가지 않습니다. 로짓을 넘기면
# 손실은 0에 가까워집니다. 소프트맥스는 모델에 넣지 말고, 확률을 읽을 때만 적용하세요.

# %%
uniform = nn.CrossEntropyLoss()(torch.zeros(4, 3, device=device), classes)
double_softmax = nn.CrossEntropyLoss()(torch.softmax(logits, dim=1), classes)
print(f"모두 같은 로짓: {uniform.item():.4f}   log(3): {torch.tensor(3.0).log().item():.4f}")
print(f"소프트맥스 두 번 적용: {double_softmax.item():.4f}   올바른 값: {ce.item():.4f}")
assert torch.isclose(uniform.cpu(), torch.tensor(3.0).log())
assert not torch.isclose(double_softmax, ce, atol=1e-2)

perfect = 100 * F.one_hot(classes, num_classes=3).float()
best_ce = nn.CrossEntropyLoss()(perfect, classes)
best_double = nn.CrossEntropyLoss()(torch.softmax(perfect, dim=1), classes)
print(f"완벽한 로짓: {best_ce.item():.4f}   여기에 소프트맥스를 씌우면: {best_double.item():.4f}")
assert best_ce.item() < 1e-6 and abs(best_double.item() - 0.5514) < 1e-4

# %% [markdown]
# ## 확률 출력에는 MSE일까 BCE일까 { #mse-or-bce-for-a-probability }
# <!-- index: 손실 함수 고르기; MSE vs BCE -->
#
# 시그모이드 출력을 MSE로 학습시키는 것도 가능은 합니다. 그런데도 BCE를 쓰는 데는
# 이유가 있습니다. 왼쪽 그림은 목표값이 1일 때 예측 확률 $p$가 0에서 1로 움직이는
# 동안 두 손실이 어떻게 변하는지 보여 줍니다. MSE인
# $(1 - p)^2$은 모델이 완전히 틀려도 1을 넘지 않지만, BCE인 $-\log p$는 한없이
# 커집니다. 오른쪽 그림은 학습에 실제로 중요한 값, 곧 로짓 $z$에 대한 기울기를
# 보여 줍니다. $p = \sigma(z)$이므로 두 기울기는 다음과 같습니다.
#
# $$\frac{\partial}{\partial z}\bigl(-\log p\bigr) = p - 1, \qquad \frac{\partial}{\partial z}(1 - p)^2 = -2(1 - p)\,\sigma'(z)$$
#
# BCE의 기울기는 모델이 확신에 차서 틀릴 때 −1에 가깝습니다. MSE의 기울기에는
# $\sigma'(z)$라는 인수가 더 붙는데, 2강에서 보았듯 이 인수는 $|z|$가 크면 아주
# 작습니다. $z = -10$에서 MSE의 기울기는 $10^{-3}$보다 작아서, 모델은 가장 크게 틀린
# 예에서 거의 배우지 못합니다.

# %%
z = torch.linspace(-10, 10, 401, device=device, requires_grad=True)
p = torch.sigmoid(z)
ones = torch.ones_like(z)
mse_curve = F.mse_loss(p, ones, reduction="none")
bce_curve = F.binary_cross_entropy_with_logits(z, ones, reduction="none")
(mse_slope,) = torch.autograd.grad(mse_curve.sum(), z)
(bce_slope,) = torch.autograd.grad(bce_curve.sum(), z)

print(
    f"z = -10 (p = {p[0].item():.1e}):  MSE {mse_curve[0].item():.4f}, "
    f"BCE {bce_curve[0].item():.4f}; 기울기 MSE {mse_slope[0].item():.1e}, "
    f"BCE {bce_slope[0].item():.4f}"
)
assert mse_curve.max() <= 1.0 and bce_curve[0] > 9.9
assert abs(bce_slope[0].item() + 1) < 1e-3 and abs(mse_slope[0].item()) < 1e-3
assert torch.allclose(bce_slope, p.detach() - 1, atol=1e-6)
sigmoid_slope = (p * (1 - p)).detach()
assert torch.allclose(mse_slope, -2 * (1 - p.detach()) * sigmoid_slope, atol=1e-6)

# %%
fig, (ax_loss, ax_slope) = plt.subplots(1, 2, figsize=(10, 4))
p_cpu, z_cpu = p.detach().cpu(), z.detach().cpu()
ax_loss.plot(p_cpu, mse_curve.detach().cpu(), label="MSE  (1 - p)²")
ax_loss.plot(p_cpu, bce_curve.detach().cpu(), label="BCE  -log p")
ax_loss.set(title="목표값이 1일 때의 손실", xlabel="예측 확률 p", ylabel="손실", ylim=(0, 5))
ax_slope.plot(z_cpu, mse_slope.cpu(), label="MSE")
ax_slope.plot(z_cpu, bce_slope.cpu(), label="BCE")
ax_slope.set(title="로짓에 대한 기울기", xlabel="로짓 z", ylabel="손실의 기울기")
ax_loss.legend()
ax_slope.legend()
plt.show()

# %% [markdown]
# ## 손으로 기울기 확인하기 { #checking-a-gradient-by-hand }
# <!-- index: 기울기 검증; 직접 미분 -->
#
# 이번에는 실제 계층으로 확인합니다. `nn.Linear(3, 1)`이 샘플 $N = 8$개에 대해
# $\hat y_i = x_i W^\top + b$를 예측합니다. 여기서 $x_i$는 입력 행렬 $X$의 $i$번째
# 행입니다. 손실은 MSE인 $L = \frac{1}{N} \sum_i (\hat y_i - y_i)^2$이고, 연쇄 법칙을
# 적용하면 다음 식을 얻습니다.
#
# $$\frac{\partial L}{\partial W} = \frac{2}{N} \sum_{i=1}^{N} (\hat y_i - y_i)\, x_i = \frac{2}{N} (\hat Y - Y)^\top X, \qquad \frac{\partial L}{\partial b} = \frac{2}{N} \sum_{i=1}^{N} (\hat y_i - y_i)$$
#
# 두 기울기의 모양은 각각 가중치와 같은 (1, 3), 편향과 같은 (1,)입니다. 두 식을 텐서
# 연산 몇 줄로 계산해, `backward()`가 `layer.weight.grad`와 `layer.bias.grad`에 저장한
# 값과 비교합니다.

# %%
torch.manual_seed(0)
layer = nn.Linear(3, 1).to(device)
inputs = torch.randn(8, 3).to(device)
outputs = torch.randn(8, 1).to(device)

loss = F.mse_loss(layer(inputs), outputs)
loss.backward()

with torch.no_grad():
    error = layer(inputs) - outputs
    grad_w = 2 / len(inputs) * error.T @ inputs
    grad_b = 2 / len(inputs) * error.sum(dim=0)
print("자동 미분 dL/dW:", [round(v, 5) for v in layer.weight.grad.flatten().tolist()])
print("손 계산   dL/dW:", [round(v, 5) for v in grad_w.flatten().tolist()])
print("자동 미분 dL/db:", round(layer.bias.grad.item(), 5), "  손 계산:", round(grad_b.item(), 5))
assert grad_w.shape == layer.weight.shape and grad_b.shape == layer.bias.shape
assert torch.allclose(layer.weight.grad, grad_w) and torch.allclose(layer.bias.grad, grad_b)

# %% [markdown]
# ## 유한 차분 { #finite-differences }
# <!-- index: 수치 미분; gradcheck -->
#
# 도함수는 할선 기울기의 극한이므로, 미분 공식을 쓰지 않고도 어림할 수 있습니다.
# 가중치 하나를 작은 $h$만큼 양쪽으로 움직여 보고 손실이 얼마나 변하는지 계산하면
# 됩니다.
#
# $$\frac{\partial L}{\partial w} \approx \frac{L(w + h) - L(w - h)}{2h}$$
#
# 유한 차분 가운데서도 이렇게 양쪽으로 움직여 보는 방식을 *중앙 차분*(central
# difference)이라고 합니다. 중앙 차분을 제대로 계산하려면 `float64`가 필요합니다.
# `float32`는 1.2 근처의 손실을 약 $1.2 \times 10^{-7}$ 간격으로만 나타낼 수 있어서,
# $h = 10^{-6}$이면 어림값도 약 0.06 간격으로만 움직입니다. 아래에 출력되는 `float32`
# 값이 둘째 자리에서부터 틀리는 까닭입니다. 이 확인은 CPU에서 합니다. CPU는 어디서나
# `float64`를 지원하지만, Apple의 MPS는 지원하지 않습니다.
#
# `torch.autograd.gradcheck`는 같은 검사를 함수의 모든 입력에 대해 자동으로 하고,
# 자동 미분과 유한 차분이 일치하면 `True`를 돌려줍니다.


# %%
def mse_of_linear(weight, bias):
    x, y = inputs.cpu().to(weight.dtype), outputs.cpu().to(weight.dtype)
    return F.mse_loss(x @ weight.T + bias, y)


def central_difference(weight, bias, j, h=1e-6):
    step = torch.zeros_like(weight)
    step[0, j] = h
    return (mse_of_linear(weight + step, bias) - mse_of_linear(weight - step, bias)) / (2 * h)


weight64 = layer.weight.detach().cpu().double().requires_grad_()
bias64 = layer.bias.detach().cpu().double().requires_grad_()
mse_of_linear(weight64, bias64).backward()
with torch.no_grad():
    numeric = torch.stack([central_difference(weight64, bias64, j) for j in range(3)])
    numeric32 = central_difference(weight64.float(), bias64.float(), 0)
print("자동 미분:              ", [round(v, 8) for v in weight64.grad[0].tolist()])
print("중앙 차분:              ", [round(v, 8) for v in numeric.tolist()])
print("float32, 첫 번째 가중치:", round(numeric32.item(), 8))
passed = torch.autograd.gradcheck(mse_of_linear, (weight64, bias64))
print("gradcheck:", passed)
assert torch.allclose(numeric, weight64.grad[0], atol=1e-8) and passed
assert 1.15 < loss.item() < 1.25
assert abs(numeric32.item() - weight64.grad[0, 0].item()) > 1e-2

spacing = torch.finfo(torch.float32).eps  # [1, 2) 구간에서 float32 값 사이의 간격
print(
    f"1.2 근처의 float32 값 간격: {spacing:.2e}, 그래서 어림값이 움직이는 간격: {spacing / 2e-6:.3f}"
)
assert abs(spacing / 2e-6 - 0.06) < 1e-3

# %% [markdown]
# 둘이 일치하지 않을 때 `gradcheck`는 기본적으로 `False`를 돌려주지 않고
# `GradcheckError`를 일으키며, 오류 메시지에 두 가지 도함수를 모두 보여 줍니다.
# `raise_exception=False`를 주면 그때는 `False`를 돌려줍니다. 아래에서는 일부러
# 심어 둔 버그를 잡아냅니다. `w * w.detach()`의 값은 $w^2$이지만, `.detach()`가 한쪽
# 인수를 자동 미분에서 숨기기 때문에 자동 미분은 도함수를 $2w$가 아닌 $w$로
# 계산합니다. $w = (1.5, -2)$일 때 메시지에 찍힌 두 행렬의 대각선을 보면 유한 차분은
# $2w = (3, -4)$, 자동 미분은 $(1.5, -2)$입니다.


# %%
def square_with_a_bug(w):
    return w * w.detach()


w_check = torch.tensor([1.5, -2.0], dtype=torch.float64, requires_grad=True)
try:
    torch.autograd.gradcheck(square_with_a_bug, (w_check,))
    raised = None
except RuntimeError as error:
    raised = type(error).__name__
    gradcheck_message = str(error)
    print(raised + ":", error)
assert raised == "GradcheckError"
numbers = [float(v) for v in re.findall(r"-?\d+\.\d+", gradcheck_message)]
assert [numbers[0], numbers[3]] == [3.0, -4.0] and [numbers[4], numbers[7]] == [1.5, -2.0]
returned = torch.autograd.gradcheck(square_with_a_bug, (w_check,), raise_exception=False)
print("raise_exception=False일 때:", returned)
assert returned is False

# %% [markdown]
# ## 기울기는 누적됩니다 { #gradients-accumulate }
# <!-- index: zero_grad; 기울기 초기화; 그래디언트 누적 -->
#
# `backward()`는 `.grad`를 덮어쓰지 않고 *더합니다*. 기울기를 초기화하지 않고 두 번 부르면
# 기울기가 두 배가 됩니다. 그래서 학습의 각 단계는 `zero_grad()`로 시작합니다. 모델에서
# 부르든 옵티마이저에서 부르든, 이 함수는 기본적으로 각 `.grad`를 `None`으로
# 되돌립니다.
#
# 누적을 일부러 이용할 수도 있습니다. 배치 하나가 메모리에 다 들어가지 않으면 배치를
# 나누고, 각 조각의 손실에 그 조각이 배치에서 차지하는 비율을 곱해 `backward()`를
# 부릅니다. 이렇게 더해진 기울기는 전체 배치의 기울기와 같습니다. 절반 두 개로
# 나누었다면 $L = \frac{1}{2} L_1 + \frac{1}{2} L_2$입니다.

# %%
full_grad = layer.weight.grad.clone()
F.mse_loss(layer(inputs), outputs).backward()
print(
    "backward()를 한 번 더 부른 뒤, 기울기 / 처음 기울기:", (layer.weight.grad / full_grad).tolist()
)
assert torch.allclose(layer.weight.grad, 2 * full_grad)

layer.zero_grad()
print("zero_grad() 뒤:", layer.weight.grad)
assert layer.weight.grad is None

for part_inputs, part_outputs in zip(inputs.split(4), outputs.split(4), strict=True):
    (F.mse_loss(layer(part_inputs), part_outputs) / 2).backward()
print(
    "절반 두 개를 누적한 기울기 = 전체 배치의 기울기:", torch.allclose(layer.weight.grad, full_grad)
)
assert torch.allclose(layer.weight.grad, full_grad)

# %% [markdown]
# ## 내리막으로 한 걸음 { #one-step-downhill }
# <!-- index: 경사 하강 한 단계 -->
#
# 기울기는 손실이 가장 빠르게 커지는 방향을 가리키므로, 그 반대 방향으로 조금
# 움직이면 손실이 작아집니다. 학습률(learning rate)이 $\eta$일 때 경사 하강법의 한
# 걸음은 다음과 같습니다.
#
# $$w \leftarrow w - \eta \, \frac{\partial L}{\partial w}$$
#
# 이 갱신 자체는 모델의 계산이 아니므로 `torch.no_grad()` 안에서 합니다.
# 다음 강의에서는 이 한 걸음을 되풀이하는 학습 루프(training loop)를 만듭니다.

# %%
learning_rate = 0.1
before = F.mse_loss(layer(inputs), outputs).item()
with torch.no_grad():
    for parameter in layer.parameters():
        parameter -= learning_rate * parameter.grad
after = F.mse_loss(layer(inputs), outputs).item()
print(f"한 걸음 전 손실: {before:.4f}   후: {after:.4f}")
assert after < before

# %% [markdown]
# ## 요약 { #summary }
#
# - `requires_grad=True`인 텐서를 쓰면 자동 미분이 `grad_fn` 노드로 된 그래프를
#   기록합니다. `backward()`는 이 그래프를 손실에서 잎까지 거슬러 가며 기울기를
#   `.grad`에 저장합니다.
# - `nn.MSELoss`는 제곱 오차의 평균입니다. `nn.BCELoss`는 확률과 $[0, 1]$ 범위의
#   목표값을 받으며 소프트 레이블도 받습니다. `nn.BCEWithLogitsLoss`는 로짓을 받아 큰
#   로짓에서도 정확합니다. `nn.CrossEntropyLoss`는 $(N, C)$ 로짓과 함께 보통 $(N,)$
#   클래스 인덱스를, 때로는 $(N, C)$ 클래스 확률을 받으며, `log_softmax`의 NLL과
#   같습니다. 학습 전 분류 모델의 손실은 $\log C$ 근처에서 시작합니다.
# - 시그모이드 출력에서 BCE는 모델이 확신에 차서 틀릴 때 −1에 가까운 기울기를
#   주지만, MSE의 기울기는 그곳에서 사라집니다.
# - MSE를 쓰는 선형 계층에서 자동 미분의 기울기는 손으로 유도한
#   $\frac{2}{N}(\hat Y - Y)^\top X$, 중앙 차분, `gradcheck`와 모두 일치했습니다.
#   `gradcheck`는 일치하지 않으면 `GradcheckError`를 일으킵니다.
# - 기울기는 `backward()`를 부를 때마다 더해집니다. `zero_grad()`로 초기화하거나, 큰
#   배치를 나누어 누적하는 데 일부러 이용하세요.
#
# ## 더 읽을거리 { #further-reading }
#
# - PyTorch 튜토리얼 "A Gentle Introduction to torch.autograd":
#   https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
#   (한국어판: https://tutorials.pytorch.kr/beginner/blitz/autograd_tutorial.html)
# - PyTorch 문서 `torch.nn`의 "Loss functions":
#   https://pytorch.org/docs/stable/nn.html#loss-functions
# - 다음 강의: 경사 하강법과 미니배치. 여기서 내디딘 한 걸음이 학습 루프가 됩니다.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **기울기를 손으로 구하기.** $w = 1$, $x = 3$, $b = 0.5$, $y = 2$일 때
#    $L = (wx + b - y)^2$의 $\partial L / \partial w = 2(wx + b - y)\,x$와
#    $\partial L / \partial b$를 손으로 계산하고, 둘 다 `backward()`로 확인하세요.
# 2. **이미지 한 장의 교차 엔트로피.** 로짓이 `[2.0, 1.0, 0.0]`이고 정답이 0번 클래스일 때,
#    0번 클래스의 소프트맥스 확률에 $-\log$를 취해 손실을 손으로 구하고
#    `nn.CrossEntropyLoss`로 확인하세요.
# 3. **교차 엔트로피의 기울기.** 이 강의의 `logits`와 `classes`($N = 4$)로,
#    `nn.CrossEntropyLoss`의 로짓에 대한 기울기가
#    $(\operatorname{softmax}(z) - \text{one-hot}(y)) / N$임을 자동 미분으로 보이세요.
#    기울기의 각 행을 더하면 얼마가 될까요?

# %% tags=["solution"]
w = torch.tensor(1.0, device=device, requires_grad=True)
b = torch.tensor(0.5, device=device, requires_grad=True)
loss = (w * 3.0 + b - 2.0) ** 2
loss.backward()
error = 1.0 * 3.0 + 0.5 - 2.0
print("손실:", loss.item())
print("dL/dw: 자동 미분", w.grad.item(), "  손으로", 2 * error * 3.0)
print("dL/db: 자동 미분", b.grad.item(), "  손으로", 2 * error)
assert loss.item() == 2.25 and w.grad.item() == 2 * error * 3.0 == 9.0
assert b.grad.item() == 2 * error == 3.0

# %% tags=["solution"]
one_image = torch.tensor([[2.0, 1.0, 0.0]], device=device)
softmax_0 = one_image.exp()[0, 0] / one_image.exp().sum()
loss_by_hand = -softmax_0.log()
loss_by_module = nn.CrossEntropyLoss()(one_image, torch.tensor([0], device=device))
print(f"0번 클래스의 소프트맥스 확률: {softmax_0.item():.4f}")
print(
    f"손으로 구한 -log p: {loss_by_hand.item():.4f}   CrossEntropyLoss: {loss_by_module.item():.4f}"
)
assert torch.isclose(loss_by_hand, loss_by_module) and abs(loss_by_module.item() - 0.4076) < 1e-4

# %% tags=["solution"]
z_leaf = logits.detach().clone().requires_grad_()
nn.CrossEntropyLoss()(z_leaf, classes).backward()
expected = (torch.softmax(z_leaf.detach(), dim=1) - F.one_hot(classes, num_classes=3)) / 4
print("자동 미분:", [[round(v, 4) for v in row] for row in z_leaf.grad.tolist()])
print("공식:     ", [[round(v, 4) for v in row] for row in expected.tolist()])
print(f"행의 합 가운데 절댓값이 가장 큰 값: {z_leaf.grad.sum(dim=1).abs().max().item():.1e}")
assert torch.allclose(z_leaf.grad, expected, atol=1e-6)
assert torch.allclose(z_leaf.grad.sum(dim=1), torch.zeros(4, device=device), atol=1e-6)
