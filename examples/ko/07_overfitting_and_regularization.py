# %% [markdown]
# # 과적합과 규제
#
# 매개변수(parameter)가 충분히 많은 신경망(neural network)은 학습(training)에 쓴 데이터를
# 통째로 외울 수 있습니다. 그러면 학습 손실은 계속 내려가는데 새 데이터에서는 오히려
# 나빠집니다. 이것이 **과적합**(overfitting)입니다. 이번 강의에서는 일부러 과적합을
# 일으킵니다. 큰 신경망을 숫자 이미지 150장만으로 오래 학습시켜, 검증 손실이 방향을
# 바꿔 다시 오르게 만듭니다. 그다음 흔히 쓰는 처방인 가중치 감쇠(weight decay),
# 드롭아웃(dropout), 조기 종료(early stopping)를 같은 분할에서 하나씩 재 봅니다.
# 옵티마이저(optimizer) 세 가지도 한 그림에서 비교하고, 하이퍼파라미터
# (hyperparameter)가 무엇인지 설명합니다. 모든 결정은 검증 세트(validation set)로
# 내리고, 테스트 세트(test set)는 마지막에 딱 한 번만 씁니다.
#
# **이번 강의에서 배울 내용**
#
# - 학습 곡선과 검증 곡선에 나타나는 과소적합(underfitting)과 과적합의 모습
# - 하이퍼파라미터란 무엇이고, 왜 검증 세트로 골라야 하는지
# - 가중치 감쇠와, 얼마나 세면 지나친지
# - 드롭아웃과, 드롭아웃에 `model.eval()`이 중요한 이유
# - 가장 좋았던 에포크(epoch)의 `state_dict`를 간직하는 `nnguide.EarlyStopping`으로
#   하는 조기 종료
# - SGD, 모멘텀(momentum)을 더한 SGD, Adam을 한 그림에서 비교하기
#
# **사전 지식:** 5강(`fit`으로 숫자 분류기 학습하기, 검증 세트와 테스트 세트), 6강
# (`state_dict`).

# %% [markdown]
# ## 준비 { #setup }
#
# 5강의 학습 도우미와 함께, `EarlyStopping`과 여러 실행을 한 그림에 그리는
# `plot_histories`를 불러옵니다.
#
# 이번 강의에서는 작은 신경망 아홉 개를 학습시키며, 모두 합쳐 수천 번의 작은 걸음을
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
from nnguide.training import evaluate, fit

torch.manual_seed(0)
torch.set_num_threads(1)
set_style()
device = get_device()
print("장치:", device, "  스레드 수:", torch.get_num_threads())
assert torch.get_num_threads() == 1

# %% [markdown]
# ## 작은 학습 세트 { #a-small-training-set }
#
# 과적합은 모델(model)에 비해 데이터가 너무 적을 때 생기므로, 데이터를 조금만 씁니다.
# `load_digits`의 학습 이미지 1,437장에서 시드(seed)를 고정한 순열로 150장을 학습용으로,
# 500장을 검증용으로 뽑습니다. 테스트 이미지 360장은 마지막 절까지 손대지 않습니다.
# 아래의 모든 실행은 같은 분할, 같은 섞는 순서, 같은 초기 가중치(weight)를 쓰므로,
# 실행 사이의 차이는 각 실행이 바꾼 설정 하나에서만 옵니다.

# %%
X_train, X_test, y_train, y_test = load_digits(test_fraction=0.2, seed=0)
order = torch.randperm(len(X_train), generator=torch.Generator().manual_seed(0))
train_set = TensorDataset(X_train[order[:150]], y_train[order[:150]])
val_set = TensorDataset(X_train[order[150:650]], y_train[order[150:650]])
test_set = TensorDataset(X_test, y_test)
val_loader = DataLoader(val_set, batch_size=500)
test_loader = DataLoader(test_set, batch_size=500)
loss_fn = nn.CrossEntropyLoss()
EPOCHS = 60


def make_train_loader():
    return DataLoader(
        train_set, batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(0)
    )


