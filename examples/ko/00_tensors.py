# %% [markdown]
# # 텐서
#
# 신경망이 받고 계산하고 배우는 것은 모두 텐서(tensor)에 담깁니다. 학습 데이터의
# 이미지도, 신경망의 가중치도, 신경망이 내놓는 점수도, 학습에 쓰는 기울기도 모두
# 텐서입니다. 텐서는 값을 담은 n차원 배열이면서, 원소의 자료형(dtype)과 자신이 놓인
# 장치까지 알고 있습니다. 다음 강의부터는 거의 모든 줄에서 텐서를 쓰므로, 이번
# 강의에서 그 바탕이 되는 규칙을 한데 모았습니다. 텐서를 만드는 법, 자료형이 손실
# 함수에 왜 중요한지, 모양을 바꾸는 법, 모양이 다른 텐서끼리 계산하는 규칙, 원소를
# 골라내는 법, 한 차원을 따라 합을 구하는 법, NumPy와 메모리를 나눠 쓰는 방식, GPU로
# 옮기는 법을 차례로 봅니다. 규칙마다 코드에 `assert`를 두었으므로, PyTorch의 동작이
# 바뀌면 이 페이지의 빌드가 실패합니다.
#
# **이번 강의에서 배울 내용**
#
# - 텐서를 만들고 `shape`, `dtype`, `device`를 읽는 법
# - 입력은 `float32`, 정답은 `int64`여야 하는 이유와, 어기면 생기는 일
# - `view`, `reshape`, 연속 메모리
# - 브로드캐스팅 규칙과, 그 규칙이 가리는 모양 버그
# - 슬라이스, 불리언 마스크, 인덱스 텐서로 원소 고르기와 `argmax`
# - 차원별 집계(`sum`, `mean`, `max`)와 `keepdim`
# - NumPy와 주고받기, 메모리 공유
# - 텐서를 장치로 옮기기
# - 이름이 `_`로 끝나는, 텐서를 제자리에서 바꾸는 메서드
#
# **사전 지식:** 파이썬 기초(리스트, 반복문, 함수). NumPy를 알면 도움이 되지만 몰라도
# 됩니다.
#
# 규칙이 어디에 쓰이는지 보여 주려고, 이번 강의는 뒤에서 설명할 이름을 몇 가지 미리
# 빌려 씁니다. 여기서는 무엇인지만 알면 됩니다.
#
# - `nn.Linear`는 신경망의 계층 하나, 곧 완전 연결 계층입니다(1강).
# - **로짓**(logit)은 분류 신경망이 클래스마다 하나씩 내놓는 점수입니다(1강).
# - **손실 함수**(loss function)는 예측이 얼마나 틀렸는지를 값 하나로 나타냅니다.
#   클래스를 맞히는 문제에는 `nn.CrossEntropyLoss`를, 수를 맞히는 문제에는
#   `nn.MSELoss`를 씁니다(3강).
# - `nn.functional.one_hot`은 클래스 인덱스를, 그 자리만 1이고 나머지는 0인 행으로
#   바꿉니다.

# %% [markdown]
# ## 준비 { #setup }
#
# PyTorch와 NumPy를 불러오고, 아래의 무작위 텐서가 실행할 때마다 같게 나오도록 PyTorch
# 난수 생성기의 시드를 고정합니다. 장치는 `nnguide.get_device()`로 이 컴퓨터에서 쓸
# 수 있는 가장 좋은 장치를 고릅니다.

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from nnguide.device import get_device
from nnguide.plotting import set_style

torch.manual_seed(0)
set_style()
device = get_device()
print("PyTorch", torch.__version__, "  장치:", device)

# %% [markdown]
# ## 텐서 만들기 { #creating-tensors }
# <!-- index: 다차원 배열; ndarray; 배열 만들기; zeros; 랜덤 텐서; 난수; rand; randn -->
#
# `torch.tensor`는 중첩된 파이썬 리스트를 텐서로 복사합니다. 텐서의 **모양**(shape)은 차원마다
# 원소가 몇 개인지 나열한 것입니다. 2행 3열 행렬의 모양은 `(2, 3)`이고, `ndim`은 차원의
# 수, `numel()`은 원소의 수입니다. 정해진 모양의 텐서를 만드는 함수도 있습니다.
# `zeros`, `ones`, `full`, 정수 범위를 만드는 `arange`, 같은 간격의 점을 만드는
# `linspace`, $[0, 1)$ 구간의 균등 분포에서 뽑는 `rand`, 표준 정규 분포에서 뽑는
# `randn`입니다. 1강의 입력처럼 샘플 32개가 저마다 값을 128개씩 가진 묶음은 모양이
# `(32, 128)`인 텐서입니다.
#
# 텐서에서 값을 꺼내는 메서드도 두 가지 알아 두세요. 모든 강의의 출력 코드가 이
# 둘을 씁니다. `.item()`은 원소가 하나뿐인 텐서를 파이썬 수 하나로, `.tolist()`는
# 텐서를 (중첩된) 파이썬 리스트로 바꿉니다.

