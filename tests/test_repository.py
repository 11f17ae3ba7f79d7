"""Project files that are not Python code: the workflows."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import nnguide
from tests.conftest import PROJECT, ROOT


def actionlint() -> str:
    found = Path(sys.executable).with_name("actionlint")
    return str(found) if found.exists() else shutil.which("actionlint")


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_workflow_passes_actionlint(workflow):
    result = subprocess.run([actionlint(), str(workflow)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_test_workflow_runs_the_readme_test_command_on_every_change():
    text = (ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme.split("```")[1]
    assert "make test" in text and "pull_request" in text and "push" in text
    assert "GITHUB_STEP_SUMMARY" in text and "upload-artifact" in text


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses:\n"
    )
    result = subprocess.run([actionlint(), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "broken.yml" in result.stdout


def load_workflow(name: str) -> dict:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text("utf-8"))
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true
    return workflow


def step(job: dict, name_start: str) -> dict:
    found = [s for s in job["steps"] if s.get("name", "").startswith(name_start)]
    assert len(found) == 1, name_start
    return found[0]


def test_a_version_tag_builds_checks_and_publishes_with_trusted_publishing():
    workflow = load_workflow("release.yml")
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    script = step(build, "Build the sdist")["run"]
    assert "python -m build" in script and "twine check --strict dist/*" in script
    names = [s.get("name", s.get("uses")) for s in build["steps"]]
    assert names.index("The tag names the package version") < names.index(
        "Build the sdist and the wheel"
    )
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"id-token": "write"}, "the only job with a token"
    assert publish["environment"]["name"] == "pypi"
    uses = [s.get("uses", "") for s in publish["steps"]]
    assert "pypa/gh-action-pypi-publish@release/v1" in uses
    assert not any("password" in str(s.get("with", {})) for s in publish["steps"])


@pytest.mark.parametrize(
    ("tag", "passes"), [(f"v{nnguide.__version__}", True), ("v0.0.0", False), ("0.2.0", False)]
)
def test_the_release_runs_only_for_the_tag_of_the_package_version(tag, passes, tmp_path):
    """The workflow's own check, run on this tree: the tag must be v<nnguide.__version__>."""
    script = step(load_workflow("release.yml")["jobs"]["build"], "The tag names")["run"]
    (tmp_path / "nnguide").mkdir()
    shutil.copy(ROOT / "nnguide" / "__init__.py", tmp_path / "nnguide" / "__init__.py")
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env={"TAG": tag, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert (result.returncode == 0) is passes, result.stdout + result.stderr
    if not passes:
        assert f"tag {tag} does not name the package version {nnguide.__version__}" in (
            result.stdout
        )


def test_pages_publishes_the_notebooks_that_open_in_colab():
    """The notebooks branch gets the built site's notebooks under the name mkdocs.yml gives."""
    workflow = load_workflow("pages.yml")
    build, notebooks = workflow["jobs"]["build"], workflow["jobs"]["notebooks"]
    export = step(build, "The site's notebooks")
    assert ".venv/bin/python -m tools.downloads export site colab-notebooks" in export["run"]
    assert "config.load().notebooks_branch" in export["run"]
    assert build["outputs"]["notebooks_branch"] == "${{ steps.notebooks.outputs.branch }}"
    assert PROJECT.notebooks_branch
    assert notebooks["needs"] == "build"
    assert notebooks["permissions"] == {"contents": "write"}
    push = step(notebooks, "Publish them to the notebooks branch")
    assert push["env"]["BRANCH"] == "${{ needs.build.outputs.notebooks_branch }}"
    assert 'HEAD:refs/heads/${BRANCH}"' in push["run"] and "--force" in push["run"]
    build_step = step(build, "Build the site")
    assert build_step["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
