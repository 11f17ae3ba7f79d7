# %% [markdown]
# # PyTorch로 신경망 만들기
#
# 신경망은 단순한 계층(layer)을 차례로 쌓아 만듭니다. 계층 하나가 하는 일은 입력에
# 가중치 행렬을 곱하고 편향을 더한 다음, 그 결과를 활성화 함수에 통과시키는 것이
# 전부입니다. 이번 강의에서는 작은 신경망 하나를 PyTorch로 세 번 만듭니다. 처음에는
# 계층을 하나씩 손으로 연결하고, 다음에는 `nn.Sequential` 하나로 묶고, 마지막에는
# `nn.Module`을 상속한 파이썬 클래스로 작성합니다. 단계마다 텐서의 모양을 확인하고,
# 끝에서는 계층별 출력 모양과 매개변수 개수를 보여 주는 표를 읽습니다. 이 페이지의
# 출력은 모두 바로 위의 코드를 실행해서 얻은 것입니다.
#
# **이번 강의에서 배울 내용**
#
# - 계층, 노드, 가중치, 편향, 활성화 함수의 뜻
# - 미니배치 입력을 텐서에 담는 방법
# - `nn.Linear`가 계산하는 식을 행렬 곱셈으로 직접 맞춰 보는 방법과 `bias=False`의 의미
# - `nn.Sigmoid`, `nn.Tanh`, `nn.ReLU`, `nn.Softmax`가 입력을 바꾸는 방식
# - 분류 모델이 로짓을 내보내고 소프트맥스는 손실 함수에 맡기는 이유
# - 신경망을 조립하는 세 가지 방법(손으로 연결하기, `nn.Sequential`, `nn.Module` 상속)
# - 모델 요약을 읽고 매개변수 개수를 세는 방법
#
# **사전 지식:** 파이썬 기초, 그리고 PyTorch 텐서를 만들어 `.shape`를 읽어 본 정도의
# 경험이면 충분합니다. 텐서가 처음이라면 [0강](00_tensors.ipynb)부터 보세요. 미적분은
# 아직 필요하지 않습니다.

# %% [markdown]
# ## 준비 { #setup }
#
# PyTorch와 이번 강의에 필요한 `nnguide`의 도우미 몇 가지를 불러옵니다. 실행할
# 때마다 같은 값이 나오도록 난수 시드를 고정하고, 계산할 장치는
# `get_device()`로 고릅니다. NVIDIA GPU(CUDA)나 Apple 실리콘 GPU(MPS)가 있으면 그
# GPU를, 없으면 CPU를 돌려줍니다. 이번 강의의 코드는 GPU 없이도 모두 실행됩니다.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from nnguide import MLP, activation, count_parameters, get_device, linear_forward, summary
from nnguide.plotting import set_style

set_style()
torch.manual_seed(0)
device = get_device()
print("PyTorch", torch.__version__, "/ 장치:", device)

# %% [markdown]
# ## 신경망의 구조 { #anatomy-of-a-network }
# <!-- index: 인공 뉴런; 뉴런; 퍼셉트론; 은닉층 -->
#
# 완전 연결 신경망은 맨 앞의 **입력층**(input layer)과 맨 뒤의 **출력층**(output layer),
# 그리고 그 사이에 있는 하나 이상의 **은닉층**으로 이루어집니다. 입력층은 샘플 하나를
# 나타내는 특성 값들입니다. 은닉층(hidden layer)과 출력층은 저마다 **노드**(node) 여러
# 개로 구성됩니다. 노드마다 입력 하나에
# **가중치**가 하나씩 붙고, **편향**도 하나 있습니다. 노드는 입력에 가중치를 곱해 모두
# 더한 가중합(weighted sum)에 편향을 더하고, 그 값 $z$를 시그모이드, tanh, ReLU 같은 **활성화
# 함수**(activation function) $f$에 통과시킵니다. 노드의 출력은 $a$입니다.
#
# $$z = w_1 x_1 + w_2 x_2 + \dots + w_n x_n + b, \qquad a = f(z)$$
#
# 분류 신경망의 출력층에는 클래스마다 노드가 하나씩 있고, 이 노드들이 내는 점수를
# **로짓**이라고 합니다. 로짓을 확률로 읽고 싶으면 클래스가 여럿일 때는
# 소프트맥스(softmax)를, 예/아니요 문제에서는 시그모이드를 적용합니다. 하지만
# 학습할 때는 모델이 로짓을 그대로 내보내고, 소프트맥스나 시그모이드는
# 손실 함수인 `nn.CrossEntropyLoss`나 `nn.BCEWithLogitsLoss`가 안에서 적용하게 두는
# 것이 기본입니다. 손실 함수 쪽에서 계산해야 더 정확한데, 그 이유는 3강에서 봅니다.
#
# 입력이 세 개인 노드 하나를 손으로 계산해 보겠습니다. 가중합은
# $0.4 \cdot 0.5 + 0.3 \cdot (-1) + (-0.2) \cdot 2 = -0.5$이고, 편향 0.1을 더하면
# $z = -0.4$입니다. 시그모이드(sigmoid) $\sigma(z) = \frac{1}{1 + e^{-z}}$는 이 값을
# 0과 1 사이의 값으로 바꿉니다.

