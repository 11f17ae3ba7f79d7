# %% [markdown]
# # 과적합과 규제
#
# 매개변수가 충분히 많은 신경망은 학습 데이터를 통째로 외울 수 있습니다. 그러면 학습
# 손실은 계속 내려가는데 새 데이터에서는 오히려 나빠집니다. 이것이 **과적합**입니다.
# 이번 강의에서는 일부러 과적합을 일으킵니다. 큰 신경망을 숫자 이미지 150장만으로 오래
# 학습시켜, 검증 손실이 방향을 바꿔 다시 오르게 만듭니다. 그다음 흔히 쓰는 처방인
# 조기 종료(early stopping), 가중치 감쇠(weight decay), 드롭아웃을 같은 분할에 하나씩
# 적용해 효과를 비교합니다. 옵티마이저 세 가지도 각각 검증 세트가 고른 학습률로
# 비교하고, 하이퍼파라미터(hyperparameter)가 무엇인지 설명합니다. 모든 결정은 검증
# 세트로 내리고, 테스트 세트는 마지막에 딱 한 번만 씁니다.
#
# **이번 강의에서 배울 내용**
#
# - 학습 곡선과 검증 곡선에 나타나는 과소적합(underfitting)과 과적합의 모습
# - 가장 좋았던 에포크의 `state_dict`를 간직하는 `nnguide.EarlyStopping`으로 하는
#   조기 종료
# - 하이퍼파라미터란 무엇이고, 왜 검증 세트로 골라야 하는지
# - 가중치 감쇠, `Adam(weight_decay=...)`이 아니라 `AdamW`를 쓰는 이유, 그리고
#   얼마나 세면 지나친지
# - 드롭아웃과, 드롭아웃에 `model.eval()`이 중요한 이유
# - SGD, 모멘텀(momentum)을 더한 SGD, Adam의 공정한 비교
#
# **사전 지식:** 5강(`fit`으로 숫자 분류기 학습하기, 검증 세트와 테스트 세트), 6강(`state_dict`).

# %% [markdown]
# ## 준비 { #setup }
#
# 5강의 학습 도우미와 함께, `EarlyStopping`, 여러 번의 학습 기록을 한 그림에 그리는
# `plot_histories`, 열을 맞춘 표를 출력하는 `format_table`을 불러옵니다. 이번 강의는
# 여러 방법을 비교하므로, 무작위로 정해지는 것은 모두 `SEED` 값 하나로 시드를
# 정합니다. 이 값을 바꾸면 모든 비교가 다른 분할, 다른 초기 가중치, 다른 섞는 순서로 다시
# 이루어집니다.
#
# 이번 강의에서는 작은 신경망 열한 개를 학습시키며, 모두 합쳐 수천 번의 작은 걸음을
# 밟습니다. CPU에서 PyTorch는 연산 하나를 여러 스레드에 나눠 맡기는데, 이렇게 작은
# 행렬에서는 스레드끼리 맞추는 비용이 얻는 것보다 크고, 다른 작업으로 바쁜 컴퓨터라면
# 더욱 그렇습니다. `torch.set_num_threads(1)`로 스레드를 하나만 쓰게 합니다.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from nnguide.comparison import plot_histories
from nnguide.data import load_digits
from nnguide.device import get_device
from nnguide.early_stopping import EarlyStopping
from nnguide.models import count_parameters
from nnguide.plotting import plot_history, set_style
from nnguide.tables import format_table
from nnguide.training import History, evaluate, fit

SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)
set_style()
device = get_device()
print("장치:", device, "  스레드 수:", torch.get_num_threads())
assert torch.get_num_threads() == 1

# %% [markdown]
# ## 작은 학습 세트 { #a-small-training-set }
# <!-- index: 150장 -->
#
# 과적합은 모델에 비해 데이터가 너무 적을 때 생기므로, 데이터를 조금만 씁니다.
# `load_digits`의 학습 이미지 1,437장에서 시드를 고정한 순열로 150장을 학습용으로,
# 500장을 검증용으로 뽑습니다. 테스트 이미지 360장은 마지막 절까지 손대지 않습니다.
# 아래의 모든 학습은 같은 분할, 같은 섞는 순서, 같은 초기 가중치를 쓰므로, 결과의
# 차이는 학습마다 바꾼 설정 하나 때문입니다.
#
# 평가에는 섞기도 미니배치도 필요 없으므로, 각 세트를 배치 하나로 평가합니다.
# `val_loader`는 `(images, labels)` 쌍 하나를 담은 리스트입니다. 배치의 리스트는 `fit`과
# `evaluate`가 로더를 받는 자리 어디에나 쓸 수 있고, `DataLoader`가 에포크마다 이미지를
# 한 장씩 모으는 수고를 덜어 줍니다.
#
# `train`은 모델을 60에포크 동안 학습시킵니다. `fit`을 한 에포크씩 부르고 에포크별
# 결과를 `History` 하나에 모으므로, 조기 종료 객체가 학습을 지켜볼 수 있습니다(조기
# 종료 절 참고). 맨 먼저 PyTorch의 전역 난수 생성기에 시드를 다시 정합니다. 드롭아웃은
# 이 생성기에서 무작위 선택을 뽑으므로, 이렇게 해 두면 앞선 코드와 상관없이 학습
# 결과가 늘 같습니다.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=SEED)
order = torch.randperm(len(X_train), generator=torch.Generator().manual_seed(SEED))
train_set = TensorDataset(X_train[order[:150]], y_train[order[:150]])
val_set = TensorDataset(X_train[order[150:650]], y_train[order[150:650]])
test_set = TensorDataset(X_test, y_test)
train_eval_loader = [train_set.tensors]
val_loader = [val_set.tensors]
test_loader = [test_set.tensors]
loss_fn = nn.CrossEntropyLoss()
EPOCHS = 60
PATIENCE = 10


