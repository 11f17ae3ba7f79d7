# %% [markdown]
# # PyTorch로 신경망 만들기
#
# 신경망(neural network)은 단순한 계층(layer)을 여러 겹 쌓은 것입니다. 각 계층은
# 입력에 가중치(weight) 행렬을 곱하고 편향(bias)을 더한 뒤, 그 결과를 활성화
# 함수(activation function)에 통과시킵니다. 이번 장에서는 작은 신경망 하나를
# PyTorch로 세 번 만들어 봅니다. 먼저 계층을 하나씩 직접 연결하고, 다음에는
# `nn.Sequential` 하나로, 마지막에는 여러분이 직접 정의한 `nn.Module` 클래스로
# 만듭니다. 그 과정에서 텐서(tensor)의 모양을 빠짐없이 확인하고, 끝으로 계층마다
# 출력 모양과 매개변수(parameter) 개수를 보여 주는 표를 읽어 봅니다. 이 페이지의
# 모든 출력은 바로 위의 코드를 실행해서 얻은 것입니다.
#
# **이번 장에서 배우는 것**
#
# - 계층, 노드(node), 가중치, 편향, 활성화 함수가 각각 무엇인지
# - 미니배치(mini-batch) 입력을 텐서로 담는 방법
# - `nn.Linear`가 계산하는 식과, 그 식을 행렬 곱셈으로 직접 확인하는 방법
# - `nn.Sigmoid`, `nn.Tanh`, `nn.ReLU`, `nn.Softmax`가 입력을 어떻게 바꾸는지
# - 신경망을 조립하는 세 가지 방법: 직접 연결하기, `nn.Sequential`, `nn.Module` 상속
# - 모델 요약(model summary)을 읽고 매개변수 개수를 세는 방법
#
# **사전 지식**: 기본적인 Python과 PyTorch 텐서를 만들고 `.shape`를 읽어 본 경험이
# 있으면 충분합니다. 미적분은 아직 필요하지 않습니다.

# %% [markdown]
# ## 준비 { #setup }
#
# PyTorch와 이번 장에서 쓰는 `nnguide`의 도우미 함수 몇 개를 불러옵니다. 실행할
# 때마다 같은 숫자가 출력되도록 난수 시드(seed)를 고정하고, 계산할 장치(device)를
# 고릅니다. GPU가 있으면 GPU를, 없으면 CPU를 씁니다. 아래 코드는 CPU에서도 몇 초면
# 모두 실행됩니다.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from nnguide import MLP, activation, count_parameters, linear_forward, summary
from nnguide.plotting import set_style

set_style()
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("PyTorch", torch.__version__, "/ 장치:", device)

# %% [markdown]
# ## 신경망의 구조 { #anatomy-of-a-network }
#
# 완전 연결 신경망은 **입력층**(input layer), 하나 이상의 **은닉층**(hidden layer),
# 그리고 **출력층**(output layer)으로 이루어집니다. 입력층은 샘플 하나의 특성(feature)
# 값들이고, 각 계층은 여러 개의 **노드**(node)로 구성됩니다. 노드 하나는 입력마다
# **가중치**(weight)를 하나씩, 그리고 **편향**(bias)을 하나 가지고 있습니다. 노드는
# 입력에 가중치를 곱해 모두 더하고 편향을 더한 값(가중합)을 구한 다음, 그 값을
# Sigmoid, Tanh, ReLU 같은 **활성화 함수**(activation function)에 통과시킵니다.
# 분류를 하는 신경망은 보통 마지막에 Softmax를 두어 마지막 계층의 점수를 확률로
# 바꿉니다.
#
# 입력이 세 개인 노드 하나를 직접 계산해 보겠습니다. 가중합은
# 0.4 × 0.5 + 0.3 × (−1) + (−0.2) × 2 + 0.1 = −0.4이고, 시그모이드(sigmoid)는 이 값을
# 0과 1 사이로 눌러 줍니다.

# %%
inputs = torch.tensor([0.5, -1.0, 2.0])
weights = torch.tensor([0.4, 0.3, -0.2])
bias = torch.tensor(0.1)

weighted_sum = (weights * inputs).sum() + bias
node_output = torch.sigmoid(weighted_sum)
assert torch.isclose(weighted_sum, torch.tensor(-0.4))
assert 0 < node_output < 1
print("가중합:   ", round(weighted_sum.item(), 4))
print("노드 출력:", round(node_output.item(), 4))

