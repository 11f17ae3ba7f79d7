"""Every cache is verified before use: a corrupt entry is dropped and rebuilt, named once."""

from __future__ import annotations

import json
import logging
import re
import sys
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from jinja2 import DictLoader, Environment

from tests.conftest import PROJECT, fake_distribution
from tests.tools.test_execute import make_project
from tools import config, execute, files, plugin, render, search
from tools.lessons import METADATA_KEY

LOGGER = "mkdocs.plugins.nnguide"
DAMAGES = {
    "truncated": lambda data: data[: len(data) // 2],
    "emptied": lambda data: b"",
    "garbage": lambda data: b"\x89PNG garbage",
    "edited": lambda data: data[:-1] + bytes([data[-1] ^ 1]),
}


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    broken = DAMAGES[how](data)
    assert broken != data
    path.write_bytes(broken)


def dropped_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "is corrupt" in r.getMessage()]


def assert_one_line_naming(caplog: pytest.LogCaptureFixture, path: Path) -> None:
    lines = dropped_lines(caplog)
    assert len(lines) == 1, lines
    assert re.fullmatch(
        rf"Cache entry {re.escape(str(path))} is corrupt \(.+\): dropped, rebuilding it", lines[0]
    )


@pytest.mark.parametrize("how", sorted(DAMAGES))
def test_a_sealed_entry_reads_back_only_while_intact(tmp_path, caplog, how):
    entry = tmp_path / "entry.bin"
    files.write_cached(entry, b"\x00figure bytes\n" * 50)
    assert files.read_cached(entry) == b"\x00figure bytes\n" * 50
    damage(entry, how)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert files.read_cached(entry) is None
    assert not entry.exists()
    assert_one_line_naming(caplog, entry)
    assert files.read_cached(entry) is None  # missing: a plain miss, no line
    assert len(dropped_lines(caplog)) == 1


def fake_code_cells(calls: list[str]):
    def code_cells(content, notebook, resolver=None, figure_label="{description}"):
        calls.append(content)
        return render.Cells({1: f"<p>{content}</p>"}, {"figure-ab.png": b"PNG" * 99})

    return code_cells


@pytest.mark.parametrize("part", ["figure", "entry"])
@pytest.mark.parametrize("how", ["truncated", "edited"])
def test_a_corrupt_render_entry_or_figure_is_transformed_again(
    tmp_path, caplog, monkeypatch, part, how
):
    calls: list[str] = []
    monkeypatch.setattr(render, "code_cells", fake_code_cells(calls))
    cache = render.RenderCache(tmp_path / "render")
    first = cache.render("<html>", "{}")
    assert cache.render("<html>", "{}") == first and len(calls) == 1
    if part == "figure":
        path = tmp_path / "render" / "figures" / "figure-ab.png"
    else:
        (path,) = (tmp_path / "render").glob("*.json")
    damage(path, how)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        again = render.RenderCache(tmp_path / "render").render("<html>", "{}")
    assert len(calls) == 2
    assert again == first and again.figures["figure-ab.png"] == b"PNG" * 99
    assert_one_line_naming(caplog, path)
    assert files.read_cached(path) is not None  # rebuilt


def test_a_corrupt_segmentation_cache_is_segmented_again(tmp_path, caplog):
    first = search.Segmenter(tmp_path)
    text = "가중치와 편향을 더합니다."
    segmented = first.segment(text, search.Vocabulary())
    first.save()
    assert first.path is not None
    damage(first.path, "truncated")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        second = search.Segmenter(tmp_path)
        assert second.segment(text, search.Vocabulary()) == segmented
    assert (second.misses, second.hits) == (1, 0)
    assert_one_line_naming(caplog, first.path)


def test_a_corrupt_compiled_template_is_compiled_again(tmp_path, caplog):
    def environment() -> Environment:
        loader = DictLoader({"page.html": "Hello {{ name }}"})
        return Environment(loader=loader, bytecode_cache=files.BytecodeCache(str(tmp_path)))

    assert environment().get_template("page.html").render(name="A") == "Hello A"
    (path,) = tmp_path.iterdir()
    damage(path, "truncated")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert environment().get_template("page.html").render(name="B") == "Hello B"
    assert_one_line_naming(caplog, path)
    assert files.read_cached(path) is not None


def jupyter_entry(folder: Path, name: str) -> Path:
    path = folder / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"content": "<p>page</p>", "toc_tokens": [], "title": "T"}))
    return path


