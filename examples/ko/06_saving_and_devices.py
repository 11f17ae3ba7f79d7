# %% [markdown]
# # 저장, 불러오기, 장치
#
# 학습한 모델은 저장해 두었다가 다시 쓸 수 있어야 쓸모가 있습니다. 프로그램을
# 껐다가 다음 날 다시 켜도, 다른 컴퓨터로 옮겨도 똑같은 답을 내야 합니다. 이번
# 강의에서는 이를 위한 실무 기술을 다룹니다. 학습한 분류기의 가중치를 파일로
# 저장했다가 새 모델에 불러오고, 멈춘 곳에서 학습을 이어 갈 수 있도록
# 체크포인트(checkpoint)를 저장하고, 모델을 장치 사이에서 옮기고,
# `torch.inference_mode`로 예측만 하도록 모델을 실행하고, 시드로 학습 전체를
# 재현합니다. 그때마다 CPU에서는 출력이 비슷한 정도가 아니라 완전히 같은지 코드로
# 확인합니다.
#
# **이번 강의에서 배울 내용**
#
# - `state_dict`란 무엇이고 `torch.save`와 `torch.load`로 어떻게 저장하고 불러오는지
# - 모델 객체 대신 `state_dict`를 저장하는 이유, 그리고 `weights_only=True`(안전)와
#   `map_location`(장치)이 하는 일
# - 체크포인트를 저장하고 거기서 학습을 이어 가는 방법
# - 실행할 때 장치를 고르고 모델과 데이터를 그 장치로 옮기는 방법
# - `torch.inference_mode`가 `torch.no_grad`와 어떻게 다른지
# - 시드로 초기 가중치와 학습 전체를 재현하는 방법
#
# **사전 지식:** 5강(`fit`으로 숫자 분류기 학습하기).

# %% [markdown]
# ## 준비 { #setup }
#
# 이번 강의에서 만드는 파일은 마지막에 지워지는 임시 폴더에 저장하므로, 이 페이지를
# 실행해도 아무것도 남지 않습니다. 이 페이지는 두 결과를 `same_values`로 비교합니다.
# CPU에서는 비트 하나까지 같은지(`torch.equal`), GPU에서는 부동소수점 반올림 오차
# 안에서 같은지(`torch.allclose`) 봅니다. 그 까닭은 아래 재현성 절에서 설명합니다.

# %%
import contextlib
import io
import pickle
import re
import tempfile
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader

from nnguide.data import digits_loaders
from nnguide.device import get_device
from nnguide.models import MLP, count_parameters
from nnguide.training import evaluate, fit

torch.manual_seed(0)
device = get_device()
folder = tempfile.TemporaryDirectory()
print("장치:", device)


def same_values(a, b):
    """CPU에서는 비트까지 같은지, GPU에서는 반올림 오차 안에서 같은지 확인합니다."""
    if a.device.type == "cpu":
        return torch.equal(a, b)
    return torch.allclose(a, b, rtol=1e-4, atol=1e-5)


# %% [markdown]
# ## 학습한 모델 { #a-trained-model }
# <!-- index: digits_loaders -->
#
# 먼저 저장할 모델이 있어야 합니다. 5강의 숫자 분류기를 몇 줄로 다시 학습시킵니다.
# `nnguide.digits_loaders`는 `load_digits`와 똑같이 층화로 나눈 데이터에서
# 학습 로더와 테스트 로더를 만들어 돌려줍니다. 학습 로더는 샘플을 섞어서
# 내줍니다. 이번에는 설정을 고를 일이 없으므로 검증 세트 없이 학습 이미지
# 1,437장을 모두 씁니다.

# %%
train_loader, test_loader = digits_loaders(batch_size=64, seed=0)
loss_fn = nn.CrossEntropyLoss()

torch.manual_seed(0)
model = MLP([64, 64, 10])
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = fit(model, train_loader, loss_fn=loss_fn, optimizer=optimizer, epochs=10, device=device)
test_accuracy = evaluate(model, test_loader, device=device)["accuracy"]
print(f"10에포크 뒤 학습 손실 {history.train_loss[-1]:.4f}, 테스트 정확도 {test_accuracy:.1%}")
assert test_accuracy >= 0.95