def train(model, optimizer, epochs=EPOCHS):
    return fit(
        model,
        make_train_loader(),
        loss_fn=loss_fn,
        optimizer=optimizer,
        epochs=epochs,
        val_loader=val_loader,
        device=device,
    )


print("학습:", len(train_set), "  검증:", len(val_set), "  테스트:", len(test_set))
print("학습 세트의 숫자별 이미지 수:", torch.bincount(train_set.tensors[1]).tolist())
assert (len(train_set), len(val_set), len(test_set)) == (150, 500, 360)
assert len(set(order[:650].tolist())) == 650

# %% [markdown]
# ## 과소적합 { #underfitting }
#
# 먼저 반대 문제부터 봅니다. 은닉층(hidden layer)의 노드(node)가 4개뿐인 신경망은 숫자
# 열 개를 구별하기에 너무 작습니다. 아무리 오래 학습시켜도 학습 손실은 높게 머물고 검증
# 정확도(accuracy)도 낮습니다. 배우는 데이터조차 맞추지 못하는 이런 상태가
# **과소적합**입니다. 학습 손실과 검증 손실이 가깝게 붙어 있지만, 둘 다 나쁩니다.

# %%
torch.manual_seed(0)
small = nn.Sequential(nn.Linear(64, 4), nn.ReLU(), nn.Linear(4, 10))
small_history = train(small, torch.optim.Adam(small.parameters(), lr=0.01))
print("매개변수 수:", count_parameters(small))
print(
    f"에포크 {EPOCHS}번 뒤: 학습 손실 {small_history.train_loss[-1]:.3f}, "
    f"검증 손실 {small_history.val_loss[-1]:.3f}, "
    f"검증 정확도 {small_history.val_accuracy[-1]:.1%}"
)
assert small_history.train_loss[-1] > 0.5 and small_history.val_accuracy[-1] < 0.6

# %% [markdown]
# ## 과적합 { #overfitting }
#
# 이번에는 큰 신경망입니다. 256개 노드짜리 은닉층 두 개로, 이미지 150장에 매개변수가
# 85,002개입니다. `make_mlp`는 시드를 고정하고 신경망을 만들므로, 부를 때마다 같은
# 가중치에서 시작합니다. 선택 인자인 드롭아웃 계층(layer)은 뒤의 절에서 씁니다. Adam으로
# 60에포크 동안 학습시킵니다.
#
# 곡선을 보면 알 수 있습니다. 학습 손실은 0을 향해 내려가고, 마지막에는 학습 이미지를
# 하나도 틀리지 않습니다. 검증 손실도 한동안 함께 내려가다가 가장 낮은 점을 찍은 뒤
# 다시 오릅니다. 그동안에도 학습 손실은 계속 내려갑니다. 이때부터 신경망은 학습 데이터를
# 외웁니다. 이미지 150장에만 있고 다른 숫자 이미지에는 통하지 않는 세부를 배우고
# 있습니다. 그만큼 새 데이터로 일반화하는 능력은 떨어집니다.