# %%
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print(x)
print("shape:", x.shape, "  ndim:", x.ndim, "  numel:", x.numel())
print("arange(5):  ", torch.arange(5))
print("linspace:   ", torch.linspace(0, 1, steps=5))
print("zeros(2, 2):", torch.zeros(2, 2).tolist())
batch = torch.rand(32, 128)
print(
    "rand(32, 128):",
    tuple(batch.shape),
    " 값 범위",
    round(batch.min().item(), 4),
    "~",
    round(batch.max().item(), 4),
)
assert x.shape == (2, 3) and x.ndim == 2 and x.numel() == 6
assert torch.equal(torch.arange(5), torch.tensor([0, 1, 2, 3, 4]))
assert torch.equal(torch.linspace(0, 1, steps=5), torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0]))
assert batch.shape == (32, 128) and batch.min() >= 0 and batch.max() < 1
assert isinstance(batch.min().item(), float) and x.tolist() == [[1, 2, 3], [4, 5, 6]]

# %% [markdown]
# ## 자료형 { #data-types }
# <!-- index: dtype; 타입 변환; 캐스팅; 데이터 타입; 형 변환; 타입 바꾸기; int64 -->
#
# 텐서의 원소는 모두 하나의 **자료형**을 씁니다. PyTorch는 파이썬 정수에서 `int64`를,
# 파이썬 실수에서 `float32`를 고릅니다. NumPy 배열은 제 자료형을 그대로 가져오는데,
# 실수 배열이면 보통 `float64`입니다. 정수끼리 `/`로 나누면 실수가 나오고, 몫만 구하는
# `//`는 `int64`를 그대로 둡니다. `.float()`, `.long()`, `.to(dtype)`은 자료형을 바꾼
# 새 텐서를 돌려줍니다.
#
# 신경망의 기본 자료형은 `float32`입니다. `float64`는 메모리를 두 배로 쓰고, 늘어난
# 정밀도가 학습에 도움이 되는 일도 드뭅니다. (GPU에서는 오히려 더 낮춰,
# 대부분의 연산을 16비트 `bfloat16`이나 `float16`으로 하는 혼합 정밀도 학습을 흔히
# 씁니다.) `+`, `*`처럼 원소별로 계산하는 연산은 알아서 더 넓은 자료형으로 맞춥니다.
# `float32 + float64`는 `float64`가, `int64 + float32`는 `float32`가 됩니다. 하지만
# 행렬 곱은 자료형을 섞지 않습니다. 계층의 가중치가 `float32`이므로, `nn.Linear`는
# `int64`나 `float64` 입력을 변환하지 않고 오류를 냅니다.

