"""The failure report of tools/failure.py: the lesson's line, never a library's; never a crash.

No kernel runs here: the inputs are what a kernel leaves (its record, the failing cell's
error output, how it ended), written out. tests/tools/test_execute_limits.py runs the
same failures in real kernels.
"""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools import failure, lessons

LABEL = "examples/en/07_x.py"
SCRIPT = """# %% [markdown]
# # Title

# %%
import torch
from torch import nn


def forward(x):
    return nn.Linear(3, 2)(x)


# %%
x = torch.zeros(4, 5)
y = forward(x)
assert y.shape == (4, 2)

# %%
print("done")
"""
LINES = SCRIPT.splitlines()
DEF_CELL, CALL_CELL = 1, 2  # lesson cell indices (cell 0 is the Markdown title)
RECORD_HEAD = [
    {"kernel": 100, "pid": 100},
    {"file": "/tmp/ipykernel_100/11.py", "cell": 3, "pid": 100},
    {"file": "/tmp/ipykernel_100/22.py", "cell": 4, "pid": 100},
]
TORCH_TRACEBACK = [
    "\x1b[31m---------------------------------------------------------------------------\x1b[39m",
    "\x1b[31mRuntimeError\x1b[39m                              Traceback (most recent call last)",
    "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 2\x1b[39m\n"
    "\x1b[32m----> \x1b[39m\x1b[32m2\x1b[39m y = forward(x)",
    "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line 6\x1b[39m"
    ", in forward(x)\n"
    "\x1b[32m----> \x1b[39m\x1b[32m6\x1b[39m     return nn.Linear(3, 2)(x)",
    "\x1b[36mFile \x1b[39m\x1b[32m/venv/torch/nn/modules/module.py:1789\x1b[39m, in _call_impl\n"
    "\x1b[32m-> \x1b[39m\x1b[32m1789\x1b[39m     return forward_call(*args, **kwargs)",
    "\x1b[36mFile \x1b[39m\x1b[32m/venv/torch/nn/modules/linear.py:134\x1b[39m, in forward\n"
    "\x1b[32m--> \x1b[39m\x1b[32m134\x1b[39m     return F.linear(input, self.weight, self.bias)",
    "\x1b[31mRuntimeError\x1b[39m: mat1 and mat2 shapes cannot be multiplied (4x5 and 3x2)",
]


def lesson(text: str = SCRIPT) -> lessons.Lesson:
    path = Path(LABEL)
    return lessons.from_text(lessons.Example("en", "07_x", path, path, LABEL), text)


def record(*events: dict) -> failure.Record:
    return failure.Record.parse("\n".join(json.dumps(e) for e in [*RECORD_HEAD, *events]))


def line_of(text: str) -> int:
    return next(number for number, line in enumerate(LINES, 1) if line.strip() == text)


def error(ename: str, evalue: str, traceback: list[str] | None = None) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback or []}


def test_an_error_deep_in_torch_names_the_innermost_lesson_frame_from_the_traceback():
    """No record: the traceback text's innermost cell frame, not torch's line 134."""
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("RuntimeError", "mat1 and mat2 shapes", TORCH_TRACEBACK),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
            prompts={2: DEF_CELL, 3: CALL_CELL},
        ),
    )
    line = line_of("return nn.Linear(3, 2)(x)")
    assert (
        message
        == f"{LABEL}:{line}: RuntimeError: mat1 and mat2 shapes\n    {LINES[line - 1].strip()}"
    )


def test_the_kernel_record_wins_over_the_traceback_text():
    frames = [[4, 2], [3, 6]]  # the call in cell 4 (count), then forward() in cell 3
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("RuntimeError", "shapes", ["Cell In[9], line 1"]),
            error_cell=CALL_CELL,
            record=record({"error": {"type": "RuntimeError", "frames": frames}, "pid": 100}),
            started=(DEF_CELL, CALL_CELL),
        ),
    )
    assert message.startswith(f"{LABEL}:{line_of('return nn.Linear(3, 2)(x)')}: RuntimeError")


