"""tools/usage.py: which lessons use which API objects, kept on disk between builds."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.tools import lesson_fixture
from tools import config, lessons, linkcode, usage

API_DIR = PROJECT.docs_dir / PROJECT.default.code / "api"

FIT = """# %% [markdown]
# # Fitting

# %%
import nnguide

nnguide.fit(None)
"""

EVALUATE = """# %% [markdown]
# # Evaluating

# %%
from nnguide.training import evaluate
"""


@pytest.fixture(scope="module")
def resolver() -> linkcode.Resolver:
    return linkcode.Resolver.for_docs(API_DIR)


def scripts_project(root: Path):
    """Two English lessons: one fits, one evaluates."""
    (root / "examples" / "en").mkdir(parents=True)
    (root / "examples" / "en" / "01_fit.py").write_text(FIT, encoding="utf-8")
    (root / "examples" / "en" / "02_evaluate.py").write_text(EVALUATE, encoding="utf-8")
    return replace(
        PROJECT,
        root=root,
        docs_dir=root / "docs",
        examples_dir=root / "examples",
        languages=(PROJECT.default,),
    )


def test_find_lists_the_lessons_that_use_each_object(tmp_path, resolver):
    project = scripts_project(tmp_path)
    assert usage.find(project, resolver, {}) == {
        "en": {
            "nnguide.training.fit": [("01_fit", "Fitting")],
            "nnguide.training.evaluate": [("02_evaluate", "Evaluating")],
        }
    }


def test_a_second_find_reads_no_lesson_until_a_script_changes(tmp_path, resolver, monkeypatch):
    project = scripts_project(tmp_path / "project")
    cache = tmp_path / "cache"
    first = usage.find(project, resolver, {}, cache)
    assert len(list(cache.glob("usage-*.json"))) == 1

    def unread(example, **options):
        raise AssertionError(f"{example.label} was read again")

    with monkeypatch.context() as patched:
        patched.setattr(lessons, "read", unread)
        assert usage.find(project, resolver, {}, cache) == first
        script = project.examples_dir / "en" / "02_evaluate.py"
        script.write_text(EVALUATE.replace("evaluate", "fit"), encoding="utf-8")
        with pytest.raises(AssertionError, match="was read again"):
            usage.find(project, resolver, {}, cache)
    assert usage.find(project, resolver, {}, cache) == {
        "en": {"nnguide.training.fit": [("01_fit", "Fitting"), ("02_evaluate", "Evaluating")]}
    }
    assert len(list(cache.glob("usage-*.json"))) == 1, "the older answer is removed"


def test_the_public_api_is_kept_and_read_back(tmp_path, resolver, monkeypatch):
    public = usage.public_api(resolver, tmp_path)
    assert public == linkcode.public_api(resolver)
    [path] = tmp_path.glob("public-*.json")
    assert json.loads(path.read_text()) == sorted(public)
    monkeypatch.setattr(linkcode, "public_api", lambda resolver: pytest.fail("computed again"))
    assert usage.public_api(resolver, tmp_path) == public


def test_an_unreadable_cache_file_is_computed_again(tmp_path):
    (tmp_path / "answer-k.json").write_text("{not json")
    assert usage.cached(tmp_path, "answer", "k", lambda: {"a"}, set) == {"a"}
    assert json.loads((tmp_path / "answer-k.json").read_text()) == ["a"]
    assert usage.cached(tmp_path, "answer", "k", lambda: {"b"}, set) == {"a"}


def test_a_prose_or_comment_edit_resolves_no_name_again(tmp_path, resolver, monkeypatch):
    project = scripts_project(tmp_path / "project")
    cache = tmp_path / "cache"
    first = usage.find(project, resolver, {}, cache)
    assert len(list(cache.glob("lesson-*.json"))) == 2
    script = project.examples_dir / "en" / "01_fit.py"
    resolved = []
    real = linkcode.lesson_usage

    def counted(sources, resolver):
        resolved.append(sources)
        return real(sources, resolver)

    monkeypatch.setattr(linkcode, "lesson_usage", counted)
    edited = FIT.replace("# # Fitting", "# # Fitting a model").replace(
        "import nnguide\n", "import nnguide  # the package\n\n"
    )
    script.write_text(edited, encoding="utf-8")
    assert usage.find(project, resolver, {}, cache) == {
        "en": {
            "nnguide.training.fit": [("01_fit", "Fitting a model")],
            "nnguide.training.evaluate": first["en"]["nnguide.training.evaluate"],
        }
    }
    assert resolved == [], "a new memo, yet every lesson's answer came from the disk"

    script.write_text(edited.replace("nnguide.fit(None)", "nnguide.evaluate(None)"), "utf-8")
    assert usage.find(project, resolver, {}, cache)["en"] == {
        "nnguide.training.evaluate": [("01_fit", "Fitting a model"), ("02_evaluate", "Evaluating")]
    }
    assert len(resolved) == 1, "only the lesson whose code changed is resolved"
    assert len(list(cache.glob("lesson-*.json"))) == 2, "the older answer is removed"


def test_preloading_keeps_every_lesson_s_answer_for_the_next_find(tmp_path, monkeypatch):
    """``mkdocs serve``'s warm-up: the first edit's rebuild looks at no unchanged lesson."""
    project = config.load(lesson_fixture.make(tmp_path / "project"))
    resolver = linkcode.Resolver.for_docs(project.docs_dir / "en" / "api")
    memo: usage.Memo = {}
    usage.preload(project, resolver, memo, tmp_path / "cache")
    assert [sources for _, sources in memo] == [tuple(lesson_fixture.CODE)]
    monkeypatch.setattr(usage, "_lesson_usage", lambda *args: pytest.fail("looked at again"))
    monkeypatch.setattr(lessons, "parse", lambda *args: pytest.fail("parsed again"))
    assert usage.find(project, resolver, memo) == {"en": {}, "ko": {}}