# %%
print("정수에서:", torch.tensor([1, 2]).dtype, "  실수에서:", torch.tensor([1.0, 2.0]).dtype)
print("NumPy 실수 배열에서:", torch.tensor(np.array([1.0, 2.0])).dtype)
print("int64 / 2:", torch.tensor([1, 2, 3]) / 2, "  int64 // 2:", torch.tensor([1, 2, 3]) // 2)
float64_sum = torch.ones(1) + torch.ones(1, dtype=torch.float64)
mixed_sum = torch.tensor([1]) + torch.tensor([1.0])
print("float32 + float64:", float64_sum.dtype, "  int64 + float32:", mixed_sum.dtype)
layer = nn.Linear(3, 2)
print("nn.Linear의 가중치:", layer.weight.dtype)
messages = {}
for wrong_type in (torch.int64, torch.float64):
    try:
        layer(torch.tensor([[1, 2, 3]], dtype=wrong_type))
    except RuntimeError as error:
        messages[wrong_type] = str(error)
        print(f"{wrong_type} 입력을 받은 nn.Linear:", error)
print(".float() 뒤:", layer(torch.tensor([[1, 2, 3]]).float()).shape)
assert torch.tensor([1, 2]).dtype == torch.int64 and torch.tensor([1.0]).dtype == torch.float32
assert torch.tensor(np.array([1.0])).dtype == torch.float64
assert torch.zeros(1, dtype=torch.float64).element_size() == 2 * torch.zeros(1).element_size() == 8
assert (torch.tensor([1, 2, 3]) / 2).dtype == torch.float32
assert (torch.tensor([7]) // 2).dtype == torch.int64 and (torch.tensor([7]) // 2).item() == 3
assert float64_sum.dtype == torch.float64 and mixed_sum.dtype == torch.float32
assert len(messages) == 2 and all("same dtype" in text for text in messages.values())
assert torch.tensor([1.5, 2.7]).long().tolist() == [1, 2]

# %% [markdown]
# 손실 함수도 자료형을 가립니다. `nn.CrossEntropyLoss`는 모양이 `(N, C)`인 로짓을
# 받고, 목표값(target)으로는 모양이 `(N,)`인 `int64` **클래스 인덱스**(class index)를
# 받습니다. 같은 값이라도 `float32`로 담으면 거부하고 `int32`도 거부하며, 오류
# 메시지에 받아들이는 자료형이 나옵니다. (모양이 `(N, C)`인 실수 목표값은
# 받아들이지만 뜻이 다릅니다. 클래스 인덱스가 아니라 클래스마다 준 확률로 읽습니다.)
# `nnguide.load_digits`가 이미지는 `float32`로, 정답인 레이블(label)은 `int64`로
# 돌려주는 까닭이 여기에 있습니다.

# %%
logits = torch.randn(4, 3)
labels = torch.tensor([0, 2, 1, 2])
loss_fn = nn.CrossEntropyLoss()
print("int64 목표값:", round(loss_fn(logits, labels).item(), 4))
for wrong_type in (torch.float32, torch.int32):
    try:
        loss_fn(logits, labels.to(wrong_type))
    except RuntimeError as error:
        print(f"{wrong_type} 목표값:", error)
        assert "expected target dtype to be Long" in str(error)
probabilities = nn.functional.one_hot(labels, num_classes=3).float()
print("실수 원-핫 목표값 (4, 3):", round(loss_fn(logits, probabilities).item(), 4))
assert labels.dtype == torch.int64
assert torch.allclose(loss_fn(logits, probabilities), loss_fn(logits, labels))

# %% [markdown]
# ## `view`와 `reshape`로 모양 바꾸기 { #shape-view-and-reshape }
# <!-- index: unsqueeze; 차원 추가; 텐서 모양; squeeze; 차원 늘리기; 쉐이프; 형태 바꾸기; flatten -->
#
# `view`는 같은 원소에 다른 모양을 붙입니다. 원소 수는 그대로여야 하며, 크기 하나는
# "남는 만큼"이라는 뜻의 `-1`로 둘 수 있습니다. 이렇게 만든 뷰(view)는 복사본이
# 아닙니다. 원래 텐서와 메모리를 함께 쓰므로, 한쪽을 바꾸면 다른 쪽도 바뀝니다.
#
# 이것이 가능한 까닭은 텐서의 원소가 메모리 한 덩어리에 놓이고, 차원마다 몇 칸씩
# 건너뛸지를 **스트라이드**(stride)가 정하기 때문입니다. 스트라이드가 $(s_0, s_1)$인
# 텐서의 원소 $(i, j)$는 다음 위치에 있습니다.
#
# $$\text{offset}(i, j) = i \cdot s_0 + j \cdot s_1 .$$
#
# 새로 만든 `(2, 3)` 텐서의 스트라이드는 `(3, 1)`입니다. 행이 메모리에 차례로
# 이어져 놓인 이런 상태를 **연속**이라고 하며, `is_contiguous()`로 확인합니다.

# %%
a = torch.arange(6)
b = a.view(2, 3)
c = a.view(3, -1)
print("b:", b.tolist(), "  스트라이드:", b.stride(), "  연속:", b.is_contiguous())
print("c:", c.tolist())
b[0, 0] = 100
print("b[0, 0] = 100 뒤의 a:", a.tolist())
assert b.shape == (2, 3) and c.shape == (3, 2) and b.stride() == (3, 1)
assert a[0] == 100 and b.data_ptr() == a.data_ptr()
a[0] = 0

# %% [markdown]
# 전치는 원소를 옮기지 않고 스트라이드만 맞바꾸므로, 결과는 연속이 아닙니다. 행이
# 더는 메모리에 차례로 놓여 있지 않습니다. `view`는 이 상태를 새 스트라이드로 나타낼
# 수 없어 오류를 내고, 오류 메시지가 직접 `reshape`를 권합니다. `reshape`는 할 수
# 있으면 뷰를, 그럴 수 없으면 복사본을 돌려줍니다. 명시적으로 복사하려면
# `.contiguous()`를 씁니다.

# %%
t = b.T
print("t = b.T:", t.tolist(), "  스트라이드:", t.stride(), "  연속:", t.is_contiguous())
try:
    t.view(6)
except RuntimeError as error:
    message = str(error)
print("t.view(6):", message)
print("t.reshape(6):", t.reshape(6).tolist())
assert t.stride() == (1, 3) and not t.is_contiguous()
assert "Use .reshape(...) instead" in message
assert torch.equal(t.reshape(6), t.contiguous().view(6))
assert t.reshape(6).data_ptr() != t.data_ptr() and b.reshape(6).data_ptr() == b.data_ptr()

# %% [markdown]
# 모델을 만들 때 늘 쓰는, 모양을 바꾸는 함수가 세 가지 더 있습니다. `unsqueeze(d)`는
# `d` 자리에 크기 1인 차원을 끼워 넣고, `squeeze(d)`는 그런 차원을 뺍니다.
# `flatten(start_dim=1)`은 배치 차원 뒤의 모든 차원을 하나로 펼치는데, 완전 연결 계층
# 앞에서 `nn.Flatten`이 하는 일이 바로 이것입니다. 8×8 픽셀 흑백 이미지 16장의 배치는
# 모양이 `(16, 1, 8, 8)`, 곧 배치, 채널(channel), 높이, 너비 순입니다.

# %%
images = torch.rand(16, 8, 8)
with_channel = images.unsqueeze(1)
print(
    "unsqueeze(1):",
    tuple(with_channel.shape),
    "  squeeze(1):",
    tuple(with_channel.squeeze(1).shape),
)
print("flatten(start_dim=1):", tuple(with_channel.flatten(start_dim=1).shape))
assert with_channel.shape == (16, 1, 8, 8)
assert with_channel.flatten(start_dim=1).shape == nn.Flatten()(with_channel).shape == (16, 64)

# %% [markdown]
# ## 브로드캐스팅 { #broadcasting }
# <!-- index: 브로드캐스트; broadcasting; 브로드캐스팅 규칙; 벡터와 행렬의 덧셈 -->
#
# 모양이 `(4, 3)`인 배치에 모양이 `(3,)`인 편향을 더하면, 모양이 달라도 계산이
# 됩니다. PyTorch가 작은 텐서를 빠진 차원을 따라 되풀이한 것처럼 다루기 때문이며, 실제로
# 복사하지는 않습니다. 이것을 **브로드캐스팅**(broadcasting)이라고 합니다. 두 모양을
# 마지막 차원부터 맞춰 놓고 다음 규칙을 적용합니다.
#
# 1. 앞쪽에 없는 차원은 크기 1로 봅니다.
# 2. 두 크기가 같거나 한쪽이 1이면 맞습니다.
# 3. 결과의 각 차원은 두 크기 중 큰 쪽을 따릅니다.
#
# 그래서 열 `(3, 1)`과 행 `(1, 4)`를 더하면 모든 합을 담은 `(3, 4)` 표가 나오고,
# `(2, 3)`과 `(2,)`는 마지막 차원의 3과 2가 달라 맞지 않습니다.
# `torch.broadcast_shapes`는 계산 없이 규칙만 적용해 결과 모양을 알려 줍니다.

# %%
batch = torch.ones(4, 3)
bias = torch.tensor([10.0, 20.0, 30.0])
print(f"(4, 3) + (3,): {(batch + bias)[0].tolist()} (행 {(batch + bias).shape[0]}개 모두)")
column = torch.tensor([[0], [10], [20]])
row = torch.tensor([[1, 2, 3, 4]])
table = column + row
print("(3, 1) + (1, 4) ->", tuple(table.shape))
print(table)
try:
    torch.ones(2, 3) + torch.ones(2)
except RuntimeError as error:
    message = str(error)
print("(2, 3) + (2,):", message)
assert torch.equal((batch + bias)[3], bias + 1)
assert table.shape == (3, 4) and table[2, 3] == 24
assert torch.broadcast_shapes((8, 1, 6), (7, 1)) == (8, 7, 6)
assert row.expand(3, 4).stride() == (0, 1)
assert "must match the size of tensor b (2) at non-singleton dimension 1" in message

# %%
fig, axes = plt.subplots(1, 3, figsize=(8, 2.6), width_ratios=[1, 4, 4])
panels = [
    (column, "열 (3, 1)"),
    (row.expand(3, 4), "행 (1, 4), 브로드캐스팅"),
    (table, "열 + 행 (3, 4)"),
]
for ax, (values, title) in zip(axes, panels, strict=True):
    ax.imshow(values, cmap="Blues", vmin=-10, vmax=30)
    for (i, j), value in np.ndenumerate(values.numpy()):
        ax.text(j, i, str(value), ha="center", va="center")
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
plt.show()

# %% [markdown]
# 브로드캐스팅은 버그를 가리기도 합니다. 출력이 하나인 모델의 예측은 모양이 `(N, 1)`인데,
# 목표값의 모양이 `(N,)`이면 둘의 차이는 오차 `N`개가 아니라 모든 예측에서 모든 목표값을
# 뺀 `(N, N)` 표가 됩니다. 그 평균도 값 하나로 나오지만, 틀린 값입니다.
# `nn.MSELoss`는 바로 이 경우에 경고를 내지만 직접 쓴 식은 아무 말도 하지 않습니다.
# 먼저 모양부터 맞추세요.

# %%
predictions = torch.tensor([[1.0], [2.0], [3.0]])
targets = torch.tensor([1.0, 2.0, 3.0])
wrong = ((predictions - targets) ** 2).mean()
right = ((predictions.squeeze(1) - targets) ** 2).mean()
print("predictions - targets의 모양:", tuple((predictions - targets).shape))
print("평균 제곱 오차, 틀린 값:", round(wrong.item(), 4), "  맞는 값:", right.item())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    mse = nn.MSELoss()(predictions, targets)
print("nn.MSELoss의 경고:", str(caught[0].message).split(". ")[0])
assert (predictions - targets).shape == (3, 3)
assert mse == wrong and "different to the input size" in str(caught[0].message)
assert right == 0 and wrong > 1

# %% [markdown]
# ## 인덱싱 { #indexing }
# <!-- index: 슬라이싱; slicing; 불리언 마스크; 인덱스 -->
#
# 슬라이스는 파이썬 리스트처럼 쓰되 차원마다 하나씩 씁니다. `x[0]`은 첫 행, `x[:, 1]`은
# 둘째 열, `x[1:3]`은 인덱스 1과 2의 행, 곧 둘째와 셋째 행입니다. 슬라이스는 뷰라서
# 메모리를 함께 씁니다. 다음 두 가지 인덱스는 복사본을 만듭니다.
#
# - 같은 모양의 **불리언 마스크**는 `True`인 자리의 원소를 골라 1차원 텐서로
#   돌려줍니다.
# - **정수 텐서**(또는 리스트)는 행을 통째로 고르며, 순서를 바꾸거나 같은 행을 여러 번
#   골라도 됩니다. 차원마다 인덱스 텐서를 하나씩 주면 `x[rows, cols]`는 원소
#   `x[rows[k], cols[k]]`를 고릅니다.

# %%
x = torch.tensor([[3, -1, 4], [-1, 5, -9], [2, 6, -5]])
print(
    "x[0]:", x[0].tolist(), "  x[:, 1]:", x[:, 1].tolist(), "  x[1:3].shape:", tuple(x[1:3].shape)
)
mask = x > 0
print("mask x > 0:", mask.tolist())
print("x[mask]:", x[mask].tolist())
print("x[[2, 0, 0]]:", x[[2, 0, 0]].tolist())
print("x[[0, 1, 2], [2, 1, 0]]:", x[[0, 1, 2], [2, 1, 0]].tolist())
assert x[:, 1].data_ptr() == x.data_ptr() + 1 * x.element_size()
assert x[mask].tolist() == [3, 4, 5, 2, 6] and mask.dtype == torch.bool
assert x[[0, 1, 2], [2, 1, 0]].tolist() == [4, 5, 2]
picked = x[[2, 0, 0]]
picked[0, 0] = 99
assert x[2, 0] == 2

# %% [markdown]
# 분류기에서는 인덱싱을 두 가지로 늘 씁니다. `argmax(dim=1)`은 행마다 가장 큰 로짓의
# 인덱스, 곧 예측한 클래스를 돌려줍니다. 이를 레이블과 비교하면 불리언 텐서가 나오고,
# 이를 실수로 바꿔 평균하면 정확도(accuracy)입니다. 그리고
# `logits[torch.arange(N), labels]`는 샘플마다 정답 클래스의 로짓을 골라내는데,
# `nn.CrossEntropyLoss`가 바로 이 값으로 손실을 계산합니다.

# %%
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 4.0, 0.0], [0.3, 0.1, 0.2]])
labels = torch.tensor([0, 2, 2, 1])
predicted = logits.argmax(dim=1)
accuracy = (predicted == labels).float().mean().item()
true_class_logits = logits[torch.arange(4), labels]
print("예측:", predicted.tolist(), "  레이블:", labels.tolist(), "  정확도:", accuracy)
print("정답 클래스의 로짓:", [round(v, 2) for v in true_class_logits.tolist()])
assert predicted.tolist() == [0, 2, 1, 0] and accuracy == 0.5
assert torch.allclose(loss_fn(logits, labels), (logits.logsumexp(dim=1) - true_class_logits).mean())

