"""nnguide as a distribution: one version, a clean wheel and sdist, twine's check."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import zipfile

import pytest

import nnguide
from tests.conftest import PROJECT, ROOT
from tools import downloads

pytestmark = pytest.mark.slow

VERSION = nnguide.__version__


def package_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "nnguide").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_twine_check_passes(distributions):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            str(distributions.wheel),
            str(distributions.sdist),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


def test_the_wheel_holds_only_the_package_and_its_metadata(distributions):
    with zipfile.ZipFile(distributions.wheel) as wheel:
        names = set(wheel.namelist())
        info = f"nnguide-{VERSION}.dist-info"
        assert {name.split("/")[0] for name in names} == {"nnguide", info}
        assert {name for name in names if name.startswith("nnguide/")} == package_files()
        assert wheel.read(f"{info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
        metadata = email.message_from_bytes(wheel.read(f"{info}/METADATA"))
    assert metadata["Name"] == "nnguide"
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    assert {"plot", "data"} <= set(metadata.get_all("Provides-Extra"))
    requires = metadata.get_all("Requires-Dist")
    assert "torch>=2.2" in requires
    assert 'matplotlib>=3.8; extra == "plot"' in requires
    assert 'scikit-learn>=1.3; extra == "data"' in requires
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_the_sdist_holds_the_package_license_and_changelog(distributions):
    with tarfile.open(distributions.sdist) as sdist:
        names = {name.partition("/")[2] for name in sdist.getnames()}
    for expected in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "PKG-INFO"):
        assert expected in names
    assert package_files() <= names
    tops = {name.split("/")[0] for name in names if name}
    assert tops.isdisjoint({"tools", "tests", "examples", "docs", "benchmarks", "overrides"})


def test_one_version_everywhere(distributions):
    """nnguide.__version__ is the source: the metadata, the files and the changelog agree."""
    assert distributions.wheel.name == f"nnguide-{VERSION}-py3-none-any.whl"
    assert distributions.sdist.name == f"nnguide-{VERSION}.tar.gz"
    with zipfile.ZipFile(distributions.wheel) as wheel:
        metadata = email.message_from_bytes(wheel.read(f"nnguide-{VERSION}.dist-info/METADATA"))
    assert metadata["Version"] == VERSION
    assert downloads.package_version(PROJECT) == VERSION
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'version = { attr = "nnguide.__version__" }' in pyproject
    project = re.search(r"^\[project\]\n(.*?)^\[", pyproject, flags=re.MULTILINE | re.DOTALL)
    assert project is not None
    assert not re.search(r"^version\s*=", project.group(1), flags=re.MULTILINE), "a second source"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (\S+)", changelog, flags=re.MULTILINE)[0] == VERSION
