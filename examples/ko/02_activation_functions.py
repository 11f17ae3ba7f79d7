# %% [markdown]
# # 활성화 함수 자세히 보기
#
# 1강에서는 선형 계층 사이에 Sigmoid, Tanh, ReLU를 넣기만 했고, 어느 것이 왜 더
# 나은지는 따지지 않았습니다. 이번 강의에서는 활성화 함수(activation function)를
# 가까이에서 살펴봅니다. 곡선의 모양, 학습이 실제로 계산하는 방식 그대로 자동
# 미분(autograd)으로 구한 도함수(derivative), 그리고 그 도함수가 학습에 미치는
# 영향을 차례로 봅니다. 깊은 sigmoid 신경망(neural network)이 왜 느리게 배우는지,
# ReLU 노드(node)가 왜 영영 배우지 못하게 될 수 있는지, PyTorch가 softmax와 그
# 로그를 왜 지금과 같은 방식으로 계산하는지를 숫자로 확인합니다.
#
# **이번 강의에서 배울 내용**
#
# - `nnguide.activation`으로 이름만 가지고 활성화 함수 모듈 만들기
# - Sigmoid, Tanh, ReLU, LeakyReLU, GELU의 곡선과 도함수
# - 포화(saturation): 도함수가 거의 0이 되는 구간과, 그 때문에 깊은 신경망에서
#   기울기(gradient)가 사라지는 현상
# - 죽은 ReLU 노드, 그리고 작은 기울기를 남겨 두는 LeakyReLU
# - 단순하게 구현한 softmax가 넘치는(overflow) 이유와 `log(softmax(x))`보다
#   `log_softmax`가 나은 이유
#
# **사전 지식:** 1강(계층, 활성화 함수 모듈, `nn.Sequential`). 도함수가 무엇인지
# 알면 도움이 되고, 연쇄 법칙(chain rule)은 쓰이는 곳에서 설명합니다.

# %% [markdown]
# ## 준비 { #setup }
#
# 난수 생성기의 시드를 고정해 이 페이지의 모든 숫자가 실행할 때마다 똑같이 나오게
# 하고, 이 가이드의 그림 스타일을 켜고(한글 레이블도 이 설정 덕분에 제대로
# 보입니다), `get_device`로 장치를 고릅니다. GPU가 있으면 GPU를, 없으면 CPU를
# 씁니다. 난수 텐서(tensor)는 CPU에서 만든 뒤 옮기므로 어느 장치에서든 숫자가
# 같습니다.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

import nnguide
from nnguide.device import get_device
from nnguide.plotting import set_style

torch.manual_seed(0)
set_style()
device = get_device()
print("장치:", device)

# %% [markdown]
# ## 이름으로 활성화 함수 만들기 { #activations-by-name }
#
# `nnguide.activation(name)`은 `"relu"`, `"gelu"` 같은 이름(대소문자 무관)을 받아
# 해당하는 PyTorch 모듈을 돌려줍니다. 덕분에 이번 강의의 활성화 함수 다섯 개를
# 하나하나 적는 대신 반복문으로 다룰 수 있습니다. 다섯 개 모두 원소마다 따로
# 계산하므로, 출력의 모양은 입력과 같습니다.

# %%
names = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]
activations = {name: nnguide.activation(name) for name in names}

x = torch.randn(8, 128).to(device)
for name, act in activations.items():
    out = act(x)
    assert out.shape == x.shape
    print(f"{name:<11} {act!r:<34} {tuple(x.shape)} -> {tuple(out.shape)}")

# %% [markdown]
# ## 곡선과 도함수 { #curves-and-derivatives }
#
# 학습하려면 모든 활성화 함수의 도함수가 필요하고, 그 계산은 자동 미분이 맡아
# 줍니다. -5부터 5까지 촘촘한 격자 위에서 각 활성화 함수를 계산한 뒤, 출력의
# *합*에 대한 기울기를 자동 미분에 요청합니다. 출력 하나하나는 자기 입력에만
# 의존하므로, 이렇게 얻은 기울기가 곧 각 점에서의 도함수 값입니다.
#
# 격자에는 0도 정확히 들어 있습니다. ReLU는 0에서 꺾여 엄밀히는 미분할 수 없는데,
# PyTorch는 이 한 점에서의 기울기를 0으로 정해 둡니다.