# %% [markdown]
# ## 차원별 집계 { #reductions-along-a-dimension }
# <!-- index: 합계; 평균; 최댓값; argmax; keepdim; dim 인자; 행별 합계; 열별 평균 -->
#
# `sum`, `mean`, `max`, `min`, `argmax`는 텐서를 집계합니다. `dim` 없이 부르면 전체를
# 값 하나로 집계하고, `dim`을 주면 그 차원을 따라 집계해 모양에서 그 차원을 없앱니다.
# 모양이
# `(N, F)`인 배치에서 `dim=0`은 행을 따라 내려가며 특성마다 값 하나를, `dim=1`은 각 행을
# 따라가며 샘플마다 값 하나를 냅니다. 샘플에 대한 평균은 다음과 같습니다.
#
# $$\bar{x}_j = \frac{1}{N} \sum_{i=1}^{N} x_{ij} .$$
#
# `max(dim=...)`는 값과 인덱스를 함께 돌려줍니다. `keepdim=True`를 주면 집계한 차원이
# 크기 1로 남는데, 각 행을 그 행의 합으로 나눌 때 브로드캐스팅에 바로 이 모양이
# 필요합니다.

# %%
scores = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(
    "sum():",
    scores.sum().item(),
    "  sum(dim=0):",
    scores.sum(dim=0).tolist(),
    "  sum(dim=1):",
    scores.sum(dim=1).tolist(),
)
print("mean(dim=0):", scores.mean(dim=0).tolist())
values, indices = scores.max(dim=1)
print("max(dim=1): 값", values.tolist(), " 인덱스", indices.tolist())
row_sums = scores.sum(dim=1, keepdim=True)
shares = scores / row_sums
print("sum(dim=1, keepdim=True):", tuple(row_sums.shape), "  각 행을 그 행의 합으로 나눈 값:")
print(shares)
assert scores.sum(dim=0).shape == (3,) and scores.sum(dim=1).shape == (2,)
assert torch.equal(scores.mean(dim=0), torch.tensor([2.5, 3.5, 4.5]))
assert indices.tolist() == [2, 2] and row_sums.shape == (2, 1)
assert torch.allclose(shares.sum(dim=1), torch.ones(2))
assert scores.sum(dim=1).shape != row_sums.shape