def test_mkdocs_jupyter_entries_are_checked_before_it_reads_them(tmp_path, caplog):
    folder = tmp_path / "mkdocs-jupyter" / "en"
    _, truncated, edited, unrecorded = (jupyter_entry(folder, n) for n in "abcd")
    unrecorded.unlink()
    files.record_folder(folder, "*.json")  # after a build: a, b, c recorded
    jupyter_entry(folder, "d")  # written by a build that did not finish
    damage(truncated, "truncated")
    edited.write_text(json.dumps({"content": "<p>edited</p>", "toc_tokens": []}))
    half = jupyter_entry(folder, "e")  # unrecorded and cut short
    half.write_text(half.read_text()[:20])
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert files.verify_folder(folder, "*.json", plugin.JUPYTER_ENTRY) == 3
    assert sorted(path.name for path in folder.iterdir()) == ["a.json", "d.json"]
    lines = dropped_lines(caplog)
    assert len(lines) == 3
    for path, line in zip((truncated, edited, half), lines, strict=True):
        assert line.startswith(f"Cache entry {path} is corrupt")


def test_a_corrupt_execution_state_is_dropped_with_one_line(tmp_path):
    project = replace(PROJECT, cache_dir=tmp_path)
    execute._store_state(project, {"environment": [], "examples": {"a": [1]}})
    assert execute._load_state(project) == {"environment": [], "examples": {"a": [1]}}
    state = tmp_path / "execute" / "state.json"
    damage(state, "truncated")
    lines: list[str] = []
    assert execute._load_state(project, lines.append) == {}
    assert len(lines) == 1 and lines[0].startswith(f"Cache entry {state} is corrupt")


# Executed notebooks: what execution wrote is recorded in them and checked before use.


def executed_project(tmp_path: Path, fake_kernel: list[str]) -> config.Project:
    project = config.load(make_project(tmp_path))
    execute.build(project=project, log=lambda line: None)
    assert sorted(fake_kernel) == ["examples/en/01_first.py", "examples/en/02_second.py"]
    fake_kernel.clear()
    return project


