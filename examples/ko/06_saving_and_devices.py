# %% [markdown]
# # 저장, 불러오기, 장치
#
# 학습한 모델(model)은 간직할 수 있어야 가치가 있습니다. 프로그램을 끄고, 내일 다시
# 오거나 다른 컴퓨터로 옮겨도 똑같은 답을 얻어야 합니다. 입문 과정의 마지막인 이번
# 강의는 그 실용적인 면을 다룹니다. 학습한 분류기의 가중치(weight)를 파일로 저장해
# 새 모델에 불러오고, 멈춘 곳에서 학습을 이어 갈 수 있는 체크포인트를 저장하고,
# 모델을 장치 사이에서 옮기고, `torch.inference_mode`로 예측만 하도록 모델을
# 실행하고, 시드로 학습 전체를 반복 가능하게 만듭니다. 그때마다 페이지가 약속을
# 확인합니다. 출력이 비슷한 정도가 아니라 완전히 같습니다.
#
# **이번 강의에서 배울 내용**
#
# - `state_dict`가 무엇이고, `torch.save`와 `torch.load`로 어떻게 저장하고
#   불러오는지
# - 모델 객체가 아니라 `state_dict`를 저장하는 이유, `weights_only=True`와
#   `map_location`의 쓰임
# - 체크포인트를 저장하고 거기서 학습을 이어 가는 방법
# - 실행할 때 장치를 고르고 모델과 데이터를 그 장치로 옮기는 방법
# - `torch.inference_mode`와, 그것이 `torch.no_grad`와 다른 점
# - 시드로 초기 가중치와 학습 전체를 재현하는 방법
#
# **사전 지식:** 5강(`fit`으로 숫자 분류기 학습하기).

# %% [markdown]
# ## 준비 { #setup }
#
# 이번 강의의 파일은 마지막에 지워지는 임시 폴더에 저장하므로, 이 페이지를 실행해도
# 아무것도 남지 않습니다.

# %%
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

# %% [markdown]
# ## 학습한 모델 { #a-trained-model }
#
# 먼저 저장할 가치가 있는 것이 필요합니다. 5강의 숫자 분류기를 몇 줄로 다시
# 학습시킵니다. `nnguide.digits_loaders`는 `load_digits`와 같은 층화 분할 위에서,
# 섞는 학습 로더와 테스트 로더를 돌려줍니다. 이번에는 설정을 바꾸지 않으므로 검증
# 세트 없이 학습 이미지 1,437장을 모두 씁니다.

# %%
train_loader, test_loader = digits_loaders(batch_size=64, seed=0)
loss_fn = nn.CrossEntropyLoss()

torch.manual_seed(0)
model = MLP([64, 64, 10])
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
history = fit(model, train_loader, loss_fn=loss_fn, optimizer=optimizer, epochs=10, device=device)
test_accuracy = evaluate(model, test_loader, device=device)["accuracy"]
print(f"10 에포크 뒤 학습 손실 {history.train_loss[-1]:.4f}, 테스트 정확도 {test_accuracy:.1%}")
assert test_accuracy >= 0.95

# %% [markdown]
# ## state_dict { #the-state_dict }
#
# 모델이 배운 것은 모두 매개변수(parameter)에 들어 있습니다(배치 정규화 같은 일부
# 계층(layer)은 이동 통계를 버퍼에도 담습니다). `model.state_dict()`는 이것들을
# 이름에서 텐서(tensor)로 가는 딕셔너리로 모읍니다. 이름은 모듈 구조를 따릅니다.
# `0.weight`는 우리 `nn.Sequential`의 0번 계층의 가중치입니다. 1번의 ReLU는
# 매개변수가 없어서 항목도 없습니다.
#
# `state_dict`의 텐서는 복사본이 아니라 모델 자신의 텐서입니다. 매개변수와 메모리를
# 공유하므로, 모델을 더 학습시키면 이 텐서도 바뀝니다. 메모리에 스냅숏을 남기려면
# 복사하고, 프로그램이 끝난 뒤에도 남기려면 파일로 저장하세요.

# %%
state = model.state_dict()
for name, tensor in state.items():
    print(f"{name:9} {tuple(tensor.shape)}")