# %% [markdown]
# ## `state_dict` { #the-state_dict }
# <!-- index: 상태 사전; state dict; load_state_dict -->
#
# 모델이 배운 것은 모두 매개변수에 들어 있습니다. 배치 정규화 같은 일부 계층은 이동
# 평균과 이동 분산 같은 통계를 버퍼(buffer)에도 담아 둡니다. `model.state_dict()`는
# 이것들을 모아 이름마다 텐서를 하나씩 대응시킨 딕셔너리로 돌려줍니다. 이름은 모듈 구조를
# 따릅니다. `0.weight`는 모델 안의 `nn.Sequential`에서 0번 계층의 가중치입니다. 1번의 ReLU는
# 매개변수가 없어서 항목도 없습니다.
#
# `state_dict`의 텐서는 복사본이 아닙니다. 자동 미분과는 분리되어 있지만(`requires_grad`가
# `False`이고 연결된 계산 그래프도 없습니다), 매개변수와 같은 저장 공간을 씁니다.
# 그래서 모델을 더 학습시키면 이 텐서도 함께 바뀝니다. 지금 상태를 메모리에 남겨 두려면
# 텐서를 복제하고, 프로그램이 끝난 뒤에도 남기려면 파일로 저장하세요.

# %%
state = model.state_dict()
for name, tensor in state.items():
    print(f"{name:9} {tuple(tensor.shape)}")
print("값의 총 개수:", sum(tensor.numel() for tensor in state.values()))
assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
assert sum(tensor.numel() for tensor in state.values()) == count_parameters(model) == 4810
print(
    "requires_grad: state_dict의 텐서",
    state["0.weight"].requires_grad,
    "  매개변수",
    model[0].weight.requires_grad,
)
assert state["0.weight"].data_ptr() == model[0].weight.data_ptr()
assert not state["0.weight"].requires_grad and state["0.weight"].grad_fn is None
assert model[0].weight.requires_grad

# %% [markdown]
# ## 가중치 저장하고 불러오기 { #saving-and-loading-weights }
# <!-- index: 모델 저장; torch.save; torch.load; 모델 불러오기; 가중치 저장 -->
#
# `torch.save`는 `state_dict`를 파일에 씁니다. 확장자로는 보통 `.pt`를 씁니다. 저장한
# 가중치를 쓰려면 먼저 같은 구조의 모델을 만들고(새로 만든 모델은 가중치가 무작위라 출력이
# 다릅니다), `torch.load`로 읽은 내용을 `load_state_dict`에 넘깁니다. `torch.load`를
# 호출할 때는 두 인자를 늘 챙기는 것이 좋습니다.
#
# - `weights_only=True`(PyTorch 2.6부터 기본값)는 텐서와 단순한 컨테이너만 풉니다. `.pt`
#   파일은 파이썬 피클(pickle)이라서, 이 설정이 없으면 믿을 수 없는 출처의 파일을 불러오는
#   순간 임의의 코드가 실행될 수 있습니다. 여러분을 지켜 주는 것은 이 설정이며, 아래 장치 절에서
#   실제로 확인합니다.
# - `map_location`은 텐서를 지정한 장치에 올립니다. 그래서 GPU에서 저장한 파일도 GPU가 없는
#   컴퓨터에서 불러올 수 있습니다. 이 인자는 장치를 정할 뿐 안전과는 관계가 없습니다.
#
# 불러온 모델은 원래 모델과 같은 출력을 냅니다. CPU에서는 비슷한 정도가 아니라
# `torch.equal`로 비교해도 같습니다.

# %%
path = Path(folder.name) / "digits_mlp.pt"
torch.save(model.state_dict(), path)
print(f"{path.name} 저장: {path.stat().st_size / 1024:.0f} KiB")

torch.manual_seed(1)
restored = MLP([64, 64, 10]).to(device)
images, _ = next(iter(test_loader))
images = images.to(device)
model.eval()
restored.eval()
print("불러오기 전 출력이 같은가:", same_values(model(images), restored(images)))

