# %% [markdown]
# # 활성화 함수 자세히 보기
#
# 1강에서는 선형 계층 사이에 시그모이드, tanh, ReLU를 끼워 넣기만 했을 뿐, 어느 것이
# 왜 더 나은지는 따지지 않았습니다. 이번 강의에서는 활성화 함수를 하나씩 자세히
# 들여다봅니다. 곡선의 생김새와 도함수(derivative)를 살펴보고, 그 도함수가 학습에
# 어떤 영향을 주는지 확인합니다. 도함수는 실제 학습과 똑같이 자동 미분으로 구합니다.
# 깊은 시그모이드 신경망이 왜 느리게 배우는지, ReLU 노드가 왜 영영 배우지 못하게 될
# 수 있는지, PyTorch가 소프트맥스와 그 로그를 왜 지금처럼 계산하는지를 모두 수치로
# 확인합니다.
#
# **이번 강의에서 배울 내용**
#
# - `nnguide.activation`에 이름만 주고 활성화 함수 모듈 만들기
# - PyTorch로 도함수를 구하는 데 필요한 만큼의 자동 미분
# - 시그모이드, tanh, ReLU, LeakyReLU, GELU의 식, 곡선, 도함수
# - 포화: 도함수가 거의 0이 되는 구간, 그리고 그 때문에 깊은 신경망에서 기울기가
#   사라지는 기울기 소실
# - 죽은 ReLU 노드와, 작은 기울기를 남겨 두는 LeakyReLU
# - 소프트맥스를 식 그대로 계산하면 값이 넘치는 이유, `log(softmax(x))`보다
#   `log_softmax`가 나은 이유, 소프트맥스 확률을 그대로 신뢰도로 읽으면 안 되는 이유
# - 어느 자리에 어떤 활성화 함수를 쓰는지, 그리고 분류 모델의 출력층에는 왜 활성화
#   함수를 두지 않는지
#
# **사전 지식:** 1강(계층, 활성화 함수 모듈, `nn.Sequential`). 자동 미분은 3강에서
# 본격적으로 다루며, 이번 강의에 필요한 몇 가지 호출만 아래 *자동 미분 미리 보기*에서
# 짧게 소개합니다. 도함수가 무엇인지 알면 도움이 되고, 연쇄 법칙은 쓰이는 곳에서
# 설명합니다.

# %% [markdown]
# ## 준비 { #setup }
#
# 난수 생성기의 시드를 고정해 이 페이지의 값이 실행할 때마다 똑같이 나오게 합니다.
# 시드는 `SEED` 한 곳에서만 정하고 아래의 난수는 모두 여기서 출발하므로, 이 한 줄만
# 바꾸면 다른 난수로 비교를 다시 해 볼 수 있습니다. 이 안내서의 그래프 스타일도
# 켭니다. 그래프의 한글도 이 설정 덕분에 제대로 보입니다. 장치는 `get_device`로
# 고릅니다. GPU가 있으면 GPU를, 없으면 CPU를 씁니다. 난수 텐서는 CPU에서 만든 다음
# 장치로 옮기므로, 어느 장치에서 실행해도 값이 같습니다.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

import nnguide
from nnguide.device import get_device
from nnguide.plotting import set_style

SEED = 0
torch.manual_seed(SEED)
set_style()
device = get_device()
print("장치:", device)

# %% [markdown]
# ## 이름으로 활성화 함수 만들기 { #activations-by-name }
# <!-- index: 문자열 이름; 이름으로 고르기 -->
#
# `nnguide.activation(name)`에 `"relu"`, `"gelu"` 같은 이름을 넘기면(대소문자는
# 가리지 않습니다) 그에 맞는 PyTorch 모듈을 돌려줍니다. 덕분에 이번 강의의 활성화
# 함수 다섯 개를 하나하나 적지 않고 반복문으로 다룰 수 있습니다. 다섯 함수 모두
# 원소마다 따로 계산하므로 출력의 모양은 입력과 같습니다.

# %%
names = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]
labels = {
    "sigmoid": "시그모이드",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "gelu": "GELU",
}
activations = {name: nnguide.activation(name) for name in names}

x = torch.randn(8, 128).to(device)
rows = []
for name, act in activations.items():
    out = act(x)
    assert out.shape == x.shape
    rows.append([labels[name], repr(act), str(tuple(x.shape)), str(tuple(out.shape))])
headers = [
    "활성화 함수",
    "모듈",
    "입력 모양",
    "출력 모양",
]
print(nnguide.format_table(rows, headers=headers, align="<<<<"))