# %% [markdown]
# ## NumPy와 주고받기 { #numpy-interoperability }
# <!-- index: 넘파이; 넘파이 배열; from_numpy; numpy -->
#
# `torch.from_numpy`는 NumPy 배열을 복사하지 않고 텐서로 감싸고, `tensor.numpy()`는
# 반대 방향으로 같은 일을 합니다. 두 이름이 메모리 한 덩어리를 함께 가리키므로, 어느
# 쪽으로 바꾸든 양쪽에 보입니다. `torch.tensor(array)`는 복사합니다. NumPy의 기본
# 실수 자료형은 `float64`이니, 신경망에 넣기 전에 `.float()`로 바꾸세요.

# %%
array = np.zeros(3)
shared = torch.from_numpy(array)
copied = torch.tensor(array)
shared[0] = 7.0
print("shared[0] = 7 뒤의 array:", array, "  복사본:", copied.tolist())
back = shared.numpy()
back[1] = 8.0
print("back[1] = 8 뒤의 텐서:   ", shared.tolist())
print("자료형:", shared.dtype, "->", shared.float().dtype)
assert array[0] == 7.0 and copied[0] == 0.0 and shared[1] == 8.0
assert np.shares_memory(array, back) and shared.dtype == torch.float64

# %% [markdown]
# ## 장치로 옮기기 { #moving-to-a-device }
# <!-- index: 장치 옮기기 -->
#
# 텐서는 CPU나 GPU 중 한 장치에 놓입니다. `x.to(device)`는 그 장치에 있는 텐서를
# 돌려주고(이미 거기 있으면 같은 텐서) `x`는 그대로 두므로, `x = x.to(device)`로
# 씁니다. 연산 하나에 쓰는 텐서는 모두 같은 장치에 있어야 하고 `.numpy()`는 CPU에서만
# 되므로, 결과는 `.cpu()`로 되가져옵니다. 기울기를 추적하는 텐서라면 먼저
# `.detach()`로 떼어 내야 합니다. 장치는 6강에서 자세히 다룹니다.

