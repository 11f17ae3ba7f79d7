"""The spare kernels of ``mkdocs serve``, which import modules before the edit comes.

A script run in one must give what a fresh kernel gives: the same outputs and the same
imported distributions. Each test compares the two. The modules are two tiny packages
installed in a folder of their own (``PYTHONPATH``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import fake_distribution
from tests.tools.test_lessons import project_at
from tools import execute, lessons

pytestmark = pytest.mark.kernel

# warmdep takes half a second to import, as a large package takes seconds.
PACKAGES = {
    "warmdep": "import time\n\ntime.sleep(0.5)\nVALUE = 42\n",
    "noisydep": "print('noisydep imported')\nVALUE = 1\n",
}
# Which of the packages the kernel has loaded, when the script ends.
LOADED = 'print(sorted(name for name in __import__("sys").modules if name.endswith("dep")))\n'
SCRIPTS = {
    "01_warm": "# %%\nimport warmdep\n\nprint(warmdep.VALUE)\n" + LOADED,
    "02_plain": "# %%\nprint('no imports')\n" + LOADED,
    "03_noisy": "# %%\nimport noisydep\n\n" + LOADED,
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = tmp_path / "site-packages"
    for name, body in PACKAGES.items():
        fake_distribution(site, name, "1.0", source=body)
    monkeypatch.setenv("PYTHONPATH", str(site))  # the kernels' environment
    monkeypatch.syspath_prepend(str(site))  # the build's, which finds their distributions
    project = project_at(tmp_path, ("en",))
    for name, text in SCRIPTS.items():
        (project.examples_dir / "en" / f"{name}.py").write_text(text)
    yield project
    execute.discard_spares()


def spare(project, imports: tuple[str, ...]) -> execute._Spare:
    """A spare kernel that imported ``imports`` (or tried to), ready."""
    assert execute.start_spares(project, 1, imports=imports) == 1
    started = execute._SPARES[-1]
    assert started.ready.wait(120), "the spare's imports did not finish"
    return started


def run(project, name: str, environment: str | None = None):
    """Execute script ``name`` as a build does (in a spare kernel if one can take it)."""
    example = next(example for example in lessons.discover(project) if example.name == name)
    return execute.execute(
        example,
        120,
        execute._threads(1, None),
        project.kernel_memory_limit,
        environment or execute.environment_key(project),
    )


def shown(notebook) -> list[str]:
    """The text each code cell showed."""
    return [
        "".join(output.get("text", "") for output in cell.get("outputs", []))
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def test_a_spare_that_imported_ahead_gives_what_a_fresh_kernel_gives(project):
    fresh = run(project, "01_warm")
    warm = spare(project, ("warmdep",))
    assert warm.imports == ("warmdep",) and warm.import_seconds > 0
    again = run(project, "01_warm")
    assert execute._SPARES == [], "the script ran in the spare"
    assert shown(again) == shown(fresh) == ["42\n['warmdep']\n"]
    assert [cell.execution_count for cell in again.cells] == [1]  # the import is not a cell
    recorded, recorded_fresh = again.metadata["nnguide"], fresh.metadata["nnguide"]
    assert recorded["distributions"] == recorded_fresh["distributions"]
    assert recorded["distributions"]["warmdep"] == "1.0"
    assert warm.import_seconds >= 0.5
    assert recorded_fresh["run_seconds"] >= 0.5
    assert recorded["run_seconds"] >= 0.5, "the time the spare took to import counts"


def test_a_script_that_does_not_import_them_first_runs_in_a_fresh_kernel(project):
    fresh = run(project, "02_plain")
    warm = spare(project, ("warmdep",))
    again = run(project, "02_plain")
    assert [warm] == execute._SPARES, "the spare waits for another script"
    assert shown(again) == shown(fresh) == ["no imports\n[]\n"]
    assert "warmdep" not in again.metadata["nnguide"]["distributions"]


def test_a_spare_whose_imports_write_is_discarded(project):
    """The script would have shown what the import wrote: it runs in a fresh kernel."""
    noisy = spare(project, ("noisydep",))
    assert execute._SPARES == [] and noisy.kernel.process.poll() is not None
    assert shown(run(project, "03_noisy")) == ["noisydep imported\n['noisydep']\n"]


def test_a_spare_that_imported_under_another_environment_is_discarded(project):
    """A package changed since it imported it (the environment's key differs): the
    script runs in a fresh kernel, which imports the package as it is now."""
    warm = spare(project, ("warmdep",))
    package = project.root / "site-packages" / "warmdep" / "__init__.py"
    package.write_text(package.read_text().replace("VALUE = 42", "VALUE = 43"))
    assert shown(run(project, "01_warm", environment="changed")) == ["43\n['warmdep']\n"]
    assert execute._SPARES == [] and warm.kernel.process.poll() is not None


def test_only_serve_takes_a_notebook_run_in_a_spare_as_up_to_date(project):
    """A build that is not ``mkdocs serve``'s executes it again in a fresh kernel, so a
    built site never shows a page of a spare's run."""
    (example,) = [example for example in lessons.discover(project) if example.name == "01_warm"]

    def build(previews: bool) -> tuple[list[bool], list[str] | None]:
        results = execute.build(
            [example], project=project, jobs=1, log=lambda line: None, previews=previews
        )
        record = json.loads(example.notebook.read_text())["metadata"]["nnguide"]
        return [result.executed for result in results], record.get("imported_ahead")

    spare(project, ("warmdep",))
    assert build(previews=True) == ([True], ["warmdep"])  # run in the spare
    assert build(previews=True) == ([False], ["warmdep"])  # serve's next rebuild
    _, warnings = execute.check_notebooks(project)  # NNGUIDE_EXECUTE=0 publishes it: said
    assert [line for line in warnings if "run by mkdocs serve" in line] == [
        "examples/en/01_warm.py: its notebook docs/en/tutorials/01_warm.ipynb was run by "
        "mkdocs serve in a kernel that imported modules ahead; published as it is "
        "(NNGUIDE_EXECUTE=0)"
    ]
    assert build(previews=False) == ([True], None)  # make docs: in a fresh kernel
    assert build(previews=False) == ([False], None)