# %% [markdown]
# ## 자동 미분 미리 보기 { #a-preview-of-autograd }
# <!-- index: 오토그래드 -->
#
# **미리 보기.** 자동 미분(autograd)은 3강에서 자세히 설명합니다. 이 절에서는 이번
# 강의에 필요한 만큼만 보여 줍니다.
#
# 학습에는 도함수가 필요하고, 그 계산은 PyTorch가 맡아 줍니다. 텐서에
# `requires_grad_()`를 호출하면(또는 처음부터 `requires_grad=True`로 만들면) PyTorch는
# 그 텐서가 쓰이는 연산을 모두 기록합니다. 그러면 결과 $y$가 값 하나일 때 두 가지
# 방법으로 도함수를 구할 수 있습니다.
#
# - `torch.autograd.grad(y, x)`는 $\partial y / \partial x$를 `x`와 같은 모양의
#   텐서로 돌려줍니다.
# - `y.backward()`는 같은 도함수를 계산해 `requires_grad`가 켜진 모든 텐서의 `.grad`
#   속성에 *더합니다*. 모듈의 가중치와 편향은 처음부터 `requires_grad`가 켜져
#   있습니다. 그래서 같은 계층에 `backward()`를 다시 부르는
#   코드는 먼저 `zero_grad()`로 기울기를 초기화합니다.
#
# 기록은 한 번 쓰면 사라지므로, 아래 코드는 `backward()`를 부르기 전에 $y$를 다시
# 계산합니다. 여기서는 $y = x_1^2 + x_2^2 + x_3^2$이므로 $\partial y / \partial x_i = 2 x_i$입니다.
# 뒤에서는 두 가지가 더 나옵니다. `.detach()`는 기록에서 떼어 낸 값만 돌려주므로
# 그래프를 그릴 때 씁니다. `with torch.no_grad():` 블록 안에서는 아무것도 기록되지
# 않으므로 가중치를 손으로 바꿀 때 씁니다.

# %%
x_demo = torch.tensor([1.0, 2.0, 3.0], device=device).requires_grad_()
y_demo = (x_demo**2).sum()
(dy_dx,) = torch.autograd.grad(y_demo, x_demo)
print("x:", x_demo.tolist(), "  autograd.grad로 구한 dy/dx:", dy_dx.tolist())
assert dy_dx.tolist() == [2.0, 4.0, 6.0]

y_demo = (x_demo**2).sum()
y_demo.backward()
print("backward() 뒤의 x.grad:", x_demo.grad.tolist())
assert torch.equal(x_demo.grad, dy_dx)

# %% [markdown]
# ## 곡선과 도함수 { #curves-and-derivatives }
# <!-- index: 미분; 도함수 그래프; 시그모이드 미분; 기울기 곡선; derivative -->
#
# 다섯 활성화 함수의 정의는 다음과 같습니다.
#
# $$\sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}, \qquad \mathrm{ReLU}(x) = \max(0, x),$$
#
# $$\mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ 0.01\,x & x \le 0 \end{cases}, \qquad \mathrm{GELU}(x) = x\,\Phi(x)$$
#
# 여기서 $\Phi$는 표준 정규 분포(standard normal distribution)의 누적 분포 함수이고,
# 0.01은 LeakyReLU의 기본 `negative_slope`입니다. 학습하려면 모든 활성화 함수의
# 도함수가 필요하며, 이 계산은 자동 미분이 맡습니다. −5부터 5까지 촘촘한 격자
# 위에서 각 활성화 함수를 계산한 뒤, 출력의 *합*의 기울기(gradient)를 자동 미분으로
# 구합니다. 출력 하나하나는 자기 입력에만 의존하므로, 이렇게 얻은 기울기가 곧 각
# 점에서의 도함수 값입니다.
#
# 격자에는 0도 정확히 들어 있습니다. ReLU는 0에서 꺾여 엄밀히는 미분할 수 없는데,
# PyTorch는 이 한 점의 기울기를 0으로 정해 두었습니다.

# %%
xs = (torch.arange(-500, 501, device=device) / 100).requires_grad_()
curves, slopes = {}, {}
for name, act in activations.items():
    ys = act(xs)
    (dys,) = torch.autograd.grad(ys.sum(), xs)
    curves[name] = ys.detach().cpu()
    slopes[name] = dys.cpu()