def test_an_assert_names_its_line():
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("AssertionError", "", ["Cell In[3], line 3\n----> 3 assert y.shape"]),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
            prompts={3: CALL_CELL},
        ),
    )
    assert message.startswith(f"{LABEL}:{line_of('assert y.shape == (4, 2)')}: AssertionError\n")


def test_sys_exit_names_the_exiting_line_not_the_cell_s_first():
    """IPython prints no frame for SystemExit: the record has it."""
    traceback = ["An exception has occurred, use %tb to see the full traceback.\n", "SystemExit: 0"]
    error_record = {"type": "SystemExit", "kinds": ["SystemExit"], "frames": [[4, 3]]}
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("SystemExit", "0", traceback),
            error_cell=CALL_CELL,
            record=record({"error": error_record, "pid": 100}),
            started=(DEF_CELL, CALL_CELL),
        ),
    )
    assert message.startswith(f"{LABEL}:{line_of('assert y.shape == (4, 2)')}: SystemExit: 0")
    assert "a lesson must run to its end" in message


def test_os_exit_names_the_call_the_line_and_the_exit_code():
    exited = {"at": [4, 2], "call": "os._exit(1)", "pid": 100}
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record({"at": [4, 1], "pid": 100}, exited),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(1),
        ),
    )
    line = line_of("y = forward(x)")
    assert message.startswith(
        f"{LABEL}:{line}: the kernel died (exited with code 1: os._exit(1) was called); "
        "this line was running"
    )


@pytest.mark.parametrize(
    "events",
    [
        ({"at": [4, 1]}, {"at": [4, 2], "call": "os._exit(1)"}),
        ({"at": [4, 1]}, {"at": [4, 2], "call": "os._exit(1)"}, {"at": [4, 2]}),
        ({"at": [4, 1]}, {"at": [4, 2]}, {"at": [4, 2], "call": "os._exit(1)"}),
    ],
    ids=["call-only", "sample-after-call", "sample-before-call"],
)
def test_the_exit_call_is_named_whichever_writer_wrote_its_line_last(events):
    """The kernel's line sampler and the call's wrapper write to the record in any order."""
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record(*({**event, "pid": 100} for event in events)),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(1),
        ),
    )
    assert message.startswith(
        f"{LABEL}:{line_of('y = forward(x)')}: the kernel died "
        "(exited with code 1: os._exit(1) was called); this line was running"
    )


def test_a_call_that_returned_is_not_named_for_a_later_death():
    """os.kill(os.getpid(), SIGUSR1) with a handler returns; the script dies later."""
    events = ({"at": [4, 2], "call": "os.kill(100, 10)"}, {"at": [4, 3]})
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record(*({**event, "pid": 100} for event in events)),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(-signal.SIGKILL),
        ),
    )
    assert message.startswith(
        f"{LABEL}:{line_of('assert y.shape == (4, 2)')}: the kernel died (killed by SIGKILL "
        "(signal 9)); this line was running"
    )
    assert "os.kill" not in message


@pytest.mark.parametrize(
    ("returncode", "how"), [(3, "exited with code 3"), (-signal.SIGKILL, "killed by SIGKILL")]
)
def test_a_kernel_that_died_before_any_cell_ran_says_so_and_names_no_line(returncode, how):
    """A kernel that dies while it starts (before it answers): no cell of the script ran."""
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record(), started=(), death=failure.Death.from_returncode(returncode)
        ),
    )
    assert message.startswith(f"{LABEL}: the kernel died before the script's first cell ran ({how}")
    assert "was running" not in message


def test_a_kill_by_signal_names_the_signal_and_the_last_line_that_started():
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record({"at": [4, 3], "pid": 100}),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(-signal.SIGKILL),
        ),
    )
    assert message.startswith(
        f"{LABEL}:{line_of('assert y.shape == (4, 2)')}: the kernel died (killed by SIGKILL "
        "(signal 9)); this line was running"
    )
    assert "memory runs out" in message


def test_a_death_before_any_line_of_the_cell_was_seen_names_the_cell_that_started():
    """The sampler saw cell 1 last, but cell 2 had started: not a line of cell 1."""
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record({"at": [3, 6], "pid": 100}),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(-signal.SIGSEGV),
        ),
    )
    assert message.startswith(
        f"{LABEL}:{line_of('x = torch.zeros(4, 5)')}: the kernel died (killed by SIGSEGV "
        "(signal 11)); the cell starting here was running"
    )