# %%
inputs = torch.tensor([0.5, -1.0, 2.0])
weights = torch.tensor([0.4, 0.3, -0.2])
bias = torch.tensor(0.1)

weighted_sum = (weights * inputs).sum()
z = weighted_sum + bias
node_output = torch.sigmoid(z)
assert torch.isclose(weighted_sum, torch.tensor(-0.5))
assert torch.isclose(z, torch.tensor(-0.4))
assert 0 < node_output < 1
print("가중합:          ", round(weighted_sum.item(), 4))
print("편향을 더한 값 z:", round(z.item(), 4))
print("노드 출력 σ(z):  ", round(node_output.item(), 4))

# %% [markdown]
# 계층은 이런 노드 여러 개를 나란히 놓은 것이고, 노드는 모두 같은 입력을 받습니다.
# 노드마다 가중치를 행렬의 한 행에 담아 두면 PyTorch는 계층 전체를 행렬 곱셈 한
# 번으로 계산합니다. 다음 절에서 직접 확인합니다.
#
# ## 미니배치로 된 입력 { #input-as-a-mini-batch }
# <!-- index: 배치 차원; 입력 모양 -->
#
# 신경망은 입력을 **미니배치**(mini-batch)라는 묶음으로 받습니다. 행 하나가 샘플
# 하나이고 열 하나가 특성(feature) 하나입니다. 행의 개수, 곧 한 번에 묶어 넣는 샘플 수가
# **배치 크기**(batch size)입니다. 아래 텐서는 특성이 128개인 샘플 32개를 무작위로 만든
# 미니배치입니다. 샘플 하나씩도, 데이터 전체도 아닌 미니배치로 학습하는 이유는 경사
# 하강법(gradient descent)을 다루는 4강에서 설명합니다.

# %%
x = torch.rand(32, 128).to(device)
assert x.shape == (32, 128)
print("입력 모양:", x.shape)

# %% [markdown]
# ## 완전 연결 계층 { #the-fully-connected-layer }
# <!-- index: 밀집 계층; dense layer; 선형 계층; nn.Linear; 리니어 레이어; 선형 레이어; 완전 연결층; FC 레이어 -->
#
# `nn.Linear(in_features, out_features, bias=True)`가
# 완전 연결 계층(fully connected layer)입니다. 밀집 계층(dense layer)이나 피드포워드
# 계층이라고도 부릅니다. 노드 `out_features`개가 저마다 입력 `in_features`개를 모두
# 받으므로 '완전 연결'이라고 합니다. 특성 128개를 받아 노드 64개로 내보내는
# 계층이라면 가중치 행렬은 노드마다 한 행씩이어서 모양이 `(64, 128)`이고, 편향 벡터는
# 모양이 `(64,)`입니다. 계층을 만들면 PyTorch가 가중치와 편향을 작은 난수로 채워
# 둡니다. 입력이 128개이면 그 값은 모두 $-1/\sqrt{128} \approx -0.088$과
# $1/\sqrt{128}$ 사이에 있습니다.

# %%
layer = nn.Linear(128, 64).to(device)
assert layer.weight.shape == (64, 128)
assert layer.bias.shape == (64,)
print("가중치 모양:", layer.weight.shape)
print("편향 모양:  ", layer.bias.shape)
print(
    "가중치와 편향의 최대 절댓값:",
    round(layer.weight.abs().max().item(), 4),
    round(layer.bias.abs().max().item(), 4),
)
assert layer.weight.abs().max() <= 1 / 128**0.5 and layer.bias.abs().max() <= 1 / 128**0.5