grid = xs.detach().cpu()
print(f"격자: 점 {len(grid)}개, 범위 {grid[0].item()} ~ {grid[-1].item()}")
print("x = 0에서의 기울기:", {labels[name]: round(s[500].item(), 3) for name, s in slopes.items()})

# %% [markdown]
# 곡선은 정의와 일치하고, 자동 미분이 구한 도함수도 교과서의 공식과 일치합니다.
#
# $$\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr), \qquad \tanh'(x) = 1 - \tanh^2(x),$$
#
# $$\mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}, \qquad \mathrm{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0.01 & x \le 0 \end{cases}$$

# %%
gelu_formula = grid * 0.5 * (1 + torch.erf(grid / 2**0.5))
assert torch.allclose(curves["gelu"], gelu_formula, atol=1e-6)
assert torch.allclose(curves["sigmoid"], 1 / (1 + torch.exp(-grid)), atol=1e-6)
print("GELU(x) = x Φ(x), 최대 차이:", f"{(curves['gelu'] - gelu_formula).abs().max():.1e}")

sig = torch.sigmoid(grid)
formulas = {
    "sigmoid": sig * (1 - sig),
    "tanh": 1 - torch.tanh(grid) ** 2,
    "relu": (grid > 0).float(),
    "leaky_relu": torch.where(grid > 0, 1.0, 0.01),
}
rows = []
for name, formula in formulas.items():
    assert torch.allclose(slopes[name], formula, atol=1e-6), name
    max_diff = (slopes[name] - formula).abs().max().item()
    rows.append([labels[name], f"{max_diff:.1e}"])
headers = [
    "활성화 함수",
    "자동 미분과 공식의 최대 차이",
]
print(nnguide.format_table(rows, headers=headers))

# %% [markdown]
# 이제 그림으로 봅시다. 왼쪽은 곡선, 오른쪽은 도함수입니다. 시그모이드와 tanh는 양쪽
# 끝에서 평평해지지만, ReLU, LeakyReLU, GELU는 큰 양수 입력에서 기울기 1을
# 유지합니다. GELU는 ReLU를 매끄럽게 다듬은 함수로 볼 수 있습니다. 0보다 살짝 아래로
# 내려갔다가($x = -0.75$ 근처에서 최솟값 약 −0.17) 다시 올라오며, 0에서의 기울기는
# $\Phi(0) = 0.5$입니다.

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
    ax_curve.plot(grid, curves[name], style, label=labels[name])
    ax_slope.plot(grid, slopes[name], style, label=labels[name])
ax_curve.set(title="활성화 함수", xlabel="x", ylabel="f(x)", ylim=(-1.5, 3))
ax_slope.set(title="도함수 (자동 미분으로 계산)", xlabel="x", ylabel="f'(x)")
ax_curve.legend()
ax_slope.legend()
plt.show()

# %% [markdown]
# ## 포화 { #saturation }
# <!-- index: 포화 영역; 시그모이드 포화; saturation -->
#
# 입력의 절댓값이 아주 커서(양수든 음수든) 곡선이 평평한 구간에 들어간 노드의
# 상태를 *포화*(saturation)라고 합니다. 입력이 바뀌어도 출력이 거의 그대로이므로
# 도함수가 거의 0입니다.
# 시그모이드의 기울기는 0에서 가장 큰데도 $\sigma'(0) = 0.25$에 그치고,
# $|x| = 10$에서는 $10^{-4}$보다 작습니다. tanh는 최대 기울기가 1이지만 더 빨리
# 포화됩니다. $|x| = 10$에서 실제 기울기는 약 $8 \times 10^{-9}$인데, `float32`에서는
# $\tanh(10)$이 정확히 1.0으로 반올림되어 계산된 기울기가 아예 0이 됩니다. ReLU는
# 양수 입력에서 포화되지 않아 기울기가 계속 1입니다.

# %%
points = torch.tensor([-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0], device=device)
points.requires_grad_()
table = {}
rows = []
for name in ["sigmoid", "tanh", "relu"]:
    (slope,) = torch.autograd.grad(activations[name](points).sum(), points)
    table[name] = slope.cpu()
    rows.append([labels[name]] + [f"{v:.2e}" for v in table[name].tolist()])
headers = ["x"] + [f"{p:.0f}" for p in points.tolist()]
print(nnguide.format_table(rows, headers=headers))
true_tanh_slope = 1 - torch.tanh(torch.tensor(10.0, dtype=torch.float64)) ** 2
print("x = 10에서 tanh의 실제 기울기(float64):", f"{true_tanh_slope.item():.1e}")