def make_train_loader():
    return DataLoader(
        train_set, batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(SEED)
    )


def train(model, optimizer, stopper=None):
    torch.manual_seed(SEED + 1)
    loader = make_train_loader()
    history = History()
    for _ in range(EPOCHS):
        epoch = fit(
            model,
            loader,
            loss_fn=loss_fn,
            optimizer=optimizer,
            epochs=1,
            val_loader=val_loader,
            device=device,
        )
        history.train_loss += epoch.train_loss
        history.val_loss += epoch.val_loss
        history.val_accuracy += epoch.val_accuracy
        if stopper is not None and not stopper.should_stop:
            stopper.step(epoch.val_loss[-1], model)
    return history


print("학습:", len(train_set), "  검증:", len(val_set), "  테스트:", len(test_set))
print("학습 세트의 숫자별 이미지 수:", torch.bincount(train_set.tensors[1]).tolist())
assert (len(train_set), len(val_set), len(test_set)) == (150, 500, 360)

# %% [markdown]
# ## 과소적합 { #underfitting }
# <!-- index: 언더피팅; underfitting; 과소 적합; 높은 편향 -->
#
# 먼저 반대 문제부터 봅니다. 노드가 2개뿐인 은닉층은 이미지 한 장을 값 두 개로
# 압축하는데, 숫자 열 개를 제대로 구별하기에는 너무 적습니다. 이런 신경망은
# 60에포크 뒤에도 자기 학습 이미지의 절반 정도만 맞히고, 두 손실이 모두 높습니다.
# 배우는 데이터조차 잘 맞추지 못하는 이런 상태가 **과소적합**입니다.
# 더 오래 학습시켜도 나아지는 속도가 느립니다. 마지막 20에포크 동안 학습 손실은
# 5분의 1도 줄지 않았습니다. 검증 손실은 이보다 더 높습니다. 과제에 비해 너무 작은
# 모델은 과소적합의 한 원인이고, 가중치 감쇠 절에서 보듯 너무 센 규제도 또 하나의
# 원인입니다.

# %%
torch.manual_seed(SEED)
small = nn.Sequential(nn.Linear(64, 2), nn.Tanh(), nn.Linear(2, 10)).to(device)
small_history = train(small, torch.optim.Adam(small.parameters(), lr=0.01))
small_train = evaluate(small, train_eval_loader, loss_fn=loss_fn, device=device)
print("매개변수 수:", count_parameters(small))
print(
    f"40에포크 뒤 학습 손실 {small_history.train_loss[39]:.3f}, "
    f"{EPOCHS}에포크 뒤 {small_history.train_loss[-1]:.3f}"
)
print(
    f"학습 정확도 {small_train['accuracy']:.1%}, "
    f"검증 손실 {small_history.val_loss[-1]:.3f}, "
    f"검증 정확도 {small_history.val_accuracy[-1]:.1%}"
)
assert small_train["accuracy"] < 0.6 and small_history.train_loss[-1] > 1.0
assert small_history.train_loss[-1] > 0.8 * small_history.train_loss[39]
assert small_history.val_loss[-1] > small_history.train_loss[-1]

# %% [markdown]
# ## 과적합 { #overfitting }
# <!-- index: 일반화; 오버피팅; overfitting; 과대적합; 높은 분산 -->
#
# 이번에는 큰 신경망입니다. 256개 노드짜리 은닉층 두 개로, 이미지 150장에 매개변수가
# 85,002개입니다. `make_mlp`는 시드를 고정하고 신경망을 만들므로, 부를 때마다 같은
# 가중치에서 시작합니다. 선택 인자인 드롭아웃 계층은 뒤의 절에서 씁니다. Adam으로
# 60에포크 동안 학습시킵니다.
#
# 곡선을 보면 알 수 있습니다. 학습 손실은 0을 향해 내려가고, 마지막에는 학습 이미지를
# 하나도 틀리지 않습니다. 검증 손실도 한동안 함께 내려가다가 가장 낮은 점을 찍은 뒤
# 다시 오릅니다(얼마나 오르는지는 분할에 따라 다릅니다). 그동안에도 학습 손실은 계속
# 내려갑니다. 이때부터 신경망은 학습 데이터를 외웁니다. 이미지 150장에만 있고 다른
# 숫자 이미지에는 통하지 않는 세부를 배우고 있습니다.
#
# 그런데 검증 정확도를 보십시오. 마지막 에포크의 정확도는 가장 좋았던 에포크와 거의
# 같아서, 차이가 2%포인트 이내입니다. 손실이 오르는 까닭은 확신에 있습니다. 신경망은
# 틀리는 검증 이미지에서 자기의 틀린 답을 점점 더 확신하게 되고, 교차 엔트로피는
# 확신에 찬 실수에 큰 벌점을 줍니다(2강의 보정 설명과 비교해 보십시오). 지나친
# 확신은 과적합의 한 얼굴입니다. 여기서는 정확도에는 드러나지 않고 검증 손실에만
# 드러납니다. 다음 절에서 이를 확인합니다.