# %% [markdown]
# 계층에 입력을 넣어 호출하면 **순전파**(forward pass)가 실행됩니다. 모양이
# `(batch, 128)`인 입력 $X$에 대해 계층이 계산하는 식은 다음과 같습니다.
#
# $$Y = XW^\top + b$$
#
# 가중치 행렬을 전치한 $W^\top$에서는 노드 하나의 가중치 128개가 한 열에 놓입니다.
# 그래서 $Y$의 열 하나가 노드 하나의 가중합이 되고, 편향 $b$는 모든 행에 똑같이
# 더해집니다. 코드로 쓰면 `x @ layer.weight.T + layer.bias`입니다. 배치 크기가 8인
# 입력으로 두 결과가 같은지 `torch.allclose`로 확인합니다. `torch.allclose`는
# 부동소수점 계산에서 생기는 아주 작은 차이는 같은 것으로 칩니다.
# `nnguide.linear_forward`는 같은 식을 그대로 풀어 쓴 함수인데, 계산 전에 모양부터
# 검사하므로 모양이 맞지 않으면 알아보기 쉬운 오류를 냅니다.

# %%
x8 = torch.rand(8, 128).to(device)
by_module = layer(x8)
by_formula = x8 @ layer.weight.T + layer.bias
by_nnguide = linear_forward(x8, layer.weight, layer.bias)

assert by_module.shape == (8, 64)
assert torch.allclose(by_module, by_formula)
assert torch.allclose(by_module, by_nnguide)
print("출력 모양:", by_module.shape)
print("nn.Linear와 x @ W.T + b가 같은가:", torch.allclose(by_module, by_formula))
print("linear_forward도 같은가:         ", torch.allclose(by_module, by_nnguide))

# %% [markdown]
# 이런 코드에서 가장 흔한 실수는 모양을 잘못 맞추는 것입니다. 가중치 행렬을 전치해서
# `linear_forward`에 넘기면, 어느 인자의 모양이 어떻게 어긋났는지 알려 주는 오류가
# 납니다.

# %%
try:
    linear_forward(x8, layer.weight.T, layer.bias)
    raised = False
except ValueError as error:
    raised = True
    print("ValueError:", error)
assert raised

# %% [markdown]
# `bias=False`를 주면 편향이 아예 없는 계층이 됩니다. 계층의 `bias` 속성은 `None`이고,
# 계층은 $XW^\top$만 계산하며, 매개변수는 $128 \cdot 64 + 64 = 8{,}256$개에서
# $128 \cdot 64 = 8{,}192$개로 줄어듭니다. 배치 정규화처럼 더할 값을 스스로 학습하는
# 계층이 바로 뒤에 오면 편향이 겹치기 때문에, 그런 자리에서 `bias=False`를 자주
# 봅니다.

# %%
no_bias = nn.Linear(128, 64, bias=False).to(device)
assert no_bias.bias is None
assert count_parameters(layer) == 128 * 64 + 64 == 8256
assert count_parameters(no_bias) == 128 * 64 == 8192
print("편향:", no_bias.bias)
print("편향이 있을 때 매개변수 수: ", count_parameters(layer))
print("bias=False일 때 매개변수 수:", count_parameters(no_bias))

# %% [markdown]
# ## 활성화 함수 { #activation-functions }
# <!-- index: 비선형성; 활성 함수; 렐루 -->
#
# 활성화 함수는 텐서의 원소 하나하나에 따로 적용되므로 텐서의 모양을 바꾸지
# 않습니다. PyTorch는 활성화 함수를 모듈로도, 함수로도 제공합니다. `nn.Sequential`에
# 넣을 때는 `nn.Sigmoid()` 같은 모듈을, 앞에서 노드를 계산할 때처럼 바로 적용할
# 때는 `torch.sigmoid` 같은 함수를 쓰며, 두 방식의 결과는 같습니다. 시그모이드
# $\sigma(x) = \frac{1}{1 + e^{-x}}$는 값을 0과 1 사이의 값으로,
# $\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$는 −1과 1 사이의 값으로 압축합니다.
# $\mathrm{ReLU}(x) = \max(0, x)$는 음수를 0으로 바꾸고 나머지는 그대로 둡니다.

# %%
x_act = torch.randn(8, 128).to(device)
for module in [nn.Sigmoid(), nn.Tanh(), nn.ReLU()]:
    y = module(x_act)
    assert y.shape == x_act.shape
    print(
        module,
        "모양",
        tuple(x_act.shape),
        "->",
        tuple(y.shape),
        "| 범위",
        round(y.min().item(), 3),
        "~",
        round(y.max().item(), 3),
    )