assert slopes["sigmoid"].max().item() == 0.25
assert grid[slopes["sigmoid"].argmax()].item() == 0.0
assert table["sigmoid"][0] < 1e-4 and table["sigmoid"][-1] < 1e-4
assert table["tanh"][3] == 1.0 and table["tanh"][0] == table["tanh"][-1] == 0.0
assert 7.5e-9 < true_tanh_slope.item() < 8.5e-9
assert torch.tanh(torch.tensor(10.0)).item() == 1.0
assert table["relu"][-1] == 1.0

# %% [markdown]
# ## 기울기 소실 { #vanishing-gradients }
# <!-- index: vanishing gradient; 그래디언트 소실; 그레이디언트 소실; 깊은 신경망; 기울기 사라짐 -->
#
# 역전파(backpropagation)는 연쇄 법칙(chain rule)을 적용합니다. 앞쪽 계층에 도달하는
# 기울기는 그보다 출력 쪽에 있는 계층마다 인수가 하나씩 붙은 *곱*이고,
# 활성화 함수의 도함수도 인수로 곱해집니다. 값 하나에 시그모이드를 $n$번 겹쳐 적용한
# $y = \sigma(\sigma(\cdots\sigma(x)))$에서 $k$번째 시그모이드의 입력을 $a_k$라고 하고
# 연쇄 법칙을 적용하면 다음 식을 얻습니다.
#
# $$\frac{dy}{dx} = \sigma'(a_n)\,\sigma'(a_{n-1}) \cdots \sigma'(a_1) \le 0.25^n$$
#
# 인수가 하나같이 0.25 이하이므로 곱은 $0.25^n$을 넘지 못합니다. 자동 미분이 구한
# 기울기를 이 상한과 비교해 봅시다.

# %%
previous = 1.0
rows = []
for depth in [1, 2, 5, 10, 20]:
    inp = torch.tensor(0.0, device=device, requires_grad=True)
    out = inp
    for _ in range(depth):
        out = torch.sigmoid(out)
    (grad,) = torch.autograd.grad(out, inp)
    assert grad.item() <= 0.25**depth and grad.item() < previous
    previous = grad.item()
    rows.append([depth, f"{grad.item():.3e}", f"{0.25**depth:.3e}"])
headers = [
    "계층 수",
    "d(출력)/d(입력)",
    "상한 0.25^n",
]
print(nnguide.format_table(rows, headers=headers, align=">>>"))

# %% [markdown]
# 실제 신경망에서도 같은 일이 일어납니다. 아래 세 신경망은 `Linear` 계층 열 개(각각
# 노드 64개)로 되어 있고, 계층마다 뒤에 시그모이드, tanh, ReLU 가운데 하나가
# 붙습니다. 세 신경망은 같은 시드에서 출발하고 초기화 방식도 같습니다.
# `nonlinearity="relu"`를 준 He(Kaiming) 초기화로, 가중치를 표준 편차
# $\sqrt{2 / n_\text{in}} = \sqrt{2/64} \approx 0.177$로 뽑습니다. 이 방식은 ReLU를
# 위해 유도된 것이라 ReLU 계층을 지나는 신호의 크기를 일정하게 유지합니다. 그러니
# 이 실험은 공정한 시합이 아닙니다. ReLU에 유리하게 짜인 조건에서 각 활성화 함수가
# 어떻게 되는지를 보여 줍니다. 역전파를 한 번 한 뒤 계층마다 가중치 기울기의
# 크기(노름)를 계산합니다. 1번 계층이 입력에 가장 가깝고, 가장 긴 곱을 받습니다.


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
rows = []
for name in ["sigmoid", "tanh", "relu"]:
    torch.manual_seed(SEED)
    net = deep_net(name)
    inputs = torch.randn(256, 64).to(device)
    net(inputs).pow(2).mean().backward()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    assert all(abs(m.weight.std().item() - (2 / 64) ** 0.5) < 0.01 for m in linears)
    grad_norms[name] = [m.weight.grad.norm().item() for m in linears]
    ratio = grad_norms[name][0] / grad_norms[name][-1]
    rows.append(
        [labels[name]] + [f"{v:.1e}" for v in (grad_norms[name][0], grad_norms[name][-1], ratio)]
    )
headers = [
    "활성화 함수",
    "1번 계층",
    "10번 계층",
    "1번 / 10번",
]
print(nnguide.format_table(rows, headers=headers))
assert nn.init.calculate_gain("relu") == 2**0.5

