"""How ``make test`` shares the tests among pytest-xdist workers (tests/conftest.py).

A small suite of its own runs in two workers with this suite's hooks: each module runs
whole in one worker, the modules that share a costly session fixture run in the same
worker (so it is made once), and the unit that crawls the site is handed out first.
"""

from __future__ import annotations

import collections

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CONFTEST = """
import os
from pathlib import Path

import pytest

from tests.conftest import (
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_unconfigure,
    pytest_xdist_make_scheduler,
)

LOG = Path(os.environ["UNITS_LOG"])


def record(what):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "none")
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"{worker} {what}\\n")


@pytest.fixture(scope="session")
def visits():
    record("made visits")


@pytest.fixture(scope="session")
def distributions():
    record("made distributions")


@pytest.fixture(autouse=True)
def ran(request):
    record(f"ran {request.node.path.name}")
"""

PLAIN = "def test_{i}():\n    pass\n"
CRAWL = "def test_{i}(visits):\n    pass\n"
DIST = "import pytest\n\n@pytest.mark.slow\ndef test_{i}(distributions):\n    pass\n"
MODULES = {
    # Alphabetically before the unit that crawls: it must still come after it.
    "test_a_plain.py": PLAIN,
    "test_b_dist.py": DIST,
    "test_c_crawl.py": CRAWL,
    "test_d_plain.py": PLAIN,
    "test_e_crawl.py": CRAWL,
    "test_f_dist.py": DIST,
}


def test_modules_run_whole_and_those_sharing_a_costly_fixture_in_one_worker(pytester, monkeypatch):
    log = pytester.path / "units.log"
    monkeypatch.setenv("UNITS_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    for name, body in MODULES.items():
        pytester.path.joinpath(name).write_text("".join(body.format(i=i) for i in range(4)))

    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=4 * len(MODULES))
    lines = [line.split(" ", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    made = collections.Counter(what for _, what in lines if what.startswith("made"))
    assert made == {"made visits": 1, "made distributions": 1}
    workers = collections.defaultdict(set)
    for worker, what in lines:
        if what.startswith("ran"):
            workers[what.removeprefix("ran ")].add(worker)
    assert all(len(ran_in) == 1 for ran_in in workers.values()), workers
    assert workers["test_c_crawl.py"] == workers["test_e_crawl.py"]
    assert workers["test_b_dist.py"] == workers["test_f_dist.py"]
    # The crawl's unit is handed out first: its worker's first test is one of it.
    crawler = next(iter(workers["test_c_crawl.py"]))
    first = next(what for worker, what in lines if worker == crawler)
    assert first in {"made visits", "ran test_c_crawl.py"}, lines