assert nn.Sigmoid()(x_act).min() > 0 and nn.Sigmoid()(x_act).max() < 1
assert nn.Tanh()(x_act).abs().max() < 1
assert nn.ReLU()(x_act).min() == 0
pairs = [(nn.Sigmoid(), torch.sigmoid), (nn.Tanh(), torch.tanh), (nn.ReLU(), torch.relu)]
same = all(torch.equal(module(x_act), function(x_act)) for module, function in pairs)
assert same
print("모듈과 함수의 결과가 같은가:", same)

# %% [markdown]
# ### 소프트맥스는 점수를 확률로 바꿉니다 { #softmax-turns-scores-into-probabilities }
# <!-- index: 로짓; 확률 분포; softmax -->
#
# 소프트맥스는 다른 활성화 함수와 달리 한 행 전체를 함께 봅니다. 로짓 $C$개로 된 한
# 행 $z$를 다음 식으로 **확률**로 바꿉니다.
#
# $$p_i = \frac{e^{z_i}}{\sum_{j=1}^{C} e^{z_j}}$$
#
# 지수 함수의 값은 늘 양수이고 분모는 분자를 모두 더한 값이므로, 확률은 모두 양수이고
# 합이 1입니다. `dim=1`은 클래스 차원을 따라, 곧 샘플마다 한 행씩 계산하라는
# 뜻입니다. 아래는 클래스가 20개인 샘플 하나입니다. 로짓의 합은 아무 값이나 될 수
# 있지만 확률의 합은 1입니다. 다만 부동소수점 반올림 때문에 정확히 1이 아닐 수 있어서
# 허용 오차를 두고 비교합니다.

# %%
logits = torch.randn(1, 20).to(device)
softmax = nn.Softmax(dim=1)
probabilities = softmax(logits)

assert probabilities.shape == logits.shape == (1, 20)
assert (probabilities > 0).all()
assert torch.allclose(probabilities.sum(dim=1), torch.ones(1, device=device))
print("확률 텐서의 모양:", probabilities.shape)
print("로짓의 합:", logits.sum(dim=1).item())
print("확률의 합:", probabilities.sum(dim=1).item())

# %% [markdown]
# 소프트맥스는 값의 크기 순서를 바꾸지 않습니다. 그래서 확률이 가장 큰 클래스는 곧
# 로짓이 가장 큰 클래스이고, 클래스를 예측할 때는 로짓에서 바로 `argmax`를 구해도
# 됩니다. 분류 모델의 마지막 계층이 로짓을 내보내는 것도 이 때문입니다. 교차
# 엔트로피(cross-entropy) 손실인 `nn.CrossEntropyLoss`는 로짓을 받아 안에서
# 소프트맥스를 적용합니다. 정답이 3번 클래스라면 손실은 $-\log p_3$입니다.
# 소프트맥스는 확률을 읽을 때 쓰는 것이지, 이 손실 앞에 넣는 계층이 아닙니다. 넣으면
# 무엇이 잘못되는지는 3강에서 확인합니다.

# %%
predicted = probabilities.argmax(dim=1)
assert torch.equal(predicted, logits.argmax(dim=1))
target = torch.tensor([3], device=device)
loss = nn.CrossEntropyLoss()(logits, target)
assert torch.isclose(loss, -probabilities[0, 3].log())
print("확률이 가장 큰 클래스:             ", predicted.item())
print("로짓이 가장 큰 클래스:             ", logits.argmax(dim=1).item())
print("CrossEntropyLoss(로짓, 3번 클래스):", round(loss.item(), 4))
print("-log p_3:                          ", round(-probabilities[0, 3].log().item(), 4))

# %% [markdown]
# ### 활성화 함수의 곡선 { #the-activation-curves }
# <!-- index: 활성화 함수 그래프; 곡선 그래프 -->
#
# 설명을 읽는 것보다 그림을 보는 편이 빠릅니다. `nnguide.activation`은 이름을 받아
# 활성화 함수 모듈을 만들어 주므로, 여러 함수를 반복문 하나로 다룰 수 있습니다.
# 고전적인 세 함수 옆에 요즘 많이 쓰는 두 함수도 함께 그립니다. 음수 쪽도 조금
# 통과시키는 LeakyReLU, 그리고 트랜스포머에서 쓰는 매끄러운 ReLU인 GELU입니다. 두
# 함수의 식과 도함수는 2강에서 다룹니다.