# %%
def make_mlp(dropout=0.0):
    torch.manual_seed(0)
    layers = [nn.Linear(64, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(256, 256), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(256, 10))
    return nn.Sequential(*layers).to(device)


model = make_mlp()
baseline = train(model, torch.optim.Adam(model.parameters(), lr=0.002))
best = min(range(EPOCHS), key=baseline.val_loss.__getitem__)
train_accuracy = evaluate(model, DataLoader(train_set, batch_size=150))["accuracy"]
print("매개변수 수:", count_parameters(model))
print(f"가장 낮은 검증 손실 {baseline.val_loss[best]:.3f} (에포크 {best + 1})")
print(f"에포크 {EPOCHS} 뒤: 검증 손실 {baseline.val_loss[-1]:.3f}, ", end="")
print(f"학습 손실 {baseline.train_loss[-1]:.4f}, 학습 정확도 {train_accuracy:.0%}")
assert count_parameters(model) == 85002
assert best < EPOCHS - 20 and baseline.val_loss[-1] > baseline.val_loss[best] + 0.03
assert baseline.train_loss[-1] < baseline.train_loss[best] / 5 and train_accuracy == 1.0

# %%
plot_history(baseline, title="이미지 150장으로 학습한 큰 신경망", language="ko")
plt.show()

# %% [markdown]
# ## 하이퍼파라미터 { #hyperparameters }
#
# 가중치는 경사 하강법(gradient descent)으로 배우지만, 그렇게 정해지지 않는 설정도
# 많습니다. 학습률(learning rate), 에포크 수, 배치 크기(batch size), 계층 너비,
# 옵티마이저, 그리고 아래에서 볼 규제(regularization) 기법의 세기입니다. 학습 전에
# 정하는 이런 설정을 **하이퍼파라미터**라고 합니다. 하이퍼파라미터를 정직하게 고르는
# 방법은 여러 값을 시도해 모델이 학습하지 않은 데이터, 곧 검증 세트에서 실행들을
# 비교하는 것뿐입니다. 테스트 세트가 여기에 끼어들면 그 정확도는 더 이상 새 데이터에
# 대한 추정값이 아닙니다. 옵티마이저는 하이퍼파라미터를 `param_groups`에 담아 둡니다.
# 위 실행의 값은 다음과 같습니다.

# %%
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
settings = {key: optimizer.param_groups[0][key] for key in ("lr", "betas", "weight_decay")}
print("Adam:", settings, "  배치 크기:", make_train_loader().batch_size, "  에포크:", EPOCHS)
assert settings["lr"] == 0.002 and settings["weight_decay"] == 0

# %% [markdown]
# ## 가중치 감쇠 { #weight-decay }
#
# 과적합한 신경망은 가중치가 커지는 경향이 있습니다. 가중치가 크면 모든 학습 점을
# 지나갈 수 있을 만큼 뾰족하고 구불구불한 함수가 만들어지기 때문입니다. **가중치
# 감쇠**는 큰 가중치에 대한 벌점을 세기 $\lambda$로 손실에 더합니다.
#
# $$L_\text{total} = L + \frac{\lambda}{2} \sum_i w_i^2 .$$
#
# 가중치 제곱의 합을 더하는 이 벌점을 L2 규제라고도 부릅니다. 이 벌점의 기울기(gradient)는
# 가중치마다 기울기에 $\lambda w_i$를 더하므로, 한 걸음마다 모든 가중치를 0 쪽으로 조금씩
# 끌어당깁니다. 이름도 여기서 왔습니다. PyTorch에서는
# 옵티마이저의 `weight_decay` 인자입니다. (Adam은 이 항도 나머지 기울기처럼 가중치마다의
# 걸음 크기로 나눕니다. `torch.optim.AdamW`는 감쇠를 따로 직접 적용하는데, Adam과
# 함께라면 대개 이쪽이 더 잘 듣습니다.)
#
# $\lambda$도 하이퍼파라미터이니 두 값을 시도합니다. $\lambda = 0.003$이면 가중치가 훨씬
# 작게 유지되고 학습 후반에 검증 손실이 훨씬 덜 오릅니다. $\lambda = 0.03$이면 벌점이
# 데이터를 이겨 학습 손실이 높게 머물고, 신경망이 과소적합합니다.


# %%
def weight_norm(model):
    return torch.cat([p.flatten() for n, p in model.named_parameters() if "weight" in n]).norm()


decay_histories = {"가중치 감쇠 없음": baseline}
decay_norms = {"가중치 감쇠 없음": weight_norm(model).item()}
for strength in (0.003, 0.03):
    decayed = make_mlp()
    optimizer = torch.optim.Adam(decayed.parameters(), lr=0.002, weight_decay=strength)
    name = f"가중치 감쇠 {strength}"
    decay_histories[name] = train(decayed, optimizer)
    decay_norms[name] = weight_norm(decayed).item()
for name, history in decay_histories.items():
    print(
        f"{name:16}  가중치 노름 {decay_norms[name]:5.2f}"
        f"   학습 손실 {history.train_loss[-1]:.3f}"
        f"   검증 손실 최솟값 {min(history.val_loss):.3f}, 마지막 값 {history.val_loss[-1]:.3f}"
    )
mild, strong = decay_histories["가중치 감쇠 0.003"], decay_histories["가중치 감쇠 0.03"]
assert decay_norms["가중치 감쇠 0.003"] < 0.7 * decay_norms["가중치 감쇠 없음"]
assert mild.val_loss[-1] < baseline.val_loss[-1]
assert mild.val_loss[-1] - min(mild.val_loss) < (baseline.val_loss[-1] - min(baseline.val_loss)) / 2
assert strong.train_loss[-1] > 0.2 and min(strong.val_loss) > min(baseline.val_loss)

# %%
plot_histories(decay_histories, "val_loss", title="가중치 감쇠", language="ko")
plt.show()

# %% [markdown]
# ## 드롭아웃 { #dropout }
#
# **드롭아웃**은 학습 단계마다 계층 출력의 일부를 무작위로 끕니다. 출력 $h_i$를 각각
# 확률(probability) $p$로 0으로 만들고, 살아남은 출력은 기댓값이 그대로이도록 키웁니다.
#
# $$\tilde{h}_i = \frac{m_i \, h_i}{1 - p}, \qquad m_i = \begin{cases} 1 & \text{확률 } 1 - p \\ 0 & \text{확률 } p \end{cases}$$
#
# 어느 노드든 다음 단계에서 사라질 수 있으니 신경망은 노드 하나에 기댈 수 없고, 그래서
# 더 여유 있고 일반적인 특성(feature)을 배웁니다. 예측할 때는 아무것도 끄지 않습니다.
# 평가 모드의 `nn.Dropout`은 입력을 그대로 내보냅니다. $p = 0.5$이면 1로 채운 행의 약
# 절반이 0이 되고 나머지는 2가 됩니다.

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
# 모드에서 무작위입니다. 같은 이미지를 넣어도 부를 때마다 출력이 다릅니다. 평가
# 모드에서는 다시 정해진 함수가 됩니다. 평가나 예측 전에 `model.eval()`을 잊으면 결과가
# 흔들리고 나빠집니다. (`nnguide.evaluate`와 `fit`은 모드를 알아서 바꿉니다.)

# %%
model = make_mlp(dropout=0.5)
images = X_test[:5].to(device)
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
# 과적합 절의 신경망과 똑같이 학습시키되 두 은닉층 뒤에 $p = 0.5$인 드롭아웃을 두면,
# 학습 손실은 더 천천히 내려가고(단계마다 노드의 절반이 빠지니까요) 검증 손실은
# 드롭아웃이 없을 때보다 더 낮은 최솟값에 닿습니다.

# %%
dropout_history = train(model, torch.optim.Adam(model.parameters(), lr=0.002))
for name, history in (("드롭아웃 없음", baseline), ("드롭아웃 0.5", dropout_history)):
    lowest = min(range(EPOCHS), key=history.val_loss.__getitem__)
    print(
        f"{name:15}  가장 낮은 검증 손실 {history.val_loss[lowest]:.3f} (에포크 {lowest + 1}"
        f", 정확도 {history.val_accuracy[lowest]:.1%})"
    )
assert min(dropout_history.val_loss) < min(baseline.val_loss)
assert dropout_history.train_loss[9] > baseline.train_loss[9]

# %%
plot_histories(
    {"드롭아웃 없음": baseline, "드롭아웃 0.5": dropout_history},
    "val_loss",
    title="드롭아웃",
    language="ko",
)
plt.show()

# %% [markdown]
# ## 조기 종료 { #early-stopping }
#
# 가장 간단한 처방은 모델을 바꿀 필요조차 없습니다. 검증 손실이 더 나아지지 않으면
# 학습을 멈추고, 가장 좋았던 에포크의 가중치를 간직하면 됩니다. 그 기록은
# `nnguide.EarlyStopping`이 맡습니다. 에포크가 끝날 때마다 `step`에 검증 손실을 넘기면,
# 그 값이 지금까지 가장 낮을 때 모델의 `state_dict`를 복사해 둡니다. 반드시 복사본이어야
# 합니다. 6강에서 보았듯이 `state_dict`의 텐서(tensor)는 모델 자신의 텐서라서 학습이
# 이어지면 함께 바뀝니다. `step`은 `patience` 에포크 동안 내리 나아지지 않으면 `True`를
# 돌려주고, `restore`는 가장 좋았던 가중치를 되돌려 넣습니다.
#
# 과적합 절의 신경망을 `fit(..., epochs=1)`로 한 에포크씩, 인내 에포크를 10으로 두고
# 다시 학습시킵니다. 모든 것이 시드로 고정되어 있으므로, 이 실행은 멈출 때까지 처음의
# 60에포크 실행을 그대로 되풀이합니다.

# %%
model = make_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
loader = make_train_loader()
stopper = EarlyStopping(patience=10)
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
print(f"에포크 {stopper.epochs}에서 멈춤, 가장 좋았던 에포크 {stopper.best_epoch}")
print(f"되돌린 모델의 검증 손실 {restored_loss:.4f} (최솟값 {stopper.best_loss:.4f})")
assert val_losses == baseline.val_loss[: stopper.epochs]
assert stopper.best_epoch == best + 1 and stopper.epochs == best + 1 + 10
assert abs(restored_loss - stopper.best_loss) < 1e-6
assert not torch.equal(last_weights, model[0].weight)
assert stopper.best_state["0.weight"].data_ptr() != model[0].weight.data_ptr()

# %% [markdown]
# ## 옵티마이저 비교 { #optimizers-compared }
#
# 옵티마이저도 하이퍼파라미터입니다. 기본 **SGD**는 기울기의 반대 방향으로 한
# 걸음 갑니다. $w \leftarrow w - \eta \nabla L$입니다. **모멘텀을 더한 SGD**는 지난
# 기울기를 누적한 $v$를 따라 걸으므로, 작은 요철을 만나도 속도를 잃지 않고 언덕을 굴러
# 내려가는 공과 비슷합니다.
#
# $$v \leftarrow \mu v + \nabla L, \qquad w \leftarrow w - \eta v$$
#
# $\mu = 0.9$를 흔히 씁니다. **Adam**(5강, 6강)은 기울기 제곱의 이동 평균도 함께 두고
# 가중치마다 걸음 크기를 따로 정합니다. 같은 신경망을 같은 초기 가중치에서 SGD와
# 모멘텀을 더한 SGD로 학습률 0.05에서 학습시키고, 과적합 절의 Adam 실행과 비교합니다.
# 옵티마이저마다 잘 맞는 학습률이 따로 있으므로, 이것은 알고리즘 전반의 비교가 아니라
# 손으로 고른 설정 세 개의 비교입니다. 학습 손실은 로그 눈금으로 그립니다.

# %%
optimizer_histories = {}
for name, momentum in (("SGD", 0.0), ("SGD + 모멘텀 0.9", 0.9)):
    model = make_mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=momentum)
    optimizer_histories[name] = train(model, optimizer)