result = restored.load_state_dict(torch.load(path, map_location=device, weights_only=True))
print(result)
print("불러온 뒤 출력이 같은가:  ", same_values(model(images), restored(images)))
assert path.stat().st_size > 4810 * 4
assert not result.missing_keys and not result.unexpected_keys
assert not torch.allclose(MLP([64, 64, 10]).to(device)(images), model(images))
assert same_values(model(images), restored(images))
assert evaluate(restored, test_loader, device=device)["accuracy"] == test_accuracy

# %% [markdown]
# `torch.save(model, path)`로 모델 전체를 저장하면 어떨까요? 이 방법은 모델 객체를 통째로
# 피클로 저장하는데, 피클에는 모델을 정의한 코드가 아니라 그 코드의 임포트 경로만 기록됩니다.
# 그래서 같은 코드를 같은 이름으로 임포트할 수 있는 곳에서만 파일을 불러올 수 있고, 불러올
# 때 `weights_only=False`도 필요합니다. `state_dict`에는 이름과 텐서만 있고, 모델을 만드는
# 코드는 여러분의 프로그램에 그대로 남습니다.
#
# 대신 구조가 맞아야 합니다. `load_state_dict`는 이름과 모양을 하나하나 확인하고,
# 맞지 않으면 무엇이 다른지 밝힌 오류를 냅니다. 아래 예에서는 은닉층의 노드가 64개가
# 아니라 32개입니다.

# %%
try:
    MLP([64, 32, 10]).load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
except RuntimeError as error:
    message = str(error)
print(message.splitlines()[0])
print(message.splitlines()[1].strip())
assert "size mismatch for 0.weight" in message

# %% [markdown]
# ## 체크포인트 { #checkpoints }
# <!-- index: 학습 재개; 체크 포인트; 옵티마이저 상태 -->
#
# 학습을 멈췄다가 나중에 이어 가려면 가중치만으로는 부족합니다. Adam은 매개변수마다 걸음 수
# $t$와 함께 기울기 $g_t$의 이동 평균 $m_t$, 기울기 제곱의 이동 평균 $v_t$를 따로
# 저장합니다.
#
# $$m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, \qquad v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2$$
#
# 그리고 가중치를 $\eta\, \hat{m}_t / (\sqrt{\hat{v}_t} + \epsilon)$만큼 옮깁니다. 여기서
# $\hat{m}_t = m_t / (1 - \beta_1^t)$와 $\hat{v}_t = v_t / (1 - \beta_2^t)$는 0에서 출발한 탓에
# 작게 나온 평균을 바로잡은 값입니다. PyTorch는 이 세 가지를 `step`, `exp_avg`, `exp_avg_sq`라는 이름으로
# 저장합니다. 게다가 다음 에포크들의 순서는 데이터 로더의 난수 생성기가 정합니다.
# **체크포인트**는 모델과 옵티마이저의 `state_dict`, 로더 생성기의 상태, 에포크 수를
# 딕셔너리 하나에 모두 담아 저장합니다. 이 모델은 학습하는 동안 다른 난수를 쓰지 않지만,
# 드롭아웃 계층(7강)은 PyTorch의 전역 난수 생성기에서 난수를 뽑으므로 체크포인트에 그
# 생성기의 상태도 담습니다(`torch.get_rng_state()`, GPU에서는
# `torch.cuda.get_rng_state_all()`도). 학습률 스케줄러나 혼합 정밀도 학습의 `GradScaler`를
# 쓴다면 그 `state_dict`도 함께 저장해야 합니다.
#
# 다음과 같이 확인합니다. 첫 번째 모델은 4에포크 동안 쉬지 않고 학습합니다. 두 번째 모델은
# 2에포크 동안 학습한 뒤 저장되고 메모리에서 지워집니다. 완전히 새로 만든 모델, 옵티마이저,
# 로더가 체크포인트를 불러와 남은 2에포크를 학습합니다. 마지막에 두 모델은 똑같습니다.
# CPU에서는 비트 하나까지 같습니다.


# %%
def new_run():
    torch.manual_seed(0)
    model = MLP([64, 64, 10]).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loader = DataLoader(
        train_loader.dataset,
        batch_size=64,
        shuffle=True,
        generator=torch.Generator().manual_seed(0),
    )
    return model, optimizer, loader


model_a, optimizer_a, loader_a = new_run()
fit(model_a, loader_a, loss_fn=loss_fn, optimizer=optimizer_a, epochs=4)