def test_a_segfault_names_faulthandler_s_innermost_lesson_frame():
    fault = (
        "Fatal Python error: Segmentation fault\n\n"
        "Current thread 0x01 (most recent call first):\n"
        '  File "/venv/ctypes/__init__.py", line 519 in string_at\n'
        '  File "/tmp/ipykernel_100/22.py", line 3 in <module>\n'
        '  File "/venv/IPython/core/interactiveshell.py", line 3699 in run_code\n'
    )
    events = [*RECORD_HEAD, {"at": [4, 1], "pid": 100}]
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=failure.Record.parse("\n".join(map(json.dumps, events)), fault),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(-signal.SIGSEGV),
        ),
    )
    assert message.startswith(f"{LABEL}:{line_of('assert y.shape == (4, 2)')}: the kernel died")
    assert "SIGSEGV" in message and "this line was running" in message


def test_a_child_process_s_events_do_not_move_the_line():
    """A forked child (multiprocessing) writes to the same record with its own pid."""
    events = ({"at": [4, 1], "pid": 100}, {"at": [4, 3], "call": "os._exit(0)", "pid": 555})
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record(*events),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(-signal.SIGKILL),
        ),
    )
    assert message.startswith(f"{LABEL}:{line_of('x = torch.zeros(4, 5)')}:")
    assert "os._exit" not in message


def test_the_memory_limit_is_named_when_an_allocation_fails():
    evalue = "DefaultCPUAllocator: can't allocate memory: you tried to allocate 8589934592 bytes."
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("RuntimeError", evalue, ["Cell In[3], line 1"]),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
            prompts={3: CALL_CELL},
            memory_limit=3 * 2**30,
        ),
    )
    assert (
        f"{LABEL}:{line_of('x = torch.zeros(4, 5)')}: RuntimeError: DefaultCPUAllocator" in message
    )
    assert "the kernel memory limit, 3 GiB, was reached" in message
    assert "kernel_memory_limit" in message


def test_a_kill_near_the_memory_limit_names_the_limit():
    message = failure.describe(
        lesson(),
        failure.Failure(
            record=record({"at": [4, 2], "pid": 100}, {"near_limit": 2**31, "pid": 100}),
            started=(DEF_CELL, CALL_CELL),
            death=failure.Death.from_returncode(-signal.SIGKILL),
            memory_limit=2**31,
        ),
    )
    assert "the kernel memory limit, 2 GiB, was reached" in message


def test_the_time_limit_is_named_with_the_running_line():
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("KeyboardInterrupt", "", ["Cell In[3], line 2"]),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
            prompts={3: CALL_CELL},
            timed_out=True,
            timeout=15,
        ),
    )
    assert message.startswith(f"{LABEL}:{line_of('y = forward(x)')}: did not finish within 15 s")


def test_a_keyboard_interrupt_in_the_script_is_an_error_at_its_line():
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("KeyboardInterrupt", "", ["Cell In[3], line 2"]),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
            prompts={3: CALL_CELL},
        ),
    )
    assert message.startswith(f"{LABEL}:{line_of('y = forward(x)')}: KeyboardInterrupt\n")


def test_a_syntax_error_names_its_line_without_the_kernel_s_file_name():
    traceback = ["  Cell In[3], line 3\n    assert y.shape ==\n                    ^\n"]
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("SyntaxError", "invalid syntax (3367680067.py, line 3)", traceback),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
            prompts={3: CALL_CELL},
        ),
    )
    line = line_of("assert y.shape == (4, 2)")
    assert message.startswith(f"{LABEL}:{line}: SyntaxError: invalid syntax\n")


def test_ansi_colours_never_reach_the_message():
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("\x1b[31mValueError\x1b[0m", "\x1b[1;31mred\x1b[0m \x1b]0;title\x07text"),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
        ),
    )
    assert "\x1b" not in message
    assert f"{LABEL}:{line_of('x = torch.zeros(4, 5)')}: ValueError: red text" in message