# %%
functions = {
    "sigmoid": activation("sigmoid"),
    "tanh": activation("tanh"),
    "relu": activation("relu"),
    "leaky_relu": activation("leaky_relu", negative_slope=0.1),
    "gelu": activation("gelu"),
}
labels = {
    "sigmoid": "시그모이드",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU (음수 쪽 기울기 0.1)",
    "gelu": "GELU",
}
grid = torch.linspace(-4, 4, 401)
curves = {name: function(grid) for name, function in functions.items()}

assert ((curves["sigmoid"] > 0) & (curves["sigmoid"] < 1)).all()
assert (curves["tanh"].abs() < 1).all()
assert (curves["relu"][grid < 0] == 0).all()
assert torch.allclose(curves["leaky_relu"][grid < 0], 0.1 * grid[grid < 0])

groups = [["sigmoid", "tanh"], ["relu", "leaky_relu", "gelu"]]
titles = ["출력 범위가 좁은 시그모이드와 tanh", "ReLU와 그 변형들"]
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for ax, group, title in zip(axes, groups, titles, strict=True):
    for name in group:
        ax.plot(grid, curves[name], label=labels[name])
    ax.set_title(title)
    ax.set_xlabel("입력 x")
    ax.legend()
axes[0].set_ylabel("출력")
plt.show()

# %% [markdown]
# ## 계층을 하나씩 연결해 신경망 만들기 { #building-the-network-by-hand }
# <!-- index: 순전파; 레이어 연결 -->
#
# 이제 이번 강의에서 만들 신경망입니다. 입력 특성은 128개이고, 은닉층 두 개는 노드가
# 각각 64개와 16개이며 둘 다 tanh를 씁니다. 출력층은 시그모이드를 붙인 노드 하나여서,
# 0과 1 사이의 출력을 예/아니요 문제에서 '예'일 확률로 읽을 수 있습니다. 여기서
# 시그모이드를 둔 것은 이번 강의에서 그 확률을 읽기 위해서입니다. 예/아니요 문제를
# 학습시키는 신경망이라면 보통 시그모이드 없이 로짓을 내보내고, 시그모이드는
# `nn.BCEWithLogitsLoss`에 맡깁니다(3강). 먼저 모듈 여섯 개를 하나씩 만들어 배치
# 크기 32인 미니배치에 차례로 적용하면서 단계마다 모양을 출력합니다.

# %%
fc1 = nn.Linear(128, 64).to(device)
act1 = nn.Tanh()
fc2 = nn.Linear(64, 16).to(device)
act2 = nn.Tanh()
fc3 = nn.Linear(16, 1).to(device)
act3 = nn.Sigmoid()

h1 = act1(fc1(x))
h2 = act2(fc2(h1))
out = act3(fc3(h2))
assert h1.shape == (32, 64) and h2.shape == (32, 16) and out.shape == (32, 1)
assert ((out > 0) & (out < 1)).all()
print("첫째 은닉층:", h1.shape)
print("둘째 은닉층:", h2.shape)
print("출력층:     ", out.shape)

# %% [markdown]
# ## `nn.Sequential`로 하나의 모듈 만들기 { #one-module-with-sequential }
# <!-- index: 시퀀셜; 레이어 쌓기; 계층 쌓기 -->
#
# 모듈 여섯 개를 일일이 호출하기는 번거롭습니다. `nn.Sequential`을 쓰면 여러 모듈을
# 하나로 이을 수 있습니다. 이렇게 만든 모듈을 호출하면 안에 든 모듈을 차례로
# 호출하면서 앞 모듈의 출력을 다음 모듈의 입력으로 넘깁니다. 모듈은 하나하나 별도의
# 인자로 넘깁니다. 모델을 출력하면 모듈마다 0부터 5까지 순서 번호가 붙어 나옵니다.

# %%
model = nn.Sequential(
    nn.Linear(128, 64),
    nn.Tanh(),
    nn.Linear(64, 16),
    nn.Tanh(),
    nn.Linear(16, 1),
    nn.Sigmoid(),
).to(device)
print(model)

y = model(x)
assert y.shape == (32, 1)
assert [type(m).__name__ for m in model] == [
    "Linear",
    "Tanh",
    "Linear",
    "Tanh",
    "Linear",
    "Sigmoid",
]
print("출력 모양:", y.shape)

# %% [markdown]
# `nn.Sequential`이 하는 일은 모듈을 순서대로 호출하는 것뿐입니다. 앞에서 손으로 만든
# 모듈 여섯 개로 `nn.Sequential`을 만들면 한 단계씩 계산한 결과와 정확히 같은 출력이
# 나옵니다.