# %%
x = torch.arange(4.0)
on_device = x.to(device)
print("x의 장치", x.device, "  x.to(device)의 장치", on_device.device)
result = (on_device * 2).cpu().numpy()
print("CPU로 되가져온 NumPy 배열:", result)
weight = torch.ones(2, requires_grad=True)
try:
    weight.numpy()
except RuntimeError as error:
    message = str(error)
print("weight.numpy():", message)
print("weight.detach().numpy():", weight.detach().numpy())
assert x.device.type == "cpu" and on_device.device.type == device.type
assert result.tolist() == [0.0, 2.0, 4.0, 6.0]
assert "Use tensor.detach().numpy() instead" in message

# %% [markdown]
# ## 제자리 연산 { #in-place-operations }
# <!-- index: 인플레이스; in-place; 밑줄 붙은 메서드; add_ -->
#
# 이름이 밑줄(`_`)로 끝나는 메서드는 새 텐서를 돌려주지 않고 텐서 자체를 바꿉니다.
# `add_`, `zero_`, `requires_grad_`가 그렇고, 뒤의 강의에서 계층의 가중치를 채우는
# `nn.init.zeros_`, `kaiming_normal_`도 그렇습니다. 위의 `weight`처럼
# `requires_grad=True`로 만든 텐서는, PyTorch가 기울기를 구하려고 연산을 기록하는
# 동안에는 이렇게 바꿀 수 없습니다. 미분의 기준이 되는 텐서가 도중에 바뀌어 버리기
# 때문입니다. `with torch.no_grad():` 블록 안에서는 아무것도 기록하지 않으므로 바꿀 수
# 있습니다. 학습 단계에서 가중치를 바꿀 때 바로 이렇게 합니다(3강, 4강).