optimizer_histories["Adam"] = baseline
for name, history in optimizer_histories.items():
    print(
        f"{name:21}  에포크 10 / 20 / 60 뒤의 학습 손실: {history.train_loss[9]:.3f} / "
        f"{history.train_loss[19]:.3f} / {history.train_loss[-1]:.4f}"
        f"   가장 낮은 검증 손실 {min(history.val_loss):.3f}"
    )
sgd, momentum = optimizer_histories["SGD"], optimizer_histories["SGD + 모멘텀 0.9"]
assert sgd.train_loss[19] > 10 * momentum.train_loss[19]
assert sgd.train_loss[19] > 10 * baseline.train_loss[19]

# %%
plot_histories(optimizer_histories, "train_loss", log_scale=True, title="옵티마이저", language="ko")
plt.show()

# %% [markdown]
# ## 선택, 그리고 테스트 세트는 한 번 { #the-choice-and-the-test-set-once }
#
# 이제 검증 세트가 결정합니다. 위의 실행은 모두 어느 에포크에선가 가장 낮은 검증 손실에
# 닿았고, 조기 종료로 언제든 그 에포크로 돌아갈 수 있으니, 그 최솟값이 설정마다의
# 점수입니다. 점수가 가장 낮은 드롭아웃이 이깁니다. 이긴 설정만 조기 종료와 함께 한 번
# 더 학습시켜 테스트 세트에서 잽니다. 보고할 숫자는 이 테스트 정확도이고, 나머지 설정은
# 테스트 세트를 한 번도 보지 않습니다.