# %% [markdown]
# 계층은 이런 노드 여러 개가 같은 입력을 나란히 읽는 것입니다. 모든 노드의 가중치를
# 한 행렬의 행으로 모아 두면, PyTorch는 계층 전체를 행렬 곱셈 한 번으로 계산할 수
# 있습니다. 다음 절들에서 이를 직접 확인합니다.
#
# ## 미니배치로 된 입력 { #input-as-a-mini-batch }
#
# 신경망은 입력을 **미니배치**(mini-batch)라는 묶음 단위로 읽습니다. 한 행이 샘플
# 하나, 한 열이 특성 하나입니다. 행의 개수, 즉 한 번에 묶는 샘플 수가
# **배치 크기**(batch size)입니다. 아래는 특성이 128개인 샘플 32개로 된 무작위
# 미니배치입니다. 샘플 하나나 데이터 전체가 아니라 미니배치로 학습하는 이유는 경사
# 하강법(gradient descent)을 다루는 장에서 자세히 설명합니다.

# %%
x = torch.rand(32, 128).to(device)
assert x.shape == (32, 128)
print("입력 모양:", x.shape)

# %% [markdown]
# ## 완전 연결 계층 { #the-fully-connected-layer }
#
# `nn.Linear(in_features, out_features, bias=True)`는 완전 연결 계층(fully connected
# layer)입니다. `out_features`개의 노드 각각이 `in_features`개의 입력을 모두 읽습니다.
# 따라서 특성 128개를 받아 노드 64개로 보내는 계층은 노드마다 한 행씩, 모양이
# `(64, 128)`인 가중치 행렬과 모양이 `(64,)`인 편향 벡터를 가집니다. 계층을 만들 때
# PyTorch가 이 값들을 작은 난수로 채워 둡니다.

# %%
layer = nn.Linear(128, 64).to(device)
assert layer.weight.shape == (64, 128)
assert layer.bias.shape == (64,)
print("가중치 모양:", layer.weight.shape)
print("편향 모양:  ", layer.bias.shape)

# %% [markdown]
# 계층에 입력을 넣어 호출하면 **순전파**(forward pass)가 실행됩니다. 모양이
# `(batch, 128)`인 입력 `x`에 대해 계층은 `x @ layer.weight.T + layer.bias`를
# 계산합니다. 전치(`.T`)를 하면 각 노드의 가중치 128개가 한 열로 놓이므로, 출력의 각
# 열이 곧 노드 하나의 가중합이 됩니다. 배치 크기 8인 입력으로 두 결과가 같은지
# `torch.allclose`로 확인합니다. `torch.allclose`는 부동소수점 계산에서 생기는 아주 작은
# 차이를 허용하고 비교합니다. `nnguide.linear_forward`는 같은 식을 그대로 풀어 쓴
# 함수인데, 계산 전에 모양부터 검사하므로 모양이 맞지 않으면 알아보기 쉬운 오류를
# 냅니다.

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
print("linear_forward도 같은가:        ", torch.allclose(by_module, by_nnguide))

# %% [markdown]
# 이런 코드에서 가장 흔한 실수는 모양을 잘못 맞추는 것입니다. 가중치 행렬을 뒤집어서
# `linear_forward`에 넘기면, 어느 인자의 모양이 어떻게 어긋났는지 알려 줍니다.

# %%
try:
    linear_forward(x8, layer.weight.T, layer.bias)
    raised = False
except ValueError as error:
    raised = True
    print("ValueError:", error)
assert raised

# %% [markdown]
# ## 활성화 함수 { #activation-functions }
#
# 활성화 함수는 텐서의 원소 하나하나에 따로 적용되므로 텐서의 모양을 바꾸지
# 않습니다. PyTorch에서는 활성화 함수도 모듈입니다. `nn.Sigmoid`는 값을 0과 1
# 사이로, `nn.Tanh`는 −1과 1 사이로 눌러 주고, `nn.ReLU`는 음수를 0으로 바꾸고 나머지는
# 그대로 둡니다.

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

# %% [markdown]
# ### 소프트맥스는 점수를 확률로 바꿉니다 { #softmax-turns-scores-into-probabilities }
#
# 소프트맥스(softmax)는 다릅니다. 원소 하나가 아니라 한 행 전체를 함께 봅니다. 분류
# 모델의 마지막 계층은 클래스마다 가공하지 않은 점수를 하나씩 내는데, 이를
# **로짓**(logit)이라고 합니다. 소프트맥스는 로짓 한 행을 **확률**(probability)로
# 바꿉니다. 모든 값이 양수이고 합이 1이 됩니다. `dim=1`은 클래스 차원을 따라, 즉
# 샘플마다 한 행씩 정규화하라는 뜻입니다. 아래는 클래스가 20개인 샘플 하나의
# 예입니다. 로짓의 합은 아무 값이나 될 수 있지만 확률의 합은 1입니다. 다만
# 부동소수점 반올림 때문에 정확히 1이 아닐 수 있어서 허용 오차를 두고 비교합니다.

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
# ### 활성화 함수의 곡선 { #the-activation-curves }
#
# 설명보다 그림이 더 잘 보여 줍니다. `nnguide.activation`은 이름으로 활성화 함수
# 모듈을 만들어 주므로, 여러 함수를 반복문으로 다루기 편합니다. 세 가지 고전적인
# 함수 외에 요즘 많이 쓰는 두 가지도 함께 그립니다. 음수 쪽도 조금 통과시키는
# LeakyReLU와, 트랜스포머(transformer)에서 쓰는 매끄러운 ReLU인 GELU입니다.