# %%
chained = nn.Sequential(fc1, act1, fc2, act2, fc3, act3)
assert torch.equal(chained(x), out)
print("Sequential의 출력이 단계별 계산과 같은가:", torch.equal(chained(x), out))

# %% [markdown]
# 자주 하는 실수는 모듈들을 리스트 하나에 담아 넘기는 것입니다. 그러면
# `nn.Sequential`은 모듈이 아닌 인자 하나를 받게 되고 `TypeError`를 냅니다. 계층이
# 이미 리스트에 들어 있다면 `*`로 풀어서 넘기세요.

# %%
layers = [nn.Linear(128, 64), nn.Tanh()]
try:
    nn.Sequential(layers)
    raised = False
except TypeError as error:
    raised = True
    print("TypeError:", error)
assert raised

unpacked = nn.Sequential(*layers)
assert len(unpacked) == 2
print(unpacked)

# %% [markdown]
# ## 나만의 모듈 작성하기 { #writing-your-own-module }
# <!-- index: nn.Module 상속; forward 메서드; 포워드; 모델 클래스; 커스텀 모델 -->
#
# 계층을 일렬로 잇기만 해서는 만들 수 없는 구조라면 파이썬 클래스를 작성합니다.
# `nn.Module`을 상속하고, `__init__`에서는 가장 먼저 `super().__init__()`을
# 호출합니다. 이 호출이 하위 모듈과 매개변수를 기록할 준비를 해 둡니다. 그다음
# 계층을 속성으로 만들고, 계산 과정은 `forward`에 씁니다. 사용할 때는 `net(x)`처럼
# 모델 자체를 호출하면 PyTorch가 `forward`를 대신 실행합니다. 여기서는 이 파이썬
# 클래스가 앞에서 만든 것과 같은 `Sequential`을 감싸고 있어서, 모델을 출력하면 모듈이
# 중첩된 모습이 보입니다.