print("값의 총 개수:", sum(tensor.numel() for tensor in state.values()))
assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
assert sum(tensor.numel() for tensor in state.values()) == count_parameters(model) == 4810
assert state["0.weight"].data_ptr() == model[0].weight.data_ptr()

# %% [markdown]
# ## 가중치 저장하고 불러오기 { #saving-and-loading-weights }
#
# `torch.save`는 `state_dict`를 파일에 씁니다. 확장자는 보통 `.pt`입니다. 이를
# 쓰려면 같은 구조의 모델을 만들고(새로 만든 무작위 가중치라 출력이 다릅니다),
# `torch.load`가 읽은 것을 `load_state_dict`에 넘깁니다. `torch.load`의 두 인자는
# 습관으로 만들어 둘 만합니다.
#
# - `weights_only=True`(PyTorch 2.6부터 기본값)는 텐서와 단순한 컨테이너만 풉니다.
#   `.pt` 파일은 파이썬 피클(pickle)이라, 그렇지 않으면 믿을 수 없는 출처의 파일을
#   풀 때 임의의 코드가 실행될 수 있습니다.
# - `map_location`은 텐서를 지정한 장치에 놓으므로, GPU에서 저장한 파일을 GPU가 없는
#   컴퓨터에서도 불러올 수 있습니다.
#
# 불러온 뒤의 모델은 원래 모델과 정확히 같은 출력을 냅니다. 비슷한 정도가 아니라
# `torch.equal`입니다.

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
print("불러오기 전 출력이 같은가:", torch.equal(model(images), restored(images)))

result = restored.load_state_dict(torch.load(path, map_location=device, weights_only=True))
print(result)
print("불러온 뒤 출력이 같은가:  ", torch.equal(model(images), restored(images)))
assert path.stat().st_size > 4810 * 4
assert not result.missing_keys and not result.unexpected_keys
assert torch.equal(model(images), restored(images))
assert evaluate(restored, test_loader, device=device)["accuracy"] == test_accuracy

# %% [markdown]
# 왜 `torch.save(model, path)`로 모델 전체를 저장하지 않을까요? 그렇게 하면 모델
# 객체를 피클로 저장하는데, 객체는 자기 클래스를 임포트 경로로 가리킵니다. 그러면
# 같은 코드를 같은 이름으로 임포트할 수 있는 곳에서만 파일을 불러올 수 있고,
# `weights_only=False`도 필요합니다. `state_dict`는 이름과 텐서일 뿐이고, 모델을
# 만드는 코드는 여러분의 프로그램에 남습니다.
#
# 대신 구조가 맞아야 합니다. `load_state_dict`는 모든 이름과 모양을 확인하고,
# 맞지 않으면 무엇이 다른지 알려 주는 오류로 거절합니다. 여기서는 은닉층(hidden
# layer)의 노드(node)가 64개가 아니라 32개입니다.

# %%
try:
    MLP([64, 32, 10]).load_state_dict(torch.load(path, weights_only=True))
except RuntimeError as error:
    message = str(error)
print(message.splitlines()[0])
print(message.splitlines()[1].strip())
assert "size mismatch for 0.weight" in message

# %% [markdown]
# ## 체크포인트 { #checkpoints }
#
# 학습을 멈췄다가 나중에 이어 가려면 가중치만으로는 부족합니다. Adam은 매개변수마다
# 지난 기울기(gradient)의 이동 평균을 들고 있고, 데이터 로더의 난수 생성기가 다음
# 에포크(epoch)들의 순서를 정합니다. **체크포인트(checkpoint)**는 이 모두를
# 딕셔너리 하나에 저장합니다. 모델, 옵티마이저, 로더의 생성기, 에포크 수입니다.
#
# 시험해 봅시다. 첫 번째 모델은 쉬지 않고 4 에포크를 학습합니다. 두 번째 모델은
# 2 에포크를 학습한 뒤 저장되고 "잊힙니다". 완전히 새로 만든 모델, 옵티마이저,
# 로더가 체크포인트를 불러와 남은 2 에포크를 학습합니다. 최종 두 모델은 똑같습니다.


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
    "epoch": 2,
}
torch.save(checkpoint, Path(folder.name) / "checkpoint.pt")
del model_b, optimizer_b, loader_b