model_b, optimizer_b, loader_b = new_run()
fit(model_b, loader_b, loss_fn=loss_fn, optimizer=optimizer_b, epochs=2)
checkpoint = {
    "model": model_b.state_dict(),
    "optimizer": optimizer_b.state_dict(),
    "generator": loader_b.generator.get_state(),
    "rng": torch.get_rng_state(),
    "epoch": 2,
}
torch.save(checkpoint, Path(folder.name) / "checkpoint.pt")
adam_state = checkpoint["optimizer"]["state"][0]
print(
    "첫 번째 매개변수에 대한 Adam의 상태:", sorted(adam_state), " 걸음 수:", int(adam_state["step"])
)
assert sorted(adam_state) == ["exp_avg", "exp_avg_sq", "step"]
assert adam_state["step"] == 2 * len(loader_b)
del model_b, optimizer_b, loader_b

model_c, optimizer_c, loader_c = new_run()
checkpoint = torch.load(Path(folder.name) / "checkpoint.pt", map_location=device, weights_only=True)
model_c.load_state_dict(checkpoint["model"])
optimizer_c.load_state_dict(checkpoint["optimizer"])
loader_c.generator.set_state(checkpoint["generator"])
torch.set_rng_state(checkpoint["rng"].cpu())
fit(model_c, loader_c, loss_fn=loss_fn, optimizer=optimizer_c, epochs=4 - checkpoint["epoch"])

same = all(same_values(model_a.state_dict()[name], model_c.state_dict()[name]) for name in state)
print("이어서 학습한 결과가 한 번에 학습한 결과와 같은가:", same)
assert same

# %% [markdown]
# ## 장치 { #devices }
# <!-- index: GPU; CUDA; 쿠다; 그래픽카드; mps; 장치 선택 -->
#
# `get_device()`는 이 컴퓨터에서 쓸 수 있는 가장 좋은 장치를 돌려줍니다. CUDA GPU가 있으면
# CUDA GPU를, 없으면 Apple GPU(`mps`)를, 둘 다 없으면 CPU를 고릅니다. `get_device("cpu")`처럼
# 장치를 직접 지정할 수도 있습니다. 컴퓨터에 없는 GPU를 요청하면 한참 뒤 학습 루프
# 깊숙한 곳이 아니라 바로 그 자리에서, 원인을 알려 주는 오류가 납니다. 이 페이지를
# 실행한 장치는 아래에 출력됩니다.
#
# 장치 오류는 거의 다 다음 두 규칙으로 해결됩니다.
#
# - 한 연산에 들어가는 텐서는 모두 같은 장치에 있어야 합니다. 그러니 입력을 모델이 있는
#   장치로 보내세요. 모델이 어디 있는지는 `next(model.parameters()).device`로 알 수 있습니다.
# - `model.to(device)`는 모듈 객체는 그대로 둔 채 그 안의 매개변수를 옮기고, 같은 모듈을
#   돌려줍니다. 반면
#   `tensor.to(device)`는 텐서를 바꾸지 않고 그 장치에 있는 텐서를 돌려줍니다(이미 그 장치에
#   있던 텐서가 아니면 새 텐서입니다). 그래서 `x = x.to(device)`처럼 써야 합니다.
#   자료형을 바꿀 때도 똑같이 동작하므로, 아래 코드는 어느 컴퓨터에서나 확인할 수
#   있도록 자료형을 바꿔서 보여 줍니다.

# %%
print("이 페이지의 장치:", device, "  모델이 있는 장치:", next(model.parameters()).device)
print("get_device('cpu'):", get_device("cpu"))
if torch.cuda.is_available():
    print("CUDA GPU:", torch.cuda.get_device_name())
else:
    try:
        get_device("cuda")
    except RuntimeError as error:
        print("get_device('cuda'):", str(error).split(";")[0])

x = torch.ones(3)
y = x.to(torch.float64)
print(
    "model.to(device) is model:",
    model.to(device) is model,
    "  x.to(float64) 뒤의 x.dtype:",
    x.dtype,
)
assert next(model.parameters()).device.type == device.type
assert model.to(device) is model and x.dtype == torch.float32 and y.dtype == torch.float64
assert x.to(torch.float32) is x