def hand_edit(notebook_path: Path) -> None:
    notebook = json.loads(notebook_path.read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    code[0]["outputs"][0]["text"] = ["edited by hand\n"]
    notebook_path.write_text(json.dumps(notebook, indent=1))


def test_a_hand_edited_output_is_executed_again(tmp_path, fake_kernel):
    project = executed_project(tmp_path, fake_kernel)
    notebook = project.docs_dir / "en" / project.tutorials / "01_first.ipynb"
    assert execute.is_intact(nbformat.read(notebook, as_version=4))
    hand_edit(notebook)
    assert not execute.is_intact(nbformat.read(notebook, as_version=4))
    lines: list[str] = []
    execute.build(project=project, log=lines.append)
    assert fake_kernel == ["examples/en/01_first.py"]
    assert lines[0] == (
        f"docs/en/{project.tutorials}/01_first.ipynb: its content differs from what "
        "execution wrote; executing it again"
    )
    assert "edited by hand" not in notebook.read_text()
    assert execute.is_intact(nbformat.read(notebook, as_version=4))


def test_a_prose_edit_keeps_the_outputs_and_reseals_the_notebook(tmp_path, fake_kernel):
    project = executed_project(tmp_path, fake_kernel)
    script = project.examples_dir / "en" / "01_first.py"
    script.write_text(script.read_text().replace("Prose.", "New prose."))
    execute.build(project=project, log=lambda line: None)
    assert fake_kernel == []
    notebook = nbformat.read(project.docs_dir / "en" / project.tutorials / "01_first.ipynb", 4)
    assert "New prose." in notebook.cells[0].source and execute.is_intact(notebook)


def test_no_execution_warns_for_each_notebook_older_than_its_code(
    tmp_path, fake_kernel, monkeypatch, caplog
):
    project = executed_project(tmp_path, fake_kernel)
    assert execute.check_notebooks(project) == ([], [])
    for name in ("01_first", "02_second"):
        script = project.examples_dir / "en" / f"{name}.py"
        script.write_text(script.read_text() + "\nextra = 1\n")
    errors, warnings = execute.check_notebooks(project)
    assert errors == []
    assert warnings == [
        f"examples/en/{name}.py: its notebook docs/en/{project.tutorials}/{name}.ipynb is "
        "older than its code or nnguide; published as it is (NNGUIDE_EXECUTE=0)"
        for name in ("01_first", "02_second")
    ]
    # The plugin logs them as warnings (a --strict build fails) and executes nothing.
    monkeypatch.setenv("NNGUIDE_EXECUTE", "0")
    nnguide = plugin.NnguidePlugin()
    nnguide.project = project
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        nnguide._execute()
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == warnings
    assert fake_kernel == []


def test_no_execution_refuses_a_hand_edited_or_missing_notebook(tmp_path, fake_kernel, monkeypatch):
    project = executed_project(tmp_path, fake_kernel)
    folder = project.docs_dir / "en" / project.tutorials
    hand_edit(folder / "01_first.ipynb")
    (folder / "02_second.ipynb").unlink()
    errors, _ = execute.check_notebooks(project)
    assert errors == [
        f"docs/en/{project.tutorials}/01_first.ipynb: its content differs from what "
        "execution wrote (edited?)",
        f"examples/en/02_second.py: not executed yet (docs/en/{project.tutorials}/"
        "02_second.ipynb is missing)",
    ]
    monkeypatch.setenv("NNGUIDE_EXECUTE", "0")
    nnguide = plugin.NnguidePlugin()
    nnguide.project = project
    with pytest.raises(plugin.PluginError, match=r"01_first\.ipynb: its content differs"):
        nnguide._execute()


def test_no_execution_names_a_notebook_from_an_older_build(tmp_path, fake_kernel):
    project = executed_project(tmp_path, fake_kernel)
    path = project.docs_dir / "en" / project.tutorials / "02_second.ipynb"
    notebook = json.loads(path.read_text())
    del notebook["metadata"][METADATA_KEY]["digest"]
    path.write_text(json.dumps(notebook))
    assert execute.check_notebooks(project)[0] == [
        f"docs/en/{project.tutorials}/02_second.ipynb: executed by an older build "
        "(no digest of its content)"
    ]


def test_a_render_entry_whose_figure_is_missing_is_transformed_again(tmp_path, caplog, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(render, "code_cells", fake_code_cells(calls))
    first = render.RenderCache(tmp_path / "render").render("<html>", "{}")
    figure = tmp_path / "render" / "figures" / "figure-ab.png"
    figure.unlink()
    (entry,) = (tmp_path / "render").glob("*.json")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert render.RenderCache(tmp_path / "render").render("<html>", "{}") == first
    assert len(calls) == 2 and figure.is_file()
    assert dropped_lines(caplog) == [
        f"Cache entry {entry} is corrupt (its figure {figure} is missing): dropped, rebuilding it"
    ]


def test_a_truncated_executed_notebook_is_named_and_executed_again(tmp_path, fake_kernel):
    project = executed_project(tmp_path, fake_kernel)
    path = project.docs_dir / "en" / project.tutorials / "02_second.ipynb"
    path.write_bytes(path.read_bytes()[:100])
    shown = f"docs/en/{project.tutorials}/02_second.ipynb"
    assert execute.check_notebooks(project)[0] == [f"{shown}: not a readable notebook (truncated?)"]
    lines: list[str] = []
    execute.build(project=project, log=lines.append)
    assert fake_kernel == ["examples/en/02_second.py"]
    assert lines[0] == f"{shown}: not a readable notebook (truncated?); executing it again"
    assert execute.is_intact(nbformat.read(path, as_version=4))


def test_installed_versions_are_looked_up_once_per_environment(monkeypatch):
    looked_up: list[str] = []

    def version(name):
        looked_up.append(name)
        if name == "absent":
            raise execute.importlib.metadata.PackageNotFoundError(name)
        return f"{name}-1.0"

    monkeypatch.setattr(execute.importlib.metadata, "version", version)
    expected = {"absent": None, "torch": "torch-1.0"}
    assert execute.installed_versions({"torch", "absent"}, "env-a") == expected
    assert execute.installed_versions({"torch", "absent"}, "env-a") == expected
    assert looked_up == ["absent", "torch"], "the same environment: not looked up again"
    assert execute.installed_versions({"torch"}, "env-b") == {"torch": "torch-1.0"}
    assert execute.installed_versions({"torch"}) == {"torch": "torch-1.0"}
    assert looked_up == ["absent", "torch", "torch", "torch"], "another environment, or none"


def test_mkdocs_and_python_m_mkdocs_share_the_execution_state(monkeypatch):
    """``make serve`` (the venv's ``mkdocs``) and ``python -m mkdocs`` (the tests, ``make
    docs``) differ only in the first entry of ``sys.path``: the checkout or the venv's
    ``bin``. The execution state's stamps are the same for both, so neither command makes
    the other check every script again; a folder packages come from still counts."""
    project = config.load()
    bin_dir = str(Path(sys.executable).parent)
    rest = [entry for entry in sys.path if entry and entry not in (bin_dir, str(project.root))]
    monkeypatch.setattr(sys, "path", [str(project.root), *rest])
    from_checkout = execute._environment_stamps(project)
    monkeypatch.setattr(sys, "path", [bin_dir, *rest])
    assert execute._environment_stamps(project) == from_checkout
    monkeypatch.setattr(sys, "path", [bin_dir, *rest, str(project.root / "tools")])
    assert execute._environment_stamps(project) != from_checkout


def test_a_kernel_s_modules_become_distributions_found_once_per_environment(tmp_path, monkeypatch):
    """The kernel reports its top-level modules; the build maps them to distributions."""

    fake_distribution(tmp_path, "fakedep", "1.0", module="fake_module")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.setattr(execute, "_PROVIDERS", {})
    imported = ["fake_module", "json", "not_installed"]
    assert execute.imported_distributions(imported, "env-a") == {"fakedep": "1.0"}
    fake_distribution(tmp_path, "otherdep", "2.0", module="other_module")
    assert execute.imported_distributions(["other_module"], "env-a") == {}, "not read again"
    assert execute.imported_distributions(["other_module"], "env-b") == {"otherdep": "2.0"}
    assert execute.imported_distributions(["other_module"]) == {"otherdep": "2.0"}