model_c, optimizer_c, loader_c = new_run()
checkpoint = torch.load(Path(folder.name) / "checkpoint.pt", map_location=device, weights_only=True)
model_c.load_state_dict(checkpoint["model"])
optimizer_c.load_state_dict(checkpoint["optimizer"])
loader_c.generator.set_state(checkpoint["generator"])
fit(model_c, loader_c, loss_fn=loss_fn, optimizer=optimizer_c, epochs=4 - checkpoint["epoch"])

same = all(torch.equal(model_a.state_dict()[name], model_c.state_dict()[name]) for name in state)
print("이어서 학습한 결과가 한 번에 학습한 결과와 같은가:", same)
assert same

# %% [markdown]
# ## 장치 { #devices }
#
# `get_device()`는 이 컴퓨터에 있는 가장 좋은 장치를 돌려줍니다. CUDA GPU, 애플
# GPU(`mps`), 또는 CPU입니다. `get_device("cpu")`처럼 장치를 지정할 수도 있습니다.
# 컴퓨터에 없는 GPU를 요청하면 나중에 학습 루프 깊숙한 곳에서가 아니라 그 자리에서
# 분명한 메시지와 함께 실패합니다. 이 페이지가 실행된 장치는 아래에 출력됩니다.
#
# 장치 오류는 거의 모두 두 가지 규칙으로 해결됩니다.
#
# - 한 연산에 들어가는 텐서는 모두 같은 장치에 있어야 하므로, 입력은 모델이 있는
#   곳으로 보냅니다. 그곳이 어디인지는 `next(model.parameters()).device`로 알 수
#   있습니다.
# - `model.to(device)`는 모듈의 매개변수를 제자리에서 옮기고 같은 모듈을
#   돌려줍니다. `tensor.to(device)`는 텐서를 바꾸지 않고 그 장치에 있는 텐서를
#   돌려줍니다(이미 그 장치에 있었던 게 아니라면 새 텐서입니다). 그러니
#   `x = x.to(device)`라고 쓰세요. dtype을 바꿀 때도 똑같이 동작하므로, 아래
#   코드는 어느 컴퓨터에서나 보이도록 dtype 변경으로 이를 확인합니다.

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

# %% [markdown]
# `map_location`은 반대 방향으로도 쓸 수 있습니다. 파일을 어느 장치에서 저장했든
# `map_location="cpu"`는 모든 텐서를 CPU로 불러옵니다. 출처를 모르는 파일에는 이
# 방법이 안전합니다.

# %%
on_cpu = torch.load(path, map_location="cpu", weights_only=True)
print(
    "map_location='cpu'로 불러온 텐서의 장치:", {tensor.device.type for tensor in on_cpu.values()}
)
assert all(tensor.device.type == "cpu" for tensor in on_cpu.values())

# %% [markdown]
# ## 추론 모드 { #inference-mode }
#
# 예측에는 기울기가 필요 없습니다. 5강에서는 `torch.no_grad()`를 썼습니다.
# `torch.inference_mode()`는 한 걸음 더 나아갑니다. 그 안에서 만든 텐서는
# *추론 텐서(inference tensor)*로 표시되므로, PyTorch는 `no_grad`가 유지하는
# 기록(제자리 연산 확인용 버전 카운터)까지 생략할 수 있습니다. 그래서 예측용으로
# 모델을 실행할 때 권장하는 방법입니다. 두 방법 모두 `requires_grad`가 없는, 값이
# 같은 출력을 냅니다.
#
# 대가도 있습니다. 추론 텐서는 나중에 자동 미분(autograd)에 끼어들 수 없습니다.
# 기울기가 필요한 계산에 쓰면 오류가 나고, PyTorch의 메시지가 우회 방법(추론 모드
# 밖에서 복제하기)을 알려 줍니다.

# %%
model.eval()
with torch.no_grad():
    no_grad_logits = model(images)
with torch.inference_mode():
    inference_logits = model(images)
print("requires_grad:", no_grad_logits.requires_grad, inference_logits.requires_grad)
print("is_inference: ", no_grad_logits.is_inference(), inference_logits.is_inference())
assert torch.equal(no_grad_logits, inference_logits)
assert inference_logits.is_inference() and not no_grad_logits.is_inference()

try:
    (model[2].weight.sum() * inference_logits).sum().backward()
except RuntimeError as error:
    message = str(error)