# %% [markdown]
# `map_location`은 반대 방향으로도 쓸 수 있습니다. 어느 장치에서 저장한 파일이든
# `map_location="cpu"`를 주면 모든 텐서를 CPU로 불러옵니다. GPU가 없는 컴퓨터에서 필요한 것이
# 바로 이것입니다.

# %%
on_cpu = torch.load(path, map_location="cpu", weights_only=True)
print(
    "map_location='cpu'로 불러온 텐서의 장치:", {tensor.device.type for tensor in on_cpu.values()}
)
assert all(tensor.device.type == "cpu" for tensor in on_cpu.values())

# %% [markdown]
# CPU로 불러오는 것은 장치의 문제이지 신뢰의 문제가 아닙니다. 악의적인 파일로부터 여러분을
# 지켜 주는 것은 `weights_only=True`입니다. 피클에는 불러오는 도중에 호출할 파이썬 함수를
# 무엇이든 적어 넣을 수 있습니다. 아래 파일에는 텐서 하나와, 피클을 풀 때 `print`를 호출하는
# 객체가 들어 있습니다. 공격자의 파일이라면 무엇이 실행될지 모르는 자리에 해가 없는
# `print`를 넣은 것입니다. `weights_only=False`로 불러오면 불러오는 도중에 이 호출이
# 일어납니다. `weights_only=True`이면 `map_location`을 어떻게 주든 `torch.load`가 아무것도
# 실행하지 않고 파일을 거부합니다.


# %%
class Payload:
    """피클을 풀 때 print()를 호출하는 객체입니다."""

    def __reduce__(self):
        return (print, ("피클을 푸는 도중 print()가 호출되었습니다",))


untrusted = Path(folder.name) / "untrusted.pt"
torch.save({"0.bias": torch.zeros(2), "extra": Payload()}, untrusted)

with contextlib.redirect_stdout(io.StringIO()) as captured:
    torch.load(untrusted, map_location="cpu", weights_only=False)
print("weights_only=False로 불러오는 도중 출력된 내용:", captured.getvalue().strip())
try:
    torch.load(untrusted, map_location="cpu", weights_only=True)
except pickle.UnpicklingError as error:
    refusal = re.search(r"Unsupported global: GLOBAL \w+", str(error)).group(0)
print("weights_only=True는 파일을 거부합니다:", refusal)
assert captured.getvalue().strip() == "피클을 푸는 도중 print()가 호출되었습니다"
assert refusal == "Unsupported global: GLOBAL print"

# %% [markdown]
# ## 추론 모드 { #inference-mode }
# <!-- index: no_grad; inference_mode; 추론 -->
#
# 예측할 때는 기울기가 필요 없습니다. 5강에서는 `torch.no_grad()`를 썼는데,
# `torch.inference_mode()`는 한 걸음 더 나아갑니다. 그 안에서 만든 텐서에는 추론
# 텐서(inference tensor)라는 표시가 붙고, PyTorch는 `no_grad`에서도 유지하는 기록(제자리
# 연산을 검사하는 버전 카운터)까지 생략합니다. 그래서 예측만 할 때는 추론 모드를 권장합니다.
# 두 방법 모두 `requires_grad`가 꺼진, 값이 같은 출력을 냅니다.
#
# 대가는 추론 텐서를 자동 미분에 쓸 수 없다는 점입니다. PyTorch 문서는 규칙을 이렇게
# 정합니다. 추론 모드는 자동 미분이 기록하는 계산에 쓰지 않을 텐서에만 쓰세요. 그런
# 계산에 꼭 넣어야 한다면 추론 모드 밖에서 `.clone()`으로 복제해 보통 텐서로 만들거나,
# 처음부터 `no_grad`로 계산하면 됩니다.
#
# 규칙을 어겼을 때 어떻게 되는지는 연산마다 다르므로, 그 동작에 기대면 안 됩니다. 자동
# 미분은 역전파에 쓰려고 추론 텐서를 *저장*할 수 없습니다. 기울기가 필요한 가중치 $w$와
# 추론 텐서 $t$가 있을 때, `w * t`는 도함수를 구하는 데 $t$가 필요하므로 오류가 납니다.
# `w + t`는 도함수에 $t$가 필요 없어서 우연히 통과하지만, 이는 구현의 세부 사항일 뿐
# 약속된 동작이 아닙니다. 복제한 텐서는 두 경우 모두 문제없이 동작합니다.