# %%
xs = (torch.arange(-500, 501, device=device) / 100).requires_grad_()
curves, slopes = {}, {}
for name, act in activations.items():
    ys = act(xs)
    (dys,) = torch.autograd.grad(ys.sum(), xs)
    curves[name] = ys.detach().cpu()
    slopes[name] = dys.cpu()

grid = xs.detach().cpu()
print("격자:", len(grid), "개 점, 범위", grid[0].item(), "~", grid[-1].item())
print("x = 0에서의 기울기:", {name: round(s[500].item(), 3) for name, s in slopes.items()})

# %% [markdown]
# 자동 미분이 구한 도함수는 교과서의 공식과 일치합니다.
# sigmoid' = σ(x)(1 − σ(x)), tanh' = 1 − tanh²(x)이고, ReLU'는 x가 양수이면 1,
# 아니면 0이며, LeakyReLU'는 x가 양수이면 1, 아니면 0.01(기본 `negative_slope`)
# 입니다.

# %%
sig = torch.sigmoid(grid)
formulas = {
    "sigmoid": sig * (1 - sig),
    "tanh": 1 - torch.tanh(grid) ** 2,
    "relu": (grid > 0).float(),
    "leaky_relu": torch.where(grid > 0, 1.0, 0.01),
}
for name, formula in formulas.items():
    assert torch.allclose(slopes[name], formula, atol=1e-6), name
    max_diff = (slopes[name] - formula).abs().max().item()
    print(f"{name:<11} 자동 미분과 공식의 최대 차이: {max_diff:.1e}")

# %% [markdown]
# 이제 그림으로 봅시다. 왼쪽은 곡선, 오른쪽은 도함수입니다. sigmoid와 tanh는 양쪽
# 끝에서 평평해지지만, ReLU, LeakyReLU, GELU는 큰 양수 입력에서 기울기 1을
# 유지합니다. GELU는 매끄럽게 다듬은 ReLU라고 볼 수 있습니다. 0보다 살짝 아래로
# 내려갔다가(x = −0.75 근처에서 최솟값 약 −0.17) 올라오며, 0에서의 기울기는
# 0.5입니다.

# %%
gelu_min = curves["gelu"].min().item()
assert -0.171 < gelu_min < -0.169
assert abs(grid[curves["gelu"].argmin()].item() + 0.75) < 0.02
assert abs(slopes["gelu"][500].item() - 0.5) < 1e-6
for name in ["relu", "leaky_relu", "gelu"]:
    assert abs(slopes[name][-1].item() - 1) < 1e-4, name
for name in ["sigmoid", "tanh"]:
    assert slopes[name][0] < 0.01 and slopes[name][-1] < 0.01, name
print(f"GELU 최솟값: {gelu_min:.3f} (x = {grid[curves['gelu'].argmin()].item():.2f})")

fig, (ax_curve, ax_slope) = plt.subplots(1, 2, figsize=(10, 4))
for name in names:
    style = "--" if name == "leaky_relu" else "-"
    ax_curve.plot(grid, curves[name], style, label=name)
    ax_slope.plot(grid, slopes[name], style, label=name)
ax_curve.set(title="활성화 함수", xlabel="x", ylabel="f(x)", ylim=(-1.5, 3))
ax_slope.set(title="도함수 (자동 미분으로 계산)", xlabel="x", ylabel="f'(x)")
ax_curve.legend()
ax_slope.legend()
plt.show()

# %% [markdown]
# ## 포화 { #saturation }
#
# 입력이 (양수든 음수든) 아주 커서 곡선이 평평한 구간에 들어가면 노드가
# *포화*되었다고 합니다. 입력이 바뀌어도 출력은 거의 그대로이므로 도함수가 거의
# 0입니다. sigmoid의 기울기는 0에서 가장 큰데도 0.25밖에 되지 않고, |x| = 10에서는
# 0.0001보다 작습니다. tanh는 최대 기울기가 1이지만 더 빨리 포화됩니다. |x| = 10에서
# 실제 기울기는 약 8 × 10⁻⁹이고, float32에서는 tanh(10)이 정확히 1.0으로
# 반올림되어 계산된 기울기가 아예 0이 됩니다. ReLU는 양수 입력에서 포화되지 않아
# 기울기가 계속 1입니다.

# %%
points = torch.tensor([-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0], device=device)
points.requires_grad_()
table = {}
print("x          " + "".join(f"{p:>10.0f}" for p in points.tolist()))
for name in ["sigmoid", "tanh", "relu"]:
    (slope,) = torch.autograd.grad(activations[name](points).sum(), points)
    table[name] = slope.cpu()
    print(f"{name:<11}" + "".join(f"{v:>10.2e}" for v in table[name].tolist()))