# %%
class Network(nn.Module):
    """128 -> 64 (Tanh) -> 16 (Tanh) -> 1 (Sigmoid) 신경망."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(128, 64),
            nn.Tanh(),
            nn.Linear(64, 16),
            nn.Tanh(),
            nn.Linear(16, 1),
            nn.Sigmoid(),
        )

    def forward(self, x):
        return self.layers(x)


net = Network().to(device)
print(net)
y = net(x)
assert y.shape == (32, 1)
print("출력 모양:", y.shape)

# %% [markdown]
# ### 왜 모듈인가 { #why-modules }
# <!-- index: 모듈을 쓰는 이유 -->
#
# 모듈이 하는 일은 함수보다 많습니다. 모듈은 학습할 **매개변수**(parameter)를
# 추적하며, 안에 중첩된 모듈의 매개변수까지 모두 챙깁니다. 그래서 `net.parameters()` 한 번이면 매개변수
# 전체를 옵티마이저(optimizer)에 넘길 수 있고, `.to(device)` 한 번이면 전부 다른
# 장치로 옮겨집니다. `state_dict()`는 매개변수를 정해진 이름으로 모아 주므로, 학습한
# 모델을 저장했다가 새 모델에 그대로 불러올 수 있습니다. 이 신경망의 매개변수 텐서는
# `Linear`마다 가중치와 편향이 하나씩이어서 모두 여섯 개이고, 이름은 중첩 구조를
# 따릅니다.

# %%
params = list(net.parameters())
param_names = [name for name, _ in net.named_parameters()]
assert len(params) == 6
assert all(p.requires_grad and p.device.type == device.type for p in params)
assert param_names == list(net.state_dict().keys())
print("매개변수 텐서 수:", len(params))
print("이름:", param_names)

copy = Network().to(device)
copy.load_state_dict(net.state_dict())
assert torch.equal(copy(x), net(x))
print("state_dict를 불러온 복사본의 출력이 같은가:", torch.equal(copy(x), net(x)))

# %% [markdown]
# ## MLP로 만든 같은 신경망 { #the-same-network-with-mlp }
# <!-- index: 다층 퍼셉트론; MLP; 피드포워드 신경망; 순방향 신경망 -->
#
# 이 신경망처럼 `Linear` 계층 사이사이에 활성화 함수를 끼운 구조는 워낙 흔해서
# 다층 퍼셉트론(multilayer perceptron)이라는 이름이 따로 있고, 줄여서 MLP라고 부릅니다.
# `nnguide.MLP`는 계층 크기의 리스트만 받아 이런 신경망을 만듭니다.
# `MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")`는 앞의
# 신경망과 같은 구조를 만듭니다. 계층의 종류와 순서, 매개변수 개수, 출력 모양이 모두
# 같습니다.

# %%
mlp = MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid").to(device)
print(mlp)

assert [type(m).__name__ for m in mlp] == [type(m).__name__ for m in model]
assert count_parameters(mlp) == count_parameters(model) == count_parameters(net)
assert mlp(x).shape == (32, 1)
print("매개변수 수, Sequential:", count_parameters(model))
print("매개변수 수, MLP:       ", count_parameters(mlp))
print("출력 모양:", mlp(x).shape)

# %% [markdown]
# `MLP`는 그 자체가 `nn.Sequential`이고 모듈 번호도 같습니다. 그래서 앞에서 직접 만든
# `model`의 가중치를 그대로 불러올 수 있고, 불러온 뒤에는 출력도 정확히 같습니다.

# %%
assert isinstance(mlp, nn.Sequential)
mlp.load_state_dict(model.state_dict())
assert torch.equal(mlp(x), model(x))
print("Sequential의 가중치를 불러온 MLP의 출력이 같은가:", torch.equal(mlp(x), model(x)))

# %% [markdown]
# ## 모델 요약 { #model-summary }
# <!-- index: 파라미터 수; 매개변수 개수; count_parameters; 모델 구조 -->
#
# 모델 요약을 보면 계층마다 출력 모양과 매개변수 수가 나열되고, 맨 아래에 합계가
# 나옵니다. 첫 번째 `Linear`의 매개변수는 가중치 $128 \cdot 64$개와 편향 64개를 합한
# 8,256개이고, 두 번째는 $64 \cdot 16 + 16 = 1{,}040$개, 마지막은 $16 + 1 = 17$개입니다.
# 활성화 함수에는 매개변수가 없습니다. 모두 합하면 9,313개이고 전부 학습 대상입니다.
# 32비트 부동소수점(개당 4바이트)으로 저장하면 약 0.04MB를 차지합니다.
#
# 이 안내서의 출발점이 된 강의는 `torchsummary`를 썼지만, 이 패키지는 더 이상
# 관리되지 않습니다. 여러분의 프로젝트에서는 뒤를 이은 `torchinfo`를 쓰는 것이
# 좋습니다. 중첩된 모델을 원하는 깊이까지 펼쳐 보여 주고, 더 다양한 입력을 다루며,
# 표의 모양은 조금 다릅니다. `nnguide.summary`는 `torchsummary`와 같은 익숙한 표를
# 보여 주는 작은 함수로, 테스트로 검증되어 있습니다. 표와 함께, 코드에서 바로 쓸 수
# 있는 값을 담은 객체도 돌려줍니다. `input_size`에는 배치 차원을 뺀 샘플 하나의
# 모양을 넘깁니다.

# %%
model_summary = summary(model, input_size=(128,), language="ko")
print(model_summary)

assert [row.num_params for row in model_summary.layers] == [8256, 0, 1040, 0, 17, 0]
assert [row.output_shape[1:] for row in model_summary.layers] == [
    (64,),
    (64,),
    (16,),
    (16,),
    (1,),
    (1,),
]
assert model_summary.total_params == 9313
assert model_summary.trainable_params == 9313
assert model_summary.non_trainable_params == 0
assert round(model_summary.params_size_mb, 2) == 0.04

# %% [markdown]
# '출력 모양' 열의 `-1`은 배치 차원을 뜻합니다. 요약을 만들 때는 작은 배치를 모델에
# 통과시켰지만, 이 모양은 배치 크기와 상관없이 그대로입니다. 노트북에서는 셀의 마지막
# 줄에 요약 객체를 두면 표로 표시됩니다.

# %%
model_summary

# %% [markdown]
# ## 요약 { #summary }
#
# - 신경망은 계층을 이어 놓은 것입니다. 완전 연결 계층(밀집 계층)은 미니배치 전체에
#   대해 $Y = XW^\top + b$를 한 번에 계산하고, 가중치의 모양은
#   `(out_features, in_features)`입니다. `bias=False`이면 $b$와 그 매개변수가
#   없습니다.
# - 활성화 함수는 원소마다 따로 작동하므로 모양을 바꾸지 않고, PyTorch에는 모듈과
#   함수가 모두 있습니다. 소프트맥스는 로짓 한 행을 합이 1인 확률로 바꾸며, 어느
#   클래스가 가장 큰지는 바꾸지 않습니다.
# - 분류 모델은 로짓을 내보냅니다. 소프트맥스나 시그모이드는 `nn.CrossEntropyLoss`와
#   `nn.BCEWithLogitsLoss`가 안에서 적용하므로, 모델 밖에서는 확률을 읽을 때만
#   씁니다.
# - `nn.Sequential(모듈, 모듈, ...)`은 별도의 인자로 받은 모듈들을 차례로 잇습니다.
#   `nn.Module`을 상속한 클래스는 `__init__`에서 계층을, `forward`에서 계산을
#   정의하며, 매개변수 추적, 장치 이동, `state_dict` 기능을 따로 구현하지 않아도
#   갖추게 됩니다.
# - `nnguide.MLP`는 계층 크기만으로 같은 신경망을 만들고, `nnguide.summary`는 그
#   결과를 계층별로 보여 줍니다. 128 → 64 → 16 → 1 신경망의 매개변수는 9,313개입니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - 다음 강의인 *활성화 함수 자세히 보기*에서는 위의 곡선과 그 도함수를 살펴보고,
#   포화가 왜 학습을 느리게 하는지 알아봅니다.
# - PyTorch 공식 문서: `torch.nn.Linear`, `torch.nn.Sequential`, `torch.nn.Module`
# - PyTorch 한국어 튜토리얼의 "신경망 모델 구성하기"는 같은 내용을 다른 순서로
#   다룹니다.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **더 좁은 신경망.** 첫 은닉층의 노드를 64개 대신 32개로 줄여 보세요
#    (128 → 32 → 16 → 1). 매개변수 수를 계층별로 손으로 센 다음 `count_parameters`로
#    확인하세요.
# 2. **노드 하나를 손으로 계산하기.** 가중치가 `[0.5, -1.0]`, 편향이 `0.5`인 노드에 입력
#    `[1.0, 2.0]`이 들어옵니다. 가중합에 편향을 더한 $z$와 그 시그모이드 값 $\sigma(z)$를
#    손으로 구한 다음, 이 가중치를 `nn.Linear(2, 1)`에 넣어 결과를 비교하세요.
# 3. **클래스가 10개인 분류기.** 128 → 64 (ReLU) → 10으로 이어지고 `nn.Softmax(dim=1)`로
#    끝나는 `nn.Sequential`을 만들어 미니배치 `x`에 적용하세요. 출력의 모양, 행마다 합이
#    1인지, 매개변수 수를 확인하세요.

# %% tags=["solution"]
narrow = MLP([128, 32, 16, 1], activation="tanh", output_activation="sigmoid")
counted = (128 * 32 + 32) + (32 * 16 + 16) + (16 * 1 + 1)
print("손으로 센 매개변수 수:", counted, "  count_parameters:", count_parameters(narrow))
assert counted == count_parameters(narrow) == 4673

# %% tags=["solution"]
node = nn.Linear(2, 1)
with torch.no_grad():
    node.weight.copy_(torch.tensor([[0.5, -1.0]]))
    node.bias.fill_(0.5)
node_z = node(torch.tensor([[1.0, 2.0]]))
z_by_hand = 0.5 * 1.0 + (-1.0) * 2.0 + 0.5
sigma_by_hand = 1 / (1 + torch.exp(torch.tensor(-z_by_hand)))
print("z: 손으로", z_by_hand, "  nn.Linear", node_z.item())
print(
    "σ(z): 손으로",
    round(sigma_by_hand.item(), 4),
    "  torch.sigmoid",
    round(torch.sigmoid(node_z).item(), 4),
)
assert z_by_hand == -1.0 and node_z.item() == z_by_hand
assert torch.isclose(torch.sigmoid(node_z).squeeze(), sigma_by_hand)

# %% tags=["solution"]
classifier = nn.Sequential(
    nn.Linear(128, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
    nn.Softmax(dim=1),
).to(device)
class_probabilities = classifier(x)
row_sums = class_probabilities.sum(dim=1)
print(
    "출력 모양:", tuple(class_probabilities.shape), "  매개변수 수:", count_parameters(classifier)
)
print("행의 합, 최솟값과 최댓값:", row_sums.min().item(), row_sums.max().item())
assert class_probabilities.shape == (32, 10)
assert torch.allclose(row_sums, torch.ones(32, device=device))
assert count_parameters(classifier) == 128 * 64 + 64 + 64 * 10 + 10 == 8906