# %%
model.eval()
with torch.no_grad():
    no_grad_logits = model(images)
with torch.inference_mode():
    inference_logits = model(images)
print("requires_grad:", no_grad_logits.requires_grad, inference_logits.requires_grad)
print("is_inference: ", no_grad_logits.is_inference(), inference_logits.is_inference())
assert same_values(no_grad_logits, inference_logits)
assert inference_logits.is_inference() and not no_grad_logits.is_inference()

w = torch.ones(10, device=device, requires_grad=True)
(w + inference_logits).sum().backward()
print("(w + t).sum().backward()는 동작합니다. w.grad[:3] =", w.grad[:3].tolist())
try:
    (w * inference_logits).sum().backward()
except RuntimeError as error:
    message = str(error)
print(message)
assert same_values(w.grad, torch.full((10,), float(len(images)), device=device))
w.grad = None
(w * inference_logits.clone()).sum().backward()
print("(w * t.clone()).sum().backward()도 동작합니다:", w.grad is not None)
assert message.startswith("Inference tensors cannot be saved for backward")
assert same_values(w.grad, inference_logits.sum(dim=0))

# %% [markdown]
# ## 재현성 { #reproducibility }
# <!-- index: 랜덤 시드; 시드; 시드 고정; manual_seed; 재현 가능성 -->
#
# 신경망은 무작위 가중치에서 출발하고 로더는 샘플을 무작위로 섞으므로, 난수
# 생성기가 같은 시드에서 출발하지 않으면 학습할 때마다 결과가 달라집니다.
# `torch.manual_seed(s)`는 PyTorch의 전역 난수 생성기에 시드를 줍니다. 시드가 같으면 초기
# 가중치가 같고, 시드가 다르면 초기 가중치도 다릅니다. 이 강의의 로더는 시드를 정한 생성기를
# 따로 씁니다.
#
# 이 둘을 합치면 학습 전체가 재현됩니다. 첫 절과 같은 방법으로 시드 0에서 다시
# 학습하면, CPU에서는 가중치 하나하나까지 첫 번째 모델과 비트 단위로 같은 모델이 나오고,
# 따라서 출력도 모두 같습니다.

# %%
torch.manual_seed(42)
first = MLP([64, 64, 10])
torch.manual_seed(42)
second = MLP([64, 64, 10])
torch.manual_seed(7)
third = MLP([64, 64, 10])
print("시드 42를 두 번, 가중치가 같은가:", torch.equal(first[0].weight, second[0].weight))
print("시드 42와 7, 가중치가 같은가:  ", torch.equal(first[0].weight, third[0].weight))
assert torch.equal(first[0].weight, second[0].weight)
assert not torch.equal(first[0].weight, third[0].weight)

train_loader, test_loader = digits_loaders(batch_size=64, seed=0)
torch.manual_seed(0)
again = MLP([64, 64, 10])
optimizer = torch.optim.Adam(again.parameters(), lr=0.01)
fit(again, train_loader, loss_fn=loss_fn, optimizer=optimizer, epochs=10, device=device)
again.eval()
identical = all(same_values(model.state_dict()[name], again.state_dict()[name]) for name in state)
print("두 번째 학습, 가중치가 똑같은가:", identical)
print("출력이 똑같은가:", same_values(model(images), again(images)))
assert identical and same_values(model(images), again(images))

