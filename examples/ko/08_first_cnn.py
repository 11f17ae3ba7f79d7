# %% [markdown]
# # 첫 합성곱 신경망
#
# 5강의 신경망은 숫자 이미지를 값 64개가 늘어선 한 줄로 읽습니다. 10번 픽셀이 2번 픽셀
# 바로 아래에 있다는 사실을 모릅니다. 모든 이미지의 픽셀을 같은 방식으로 뒤섞어도 똑같이
# 잘 배울 것입니다. 하지만 이미지에는 그 이상의 구조가 있습니다. 이웃한 픽셀끼리는 서로
# 관련이 깊고, 획은 어디에 나타나든 같은 뜻입니다. **합성곱 신경망**은 이 사실을 구조에
# 담습니다. 작은 필터(filter)를 이미지 위로 미끄러뜨리며, 모든 위치에서 같은 가중치 몇
# 개를 씁니다. 이번 강의에서는 숫자를 1×8×8 이미지로 다루고, 합성곱(convolution)과
# 풀링(pooling)의 출력 모양을 손으로 계산하고, 작은 합성곱 신경망을 만들어 `nnguide.fit`으로
# 학습시킨 뒤, 같은 분할에서 같은 조건으로 5강의 신경망과 비교합니다. 이 신경망은 테스트
# 숫자를 96% 넘게 맞히고 5강의 신경망보다 적게 틀리며, 학습한 필터를 눈으로 볼 수도
# 있습니다.
#
# **이번 강의에서 배울 내용**
#
# - 채널, 높이, 너비 순의 텐서로 나타낸 이미지
# - 합성곱이 계산하는 것과, 입력 채널이 하나일 때와 여러 개일 때 한 위치에서 손으로
#   확인하기
# - `nn.Conv2d`와 `nn.MaxPool2d`의 출력 크기, 그리고 커널 크기, 패딩, 스트라이드가 그
#   크기를 바꾸는 방식
# - 작은 합성곱 신경망을 만들고 그 요약을 읽는 법
# - 매개변수 수와 정확도를 완전 연결 신경망과 공정하게 비교하는 법
# - 학습한 필터의 모습
#
# **사전 지식:** 0강(텐서의 모양), 5강(`fit`으로 숫자 분류기 학습하기).

# %% [markdown]
# ## 준비 { #setup }
#
# 5강의 도우미와 함께 `nnguide.conv`에서 두 가지를 불러옵니다. 모양 계산에 쓰는
# `conv_output_size`와 필터를 그리는 `plot_filters`입니다. 표를 출력하는 `format_table`도
# 불러옵니다. `SEED`는 데이터 분할, 섞는 순서, 처음 가중치를 정하며, 0이면 5강과 같습니다.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

from nnguide.conv import conv_output_size, plot_filters
from nnguide.data import load_digits
from nnguide.device import get_device
from nnguide.models import MLP, count_parameters
from nnguide.plotting import plot_history, set_style
from nnguide.summary import summary
from nnguide.tables import format_table
from nnguide.training import evaluate, fit

SEED = 0
torch.manual_seed(SEED)
set_style()
device = get_device()
print("장치:", device)

# %% [markdown]
# ## 이미지로 본 숫자 { #the-digits-as-images }
# <!-- index: NCHW; 채널 우선; 채널 차원; NCHW 레이아웃; 이미지 텐서 모양 -->
#
# `load_digits`는 이미지마다 픽셀 64개를 행 순서대로 한 줄에 담아 돌려줍니다.
# 합성곱 계층(convolutional layer)은 `(배치, 채널, 높이, 너비)` 모양의 이미지 배치를
# 받습니다. 숫자 이미지는 흑백이라 **채널**이 하나이고(컬러 이미지라면 빨강, 초록, 파랑의
# 세 채널), `view(-1, 1, 8, 8)`이 복사 없이 그 모양을 만들어 줍니다. 이미지의 픽셀
# $(r, c)$는 그 이미지 행의 $8r + c$번째 값입니다.
#
# 분할은 5강과 같은 방식으로 만듭니다. 테스트 세트 360장을 떼어 두고, 나머지를 학습
# 세트와 검증 세트로 80 대 20으로 나눕니다.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=SEED)
images_train = X_train.view(-1, 1, 8, 8)
images_test = X_test.view(-1, 1, 8, 8)
train_set, val_set = random_split(
    TensorDataset(images_train, y_train), [0.8, 0.2], generator=torch.Generator().manual_seed(SEED)
)
test_set = TensorDataset(images_test, y_test)