print(message)
assert message.startswith("Inference tensors cannot be saved for backward")

# %% [markdown]
# ## 재현성 { #reproducibility }
#
# 신경망(neural network)은 무작위 가중치에서 출발하고 로더는 무작위로 섞으므로,
# 난수 생성기가 같은 시드에서 출발하지 않으면 실행할 때마다 결과가 다릅니다.
# `torch.manual_seed(s)`는 PyTorch의 전역 생성기에 시드를 줍니다. 같은 시드는 같은
# 초기 가중치를, 다른 시드는 다른 초기 가중치를 줍니다. 우리 로더는 시드를 정한
# 자기만의 생성기도 가지고 있습니다.
#
# 이것을 모으면 학습 전체가 똑같이 반복됩니다. 첫 절의 방법 그대로 시드 0으로 다시
# 학습하면, 모든 가중치가, 따라서 모든 출력이 첫 번째 모델과 같은 모델을 얻습니다.

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
identical = all(torch.equal(model.state_dict()[name], again.state_dict()[name]) for name in state)
print("두 번째 학습, 가중치가 똑같은가:", identical)
print("출력이 똑같은가:", torch.equal(model(images), again(images)))
assert identical and torch.equal(model(images), again(images))

# %% [markdown]
# 알아 둘 한계가 있습니다. 다른 라이브러리에는 자기만의 생성기가 있으므로, 코드에서
# 파이썬의 `random`이나 NumPy를 쓴다면 그것들에도 시드를 주세요. GPU에서는 몇몇
# 연산이 기본적으로 비결정적입니다. `torch.use_deterministic_algorithms(True)`를
# 켜면 PyTorch는 결정적인 구현을 쓰고, 그런 구현이 없으면 오류를 냅니다(일부 CUDA
# 연산은 환경 변수 `CUBLAS_WORKSPACE_CONFIG=:4096:8`도 필요합니다). 그리고 결과가
# 똑같이 반복된다는 보장은 같은 PyTorch 버전과 같은 하드웨어에서만 성립합니다.
# 시드는 실행을 반복 가능하게 할 뿐, 다른 환경으로 옮겨도 같게 만들지는 않습니다.

# %%
torch.use_deterministic_algorithms(True)
print("결정적 알고리즘:", torch.are_deterministic_algorithms_enabled())
torch.use_deterministic_algorithms(False)
assert not torch.are_deterministic_algorithms_enabled()

# %% [markdown]
# ## 정리하기 { #cleaning-up }
#
# 마지막으로 임시 폴더를 그 안의 두 파일과 함께 지웁니다.

# %%
folder.cleanup()
print("남은 파일:", path.exists(), (Path(folder.name) / "checkpoint.pt").exists())
assert not Path(folder.name).exists()

# %% [markdown]
# ## 요약 { #summary }
#
# - `model.state_dict()`는 `0.weight` 같은 이름을 모델 자신의 텐서에 대응시킵니다.
#   `torch.save`로 파일에 쓰고, `load_state_dict(torch.load(path,
#   weights_only=True))`로 같은 구조의 모델에 되살리면 출력이 똑같습니다. 구조가
#   다르면 분명한 오류와 함께 거절됩니다.
# - 모델 객체 전체가 아니라 state_dict를 저장하세요. 불러올 때는
#   `weights_only=True`를 쓰고, `map_location`으로 장치를 고릅니다.
# - 모델, 옵티마이저, 로더의 생성기, 에포크를 담은 체크포인트가 있으면 학습을
#   멈춘 적이 없었던 것처럼 정확히 이어 갈 수 있습니다.
# - 장치는 실행할 때 `get_device()`로 한 번 고릅니다. `model.to(device)`는 모듈을
#   제자리에서 옮기고, `x = x.to(device)`는 새 텐서를 돌려줍니다.
# - `torch.inference_mode()`는 가장 가벼운 예측 방법이며, 그 출력은 나중에 기울기
#   계산에 쓸 수 없습니다.
# - 시드가 있으면 같은 소프트웨어와 하드웨어에서 초기 가중치와 학습 전체가 똑같이
#   반복됩니다.
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
# - 다음으로 배울 것: 이미지를 위한 합성곱 신경망. 숫자의 픽셀을 숫자 64개의 행이
#   아니라 격자로 읽습니다.