# %%
counts = torch.zeros(3)
returned = counts.add_(1)
print("counts.add_(1) 뒤의 counts:", counts.tolist(), "  같은 텐서인가:", returned is counts)
try:
    weight.add_(1)
except RuntimeError as error:
    message = str(error)
print("weight.add_(1):", message)
with torch.no_grad():
    weight.add_(1)
print("no_grad 안에서 add_(1)을 한 뒤의 weight:", weight.tolist())
assert returned is counts and counts.tolist() == [1.0, 1.0, 1.0]
assert "leaf Variable that requires grad is being used in an in-place operation" in message
assert weight.tolist() == [2.0, 2.0] and weight.requires_grad

# %% [markdown]
# ## 요약 { #summary }
#
# - 텐서에는 `shape`, `dtype`, `device`가 있습니다. 신경망의 기본 자료형은 `float32`이고,
#   `nn.CrossEntropyLoss`는 클래스 인덱스를 `int64`로 받으며, 모양이 `(N,)`인
#   `float32`나 `int32` 레이블은 거부합니다.
# - `view`는 복사 없이 모양을 바꾸지만 연속 메모리가 필요합니다. 전치한 뒤에는 필요할
#   때 복사하는 `reshape`를 씁니다.
# - 브로드캐스팅은 모양을 마지막 차원부터 맞추며, 크기가 같거나 1이어야 합니다.
#   `(N, 1)`에서 `(N,)`를 빼면 경고 없이 `(N, N)` 표가 됩니다.
# - 슬라이스는 뷰이고, 불리언 마스크와 인덱스 텐서는 복사본을 만듭니다.
#   `argmax(dim=1)`이 예측한 클래스를 줍니다.
# - `dim`을 따라 집계하면 그 차원이 사라지고, `keepdim=True`는 브로드캐스팅을 위해
#   크기 1로 남깁니다.
# - `torch.from_numpy`와 `.numpy()`는 메모리를 함께 쓰고, `torch.tensor`는 복사합니다.
# - `x = x.to(device)`로 옮기고, `.numpy()` 앞에는 `.cpu()`와 `.detach()`를 붙입니다.
# - 이름이 `_`로 끝나는 메서드는 텐서를 제자리에서 바꿉니다. `requires_grad=True`로
#   만든 텐서는 `torch.no_grad()` 안에서만 그렇게 바꿀 수 있습니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - PyTorch 문서, "Tensors": https://pytorch.org/docs/stable/tensors.html
# - PyTorch 문서, "Broadcasting semantics":
#   https://pytorch.org/docs/stable/notes/broadcasting.html
# - PyTorch 문서, "Tensor Views": https://pytorch.org/docs/stable/tensor_view.html
# - 다음 강의: 계층을 쌓아 신경망 만들기.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **모양 예측하기.** `torch.ones(4, 1) + torch.ones(3)`과
#    `torch.arange(12).view(3, -1).sum(dim=0)`의 모양을 먼저 적어 보고,
#    `torch.ones(2, 3) + torch.ones(3)`과 `torch.ones(2, 3) + torch.ones(2)` 가운데 어느
#    쪽이 오류를 내는지 말해 보세요. 그다음 코드로 확인하세요.
# 2. **로짓에서 정확도 구하기.** 어떤 분류기가 레이블이 `[2, 0, 1, 1]`인 이미지 네 장에
#    로짓 `[[0.2, 1.5, 3.1], [2.0, -1.0, 0.3], [0.1, 0.4, 0.2], [1.2, 0.9, -0.5]]`을
#    냈습니다. `argmax`로 예측한 클래스를 구하고, 불리언 텐서의 평균으로 정확도를
#    계산하세요.
# 3. **합이 1인 행 만들기.** `torch.tensor([[1.0, 3.0], [2.0, 2.0], [0.5, 4.5]])`의 각 행을
#    그 행의 합으로 나누세요. 합을 구할 때 왜 `keepdim=True`가 필요할까요? 빼면 어떻게
#    되는지도 확인하세요.