def test_an_error_in_a_cell_with_no_lines_mapped_names_the_script_and_the_cell():
    unmapped = lesson()
    unmapped = lessons.Lesson(unmapped.example, unmapped.text, unmapped.notebook, (None,) * 4)
    message = failure.describe(
        unmapped,
        failure.Failure(
            error=error("ValueError", "bad", ["Cell In[3], line 2"]),
            error_cell=CALL_CELL,
            started=(DEF_CELL, CALL_CELL),
            prompts={3: CALL_CELL},
        ),
    )
    assert message == f"{LABEL} (cell 3): ValueError: bad"


def test_interactive_backend_error_with_a_long_coloured_traceback():
    """``plt.show()`` with an interactive backend once crashed the reporter (IndexError)."""
    frames = [
        f"\x1b[36mFile \x1b[39m/venv/matplotlib/x.py:{n}\n\x1b[32m--> {n}\x1b[39m"
        for n in range(100)
    ]
    traceback = ["\x1b[36mCell\x1b[39m In[4], line 1\n----> 1 plt.show()", *frames]
    message = failure.describe(
        lesson(),
        failure.Failure(
            error=error("ImportError", "Cannot load backend 'TkAgg'", traceback),
            error_cell=3,
            started=(DEF_CELL, CALL_CELL, 3),
            prompts={4: 3},
        ),
    )
    line = line_of('print("done")')
    assert message.startswith(f"{LABEL}:{line}: ImportError: Cannot load")


LESSON = lesson()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
events = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"at": st.lists(st.integers(-5, 50), max_size=3), "pid": st.sampled_from([100, 5, None])}
    ),
    st.fixed_dictionaries({"file": st.text(max_size=20), "cell": st.integers(-3, 10)}),
    st.fixed_dictionaries(
        {"error": st.dictionaries(st.sampled_from(["type", "kinds", "frames"]), json_values)}
    ),
)
record_text = st.lists(st.one_of(events.map(json.dumps), st.text(max_size=40)), max_size=8).map(
    "\n".join
)
error_output = st.one_of(
    st.none(),
    json_values,
    st.fixed_dictionaries(
        {
            "ename": st.one_of(st.text(max_size=30), st.none(), st.integers()),
            "evalue": st.one_of(st.text(max_size=200), st.none(), st.lists(st.text())),
            "traceback": st.one_of(
                st.lists(st.text(alphabet=st.sampled_from("Cell In[]line,0123456789\x1b\n -> ")))
                | st.text()
                | json_values
            ),
        }
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    error=error_output,
    text=record_text,
    fault=st.text(max_size=200),
    error_cell=st.one_of(st.none(), st.integers(-3, 8)),
    started=st.lists(st.integers(-2, 8), max_size=5),
    prompts=st.dictionaries(st.integers(-2, 12), st.integers(-2, 8), max_size=4),
    returncode=st.one_of(st.none(), st.integers(-70, 300)),
    timed_out=st.booleans(),
    memory_limit=st.one_of(st.none(), st.integers(0, 2**40)),
    starts=st.one_of(
        st.none(), st.lists(st.one_of(st.none(), st.integers(-5, 40)), min_size=0, max_size=6)
    ),
)
def test_the_reporter_never_crashes_and_always_names_the_script(
    error, text, fault, error_cell, started, prompts, returncode, timed_out, memory_limit, starts
):
    target = LESSON
    if starts is not None:
        target = lessons.Lesson(target.example, target.text, target.notebook, tuple(starts))
    report = failure.Failure(
        error=error,
        error_cell=error_cell,
        record=failure.Record.parse(text, fault),
        started=tuple(started),
        prompts=prompts,
        death=None if returncode is None else failure.Death.from_returncode(returncode),
        timed_out=timed_out,
        timeout=10,
        memory_limit=memory_limit,
    )
    message = failure.describe(target, report)
    assert isinstance(message, str)
    assert message.startswith(LABEL)
    assert "\x1b" not in message
    named = re.match(rf"{re.escape(LABEL)}:(\d+):", message)
    if named:  # a line is named: it is a line of the script
        assert 1 <= int(named.group(1)) <= len(LINES)