# %% [markdown]
# 시그모이드 신경망에서는 첫 계층의 기울기가 마지막 계층보다 만 배 넘게 작습니다(위
# 표의 마지막 열). 학습하는 동안 앞쪽 계층이 거의 움직이지 않는다는 뜻입니다. 이처럼
# 입력 쪽으로 갈수록 기울기가 0에 가깝게 작아지는 현상을
# 기울기 소실(vanishing gradient)이라고 합니다. 반면 tanh(0에서 기울기 1)와
# ReLU(양수 입력에서 기울기 1)에서는 모든 계층의 기울기가 서로 열 배 안쪽에 모여
# 있습니다. 은닉층에서 시그모이드 대신 ReLU 계열을 쓰게 된 주된 이유 가운데 하나가
# 바로 이것입니다.

# %%
sigmoid_ratio = grad_norms["sigmoid"][0] / grad_norms["sigmoid"][-1]
assert sigmoid_ratio < 1e-4
for name in ["tanh", "relu"]:
    assert max(grad_norms[name]) / min(grad_norms[name]) < 10, name

fig, ax = plt.subplots()
for name, norms in grad_norms.items():
    ax.semilogy(range(1, 11), norms, marker="o", label=labels[name])
ax.set(
    title="계층별 가중치 기울기의 크기",
    xlabel="계층 (1 = 입력에 가장 가까운 계층)",
    ylabel="기울기 노름 (로그 눈금)",
)
ax.legend()
plt.show()

# %% [markdown]
# ## 죽은 ReLU 노드 { #dead-relu-units }
# <!-- index: dying ReLU; 죽은 뉴런; 렐루 뉴런 -->
#
# ReLU에도 약점이 있습니다. 어떤 노드의 입력이 *모든* 샘플에서 음수라면
# 출력은 늘 0이고 도함수도 0입니다. 그러면 그 노드의 가중치에는 기울기가 전혀
# 전달되지 않아 가중치가 변하지 않고, 노드는 "죽은" 상태가 됩니다. 한 번의 큰
# 갱신(update)이 편향을 0보다 한참 아래로 밀어내면 이런 일이 생길 수 있습니다.
# 여기서는 그 상황을 일부러 만듭니다. 노드 세 개짜리 계층에서 0번 노드의 편향만
# −10으로 바꾸면, 표준 정규 분포에서 뽑은 입력에 대해 이 노드가 활성화 함수에 넘기는
# 값은 항상 음수가 됩니다. 1번과 2번 노드는 그대로 둡니다.
#
# LeakyReLU는 평평한 0 대신 작은 기울기(기본값 0.01)를 둡니다. 그래서 음수 쪽에
# 갇힌 노드도 기울기를 계속 받고, 다시 살아날 수 있습니다. 여기서 그 기울기는 살아
# 있는 노드의 기울기보다 열 배 넘게 작지만 0은 아닙니다.

# %%
torch.manual_seed(SEED)
layer = nn.Linear(4, 3).to(device)
with torch.no_grad():
    layer.bias[0] = -10.0
inputs = torch.randn(64, 4).to(device)
assert (layer(inputs)[:, 0] < 0).all()

weight_grads = {}
rows = []
for name in ["relu", "leaky_relu"]:
    layer.zero_grad()
    out = nnguide.activation(name)(layer(inputs))
    out.sum().backward()
    weight_grads[name] = layer.weight.grad.abs().sum(dim=1).cpu()
    sizes = ", ".join(f"{g:.2f}" for g in weight_grads[name].tolist())
    rows.append([labels[name], f"{out[:, 0].max().item():.4f}", sizes])
headers = [
    "활성화 함수",
    "0번 노드의 최대 출력",
    "노드 0, 1, 2의 가중치 기울기 크기",
]
print(nnguide.format_table(rows, headers=headers))

assert weight_grads["relu"][0] == 0.0 and (weight_grads["relu"][1:] > 0).all()
assert 0.0 < weight_grads["leaky_relu"][0] < weight_grads["leaky_relu"][1:].min() / 10

# %% [markdown]
# ## 소프트맥스의 수치 계산 { #softmax-numerics }
# <!-- index: log-sum-exp; 수치 안정성; 넘침; nan -->
#
# 소프트맥스는 로짓을 다음 식으로 확률로 바꿉니다.
#
# $$p_i = \frac{e^{z_i}}{\sum_j e^{z_j}} = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}}, \qquad m = \max_j z_j$$
#
# 첫 번째 분수를 그대로 계산하면 로짓이 클 때 망가집니다. `float32`에서 $e^x$는 $x$가
# 약 88.7을 넘으면 `inf`로 넘쳐 버리고, `inf / inf`는 `nan`입니다. 두 번째 분수는
# 분자와 분모의 $e^{-m}$이 약분되므로 첫 번째와 같은 값입니다. 그래서 PyTorch는 가장
# 큰 로짓을 먼저 빼고 계산하며, 덕분에 지수 값이 0과 1 사이에 머뭅니다.