assert slopes["sigmoid"].max().item() == 0.25
assert grid[slopes["sigmoid"].argmax()].item() == 0.0
assert table["sigmoid"][0] < 1e-4 and table["sigmoid"][-1] < 1e-4
assert table["tanh"][3] == 1.0 and table["tanh"][-1] < 1e-8
assert torch.tanh(torch.tensor(10.0)).item() == 1.0
assert table["relu"][-1] == 1.0

# %% [markdown]
# ## 기울기 소실 { #vanishing-gradients }
#
# 역전파(backpropagation)는 연쇄 법칙을 적용합니다. 앞쪽 계층(layer)에 도달하는
# 기울기는 그 위에 있는 계층마다 하나씩 붙는 인수들의 *곱*이고, 활성화 함수는 자기
# 도함수 값을 인수로 보탭니다. sigmoid라면 이 인수가 매번 0.25 이하이므로, sigmoid를
# n번 거치면 곱은 많아야 0.25ⁿ입니다. 숫자 하나에 sigmoid를 여러 번 겹쳐 적용하고,
# 자동 미분이 구한 기울기를 이 상한과 비교해 봅시다.

# %%
print("계층 수   d(출력)/d(입력)      상한 0.25^n")
previous = 1.0
for depth in [1, 2, 5, 10, 20]:
    inp = torch.tensor(0.0, device=device, requires_grad=True)
    out = inp
    for _ in range(depth):
        out = torch.sigmoid(out)
    (grad,) = torch.autograd.grad(out, inp)
    assert grad.item() <= 0.25**depth and grad.item() < previous
    previous = grad.item()
    print(f"{depth:>6}   {grad.item():>18.3e}   {0.25**depth:>12.3e}")

# %% [markdown]
# 실제 신경망에서도 같은 일이 일어납니다. 아래에는 `Linear` 계층 열 개(각각 노드
# 64개)로 된 신경망이 세 개 있고, 매 계층 뒤에 각각 sigmoid, tanh, ReLU가 붙어
# 있습니다. 가중치(weight)는 셋 다 똑같이 He(Kaiming) 초기화로 정합니다. 신호의
# 크기가 계층을 지나도 일정하게 유지되도록 고안된 방법이므로, 세 신경망의 차이는
# 활성화 함수 하나뿐입니다. 역전파를 한 번 한 뒤 계층마다 가중치 기울기의
# 크기(노름)를 잽니다. 1번 계층이 입력에 가장 가깝고, 가장 긴 곱을 받습니다.


# %%
def deep_net(activation_name, depth=10, width=64):
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, nnguide.activation(activation_name)]
    return nn.Sequential(*layers).to(device)


grad_norms = {}
for name in ["sigmoid", "tanh", "relu"]:
    torch.manual_seed(0)
    net = deep_net(name)
    inputs = torch.randn(256, 64).to(device)
    net(inputs).pow(2).mean().backward()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    grad_norms[name] = [m.weight.grad.norm().item() for m in linears]
    ratio = grad_norms[name][0] / grad_norms[name][-1]
    print(
        f"{name:<8} 1번 계층: {grad_norms[name][0]:.1e}   10번 계층: "
        f"{grad_norms[name][-1]:.1e}   1번 / 10번: {ratio:.1e}"
    )

# %% [markdown]
# sigmoid 신경망에서는 첫 계층의 기울기가 마지막 계층보다 만 배 넘게 작습니다(출력된
# 비율은 약 4 × 10⁻⁶). 학습하는 동안 앞쪽 계층은 거의 움직이지 않는다는 뜻입니다.
# 반면 tanh(0에서 기울기 1)와 ReLU(양수 입력에서 기울기 1)에서는 모든 계층의
# 기울기가 서로 열 배 안쪽에 모여 있습니다. 은닉층(hidden layer)에서 sigmoid 대신
# ReLU 계열을 쓰게 된 주된 이유 가운데 하나가 바로 이것입니다.

# %%
sigmoid_ratio = grad_norms["sigmoid"][0] / grad_norms["sigmoid"][-1]
assert sigmoid_ratio < 1e-4
for name in ["tanh", "relu"]:
    assert max(grad_norms[name]) / min(grad_norms[name]) < 10, name