# %% tags=["solution"]
broadcast = torch.ones(4, 1) + torch.ones(3)
column_sums = torch.arange(12).view(3, -1).sum(dim=0)
print("ones(4, 1) + ones(3)의 모양:", tuple(broadcast.shape))
print(
    "arange(12).view(3, -1).sum(dim=0)의 모양과 값:", tuple(column_sums.shape), column_sums.tolist()
)
raises = {}
for size in (3, 2):
    try:
        torch.ones(2, 3) + torch.ones(size)
        raises[size] = False
    except RuntimeError:
        raises[size] = True
    print(f"ones(2, 3) + ones({size})에서 오류가 나는가:", raises[size])
assert broadcast.shape == (4, 3) and column_sums.shape == (4,)
assert column_sums.tolist() == [12, 15, 18, 21]
assert raises == {3: False, 2: True}

# %% tags=["solution"]
exercise_logits = torch.tensor(
    [[0.2, 1.5, 3.1], [2.0, -1.0, 0.3], [0.1, 0.4, 0.2], [1.2, 0.9, -0.5]]
)
exercise_labels = torch.tensor([2, 0, 1, 1])
predicted = exercise_logits.argmax(dim=1)
accuracy = (predicted == exercise_labels).float().mean()
print("예측한 클래스:", predicted.tolist(), "  정확도:", accuracy.item())
assert predicted.tolist() == [2, 0, 1, 0] and accuracy.item() == 0.75

# %% tags=["solution"]
rows = torch.tensor([[1.0, 3.0], [2.0, 2.0], [0.5, 4.5]])
normalized = rows / rows.sum(dim=1, keepdim=True)
print("행마다 그 행의 합으로 나눈 값:", [[round(v, 3) for v in row] for row in normalized.tolist()])
print("행의 합:", normalized.sum(dim=1).tolist())
try:
    rows / rows.sum(dim=1)
    message = ""
except RuntimeError as error:
    message = str(error)
print("keepdim 없이:", message)
assert torch.allclose(normalized, torch.tensor([[0.25, 0.75], [0.5, 0.5], [0.1, 0.9]]))
assert torch.allclose(normalized.sum(dim=1), torch.ones(3))
assert "must match the size" in message