# %%
softmax = nnguide.activation("softmax", dim=-1)
logits = torch.tensor([1000.0, 1001.0, 1002.0], device=device)

naive = torch.exp(logits) / torch.exp(logits).sum()
stable = softmax(logits)
shifted = torch.exp(logits - logits.max()) / torch.exp(logits - logits.max()).sum()
rows = [
    ["exp(logits)", str(torch.exp(logits).tolist())],
    ["식 그대로 계산", str(naive.tolist())],
    ["torch 소프트맥스", str([round(p, 4) for p in stable.tolist()])],
    ["로짓 [0, 1, 2]의 소프트맥스", str([round(p, 4) for p in softmax(logits - 1000).tolist()])],
]
print(nnguide.format_table(rows, align="<<"))

assert torch.isinf(torch.exp(logits)).all() and torch.isnan(naive).all()
assert torch.isfinite(torch.exp(torch.tensor(88.7))) and torch.isinf(torch.exp(torch.tensor(88.8)))
assert torch.allclose(stable, shifted) and torch.allclose(stable, softmax(logits - 1000))
assert torch.isclose(stable.sum(), torch.tensor(1.0, device=device))

# %% [markdown]
# 다음 강의에서 다루는 분류용 손실 함수인 교차 엔트로피와
# 이진 교차 엔트로피(binary cross-entropy)는 확률의 *로그*로 계산합니다.
# 평균 제곱 오차(mean squared error)는 그렇지 않습니다. 그런데 `log(softmax(z))`는
# 확률 하나가 아주 작을 때 틀어집니다. 로짓이 $(200, 0)$이면 두 번째 확률은
# $e^{-200} \approx 10^{-87}$로, `float32`가 나타낼 수 있는 가장 작은
# 수보다도 작아서 0이 되고, 그 로그는 $-\infty$입니다. `torch.log_softmax`는 다음
# 식을 곧바로 계산하므로 정확한 답 −200을 얻습니다.
#
# $$\log p_i = z_i - m - \log \sum_j e^{z_j - m}$$
#
# `nn.CrossEntropyLoss`가 로짓을 받아 안에서 `log_softmax`를 쓰는 것도,
# `nn.BCEWithLogitsLoss`가 로짓을 받아 시그모이드의 로그를 같은 방식으로 계산하는
# 것도 이 때문입니다. 두 손실 모두 여기서 정확한 값 200을 냅니다. 클래스가
# 두 개뿐이면 로짓 하나 $z_1 - z_0 = -200$이 두 로짓과 같은 정보를 담으므로,
# `nn.BCEWithLogitsLoss`에는 이 값을 넘깁니다.

# %%
logits = torch.tensor([200.0, 0.0], device=device)
log_of_softmax = torch.log(torch.softmax(logits, dim=-1))
log_softmax = torch.log_softmax(logits, dim=-1)
print("log(softmax(z)):", log_of_softmax.tolist())
print("log_softmax(z): ", log_softmax.tolist())

assert torch.exp(torch.tensor(-200.0)) == 0.0
assert 1e-88 < torch.tensor(-200.0, dtype=torch.float64).exp() < 1e-86
assert torch.isinf(log_of_softmax[1]) and log_of_softmax[1] < 0
assert log_softmax.tolist() == [0.0, -200.0]

cross_entropy = nn.CrossEntropyLoss()(logits.unsqueeze(0), torch.tensor([1], device=device))
bce_with_logits = nn.BCEWithLogitsLoss()(logits[1] - logits[0], torch.tensor(1.0, device=device))
print("CrossEntropyLoss, 정답 1번 클래스:", cross_entropy.item())
print("BCEWithLogitsLoss, 로짓 -200, 목표값 1:", bce_with_logits.item())
assert cross_entropy.item() == 200.0 and bce_with_logits.item() == 200.0