fig, ax = plt.subplots()
for name, norms in grad_norms.items():
    ax.semilogy(range(1, 11), norms, marker="o", label=name)
ax.set(
    title="계층별 가중치 기울기의 크기",
    xlabel="계층 (1 = 입력에 가장 가까운 계층)",
    ylabel="기울기 노름 (로그 눈금)",
)
ax.legend()
plt.show()

# %% [markdown]
# ## 죽은 ReLU 노드 { #dead-relu-units }
#
# ReLU에도 약점이 있습니다. 어떤 노드의 입력이 *모든* 샘플에서 음수라면 출력은
# 늘 0이고 도함수도 0입니다. 그러면 그 노드의 가중치에는 기울기가 전혀 전달되지
# 않아 가중치가 변하지 않고, 노드는 "죽은" 상태가 됩니다. 큰 업데이트 한 번이
# 편향(bias)을 0보다 한참 아래로 밀어내면 이런 일이 생길 수 있습니다. 여기서는 그
# 상황을 일부러 만듭니다. 노드 세 개짜리 계층에서 0번 노드의 편향만 −10으로 바꾸면,
# 표준정규분포에서 뽑은 입력에 대해 이 노드의 활성화 전 값은 항상 음수가 됩니다.
# 1번, 2번 노드는 그대로 둡니다.
#
# LeakyReLU는 평평한 0 대신 작은 기울기(기본값 0.01)를 둡니다. 그래서 음수 쪽에
# 갇힌 노드도 작은 기울기를 계속 받고, 다시 살아날 수 있습니다.

# %%
torch.manual_seed(0)
layer = nn.Linear(4, 3).to(device)
with torch.no_grad():
    layer.bias[0] = -10.0
inputs = torch.randn(64, 4).to(device)
assert (layer(inputs)[:, 0] < 0).all()

weight_grads = {}
for name in ["relu", "leaky_relu"]:
    layer.zero_grad()
    out = nnguide.activation(name)(layer(inputs))
    out.sum().backward()
    weight_grads[name] = layer.weight.grad.abs().sum(dim=1).cpu()
    sizes = ", ".join(f"{g:.2f}" for g in weight_grads[name].tolist())
    print(
        f"{name:<11} 0번 노드의 최대 출력: {out[:, 0].max().item():8.4f}   "
        f"노드 0, 1, 2의 가중치 기울기 크기: {sizes}"
    )

assert weight_grads["relu"][0] == 0.0 and (weight_grads["relu"][1:] > 0).all()
assert weight_grads["leaky_relu"][0] > 0.0

# %% [markdown]
# ## 소프트맥스의 수치 계산 { #softmax-numerics }
#
# softmax는 로짓(logit)을 확률(probability)로 바꿉니다. 식은
# exp(zᵢ) / Σⱼ exp(zⱼ)인데, 이 식을 그대로 계산하면 로짓이 클 때 망가집니다.
# float32에서 exp는 입력이 약 88.7을 넘으면 `inf`로 넘쳐 버리고, `inf / inf`는
# `nan`입니다. 모든 로짓에서 같은 수를 빼도 softmax 값은 변하지 않으므로, PyTorch는
# 가장 큰 로짓을 먼저 빼서 지수 값이 0과 1 사이에 머물게 합니다.

# %%
softmax = nnguide.activation("softmax", dim=-1)
logits = torch.tensor([1000.0, 1001.0, 1002.0], device=device)

naive = torch.exp(logits) / torch.exp(logits).sum()
stable = softmax(logits)
shifted = torch.exp(logits - logits.max()) / torch.exp(logits - logits.max()).sum()
print("exp(logits):       ", torch.exp(logits).tolist())
print("식 그대로 계산:    ", naive.tolist())
print("torch softmax:     ", [round(p, 4) for p in stable.tolist()])
print("softmax([0,1,2]):  ", [round(p, 4) for p in softmax(logits - 1000).tolist()])

assert torch.isinf(torch.exp(logits)).all() and torch.isnan(naive).all()
assert torch.isfinite(torch.exp(torch.tensor(88.7))) and torch.isinf(torch.exp(torch.tensor(88.8)))
assert torch.allclose(stable, shifted) and torch.allclose(stable, softmax(logits - 1000))
assert torch.isclose(stable.sum(), torch.tensor(1.0, device=device))

