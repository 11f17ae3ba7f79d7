"""Languages are declared once: a third one is an entry in mkdocs.yml and two folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import LESSONS, mkdocs_env, run_mkdocs_build, small_project
from tools import config

pytestmark = pytest.mark.slow

JAPANESE = """        - locale: ja
          name: 日本語
          build: true
          site_name: nnguide — PyTorchで学ぶニューラルネットワーク
          extra:
            labels:
              download: ダウンロード
              script: Pythonスクリプト(.py)
              notebook: 実行済みノートブック(.ipynb)
              runtime: "スクリプトの実行時間: {seconds:.2f} 秒"
              provenance: "{date} に {device} で実行 (Python {python}, PyTorch {torch}); 最大メモリ {memory}"
              figure: "図 {number}: {description}"
              status_columns: [レッスン, 実行時間, 最大メモリ, 実行環境, このビルド, 実行日時]
              executed: 実行
              cached: キャッシュ
              solution: 解答
              archive: 全レッスン (.zip)
"""


# The lessons of the small copy of the project that gets the third language.
KEPT = (LESSONS[0],)


@pytest.fixture(scope="module")
def three_languages(executed_project, tmp_path_factory):
    """A small copy of the project with a Japanese stub (English text) as a third language."""
    folder = tmp_path_factory.mktemp("three")
    project = small_project(folder / "project", KEPT, source=executed_project)
    shutil.copytree(project / "docs" / "en", project / "docs" / "ja")
    shutil.copytree(project / "examples" / "en", project / "examples" / "ja")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    anchor = "  - mkdocs-jupyter:\n"
    assert anchor in text
    (project / "mkdocs.yml").write_text(text.replace(anchor, JAPANESE + anchor), encoding="utf-8")
    site = project / "site"
    result = run_mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-5000:]
    return project, site, result.stderr


def test_the_configuration_lists_the_new_language(three_languages):
    project, _, log = three_languages
    settings = config.load(project)
    assert settings.codes == ("en", "ko", "ja")
    assert settings.language("ja").root == "ja/"
    assert "Examples: 0 executed" in log, "the stub's notebooks came from the cache"


@pytest.mark.parametrize("name", KEPT)
def test_each_tutorial_has_a_page_in_the_new_language(three_languages, name):
    _, site, _ = three_languages
    html = (site / "ja" / "tutorials" / name / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja"' in html
    assert "nb-output" in html
    assert f'<a href="{name}.py" download>Pythonスクリプト(.py)</a>' in html
    assert "スクリプトの実行時間" in html
    assert (site / "ja" / "tutorials" / name / f"{name}.ipynb").is_file()
    english = (site / "tutorials" / name / "index.html").read_text(encoding="utf-8")
    assert f'href="../../ja/tutorials/{name}/" hreflang="ja"' in english


def test_the_new_language_has_its_own_search_index(three_languages):
    _, site, _ = three_languages
    index = json.loads((site / "ja" / "search" / "search_index.json").read_text("utf-8"))
    assert index["config"]["lang"] == ["ja"]
    locations = [doc["location"] for doc in index["docs"]]
    assert f"tutorials/{KEPT[0]}/" in locations
    assert not any(location.startswith(("ja/", "ko/")) for location in locations)
    assert not (site / "ja" / "search" / "terms.json").exists(), "only Korean is segmented"


def test_the_language_tests_run_for_the_new_language(three_languages):
    project, _, _ = three_languages
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/examples/test_examples.py",
         "-k", "parity or sections or exist"],
        cwd=project,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{2 * len(KEPT) * 2 + 1} passed" in result.stdout
    assert "ja/" in subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/examples", "-k", "parity"],
        cwd=project, capture_output=True, text=True, timeout=300,
    ).stdout