# %% [markdown]
# ## 어디에 어떤 활성화 함수를 쓸까 { #which-activation-where }
# <!-- index: 출력층 활성화 함수; 출력 활성화; 회귀; 분류 출력층 -->
#
# | 신경망 안의 위치 | 흔한 선택 | 이유 |
# |---|---|---|
# | 은닉층 | ReLU, 또는 GELU / LeakyReLU | 양수 입력에서 기울기 1, 그 구간에서 포화 없음, 계산이 가벼움 |
# | 출력층, 두 클래스 | 없음. 로짓 하나를 `nn.BCEWithLogitsLoss`에 넘김 | 손실 함수가 시그모이드를 정확하게 직접 적용함. 확률을 읽을 때는 `torch.sigmoid`를 씀 |
# | 출력층, 여러 클래스 | 없음. 로짓을 `nn.CrossEntropyLoss`에 넘김 | 손실 함수가 `log_softmax`를 직접 적용함. 확률은 `torch.softmax`로 읽음 |
# | 출력층, 회귀(regression) | 없음(항등 함수) | 임의의 실수 |
#
# tanh는 출력 범위 $(-1, 1)$이 쓸모 있는 순환 신경망 안에서 지금도 쓰입니다. 하지만
# 평범한 피드포워드 신경망의 은닉층이라면 ReLU로 시작하는 것이 기본입니다.
#
# 분류 모델에서 읽는 확률에 대해 알아 둘 사실이 두 가지 있습니다. 첫째, 소프트맥스는
# 로짓의 크기 순서를 바꾸지 않으므로 예측 클래스, 곧 `argmax`는 소프트맥스를 거치든
# 거치지 않든 같습니다. 둘째, 소프트맥스 확률을 그대로 신뢰도로 믿어서는 안 됩니다.
# 모델이 0.99라고 답한다고 해서 그런 예측이 99% 맞는다는 보장은 없습니다. 확률은
# 로짓의 배율에 따라 달라지는데, 이 배율은 학습 과정에서 부수적으로 정해질
# 뿐입니다. 아래에서 같은 로짓에 3과 10을 곱하면 예측 클래스는 그대로인데 '확신'만
# 점점 커집니다. 모델이 내놓는 확률이 실제로 맞히는 비율과 얼마나 맞아떨어지는지를
# 보정(calibration)이라고 하며, 보정이 잘 되었는지는 학습에 쓰지 않은 데이터로 따로
# 평가해야 합니다.

# %%
torch.manual_seed(SEED)
scores = torch.randn(5, 3).to(device)
predictions, largest = {}, {}
rows = []
for scale in [1, 3, 10]:
    probabilities = torch.softmax(scale * scores, dim=1)
    predictions[scale] = probabilities.argmax(dim=1).tolist()
    largest[scale] = probabilities.max(dim=1).values.cpu()
    shown = ", ".join(f"{p:.3f}" for p in largest[scale].tolist())
    rows.append([scale, str(predictions[scale]), shown])
headers = [
    "로짓에 곱한 수",
    "예측 클래스",
    "가장 큰 확률",
]
print(nnguide.format_table(rows, headers=headers, align=">><"))

assert predictions[1] == predictions[3] == predictions[10] == scores.argmax(dim=1).tolist()
assert (largest[1] < largest[3]).all() and (largest[3] < largest[10]).all()