# %%
functions = {
    "sigmoid": activation("sigmoid"),
    "tanh": activation("tanh"),
    "relu": activation("relu"),
    "leaky_relu": activation("leaky_relu", negative_slope=0.1),
    "gelu": activation("gelu"),
}
labels = {
    "sigmoid": "시그모이드 (Sigmoid)",
    "tanh": "하이퍼볼릭 탄젠트 (Tanh)",
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
titles = ["입력을 좁은 범위로 누르는 Sigmoid와 Tanh", "ReLU와 그 변형들"]
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
#
# 이제 이번 장의 주인공인 신경망입니다. 입력 특성 128개, Tanh를 쓰는 노드 64개의
# 은닉층, Tanh를 쓰는 노드 16개의 은닉층, 그리고 Sigmoid를 쓰는 출력 노드 하나로
# 이루어집니다. 출력은 0과 1 사이이므로 '예/아니요' 문제에서 '예'일 확률로 읽을 수
# 있습니다. 먼저 모듈 여섯 개를 하나씩 만들고, 배치 크기 32인 미니배치에 차례로
# 적용하면서 단계마다 모양을 출력합니다.

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
# ## Sequential로 하나의 모듈 만들기 { #one-module-with-sequential }
#
# 모듈 여섯 개를 일일이 호출하는 것은 번거롭습니다. `nn.Sequential`은 여러 모듈을
# 하나로 이어 줍니다. 이것을 호출하면 안에 든 모듈을 차례로, 앞 모듈의 출력을 다음
# 모듈의 입력으로 삼아 호출합니다. 모듈은 각각 별도의 인자로 넘깁니다. 모델을
# 출력하면 각 모듈이 0부터 5까지의 번호와 함께 나타납니다.

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
# `nn.Sequential`이 하는 일은 모듈을 순서대로 호출하는 것뿐입니다. 앞에서 직접 만든
# 모듈 여섯 개로 `nn.Sequential`을 만들면, 한 단계씩 계산한 결과와 정확히 같은 출력이
# 나옵니다.

# %%
chained = nn.Sequential(fc1, act1, fc2, act2, fc3, act3)
assert torch.equal(chained(x), out)
print("Sequential의 출력이 단계별 계산과 같은가:", torch.equal(chained(x), out))

# %% [markdown]
# 흔한 실수는 모듈들을 리스트 하나에 담아 넘기는 것입니다. 그러면 `nn.Sequential`은
# 모듈이 아닌 인자 하나를 받게 되어 이를 거부합니다. 계층이 이미 리스트에 들어 있다면
# `*`로 풀어서 넘기세요.

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
#
# 계층을 일렬로 잇는 것보다 복잡한 구조는 클래스로 작성합니다. `nn.Module`을
# 상속하고, `__init__`에서 가장 먼저 `super().__init__()`을 호출합니다. 이 호출이 하위
# 모듈과 매개변수를 기록하는 장치를 준비합니다. 그다음 계층들을 속성으로 만들고,
# 계산 과정은 `forward`에 적습니다. 사용할 때는 `net(x)`처럼 모델 자체를 호출하면
# PyTorch가 `forward`를 대신 실행해 줍니다. 여기서는 클래스가 앞과 같은
# `Sequential`을 감싸고 있으며, 모델을 출력하면 모듈이 중첩된 모습이 보입니다.


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
#
# 모듈은 단순한 함수 이상입니다. 모듈은 학습할 **매개변수**(parameter)를 관리하며,
# 안에 중첩된 모든 모듈의 매개변수까지 포함합니다. 그래서 `net.parameters()` 한 번으로
# 매개변수 전체를 옵티마이저(optimizer)에 넘길 수 있습니다. `.to(device)`는 이들을 한꺼번에
# 다른 장치로 옮깁니다. `state_dict()`는 매개변수를 일정한 이름으로 모아 주므로,
# 학습한 모델을 저장했다가 새 모델에 불러올 수 있습니다. 이 신경망에는 `Linear`마다
# 가중치와 편향이 하나씩, 모두 여섯 개의 매개변수 텐서가 있고, 그 이름은 중첩 구조를
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
#
# 이 신경망처럼 `Linear` 계층 사이사이에 활성화 함수를 둔 구조는 워낙 흔해서,
# `nnguide`의 `MLP`(다층 퍼셉트론, multilayer perceptron)는 계층 크기의 리스트만으로
# 이런 신경망을 만들어 줍니다.
# `MLP([128, 64, 16, 1], activation="tanh", output_activation="sigmoid")`는 같은
# 구조입니다. 계층이 같고, 매개변수 수가 같고, 출력 모양도 같습니다.

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
# `MLP`는 그 자체로 `nn.Sequential`이고 모듈 번호도 같습니다. 그래서 앞에서 직접 만든
# `model`의 가중치를 그대로 불러올 수 있고, 불러온 뒤에는 출력도 정확히 같습니다.

# %%
assert isinstance(mlp, nn.Sequential)
mlp.load_state_dict(model.state_dict())
assert torch.equal(mlp(x), model(x))
print("Sequential의 가중치를 불러온 MLP의 출력이 같은가:", torch.equal(mlp(x), model(x)))

# %% [markdown]
# ## 모델 요약 { #model-summary }
#
# 모델 요약은 계층마다 출력 모양과 매개변수 수를 나열하고, 마지막에 합계를 보여
# 줍니다. 첫 번째 `Linear`에는 가중치 128 × 64개와 편향 64개, 모두 8,256개의 매개변수가
# 있습니다. 두 번째는 64 × 16 + 16 = 1,040개, 마지막은 16 + 1 = 17개이고, 활성화
# 함수에는 매개변수가 없습니다. 합하면 9,313개이고 모두 학습 대상입니다. 32비트
# 부동소수점(개당 4바이트)으로 저장하면 약 0.04 MB를 차지합니다.
#
# 이 가이드의 출발점이 된 강의에서는 `torchsummary`를 썼는데, 이 패키지는 더 이상
# 관리되지 않습니다. 여러분의 프로젝트에서는 그 뒤를 잇는 `torchinfo`를 쓰는 것이
# 좋습니다. 중첩된 모델을 원하는 깊이까지 보여 주고 더 다양한 입력을 다루며, 표의
# 형식은 조금 다릅니다. `nnguide.summary`는 `torchsummary`의 익숙한 표 형식을
# 테스트를 갖춘 작은 함수로 유지하면서, 코드에서 바로 쓸 수 있는 숫자를 담은 객체를
# 돌려줍니다. `input_size`에는 배치 차원을 뺀, 샘플 하나의 모양을 넘깁니다.

# %%
model_summary = summary(model, input_size=(128,))
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
# Output Shape 열의 `-1`은 배치 차원을 뜻합니다. 요약을 만들 때는 작은 배치로 모델을
# 실행했지만, 이 모양은 배치 크기와 상관없이 성립합니다. 노트북에서는 셀의 마지막 줄에
# 요약 객체를 두면 표로 표시됩니다.

# %%
model_summary

# %% [markdown]
# ## 정리 { #summary }
#
# - 신경망은 계층을 이어 놓은 것입니다. 완전 연결 계층은 미니배치 전체에 대해
#   `x @ weight.T + bias`를 한 번에 계산하며, 가중치의 모양은
#   `(out_features, in_features)`입니다.
# - 활성화 함수는 원소별로 작동하므로 모양을 바꾸지 않습니다. 소프트맥스는 로짓 한
#   행을 합이 1인 확률로 바꿉니다.
# - `nn.Sequential(모듈, 모듈, ...)`은 별도의 인자로 받은 모듈들을 차례로 잇습니다.
#   `nn.Module`을 상속한 클래스는 `__init__`에서 계층을, `forward`에서 계산을 정의하며,
#   매개변수 관리, 장치 이동, `state_dict`를 저절로 얻습니다.
# - `nnguide.MLP`는 계층 크기만으로 같은 신경망을 만들고, `nnguide.summary`는 그
#   결과를 계층별로 보여 줍니다. 128 → 64 → 16 → 1 신경망의 매개변수는 9,313개입니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - 다음 장 *활성화 함수 자세히 보기*에서는 위의 곡선과 그 도함수를 살펴보고, 포화가
#   왜 학습을 느리게 하는지 알아봅니다.
# - PyTorch 공식 문서: `torch.nn.Linear`, `torch.nn.Sequential`, `torch.nn.Module`
# - PyTorch 한국어 튜토리얼의 "신경망 모델 구성하기"는 같은 내용을 다른 순서로
#   다룹니다.