# %% [markdown]
# 알아 둘 한계도 있습니다. 다른 라이브러리에는 각자의 난수 생성기가 있으므로, 코드에서
# 파이썬의 `random`이나 NumPy를 쓴다면 그쪽에도 시드를 주세요. GPU에서는 시드만으로
# 부족합니다. 기본적으로 비결정적인 연산, 곧 값을 더하는 순서가 실행마다 달라질 수 있는
# 연산이 여럿 있습니다. PyTorch가 밝힌 그 목록에는 `nn.NLLLoss`의 CUDA 구현도 들어
# 있는데, 이 페이지가 학습에 쓰는 `nn.CrossEntropyLoss`가 바로 이 연산을 씁니다. 그래서
# `same_values`는 GPU에서 반올림 오차를 허용합니다.
# `torch.use_deterministic_algorithms(True)`를 켜면 PyTorch가 결정적인 구현을 쓰고, 그런
# 구현이 없으면 오류를 냅니다. 일부 CUDA 연산은 환경 변수
# `CUBLAS_WORKSPACE_CONFIG=:4096:8`도 필요하고, cuDNN의 `torch.backends.cudnn.benchmark`는
# `False`로 두어야 합니다. 이렇게 해도 PyTorch는 버전이나 플랫폼이 다르거나 CPU와 GPU처럼
# 장치가 다르면 같은 결과를 약속하지 않습니다. 시드는 같은 소프트웨어와 하드웨어에서
# 학습을 재현할 뿐, 다른 환경에서도 같은 결과를 보장하지는 않습니다.
#
# 오류는 어느 장치에서나 쉽게 볼 수 있습니다. `put_`은 주어진 위치에 값을 써 넣는데, 같은
# 위치가 두 번 주어지면 어느 값이 남을지 정해져 있지 않고 결정적인 구현도 없습니다. 결정적
# 알고리즘을 켜면 PyTorch가 이 연산을 거부합니다.


# %%
positions, values = torch.tensor([0, 0]), torch.tensor([1.0, 2.0])
torch.use_deterministic_algorithms(True)
try:
    torch.zeros(3).put_(positions, values)
    refused = None
except RuntimeError as error:
    refused = str(error).split(",")[0]
torch.use_deterministic_algorithms(False)
print("결정적 알고리즘을 켰을 때:", refused)
print("결정적 알고리즘을 껐을 때:", torch.zeros(3).put_(positions, values).tolist())
assert refused == "put_ does not have a deterministic implementation"
assert not torch.are_deterministic_algorithms_enabled()

# %% [markdown]
# ## 임시 파일 지우기 { #cleaning-up }
# <!-- index: 임시 파일 -->
#
# 마지막으로 임시 폴더를 안에 든 파일 세 개와 함께 지웁니다.

# %%
folder.cleanup()
print(
    "남은 파일:", path.exists(), (Path(folder.name) / "checkpoint.pt").exists(), untrusted.exists()
)
assert not Path(folder.name).exists()