def make_train_loader():
    return DataLoader(
        train_set, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )


val_loader = DataLoader(val_set, batch_size=256)
test_loader = DataLoader(test_set, batch_size=256)
print("이미지:", tuple(images_train.shape), "  테스트 이미지:", tuple(images_test.shape))
print("학습:", len(train_set), "  검증:", len(val_set), "  테스트:", len(test_set))
assert images_train.shape == (1437, 1, 8, 8) and images_train.data_ptr() == X_train.data_ptr()
assert images_train[5, 0, 2, 3] == X_train[5, 8 * 2 + 3]
assert (len(train_set), len(val_set), len(test_set)) == (1150, 287, 360)

# %% [markdown]
# ## 합성곱이 계산하는 것 { #what-a-convolution-computes }
# <!-- index: 커널; 필터; 컨볼루션; convolution; 콘볼루션; 합성곱 연산 -->
#
# 합성곱 계층에는 작은 **필터**가 들어 있습니다. 커널(kernel)이라고도 하며, 여기서는
# 3×3 가중치입니다. 필터는 이미지 위를 미끄러지면서 위치마다 아래에 놓인 픽셀 9개에
# 가중치 9개를 곱해 더한 가중합에 편향을 더합니다. 채널이 하나인 이미지 $x$와 크기가
# $k \times k$인 필터 $w$에서 $i$행 $j$열의 출력은 다음과 같습니다.
#
# $$y_{ij} = b + \sum_{u=0}^{k-1} \sum_{v=0}^{k-1} w_{uv} \, x_{i+u,\, j+v} .$$
#
# 출력은 더 작은 새 이미지를 이루며, 이를 **특성 맵**(feature map)이라고 합니다.
# 이미지가 필터와 닮은 곳에서 값이 큽니다. 엄밀히 말하면 이 연산은
# 교차 상관(cross-correlation)이지만, 딥러닝에서는 그대로 합성곱이라고 부릅니다.
#
# 아래 필터는 왼쪽 열이 −1, 오른쪽 열이 +1이므로, 출력은 오른쪽 열에서 왼쪽 열을 뺀
# 값입니다. 왼쪽에서 오른쪽으로 갈수록 값이 커지는 곳에서 양수가 됩니다. 이 이미지에서는
# 값이 클수록 잉크가 진합니다. 0이 흰색, 1이 검은색입니다(5강에서 본 0~16의 픽셀 값을
# 16으로 나눈 값입니다). 그래서 이 필터는 밝은 배경에서 어두운 잉크로 넘어가는 곳, 곧
# 획의 왼쪽 가장자리에 반응하고, 오른쪽 가장자리에서는 음수를 냅니다.
# `nn.functional.conv2d`로 이 필터를 숫자 이미지 하나와 작은 계단 모양 입력에 적용하고,
# 출력 하나를 위 식으로 직접 계산합니다.