# %%
scores = {
    "규제 없음": min(baseline.val_loss),
    "가중치 감쇠 0.003": min(mild.val_loss),
    "가중치 감쇠 0.03": min(strong.val_loss),
    "드롭아웃 0.5": min(dropout_history.val_loss),
    "SGD": min(sgd.val_loss),
    "SGD + 모멘텀 0.9": min(momentum.val_loss),
}
for name, score in sorted(scores.items(), key=lambda item: item[1]):
    print(f"{name:21}  가장 낮은 검증 손실 {score:.3f}")
choice = min(scores, key=scores.get)
print("선택:", choice)

model = make_mlp(dropout=0.5)
optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
loader = make_train_loader()
stopper = EarlyStopping(patience=10)
for _ in range(EPOCHS):
    history = fit(
        model, loader, loss_fn=loss_fn, optimizer=optimizer, epochs=1, val_loader=val_loader
    )
    if stopper.step(history.val_loss[-1], model):
        break
stopper.restore(model)
test_accuracy = evaluate(model, test_loader, device=device)["accuracy"]
print(f"가장 좋았던 에포크 {stopper.best_epoch}, 테스트 정확도 {test_accuracy:.1%}")
assert choice == "드롭아웃 0.5"
assert test_accuracy >= 0.9

# %% [markdown]
# 학습 이미지 150장으로 이 신경망은 테스트 숫자를 열에 아홉 넘게 맞힙니다. 5강에서
# 이미지 1,150장으로 학습시킨 더 작은 신경망은 95%를 넘겼습니다. 데이터를 더 구할 수
# 있다면, 그것이 과적합을 막는 가장 믿을 만한 처방입니다.
#
# ## 요약 { #summary }
#
# - 과소적합은 학습 데이터에서조차 성능이 나쁜 상태이고, 과적합은 학습 손실이 계속
#   내려가는데 검증 손실이 최솟값을 지나 오르는 상태입니다.
# - 하이퍼파라미터는 학습 전에 정하는 설정입니다. 검증 세트에서 비교하고, 테스트 세트는
#   마지막에 한 번만 씁니다.
# - 가중치 감쇠는 손실에 $\frac{\lambda}{2} \sum w^2$를 더해 가중치를 작게 유지합니다.
#   $\lambda$가 너무 크면 과소적합합니다.
# - 드롭아웃은 학습하는 동안 출력을 무작위로 0으로 만들고 나머지를 $1 / (1 - p)$배
#   합니다. `model.eval()`이 드롭아웃을 꺼서 출력을 결정적으로 만듭니다.
# - `EarlyStopping`은 가장 좋았던 에포크의 `state_dict` 복사본을 간직했다가 되돌려
#   넣습니다.
# - 같은 에포크 수에서 모멘텀과 Adam은 기본 SGD보다 훨씬 빨리 학습합니다.
#
# ## 더 읽을거리 { #further-reading }
#
# - N. Srivastava 외, "Dropout: A Simple Way to Prevent Neural Networks from
#   Overfitting", JMLR 15 (2014).
# - I. Loshchilov, F. Hutter, "Decoupled Weight Decay Regularization" (2019),
#   `AdamW`에 관한 논문.
# - PyTorch 문서, `torch.optim`: https://pytorch.org/docs/stable/optim.html
# - 다음 강의에서는 이미지를 위해 만든 모델인 합성곱 신경망(convolutional neural network)을
#   처음으로 만듭니다.