# %% [markdown]
# ## 요약 { #summary }
#
# - `model.state_dict()`는 `0.weight` 같은 이름마다 텐서를 대응시킵니다. 이 텐서는 매개변수와
#   저장 공간을 공유하지만 자동 미분과는 분리되어 있습니다. `torch.save`로 파일에 쓰고
#   `load_state_dict(torch.load(path, weights_only=True))`로 같은 구조의 모델에 되살리면
#   출력이 같습니다. 구조가 다르면 무엇이 다른지 알려 주는 오류가 납니다.
# - 모델 객체 전체가 아니라 `state_dict`를 저장하세요. 불러올 때는 악의적인 파일이 코드를
#   실행하지 못하게 막아 주는 `weights_only=True`를 쓰고, 장치는 `map_location`으로 고릅니다.
# - 모델, 옵티마이저(Adam이라면 걸음 수와 기울기, 기울기 제곱의 이동 평균), 로더의 생성기,
#   전역 난수 생성기, 에포크 수를 담은 체크포인트가 있으면 이 모델의 학습을 한 번도 멈추지
#   않은 것처럼 정확히 이어 갈 수 있습니다. 스케줄러나 `GradScaler`를 쓴다면 그 상태도
#   저장하세요.
# - 장치는 실행할 때 `get_device()`로 한 번 고릅니다. `model.to(device)`는 모듈 객체를
#   그대로 둔 채 옮기고, `x = x.to(device)`는 새 텐서를 돌려줍니다.
# - `torch.inference_mode()`는 가장 가벼운 예측 방법입니다. 그 출력은 역전파할 계산에
#   넣지 말고, 꼭 넣어야 한다면 추론 모드 밖에서 먼저 `.clone()`하세요.
# - 시드를 고정하면 같은 소프트웨어와 하드웨어에서 초기 가중치와 학습 전체가 재현됩니다.
#   GPU에서는 결정적 알고리즘도 켜야 하며, 결정적인 구현이 없는 연산은 이때 오류를 냅니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - PyTorch 튜토리얼 "Saving and Loading Models":
#   https://pytorch.org/tutorials/beginner/saving_loading_models.html
#   (한국어판: https://tutorials.pytorch.kr/beginner/saving_loading_models.html)
# - PyTorch 문서, "Reproducibility":
#   https://pytorch.org/docs/stable/notes/randomness.html
# - PyTorch 문서, "Autograd mechanics"의 추론 모드 절:
#   https://pytorch.org/docs/stable/notes/autograd.html
# - 다음 강의인 [7강](07_overfitting_and_regularization.ipynb)에서는 과적합(overfitting)과
#   규제(regularization)를 다루며, 검증 세트로 어느 에포크의 `state_dict`를 남길지
#   정합니다. 이어지는 [8강](08_first_cnn.ipynb)에서는 숫자를 픽셀 64개의 한 줄이 아니라
#   이미지로 읽는 첫 합성곱 신경망(convolutional neural network)을 만듭니다.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **메모리에 저장하기.** `torch.save`는 파일 객체에도 씁니다. `model.state_dict()`를
#    `io.BytesIO()`에 저장하고 새 `MLP([64, 64, 10])`에 불러온 다음, `images`에 대해 같은
#    출력을 내는지 확인하세요. 버퍼의 크기가 매개변수마다 적어도 4바이트일까요?
# 2. **크기를 절반으로.** 같은 가중치를 `float16`으로 바꿔 저장하세요
#    (`{name: tensor.half() for name, tensor in state.items()}`). 크기가 `float32`와 비교해
#    얼마일지 예측하고, `float32` 모델에 다시 불러와 출력이 얼마나 바뀌는지 구해 보세요.
# 3. **난수 다시 뽑기.** `torch.get_rng_state()`로 난수 생성기의 상태를 보관하고
#    `torch.rand(3)`을 뽑은 다음, `torch.set_rng_state`로 상태를 되돌리고 다시 뽑아
#    보세요. 체크포인트의 `"rng"` 항목이 하는 일이 이것입니다.

# %% tags=["solution"]
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
from_memory = MLP([64, 64, 10]).to(device).eval()
from_memory.load_state_dict(torch.load(buffer, map_location=device, weights_only=True))
size_32 = buffer.getbuffer().nbytes
print(
    f"버퍼의 바이트 수: {size_32:,}   4바이트 × 매개변수 {count_parameters(model)}개: "
    f"{4 * count_parameters(model):,}"
)
print("출력이 같은가:", same_values(model(images), from_memory(images)))
assert size_32 >= 4 * count_parameters(model)
assert same_values(model(images), from_memory(images))

# %% tags=["solution"]
buffer_16 = io.BytesIO()
torch.save({name: tensor.half() for name, tensor in model.state_dict().items()}, buffer_16)
buffer_16.seek(0)
rounded = MLP([64, 64, 10]).to(device).eval()
rounded.load_state_dict(torch.load(buffer_16, map_location=device, weights_only=True))
with torch.no_grad():
    change = (rounded(images) - model(images)).abs().max().item()
    same_predictions = torch.equal(rounded(images).argmax(dim=1), model(images).argmax(dim=1))
size_16 = buffer_16.getbuffer().nbytes
print(f"float16: {size_16:,}바이트, float32의 {size_16 / size_32:.0%}")
print(f"로짓이 가장 크게 바뀐 양: {change:.4f}   예측한 숫자가 같은가: {same_predictions}")
assert rounded[0].weight.dtype == torch.float32 and size_16 < 0.6 * size_32
assert change < 0.05 and same_predictions

# %% tags=["solution"]
saved_state = torch.get_rng_state()
first_draw = torch.rand(3)
torch.set_rng_state(saved_state)
second_draw = torch.rand(3)
print("첫 번째로 뽑은 수:", [round(v, 4) for v in first_draw.tolist()])
print("두 번째로 뽑은 수:", [round(v, 4) for v in second_draw.tolist()])
assert torch.equal(first_draw, second_draw) and not torch.equal(torch.rand(3), first_draw)