# %%
edge = torch.tensor([[[[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]]])
digit = images_train[:1]
feature_map = nn.functional.conv2d(digit, edge)
by_hand = (edge[0, 0] * digit[0, 0, 2:5, 3:6]).sum()
step = torch.tensor([0.0, 0.0, 1.0, 1.0]).repeat(3, 1).view(1, 1, 3, 4)
to_ink = nn.functional.conv2d(step, edge)
to_light = nn.functional.conv2d(step.flip(-1), edge)
print(
    "이미지:",
    tuple(digit.shape),
    " 필터:",
    tuple(edge.shape),
    " 특성 맵:",
    tuple(feature_map.shape),
)
print(f"출력 (2, 3): conv2d {feature_map[0, 0, 2, 3]:.4f}, 손으로 계산 {by_hand:.4f}")
print(
    "밝은 쪽에서 잉크로:",
    to_ink.flatten().tolist(),
    "  잉크에서 밝은 쪽으로:",
    to_light.flatten().tolist(),
)
assert feature_map.shape == (1, 1, 6, 6)
assert torch.allclose(feature_map[0, 0, 2, 3], by_hand)
assert (to_ink > 0).all() and (to_light < 0).all()

# %%
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
panels = [
    (digit[0, 0], "이미지", "gray_r"),
    (edge[0, 0], "필터", "RdBu_r"),
    (feature_map[0, 0], "특성 맵", "RdBu_r"),
]
for ax, (values, title, cmap) in zip(axes, panels, strict=True):
    limit = values.abs().max().item()
    ax.imshow(values, cmap=cmap, vmin=0 if cmap == "gray_r" else -limit, vmax=limit)
    ax.set_title(title)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 출력 모양 손으로 계산하기 { #output-shapes-by-hand }
# <!-- index: 출력 크기 공식; 출력 크기; 패딩; 스트라이드; padding; stride -->
#
# 특성 맵은 얼마나 클까요? 크기 $k$인 커널은 픽셀 $H$개짜리 줄에 $H - k + 1$곳에 놓일
# 수 있습니다. **패딩**(padding) $p$는 양쪽에 0으로 된 행과 열을 $p$개씩 덧붙여
# 가장자리까지 덮게 하고, **스트라이드** $s$는 커널을 한 칸이 아니라 $s$칸씩
# 옮깁니다. 이를 합치면 다음과 같습니다.
#
# $$H_\text{out} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1 .$$
#
# 8×8 숫자 이미지에 3×3 커널을 쓰면 6×6, 패딩 1을 더하면 크기가 8×8로 유지되고,
# 스트라이드 2까지 더하면 4×4가 됩니다. **최대 풀링**도 같은 식을 따릅니다.
# `nn.MaxPool2d(2)`는 2×2 창마다 가장 큰 값을 고르고, 스트라이드가 창 크기와 같습니다.
# 그래서 짝수 크기는 절반이 되어 8이 4가 됩니다. 홀수 크기는 내림해서 7이 3이 되고, 마지막
# 행과 열은 버려집니다. `ceil_mode=True`로 두면(기본값은 `False`) 올림해서 7이 4가 됩니다.
# `nnguide.conv_output_size`가 이 식을 계산하며, 결과를 하나하나 실제 계층과 맞춰 봅니다.

# %%
cases = [
    ("Conv2d(1, 16, 3)", nn.Conv2d(1, 16, 3), dict(kernel_size=3)),
    ("Conv2d(1, 16, 3, padding=1)", nn.Conv2d(1, 16, 3, padding=1), dict(kernel_size=3, padding=1)),
    (
        "Conv2d(1, 16, 3, padding=1, stride=2)",
        nn.Conv2d(1, 16, 3, padding=1, stride=2),
        dict(kernel_size=3, padding=1, stride=2),
    ),
    ("MaxPool2d(2)", nn.MaxPool2d(2), dict(kernel_size=2, stride=2)),
]
rows = []
for name, layer, settings in cases:
    by_formula = conv_output_size(8, **settings)
    shape = tuple(layer(digit).shape)
    rows.append([name, f"{by_formula}×{by_formula}", str(shape)])
    assert shape[-2:] == (by_formula, by_formula)
print(format_table(rows, headers=["8×8에 적용한 계층", "식", "계층 출력"], align="<><"))
odd = torch.zeros(1, 1, 7, 7)
floor_size = nn.MaxPool2d(2)(odd).shape[-1]
ceil_size = nn.MaxPool2d(2, ceil_mode=True)(odd).shape[-1]
print(f"7×7에 MaxPool2d(2): {floor_size}×{floor_size}, ceil_mode=True이면 {ceil_size}×{ceil_size}")
assert floor_size == conv_output_size(7, kernel_size=2, stride=2) == 3 and ceil_size == 4

# %% [markdown]
# 작은 예로 최대 풀링을 봅니다. 4×4 입력의 2×2 블록마다 가장 큰 값이 나옵니다.
# 풀링에는 매개변수가 없습니다. 특성 맵을 줄여 뒤따르는 계층의 계산을 덜어 줍니다. 또
# 획이 2×2 창 안에서 한 픽셀 옮겨져도 출력이 같으므로, 신경망이 이런 작은 이동에 덜
# 흔들립니다. 다만 창의 경계를 넘어 옮겨지면 출력이 달라집니다.

# %%
grid = torch.tensor([[1.0, 3, 0, 2], [4, 2, 1, 1], [0, 1, 5, 0], [2, 2, 0, 6]]).view(1, 1, 4, 4)
pooled = nn.MaxPool2d(2)(grid)
print(grid[0, 0])
print("2×2 최대 풀링:", pooled[0, 0].tolist())
assert pooled[0, 0].tolist() == [[4.0, 2.0], [2.0, 6.0]]
assert count_parameters(nn.MaxPool2d(2)) == 0
stroke = torch.zeros(1, 1, 4, 4)
stroke[0, 0, :, 0] = 1.0  # 0열에 세로 획 하나
shifted = stroke.roll(1, dims=-1)  # 같은 획을 1열로
print("0열의 획:", nn.MaxPool2d(2)(stroke)[0, 0].tolist())
print("1열의 획:", nn.MaxPool2d(2)(shifted)[0, 0].tolist())
assert torch.equal(nn.MaxPool2d(2)(stroke), nn.MaxPool2d(2)(shifted))

# %% [markdown]
# ## 작은 합성곱 신경망 { #a-small-convolutional-network }
# <!-- index: CNN; 최대 풀링; 합성곱 신경망; 맥스 풀링; 풀링; nn.Conv2d -->
#
# 합성곱, ReLU, 최대 풀링으로 된 블록 두 개 뒤에, 펼친 특성 맵을 로짓 열 개로 바꾸는
# 완전 연결 계층을 둡니다.
#
# - `Conv2d(1, 16, 3, padding=1)`은 8×8 특성 맵 16개를 만들고, 풀링이 이를 4×4로
#   줄입니다.
# - `Conv2d(16, 32, 3, padding=1)`은 4×4 특성 맵 32개를 만들고, 풀링이 이를 2×2로
#   줄입니다.
# - `Flatten`이 이를 값 32 · 2 · 2 = 128개로 펼치고, `Linear(128, 10)`이 로짓을
#   계산합니다.
#
# 먼저 식으로 크기를 계산하고, 이어서 `nnguide.summary`가 이미지 하나를 모델에
# 통과시켜 계층마다 출력 모양과 매개변수 수를 보여 주게 합니다. 둘이 일치합니다.

# %%
size = 8
for _ in range(2):
    size = conv_output_size(size, kernel_size=3, padding=1)
    size = conv_output_size(size, kernel_size=2, stride=2)
flat = 32 * size * size
print("블록 두 개를 지난 크기:", size, "×", size, "  펼친 길이:", flat)


def make_cnn():
    torch.manual_seed(SEED)
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(flat, 10),
    ).to(device)


cnn = make_cnn()
cnn_summary = summary(cnn, (1, 8, 8), language="ko")
print(cnn_summary)
assert (size, flat) == (2, 128)
assert [layer.output_shape[1:] for layer in cnn_summary.layers if layer.type == "MaxPool2d"] == [
    (16, 4, 4),
    (32, 2, 2),
]
assert cnn_summary.total_params == count_parameters(cnn) == 160 + 4640 + 1290 == 6090

# %% [markdown]
# 첫 계층의 매개변수는 160개, 둘째 계층은 4,640개입니다. 둘째 합성곱은 이미지 한 장이
# 아니라 특성 맵 16개를 받습니다. 그래서 필터마다 입력 채널별로 3×3 조각이 있어 가중치가
# 모두 16 × 3 × 3개이고, 합도 채널에 걸쳐 구합니다.
#
# $$y_{ij} = b + \sum_{c=0}^{C_\text{in}-1} \sum_{u=0}^{k-1} \sum_{v=0}^{k-1}
#   w_{c,u,v} \, x_{c,\, i+u,\, j+v} .$$
#
# 필터 하나가 출력 채널 하나를 만들므로 한 계층의 가중치는 `(C_out, C_in, k, k)` 모양이고,
# 여기서는 (32, 16, 3, 3)입니다. 필터마다 편향이 하나씩 붙으므로 매개변수는 이미지 크기와
# 상관없이 $C_\text{out} \cdot C_\text{in} \cdot k^2 + C_\text{out} = 32 \cdot 16 \cdot 9 + 32 =
# 4{,}640$개입니다. 첫 계층은 $16 \cdot 1 \cdot 9 + 16 = 160$개입니다. 아래에서는 둘째
# 계층의 출력 하나를 채널에 걸친 합으로 직접 계산합니다. 패딩이 1이므로 출력 $(1, 1)$은
# 입력의 0~2행, 0~2열을 덮습니다.

# %%
conv2 = cnn[3]
with torch.no_grad():
    inputs = cnn[:3](digit.to(device))  # conv2가 받는 특성 맵 16개
    output = conv2(inputs)[0, 0, 1, 1]
    by_hand = conv2.bias[0] + (conv2.weight[0] * inputs[0, :, 0:3, 0:3]).sum()
print("둘째 합성곱의 가중치 모양:", tuple(conv2.weight.shape))
print(f"출력 (필터 0, 1, 1): 계층 {output:.4f}, 손으로 계산 {by_hand:.4f}")
assert conv2.weight.shape == (32, 16, 3, 3) and inputs.shape == (1, 16, 4, 4)
assert count_parameters(conv2) == 32 * 16 * 9 + 32 == 4640
assert count_parameters(cnn[0]) == 16 * 1 * 9 + 16 == 160
assert torch.allclose(output, by_hand, atol=1e-6)

# %% [markdown]
# ## 학습 { #training }
# <!-- index: CNN 학습 -->
#
# `nnguide.fit`은 5강의 신경망과 똑같이 학습시킵니다. 학습률 0.01인 Adam, 크기 64인
# 미니배치, 10에포크이며, 에포크마다 검증 세트로 평가합니다. 학습 루프 안의 어떤 코드도
# 모델이 합성곱 신경망이라는 사실을 모릅니다. `train`이 이 호출을 감싸 두므로, 아래
# 비교에서도 모든 신경망을 같은 방식으로 학습시킬 수 있습니다.


# %%
def train(model, lr):
    return fit(
        model,
        make_train_loader(),
        loss_fn=nn.CrossEntropyLoss(),
        optimizer=torch.optim.Adam(model.parameters(), lr=lr),
        epochs=10,
        val_loader=val_loader,
        device=device,
    )


cnn_history = train(cnn, 0.01)
print("검증 정확도:", [round(value, 3) for value in cnn_history.val_accuracy])
assert cnn_history.train_loss[-1] < 0.1 * cnn_history.train_loss[0]

# %%
plot_history(cnn_history, title="합성곱 신경망 학습하기", language="ko")
plt.show()

# %% [markdown]
# ## 5강의 신경망과 비교 { #compared-with-lesson-5s-network }
# <!-- index: MLP 비교 -->
#
# 합성곱 신경망이 5강의 완전 연결 신경망보다 나을까요? 공정하게 비교하려면 두 신경망에
# 같은 데이터, 같은 학습 방식, 같은 조정 기회를 주어야 합니다. 둘 다 같은 분할에서 Adam,
# 크기 64인 미니배치, 10에포크로 학습합니다. 학습률 0.01은 5강에서 완전 연결 신경망에
# 쓰려고 정한 값이므로, 두 신경망 모두 학습률 0.003, 0.01, 0.03을 시도하고 마지막 에포크의
# 검증 손실이 가장 낮은 것을 고릅니다. 이 선택에는 테스트 세트를 쓰지 않습니다. 완전 연결
# 신경망은 입력을 값 64개짜리 행으로 받아야 하므로 앞에 `nn.Flatten`을 둡니다.
# `nn.Flatten`에는 매개변수가 없습니다.


# %%
def make_mlp():
    torch.manual_seed(SEED)
    return nn.Sequential(nn.Flatten(), MLP([64, 64, 10])).to(device)


names = {"mlp": "MLP (5강)", "cnn": "합성곱 신경망"}
learning_rates = [0.003, 0.01, 0.03]
runs = {("cnn", 0.01): (cnn, cnn_history)}  # 위에서 학습시킨 신경망
for key, make_model in [("mlp", make_mlp), ("cnn", make_cnn)]:
    for lr in learning_rates:
        if (key, lr) not in runs:
            model = make_model()
            runs[key, lr] = (model, train(model, lr))
best_lr = {key: min(learning_rates, key=lambda lr: runs[key, lr][1].val_loss[-1]) for key in names}
best_loss = {key: runs[key, best_lr[key]][1].val_loss[-1] for key in names}
print("마지막 에포크의 검증 손실:")
print(
    format_table(
        [
            [f"{lr}"] + [f"{runs[key, lr][1].val_loss[-1]:.3f}" for key in names]
            for lr in learning_rates
        ],
        headers=["학습률"] + [names[key] for key in names],
    )
)
print("고른 학습률:", ", ".join(f"{names[key]} {best_lr[key]}" for key in names))
assert best_loss["cnn"] < best_loss["mlp"]

# %% [markdown]
# 각자 가장 좋은 학습률끼리 비교하면, 합성곱 신경망의 검증 손실이 완전 연결 신경망보다
# 낮습니다.
#
# ## 테스트 정확도 { #test-accuracy }
# <!-- index: CNN 정확도 -->
#
# 학습과 선택이 끝났으니 고른 두 신경망을 테스트 세트로 딱 한 번 평가합니다. 합성곱
# 신경망은 테스트 숫자 360개 중 96% 넘게 맞히고, 완전 연결 신경망보다 적게 틀립니다.
# 매개변수는 4분의 1쯤 더 많지만 쓰는 방식이 다릅니다. 두 합성곱 계층의 가중치와 편향은
# 4,800개뿐이고, 이미지의 모든 위치에서 같은 값이 쓰입니다.

# %%
mlp, cnn = runs["mlp", best_lr["mlp"]][0], runs["cnn", best_lr["cnn"]][0]
accuracy = {
    key: evaluate(model, test_loader, device=device)["accuracy"]
    for key, model in [("mlp", mlp), ("cnn", cnn)]
}
wrong = {key: round((1 - accuracy[key]) * len(test_set)) for key in names}
parameters = {"mlp": count_parameters(mlp), "cnn": count_parameters(cnn)}
print(
    format_table(
        [[names[key], parameters[key], f"{accuracy[key]:.1%}", wrong[key]] for key in names],
        headers=["모델", "매개변수 수", "테스트 정확도", "틀린 이미지 수"],
    )
)
assert parameters["mlp"] == 4810 and count_parameters(cnn[:4]) == 4800
assert 1.2 < parameters["cnn"] / parameters["mlp"] < 1.3
assert accuracy["cnn"] > 0.96 and wrong["cnn"] < wrong["mlp"]

# %% [markdown]
# ## 학습한 필터 { #the-learned-filters }
# <!-- index: 필터 시각화; 특성 맵; 커널 시각화 -->
#
# 고른 합성곱 신경망의 첫 계층 필터 16개는 무작위 값에서 출발했고, 학습이 이를 크게
# 바꾸었습니다. 가중치마다 평균적으로 처음 크기보다 더 많이 움직였습니다.
# `nnguide.plot_filters`는 모든 필터를 같은 색 척도로 그립니다. 양의 가중치는 빨강, 음의
# 가중치는 파랑입니다. 3×3이라 작지만, 빨간 쪽과 파란 쪽이 나란히 붙은 필터를 찾아보세요.
# 위에서 손으로 만든 필터처럼 한 방향의 경계에 반응하는 필터입니다. 그 아래에는 테스트
# 숫자 하나에 대해 ReLU를 거친 첫 계층의 특성 맵을 그렸습니다. 필터마다 획의 다른
# 부분에서 밝아지고, 자기 무늬를 이 숫자에서 찾지 못한 필터는 모든 값이 0인 맵을 냅니다.
# 그림 아래 줄이 그런 맵의 수를 셉니다.

# %%
initial = make_cnn()[0].weight.detach().cpu()
learned = cnn[0].weight.detach().cpu()
change = ((learned - initial).abs().mean() / initial.abs().mean()).item()
print(f"첫 계층 가중치의 평균 변화량, 처음 크기에 대한 비율: {change:.1f}")
assert change > 1
plot_filters(cnn[0], columns=8, title="첫 계층의 필터", language="ko")
plt.show()

with torch.no_grad():
    maps = cnn[1](cnn[0](images_test[:1].to(device)))[0].cpu()
fig, axes = plt.subplots(2, 8, figsize=(10, 2.8))
for index, ax in enumerate(axes.flat):
    ax.imshow(maps[index], cmap="magma")
    ax.set_title(f"맵 {index}", fontsize=9)
    ax.axis("off")
fig.suptitle(f"숫자 {y_test[0].item()} 테스트 이미지의 특성 맵")
plt.show()
lit = maps.amax(dim=(1, 2)) > 0
brightest = {int(feature.argmax()) for feature in maps[lit]}
print("특성 맵:", tuple(maps.shape), "  모든 값이 0인 맵:", int((~lit).sum()))
print("0이 아닌 맵에서 최댓값이 놓인 서로 다른 위치:", len(brightest))
assert maps.shape == (16, 8, 8) and maps.min() >= 0 and len(brightest) > 1

# %% [markdown]
# ## 요약 { #summary }
#
# - 이미지는 `(배치, 채널, 높이, 너비)` 모양의 텐서이고, 숫자 이미지는 `view`로
#   `(N, 1, 8, 8)`이 됩니다.
# - 합성곱은 작은 필터를 이미지 위로 미끄러뜨리며 위치마다 가중합을 구하고, 어느
#   위치에서나 같은 가중치를 씁니다. 입력 채널이 여러 개면 모든 채널에 걸쳐 더하며,
#   가중치는 `(C_out, C_in, k, k)` 모양입니다.
# - 행이 `[-1, 0, 1]`인 필터는 오른쪽으로 갈수록 값이 커지는 곳에 반응합니다. 여기서는
#   획의 왼쪽 가장자리, 밝은 배경이 잉크와 만나는 곳입니다.
# - 출력 크기는 합성곱과 풀링 모두 $\lfloor (H + 2p - k)/s \rfloor + 1$이며,
#   `nnguide.conv_output_size`가 계산합니다.
# - `nn.MaxPool2d(2)`는 짝수인 높이와 너비를 절반으로 줄이고, 홀수는
#   내림합니다(`ceil_mode=True`이면 올림). 매개변수는 없습니다.
# - 매개변수 6,090개짜리 작은 합성곱 신경망이 테스트 정확도 96%를 넘기며, 같은 분할에서
#   같은 방식으로 학습시킨 5강의 완전 연결 신경망보다 적게 틀립니다. 두 신경망 모두 세
#   학습률 가운데 가장 좋은 것을 썼습니다.
# - `nnguide.plot_filters`로 필터가 무엇을 배웠는지 볼 수 있습니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - PyTorch 문서, `torch.nn.Conv2d`:
#   https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html
# - V. Dumoulin, F. Visin, "A guide to convolution arithmetic for deep learning"
#   (2016). 패딩과 스트라이드를 그림으로 보여 줍니다.
# - Stanford CS231n 강의 노트, "Convolutional Neural Networks":
#   https://cs231n.github.io/convolutional-networks/

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **5×5 필터.** 8×8 이미지에 `nn.Conv2d(1, 8, kernel_size=5)`를 적용한 출력 크기,
#    출력을 8×8로 유지하는 패딩, 이 계층의 매개변수 수를 예측하세요. `conv_output_size`,
#    계층 자체, `count_parameters`로 확인하세요.
# 2. **필터 늘리기.** 둘째 합성곱 계층의 필터를 32개 대신 64개로 늘리고, 마지막 계층의
#    입력 수도 그에 맞추세요. 신경망 전체의 매개변수 수를 예측한 다음 만들어서
#    확인하세요.
# 3. **평균 풀링.** 풀링 예제의 4×4 `grid`에 `nn.AvgPool2d(2)`를 적용하면 무엇이
#    나올지 예측하고 확인하세요.

# %% tags=["solution"]
conv_5 = nn.Conv2d(1, 8, kernel_size=5)
padded_5 = nn.Conv2d(1, 8, kernel_size=5, padding=2)
print("필터 5×5:", conv_output_size(8, kernel_size=5), "  계층 출력:", tuple(conv_5(digit).shape))
print("필터 5×5, 패딩 2:", tuple(padded_5(digit).shape))
print("매개변수 수:", count_parameters(conv_5), "= 8 × 1 × 5 × 5 + 8")
assert conv_output_size(8, kernel_size=5) == 4 and conv_5(digit).shape == (1, 8, 4, 4)
assert padded_5(digit).shape == (1, 8, 8, 8)
assert count_parameters(conv_5) == 8 * 25 + 8 == 208

# %% tags=["solution"]
wider = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 64, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(64 * 2 * 2, 10),
)
counted = (16 * 9 + 16) + (64 * 16 * 9 + 64) + (64 * 2 * 2 * 10 + 10)
print("손으로 센 값:", counted, "  count_parameters:", count_parameters(wider))
print("출력 모양:", tuple(wider(digit).shape))
assert counted == count_parameters(wider) == 12010 and wider(digit).shape == (1, 10)

# %% tags=["solution"]
averaged = nn.AvgPool2d(2)(grid)
print("2×2 평균 풀링:", averaged[0, 0].tolist())
assert averaged[0, 0].tolist() == [[2.5, 1.0], [1.25, 2.75]]