# %% [markdown]
# ## 요약 { #summary }
#
# - `nnguide.activation(name)`은 이름으로 활성화 함수 모듈을 만들고, 이 모듈들은
#   모두 입력의 모양을 그대로 유지합니다.
# - `requires_grad_()`로 텐서를 표시하면 `torch.autograd.grad`가 도함수를 돌려주고
#   `backward()`가 도함수를 `.grad`에 더합니다. 그 원리는 3강에서 설명합니다.
# - 자동 미분이 구한 도함수는 공식과 일치합니다. $\sigma' = \sigma(1 - \sigma)$이고
#   최댓값은 0.25이며, $\tanh' = 1 - \tanh^2$, $\mathrm{ReLU}' \in \{0, 1\}$,
#   $\mathrm{LeakyReLU}' \in \{0.01, 1\}$, $\mathrm{GELU}'(0) = 0.5$입니다.
# - 시그모이드와 tanh는 포화됩니다. $|x| = 10$에서 기울기가 각각 $10^{-4}$,
#   $10^{-8}$보다 작습니다. 시그모이드를 $n$번 거치면 기울기는 많아야 원래의
#   $0.25^n$배가 되고, 열 계층짜리 시그모이드 신경망에서는 첫 계층의 기울기가 마지막
#   계층보다 만 배 넘게 작았습니다. ReLU에 맞춘 초기화를 쓴 tanh와 ReLU
#   신경망에서는 모든 계층이 서로 열 배 안쪽에 있었습니다.
# - 입력이 늘 음수인 ReLU 노드는 기울기를 받지 못해 학습을 멈춥니다. LeakyReLU는
#   그 구간에서도 기울기 0.01을 남겨 둡니다.
# - 소프트맥스는 가장 큰 로짓을 빼고 계산해야 `inf`/`nan`을 피할 수 있고,
#   `log(softmax(x))`가 $-\infty$를 내는 곳에서도 `log_softmax`는 유한한 로그 확률을
#   돌려줍니다. 분류 모델이 로짓을 내보내고 손실 함수가 로짓을 받는 이유가 여기에
#   있습니다.
# - 소프트맥스는 예측 클래스를 바꾸지 않으며, 소프트맥스 확률은 보정된 신뢰도가
#   아닙니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - PyTorch 문서 `torch.nn`의 "Non-linear activations":
#   https://pytorch.org/docs/stable/nn.html#non-linear-activations-weighted-sum-nonlinearity
# - X. Glorot, Y. Bengio, "Understanding the difficulty of training deep
#   feedforward neural networks" (2010): 깊은 시그모이드 신경망의 포화 문제를 다룹니다.
# - K. He 외, "Delving Deep into Rectifiers" (2015): 위에서 쓴 ReLU용 초기화가 나온
#   논문입니다.
# - D. Hendrycks, K. Gimpel, "Gaussian Error Linear Units (GELUs)" (2016).
# - C. Guo 외, "On Calibration of Modern Neural Networks" (2017): 신경망의 확률 보정을
#   다룹니다.
# - 다음 강의: 손실 함수와 자동 미분. 여기서 본 도함수들이 실제로 쓰이는 곳입니다.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **x = 1에서 tanh의 기울기.** $\tanh'(1) = 1 - \tanh^2(1)$을 손으로 계산하고
#    ($\tanh(1) \approx 0.7616$), `torch.autograd.grad`로 확인하세요.
# 2. **tanh 열 번 연달아.** 0에 시그모이드를 열 번 연달아 적용하면 도함수 값이
#    $0.25^{10}$보다 작습니다. 0에 `torch.tanh`를 열 번 연달아 적용하면 도함수 값이
#    얼마일지 예측한 다음 자동 미분으로 구해 보세요. 왜 이렇게 다를까요?
# 3. **로짓을 옮기고 늘리기.** 로짓 `[1.0, 2.0, 3.0]`에 100을 더했을 때와 0을 곱했을 때
#    소프트맥스가 어떻게 되는지 예측하고 둘 다 확인하세요.

# %% tags=["solution"]
point = torch.tensor(1.0, device=device, requires_grad=True)
(tanh_slope,) = torch.autograd.grad(torch.tanh(point), point)
by_formula = 1 - torch.tanh(torch.tensor(1.0)) ** 2
print(f"tanh'(1): 자동 미분 {tanh_slope.item():.4f}, 1 - tanh²(1) = {by_formula.item():.4f}")
assert abs(tanh_slope.item() - by_formula.item()) < 1e-6
assert abs(by_formula.item() - (1 - 0.7616**2)) < 1e-4

# %% tags=["solution"]
# tanh(0) = 0이고 tanh'(0) = 1이므로, 계층마다 0을 기울기 1로 그대로 넘깁니다.
# 시그모이드는 0을 0.5로 보내고, 그 기울기는 0.25를 넘지 않습니다.
start = torch.tensor(0.0, device=device, requires_grad=True)
chain = start
for _ in range(10):
    chain = torch.tanh(chain)
(chain_slope,) = torch.autograd.grad(chain, start)
print(f"0에서 tanh 열 번: {chain_slope.item()}   시그모이드 열 번의 상한: {0.25**10:.1e}")
assert chain_slope.item() == 1.0

# %% tags=["solution"]
base = torch.tensor([1.0, 2.0, 3.0], device=device)
plain = torch.softmax(base, dim=0)
plus_100 = torch.softmax(base + 100, dim=0)
times_0 = torch.softmax(0 * base, dim=0)
print("softmax(z):      ", [round(p, 4) for p in plain.tolist()])
print("softmax(z + 100):", [round(p, 4) for p in plus_100.tolist()])
print("softmax(0 · z):  ", [round(p, 4) for p in times_0.tolist()])
assert torch.allclose(plus_100, plain)
assert torch.allclose(times_0, torch.full((3,), 1 / 3, device=device))