# %% [markdown]
# 손실 함수(loss function)에는 확률의 *로그*가 필요합니다. 그런데
# `log(softmax(z))`는 확률 하나가 아주 작을 때 틀어집니다. 로짓이 (200, 0)이면 두
# 번째 확률은 e⁻²⁰⁰ ≈ 10⁻⁸⁷로, float32가 나타낼 수 있는 가장 작은 수보다도 작아서
# 0이 되고, 그 로그는 −∞입니다. `torch.log_softmax`는
# zᵢ − max(z) − log Σⱼ exp(zⱼ − max(z))를 곧바로 계산하므로 정확한 답 −200을
# 얻습니다. 다음 강의의 손실 함수들이 로짓을 입력으로 받고 내부에서
# `log_softmax`를 쓰는 이유가 여기에 있습니다.

# %%
logits = torch.tensor([200.0, 0.0], device=device)
log_of_softmax = torch.log(torch.softmax(logits, dim=-1))
log_softmax = torch.log_softmax(logits, dim=-1)
print("log(softmax(z)):", log_of_softmax.tolist())
print("log_softmax(z): ", log_softmax.tolist())

assert torch.exp(torch.tensor(-200.0)) == 0.0
assert torch.isinf(log_of_softmax[1]) and log_of_softmax[1] < 0
assert log_softmax.tolist() == [0.0, -200.0]

# %% [markdown]
# ## 어디에 어떤 활성화 함수를 쓸까 { #which-activation-where }
#
# | 신경망 안의 위치 | 흔한 선택 | 이유 |
# |---|---|---|
# | 은닉층 | ReLU, 또는 GELU / LeakyReLU | 양수 입력에서 기울기 1, 그 구간에서 포화 없음, 계산이 가벼움 |
# | 출력층(output layer), 두 클래스 | Sigmoid (또는 로짓을 `BCEWithLogitsLoss`에 전달) | 0과 1 사이의 확률 |
# | 출력층, 여러 클래스 | Softmax (또는 로짓을 `CrossEntropyLoss`에 전달) | 합이 1인 확률 |
# | 출력층, 회귀 | 없음 (항등 함수) | 임의의 실수 |
#
# tanh는 출력 범위 (−1, 1)이 쓸모 있는 순환 신경망 안에서 지금도 쓰입니다. 하지만
# 평범한 피드포워드 신경망의 은닉층이라면 ReLU로 시작하는 것이 기본입니다.

# %% [markdown]
# ## 요약 { #summary }
#
# - `nnguide.activation(name)`은 이름으로 활성화 함수 모듈을 만들고, 이 모듈들은
#   모두 입력의 모양을 그대로 유지합니다.
# - 자동 미분이 구한 도함수는 공식과 일치합니다. σ' = σ(1 − σ)이고 최댓값은 0.25,
#   tanh' = 1 − tanh², ReLU' ∈ {0, 1}, LeakyReLU' ∈ {0.01, 1}, GELU'(0) = 0.5입니다.
# - sigmoid와 tanh는 포화됩니다. |x| = 10에서 기울기가 각각 10⁻⁴, 10⁻⁸보다 작습니다.
#   sigmoid를 n번 거치면 기울기는 적어도 0.25ⁿ만큼 줄어들고, 열 계층짜리 sigmoid
#   신경망에서는 첫 계층의 기울기가 마지막 계층보다 만 배 넘게 작았습니다. tanh와
#   ReLU에서는 모든 계층이 서로 열 배 안쪽에 있었습니다.
# - 입력이 늘 음수인 ReLU 노드는 기울기를 받지 못해 학습을 멈춥니다. LeakyReLU는
#   그 구간에서도 기울기 0.01을 남겨 둡니다.
# - softmax는 가장 큰 로짓을 빼서 계산해야 `inf`/`nan`을 피할 수 있고,
#   `log(softmax(x))`가 −∞를 내는 곳에서도 `log_softmax`는 유한한 로그 확률을
#   돌려줍니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - PyTorch 문서 `torch.nn`의 "Non-linear activations":
#   https://pytorch.org/docs/stable/nn.html#non-linear-activations-weighted-sum-nonlinearity
# - X. Glorot, Y. Bengio, "Understanding the difficulty of training deep
#   feedforward neural networks" (2010): 깊은 sigmoid 신경망의 포화 문제를 다룹니다.
# - D. Hendrycks, K. Gimpel, "Gaussian Error Linear Units (GELUs)" (2016).
# - 다음 강의: 손실 함수와 자동 미분. 여기서 본 도함수들이 실제로 쓰이는 곳입니다.