# %%
def make_mlp(dropout=0.0):
    torch.manual_seed(SEED)
    layers = [nn.Linear(64, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(256, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(256, 10))
    return nn.Sequential(*layers).to(device)


baseline_model = make_mlp()
baseline_optimizer = torch.optim.Adam(baseline_model.parameters(), lr=0.002)
baseline = train(baseline_model, baseline_optimizer)
best = min(range(EPOCHS), key=baseline.val_loss.__getitem__)
train_accuracy = evaluate(baseline_model, train_eval_loader, device=device)["accuracy"]
print("매개변수 수:", count_parameters(baseline_model))
print(
    f"가장 낮은 검증 손실 {baseline.val_loss[best]:.3f}({best + 1}에포크), "
    f"검증 정확도 {baseline.val_accuracy[best]:.1%}"
)
print(
    f"{EPOCHS}에포크 뒤: 검증 손실 {baseline.val_loss[-1]:.3f}, "
    f"검증 정확도 {baseline.val_accuracy[-1]:.1%}"
)
print(f"학습 손실 {baseline.train_loss[-1]:.4f}, 학습 정확도 {train_accuracy:.0%}")
assert count_parameters(baseline_model) == 85002
assert best < EPOCHS - 10 and baseline.val_loss[-1] > baseline.val_loss[best]
assert baseline.train_loss[-1] < baseline.train_loss[best] and train_accuracy == 1.0
assert abs(baseline.val_accuracy[-1] - baseline.val_accuracy[best]) <= 0.02

# %%
plot_history(baseline, title="이미지 150장으로 학습한 큰 신경망", language="ko")
plt.show()

# %% [markdown]
# ## 조기 종료 { #early-stopping }
# <!-- index: patience; 얼리 스토핑; early stopping; EarlyStopping -->
#
# 가장 간단한 처방은 모델을 바꿀 필요조차 없습니다. 검증 손실이 더 나아지지 않으면
# 학습을 멈추고, 가장 좋았던 에포크의 가중치를 간직하면 됩니다. 그 기록은
# `nnguide.EarlyStopping`이 맡습니다. 에포크가 끝날 때마다 `step`에 검증 손실을 넘기면,
# 그 값이 지금까지 가장 낮을 때 모델의 `state_dict`를 복사해 둡니다. 반드시 복사해야
# 합니다. 6강에서 보았듯이 `state_dict`의 텐서는 매개변수와 저장 공간을 공유하고 자동
# 미분과 분리되어 있을 뿐이라서, 학습이 이어지면 함께 바뀝니다. `step`은 `patience`
# 에포크 동안 내리 나아지지 않으면 `True`를 돌려주고, `restore`는 가장 좋았던 가중치를
# 되돌려 넣습니다.
#
# 과적합 절의 신경망을 `fit(..., epochs=1)`로 한 에포크씩, `patience`를 10으로 두고
# 다시 학습시킵니다. 모든 것이 시드로 고정되어 있으므로, 이 학습은 멈출 때까지 처음의
# 60에포크 학습을 되풀이합니다. CPU에서는 똑같이 되풀이하고, 일부 연산의 결과가
# 비트 단위까지 재현되지는 않는 GPU에서는 마지막 자릿수 정도만 다릅니다.

# %%
model = make_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
loader = make_train_loader()
stopper = EarlyStopping(patience=PATIENCE)
val_losses = []
for _ in range(EPOCHS):
    history = fit(
        model, loader, loss_fn=loss_fn, optimizer=optimizer, epochs=1, val_loader=val_loader
    )
    val_losses.append(history.val_loss[-1])
    if stopper.step(history.val_loss[-1], model):
        break
last_weights = model[0].weight.detach().clone()
stopper.restore(model)
restored_loss = evaluate(model, val_loader, loss_fn=loss_fn)["loss"]
print(f"{stopper.epochs}에포크 뒤 멈춤, 가장 좋았던 에포크 {stopper.best_epoch}")
print(f"되돌린 모델의 검증 손실 {restored_loss:.4f} (최솟값 {stopper.best_loss:.4f})")
repeated = zip(val_losses, baseline.val_loss[: stopper.epochs], strict=True)
assert all(abs(new - old) < 1e-4 for new, old in repeated)
assert stopper.best_epoch == best + 1 or stopper.epochs < best + 1
assert stopper.epochs == min(stopper.best_epoch + PATIENCE, EPOCHS)
assert abs(restored_loss - stopper.best_loss) < 1e-6
assert not torch.equal(last_weights, model[0].weight)
assert stopper.best_state["0.weight"].data_ptr() != model[0].weight.data_ptr()

# %% [markdown]
# 되돌린 모델은 가장 좋았던 에포크의 신경망이고, `baseline_model`은 같은 신경망을
# 60에포크 끝까지 학습시킨 것입니다. 과적합 절에서 말한 확신을 확인할 기회입니다. 두
# 모델이 각각 틀리는 검증 이미지에서, 모델이 자기의 (틀린) 답에 준 확률을 구합니다.
# 끝까지 학습시킨 신경망이 자기 실수를 더 확신합니다.


# %%
def confidence_when_wrong(model):
    images, labels = val_set.tensors
    model.eval()
    with torch.no_grad():
        probabilities = model(images.to(device)).softmax(dim=1).cpu()
    confidence, predicted = probabilities.max(dim=1)
    return confidence[predicted != labels].mean().item()


at_best, at_end = confidence_when_wrong(model), confidence_when_wrong(baseline_model)
print(f"틀린 답에 준 평균 확률: 가장 좋았던 에포크 {at_best:.1%}, {EPOCHS}에포크 {at_end:.1%}")
assert at_end > at_best

# %% [markdown]
# 이제부터 나오는 설정은 모두 60에포크를 끝까지 학습시켜, 그림에 곡선 전체가 나오게
# 합니다. 대신 `train(model, optimizer, stopper)`는 같은 `patience`의 `EarlyStopping`이
# 학습을 지켜보게 합니다. 이 객체는 멈추라고 말할 때까지만 검증 손실을 받으므로, 그때
# 학습을 멈춘 것과 같습니다. 그 `best_loss`가 설정의 **점수**, 곧 조기 종료로 얻었을
# 검증 손실이고, `best_state`에는 조기 종료가 남겼을 가중치가 있습니다. `try_setting`이
# 이 일을 하고 결과를 설정 이름으로 모아 둡니다. 위의 신경망이 첫 번째 설정이며, 그
# 조기 종료 객체는 방금 쓴 것입니다.
#
# 점수가 언제나 60에포크 전체에서 가장 낮은 검증 손실인 것은 아닙니다. 10에포크
# 내리 나아지지 않은 다음에 오는 더 낮은 최솟값은 점수에 들어가지 않습니다. 실제로
# 조기 종료한 학습이라면 그 최솟값에 닿기 전에 멈췄을 테니까요. 모든 설정에 같은
# 규칙으로 점수를 매겨야 비교가 공정합니다.

# %%
histories, stoppers, models = {}, {}, {}


def try_setting(name, model, optimizer):
    stoppers[name] = EarlyStopping(patience=PATIENCE)
    histories[name] = train(model, optimizer, stoppers[name])
    models[name] = model
    return histories[name]


histories["Adam, 학습률 0.002"] = baseline
stoppers["Adam, 학습률 0.002"] = stopper
models["Adam, 학습률 0.002"] = model
print(
    f"점수 {stopper.best_loss:.3f}({stopper.best_epoch}에포크), "
    f"{EPOCHS}에포크 전체의 최솟값 {min(baseline.val_loss):.3f}"
)

# %% [markdown]
# ## 하이퍼파라미터 { #hyperparameters }
# <!-- index: 하이퍼 파라미터; 하이퍼파라미터 튜닝; hyperparameter -->
#
# 가중치는 경사 하강법으로 배우지만, 그렇게 정해지지 않는 설정도 많습니다. 학습률,
# 에포크 수, 배치 크기, 계층 너비, 옵티마이저, 그리고 아래에서 볼 규제 기법의
# 세기입니다. 학습 전에 정하는 이런 설정을 **하이퍼파라미터**라고 합니다.
# 하이퍼파라미터를 공정하게 고르는 방법은 여러 값을 시도해 모델이 학습하지 않은 데이터,
# 곧 검증 세트에서 학습 결과를 비교하는 것뿐입니다. 테스트 세트가 여기에 끼어들면 그
# 정확도는 더 이상 새 데이터에 대한 추정값이 아닙니다. 옵티마이저는 하이퍼파라미터를
# `param_groups`에 담아 둡니다. 과적합 절의 신경망을 학습시킨 옵티마이저의 값은 다음과
# 같습니다.

# %%
settings = {key: baseline_optimizer.param_groups[0][key] for key in ("lr", "betas", "weight_decay")}
print("Adam:", settings, "  배치 크기:", make_train_loader().batch_size, "  에포크:", EPOCHS)
assert settings["lr"] == 0.002 and settings["weight_decay"] == 0

# %% [markdown]
# ## 가중치 감쇠 { #weight-decay }
# <!-- index: 규제; 정규화; regularization; L2 규제; L2 정규화; weight decay; weight_decay -->
#
# 과적합한 신경망은 가중치가 커지는 경향이 있습니다. 가중치가 크면 모든 학습 점을
# 지나갈 수 있을 만큼 뾰족하고 구불구불한 함수가 만들어지기 때문입니다. **가중치
# 감쇠**는 한 걸음마다 모든 가중치를 0 쪽으로 조금씩 줄입니다. 얼마나 줄일지는 세기
# $\lambda$가 정합니다.
#
# 기본 SGD에서는 이것이 큰 가중치에 대한 벌점을 손실에 더하는 것과 같습니다.
#
# $$L_\text{total} = L + \frac{\lambda}{2} \sum_i w_i^2$$
#
# 이 벌점의 기울기는 가중치마다 기울기에 $\lambda w_i$를 더합니다. 그러면 SGD의 한
# 걸음은 다음과 같습니다.
#
# $$w \leftarrow w - \eta(\nabla L + \lambda w) = (1 - \eta\lambda)\,w - \eta \nabla L$$
#
# 가중치가 $1 - \eta\lambda$배로 줄어든 다음 평소의 걸음을 가는 것입니다. 이 벌점은
# 가중치의 L2 노름의 제곱에 비례하므로 L2 규제라고도 부릅니다.
#
# Adam에서는 둘이 같지 않습니다. `torch.optim.Adam(weight_decay=λ)`는 L2 벌점의
# $\lambda w$를 기울기에 더하고, Adam은 이 항도 나머지 기울기처럼 가중치별로 크기를
# 조정합니다. 그래서 기울기가 큰 가중치일수록 덜 끌어당겨집니다.
# `torch.optim.AdamW`는 그 대신 Adam의 걸음과 따로, $w \leftarrow w - \eta\lambda w$로
# 가중치를 직접 줄입니다. 감쇠를 기울기에서 떼어 낸 이 방식이 Adam과 함께 쓸 때의
# 보통 선택이고, 여기서도 이것을 씁니다.
#
# 실무에서 알아 둘 점이 두 가지 있습니다. 첫째, `weight_decay`는 옵티마이저가 가진
# 모든 매개변수에 적용되어 편향에도 걸리지만, 위 식은 가중치에 대해서만 더합니다.
# 편향은 노드의 출력을 옮길 뿐 함수를 가파르게 만들지 않으므로 흔히 감쇠에서
# 뺍니다. 옵티마이저는 설정을 따로 가진 딕셔너리, 곧
# **매개변수 그룹**(parameter group)의 리스트를 받으므로, `decay_groups`는 가중치를
# `weight_decay`가 $\lambda$인 그룹에, 편향을 0인 그룹에 넣습니다. 둘째, AdamW의
# $\lambda$는 걸음 수에 맞춰야 합니다. 한 걸음마다 가중치가 $1 - \eta\lambda$배가
# 되는데, 미니배치 3개짜리 60에포크는 180걸음밖에 되지 않습니다. $\eta = 0.002$에서
# 기본값 $\lambda = 0.01$은 여기서 거의 아무 일도 하지 않으므로, $\lambda = 1$과
# $\lambda = 10$을 시도합니다.


# %%
def weight_norm(model):
    return torch.cat([p.flatten() for n, p in model.named_parameters() if "weight" in n]).norm()


def decay_groups(model, strength):
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    return [{"params": weights, "weight_decay": strength}, {"params": biases, "weight_decay": 0.0}]


steps = EPOCHS * len(make_train_loader())
shrink = {strength: (1 - 0.002 * strength) ** steps for strength in (0.01, 1.0, 10.0)}
print(f"{steps}걸음 뒤 기울기가 건드리지 않은 가중치에 남는 비율:")
print({strength: round(factor, 3) for strength, factor in shrink.items()})
assert steps == 180 and shrink[0.01] > 0.99 and shrink[10.0] < 0.05

decay_histories = {"가중치 감쇠 없음": baseline}
decay_norms = {"가중치 감쇠 없음": weight_norm(baseline_model).item()}
for strength in (1.0, 10.0):
    decayed = make_mlp()
    optimizer = torch.optim.AdamW(decay_groups(decayed, strength), lr=0.002)
    name = f"AdamW, λ = {strength:g}"
    decay_histories[name] = try_setting(name, decayed, optimizer)
    decay_norms[name] = weight_norm(decayed).item()
print("두 그룹의 가중치 감쇠:", [group["weight_decay"] for group in optimizer.param_groups])
rows = [
    [
        name,
        f"{decay_norms[name]:.2f}",
        f"{history.train_loss[-1]:.3f}",
        f"{min(history.val_loss):.3f}",
        f"{history.val_loss[-1]:.3f}",
    ]
    for name, history in decay_histories.items()
]
headers = ["설정", "가중치 노름", "학습 손실", "검증 손실 최솟값", "마지막 검증 손실"]
print(format_table(rows, headers))
mild, strong = decay_histories["AdamW, λ = 1"], decay_histories["AdamW, λ = 10"]
assert decay_norms["AdamW, λ = 1"] < 0.9 * decay_norms["가중치 감쇠 없음"]
assert mild.val_loss[-1] < baseline.val_loss[-1]
assert abs(min(mild.val_loss) - min(baseline.val_loss)) < 0.03
assert strong.train_loss[-1] > 0.2 and min(strong.val_loss) > min(baseline.val_loss) + 0.1

# %% [markdown]
# $\lambda = 1$이면 가중치가 더 작게 유지되고, 검증 손실이 가중치 감쇠 없을 때보다
# 낮게 끝납니다. 최솟값은 거의 같아서(차이 0.03 이내), 조기 종료만으로도 거의
# 그만큼은 얻었을 것입니다. $\lambda = 10$이면 감쇠가 데이터를 이깁니다. 학습 손실이 높게
# 머물고, 검증 손실은 다른 둘 근처에도 가지 못하며, 신경망이 과소적합합니다.

# %%
plot_histories(decay_histories, "val_loss", title="가중치 감쇠", language="ko")
plt.show()

# %% [markdown]
# ## 드롭아웃 { #dropout }
# <!-- index: 드랍아웃; dropout; nn.Dropout; 무작위로 0으로 만든 활성값 -->
#
# **드롭아웃**은 학습 단계마다 계층 출력의 일부를 무작위로 끕니다. 출력 $h_i$를 각각
# 확률 $p$로 0으로 만들고, 살아남은 출력은 기댓값이 그대로이도록 키웁니다.
#
# $$\tilde{h}_i = \frac{m_i \, h_i}{1 - p}, \qquad m_i = \begin{cases} 1 & \text{확률 } 1 - p \\ 0 & \text{확률 } p \end{cases}$$
#
# 어느 노드든 다음 단계에서 사라질 수 있으니 신경망은 노드 하나에 기댈 수 없고, 그래서
# 여러 노드에 겹쳐 담긴(중복된), 더 일반적인 특성을 배웁니다. 예측할 때는 아무것도
# 끄지 않습니다. 평가 모드의 `nn.Dropout`은 입력을 그대로 내보냅니다. $p = 0.5$이면
# 1로 채운 행의 약 절반이 0이 되고 나머지는 2가 됩니다.

# %%
dropout = nn.Dropout(p=0.5)
ones = torch.ones(1, 12)
dropout.train()
print("학습 모드:", dropout(ones).tolist()[0])
dropout.eval()
print("평가 모드:", dropout(ones).tolist()[0])
dropout.train()
assert set(dropout(ones).unique().tolist()) <= {0.0, 2.0}
assert dropout(torch.ones(100_000)).mean().sub(1).abs() < 0.01
assert torch.equal(dropout.eval()(ones), ones)

# %% [markdown]
# `model.eval()`이 중요한 까닭이 여기에 있습니다. 드롭아웃이 있는 모델은 학습
# 모드에서 출력이 무작위로 달라집니다. 같은 이미지를 넣어도 부를 때마다 출력이
# 다릅니다. 평가 모드에서는 다시 정해진 함수가 됩니다. 평가나 예측 전에
# `model.eval()`을 잊으면 결과가 흔들리고 나빠집니다. (`nnguide.evaluate`와 `fit`은
# 모드를 알아서 바꿉니다.) 검증 이미지 다섯 장으로 확인합니다. 테스트 세트는 여전히
# 손대지 않습니다.

# %%
model = make_mlp(dropout=0.5)
images = val_set.tensors[0][:5].to(device)
model.train()
with torch.no_grad():
    noisy = model(images), model(images)
model.eval()
with torch.no_grad():
    fixed = model(images), model(images)
print("학습 모드, 두 번 부른 결과가 같은가:", torch.equal(*noisy))
print("평가 모드, 두 번 부른 결과가 같은가:", torch.equal(*fixed))
assert not torch.equal(*noisy) and torch.equal(*fixed)

# %% [markdown]
# 과적합 절의 신경망에서 두 은닉층 뒤에 $p = 0.5$인 드롭아웃을 두고 학습시킵니다. 조기
# 종료 점수가 드롭아웃이 없을 때보다 낮습니다.
#
# `fit`이 알려 주는 학습 손실은 조심해서 읽어야 합니다. 이 값은 학습 모드에서 에포크
# 동안 평균한 것이라, 이 모델에서는 드롭아웃이 켜진 채 무작위로 솎아 낸 신경망들의
# 손실입니다. 여기서 간직하는 모델은 드롭아웃을 끈 평가 모드로 동작합니다. 그렇게
# `evaluate`로 학습 세트에서 평가하면, 학습 손실은 0.05 아래이고 알려 준 값의 절반도
# 되지 않습니다.

# %%
dropout_history = try_setting("드롭아웃 0.5", model, torch.optim.Adam(model.parameters(), lr=0.002))
rows, measured = [], {}
for name, setting, trained in (
    ("드롭아웃 없음", "Adam, 학습률 0.002", baseline_model),
    ("드롭아웃 0.5", "드롭아웃 0.5", model),
):
    history, stopper = histories[setting], stoppers[setting]
    measured[setting] = evaluate(trained, train_eval_loader, loss_fn=loss_fn, device=device)["loss"]
    rows.append(
        [
            name,
            f"{stopper.best_loss:.3f}",
            str(stopper.best_epoch),
            f"{history.val_accuracy[stopper.best_epoch - 1]:.1%}",
            f"{history.train_loss[-1]:.4f}",
            f"{measured[setting]:.4f}",
        ]
    )
headers = ["", "점수", "에포크", "검증 정확도", "학습 손실(학습 모드)", "학습 손실(평가 모드)"]
print(format_table(rows, headers))
assert stoppers["드롭아웃 0.5"].best_loss < stoppers["Adam, 학습률 0.002"].best_loss
assert dropout_history.train_loss[-1] > 2 * measured["드롭아웃 0.5"]
assert measured["드롭아웃 0.5"] < 0.05

# %%
plot_histories(
    {"드롭아웃 없음": baseline, "드롭아웃 0.5": dropout_history},
    "val_loss",
    title="드롭아웃",
    language="ko",
)
plt.show()

# %% [markdown]
# ## 옵티마이저 비교 { #optimizers-compared }
# <!-- index: 아담; Adam; 모멘텀; 옵티마이저 선택 -->
#
# 옵티마이저도 하이퍼파라미터입니다. 기본 **SGD**는 기울기의 반대 방향으로 한
# 걸음 갑니다. $w \leftarrow w - \eta \nabla L$입니다. **모멘텀을 더한 SGD**는 지난
# 기울기를 누적한 $v$를 따라 걸으므로, 작은 요철을 만나도 속도를 잃지 않고 언덕을 굴러
# 내려가는 공과 비슷합니다.
#
# $$v \leftarrow \mu v + \nabla L, \qquad w \leftarrow w - \eta v$$
#
# $\mu = 0.9$를 흔히 씁니다. **Adam**(5강, 6강)은 기울기 제곱의 이동 평균도 함께 두고
# 가중치마다 걸음 크기를 따로 정합니다.
#
# 옵티마이저마다 잘 맞는 학습률이 따로 있으므로, 모두 한 학습률에서 비교하면 공정하지
# 않습니다. 특히 모멘텀은 걸음의 크기를 바꿉니다. 기울기가 거의 일정한 곳에서는 $v$가
# $\nabla L / (1 - \mu)$까지 커지므로, 걸음은 약 $\eta / (1 - \mu)$, $\mu = 0.9$이면
# $\eta$의 열 배가 됩니다. 그래서 옵티마이저마다 학습률 두 개를 주고 검증 세트가
# 고르게 합니다. 기본 SGD는 0.05와 0.5, 모멘텀을 더한 SGD는 0.005와 0.05(실제 걸음은
# 앞의 둘과 같습니다), Adam은 0.0005와 과적합 절의 0.002입니다. 모든 학습은 같은 초기
# 가중치에서 시작합니다. 학습 손실은 로그 눈금으로 그립니다.

# %%
grid = (
    ("SGD", 0.0, (0.05, 0.5)),
    ("SGD + 모멘텀 0.9", 0.9, (0.005, 0.05)),
    ("Adam", None, (0.0005, 0.002)),
)
rows, chosen = [], {}
for kind, momentum, rates in grid:
    names = []
    for lr in rates:
        name = f"{kind}, 학습률 {lr}"
        names.append(name)
        if name not in stoppers:
            model = make_mlp()
            if momentum is None:
                optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            else:
                optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
            try_setting(name, model, optimizer)
        losses = histories[name].train_loss
        rows.append(
            [
                name,
                f"{losses[9]:.3f}",
                f"{losses[19]:.3f}",
                f"{losses[-1]:.4f}",
                f"{stoppers[name].best_loss:.3f}",
            ]
        )
    chosen[kind] = min(names, key=lambda n: stoppers[n].best_loss)
headers = ["설정", "학습 손실: 10에포크", "20에포크", f"{EPOCHS}에포크", "점수"]
print(format_table(rows, headers))
print("고른 설정:", list(chosen.values()))
slow_name = "SGD, 학습률 0.05"
sgd_name = "SGD, 학습률 0.5"
momentum_name = "SGD + 모멘텀 0.9, 학습률 0.05"
sgd_slow, sgd, sgd_momentum = histories[slow_name], histories[sgd_name], histories[momentum_name]
best_scores = [stoppers[name].best_loss for name in chosen.values()]
assert chosen["SGD"] == sgd_name and chosen["SGD + 모멘텀 0.9"] == momentum_name
assert sgd_slow.train_loss[-1] > 10 * sgd.train_loss[-1]
assert all(0.5 < sgd.train_loss[i] / sgd_momentum.train_loss[i] < 2 for i in (19, EPOCHS - 1))
assert stoppers[momentum_name].best_loss > stoppers[sgd_name].best_loss - 0.02
assert max(best_scores) - min(best_scores) < 0.15

# %% [markdown]
# 세 가지가 눈에 띕니다. 첫째, 옵티마이저보다 학습률이 더 중요합니다. 학습률 0.05의
# 기본 SGD는 60에포크 뒤에도 학습 세트를 맞추려면 한참 멀었고(학습 손실이 학습률
# 0.5일 때의 열 배가 넘습니다), 두 SGD 모두 검증 세트가 더 큰 걸음을 고릅니다. 둘째,
# 실제 걸음이 같으면 학습률 0.5의 기본 SGD와 학습률 0.05의 모멘텀은 거의 같은 속도로
# 학습하고(20에포크 뒤와 60에포크 뒤의 학습 손실이 두 배 이내로 차이 납니다), 모멘텀의
# 점수가 더 낫지도 않습니다. 실제 걸음이 같을 때 모멘텀이 주는 것은 주로 매끄러움입니다.
# 이어지는 미니배치의 기울기를 평균해 잡음을 누그러뜨리므로, 울퉁불퉁하거나 방향마다
# 크기가 크게 다른 손실에서 학습이 더 안정됩니다. 속도의 이득은 더 큰 실제 걸음에서
# 옵니다. 셋째, 각자 더 나은 학습률로 맞추고 나면 세 옵티마이저는 비슷한 곳에
# 이릅니다. 점수 차이가 0.15보다 작습니다. 이 작은 문제에서는 학습률만 제대로 맞추면
# 어느 옵티마이저도 크게 앞서지 않습니다.

# %%
plot_histories(
    {slow_name: sgd_slow} | {name: histories[name] for name in chosen.values()},
    "train_loss",
    log_scale=True,
    title="옵티마이저",
    language="ko",
)
plt.show()

# %% [markdown]
# ## 설정 고르기와 단 한 번의 테스트 { #the-choice-and-the-test-set-once }
# <!-- index: 모델 선택 -->
#
# 이제 검증 세트가 위에서 시도한 모든 설정 가운데 하나를 고릅니다. 설정마다 점수가
# 있습니다. 같은 조기 종료 규칙(`patience` 10)이 학습을 멈추기 전까지의 가장 낮은 검증
# 손실입니다. 점수가 가장 낮은 설정이 이깁니다. 그 조기 종료 객체가 점수를 매긴
# 에포크의 가중치를 이미 간직하고 있으므로, 다시 학습시키지 않고 그 가중치를
# 되돌립니다. 그래서 테스트 세트에서 평가하는 모델은 점수를 매긴 바로 그 모델입니다.
# 보고할 값은 이 테스트 정확도이고, 나머지 설정은 테스트 세트를 한 번도 보지 않습니다.

# %%
rows = [
    [name, f"{stopper.best_loss:.3f}", str(stopper.best_epoch)]
    for name, stopper in sorted(stoppers.items(), key=lambda item: item[1].best_loss)
]
print(format_table(rows, ["설정", "점수", "에포크"]))
choice = min(stoppers, key=lambda name: stoppers[name].best_loss)
print("선택:", choice)

model = stoppers[choice].restore(models[choice])
val_loss = evaluate(model, val_loader, loss_fn=loss_fn, device=device)["loss"]
test_accuracy = evaluate(model, test_loader, device=device)["accuracy"]
print(f"검증 손실 {val_loss:.3f}, 테스트 정확도 {test_accuracy:.1%}")
assert len(stoppers) == 9 and abs(val_loss - stoppers[choice].best_loss) < 1e-6
assert test_accuracy > 0.85

# %% [markdown]
# 학습 이미지 150장으로 이 신경망은 테스트 숫자를 열에 아홉 정도 맞힙니다. 5강에서는
# 이미지 1,150장으로 학습시켰습니다. 데이터를 더 구할 수 있다면, 그것이 과적합을 막는
# 가장 믿을 만한 처방입니다.
#
# ## 요약 { #summary }
#
# - 과소적합은 학습 데이터에서조차 성능이 나쁜 상태이고, 과적합은 학습 손실이 계속
#   내려가는데 검증 손실이 최솟값을 지나 오르는 상태입니다. 이때 검증 정확도는 그대로인
#   경우가 많습니다(신경망이 지나치게 확신하게 됩니다).
# - `EarlyStopping`은 가장 좋았던 에포크의 `state_dict` 복사본을 간직했다가 되돌려
#   넣습니다. 모든 설정에 같은 조기 종료 규칙으로 점수를 매깁니다.
# - 하이퍼파라미터는 학습 전에 정하는 설정입니다. 검증 세트에서 비교하고, 테스트 세트는
#   마지막에 한 번만 씁니다.
# - 가중치 감쇠는 걸음마다 가중치를 줄입니다. SGD에서는 손실에 L2 벌점
#   $\frac{\lambda}{2} \sum w^2$를 더하는 것과 같지만 Adam에서는 다르고, 보통
#   `AdamW`를 씁니다. $\lambda$는 걸음 수에 따라 정해야 하고, 너무 크면 과소적합하며,
#   매개변수 그룹으로 편향을 뺄 수 있습니다.
# - 드롭아웃은 학습하는 동안 출력을 무작위로 0으로 만들고 나머지를 $1 / (1 - p)$배
#   합니다. `model.eval()`이 드롭아웃을 꺼서 출력을 결정적으로 만듭니다. `fit`이 알려
#   주는 학습 손실은 드롭아웃을 켠 채 구한 값입니다.
# - 옵티마이저는 각자 맞춘 학습률로 비교합니다. 모멘텀의 걸음은 약 $\eta / (1 - \mu)$이고,
#   실제 걸음이 같으면 모멘텀은 주로 학습을 매끄럽게 합니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - N. Srivastava 외, "Dropout: A Simple Way to Prevent Neural Networks from
#   Overfitting", JMLR 15 (2014).
# - I. Loshchilov, F. Hutter, "Decoupled Weight Decay Regularization" (2019),
#   `AdamW`에 관한 논문.
# - PyTorch 문서, `torch.optim`: https://pytorch.org/docs/stable/optim.html
# - 다음 강의에서는 이미지를 위해 만든 모델인 합성곱 신경망을 처음으로 만듭니다.

# %% [markdown]
# ## 연습 문제 { #exercises }
#
# 1. **p = 0.2인 드롭아웃.** 학습 모드의 `nn.Dropout(p=0.2)`가 1로 채운 입력에 어떤 값을
#    내는지, 그중 몇 분의 몇이 0인지 예측하세요. 원소 100,000개가 모두 1인 텐서로
#    확인하세요.
# 2. **가중치 감쇠가 줄이는 비율.** 이 강의는 기울기가 0인 가중치가 값의
#    $(1 - \eta\lambda)^{\text{걸음 수}}$만큼 남는다고 했습니다. 1로 채운 매개변수를
#    `lr=0.002`, `weight_decay=1.0`인 `torch.optim.AdamW`에 주고, 기울기를 0으로 둔 채
#    180걸음 갱신해 확인하세요.
# 3. **`patience` 줄이기.** 다시 학습하지 말고 과적합 절에서 학습한 신경망의 검증
#    손실(`baseline.val_loss`)만 보고, `patience=5`인 조기 종료가 몇 번째 에포크 뒤에
#    멈추고 어느 에포크를 최고로 남기는지 찾으세요. 같은 손실을 받은
#    `EarlyStopping(patience=5)`로 확인하세요.

# %% tags=["solution"]
dropout_02 = nn.Dropout(p=0.2).train()
dropped = dropout_02(torch.ones(100_000))
zero_share = (dropped == 0).float().mean().item()
print("나오는 값:", sorted(set(dropped.unique().tolist())), "  0의 비율:", round(zero_share, 4))
assert set(dropped.unique().tolist()) == {0.0, 1.25} and abs(zero_share - 0.2) < 0.01

# %% tags=["solution"]
decayed_weight = nn.Parameter(torch.ones(3))
adamw = torch.optim.AdamW([decayed_weight], lr=0.002, weight_decay=1.0)
for _ in range(180):
    decayed_weight.grad = torch.zeros(3)
    adamw.step()
predicted_share = (1 - 0.002 * 1.0) ** 180
print(f"180걸음 뒤: {decayed_weight[0].item():.4f}   예측: {predicted_share:.4f}")
assert torch.allclose(decayed_weight.detach(), torch.full((3,), predicted_share), atol=1e-5)

# %% tags=["solution"]
best_5, lowest, stop_5 = 0, float("inf"), EPOCHS
for epoch, loss in enumerate(baseline.val_loss, start=1):
    if loss < lowest:
        best_5, lowest = epoch, loss
    elif epoch - best_5 >= 5:
        stop_5 = epoch
        break
impatient = EarlyStopping(patience=5)
for loss in baseline.val_loss:
    if impatient.step(loss, baseline_model):
        break
patient = stoppers["Adam, 학습률 0.002"]
print(f"patience 5, 손으로: {stop_5}에포크 뒤에 멈추고 {best_5}에포크를 남김")
print(f"EarlyStopping(patience=5): {impatient.epochs}, {impatient.best_epoch}")
print(f"이 강의의 patience {PATIENCE}: {patient.epochs}, {patient.best_epoch}")
assert (impatient.epochs, impatient.best_epoch) == (stop_5, best_5)
assert stop_5 <= patient.epochs and best_5 <= patient.best_epoch
