"""``mkdocs serve --dirty`` (``make serve``): what an author's edit of a lesson costs.

The rebuilds run as ``mkdocs serve`` runs them (a new configuration, the same plugin,
a dirty build), in a process of their own, on the fixture lesson (its notebooks are
stamped as executed, and prose and comment edits execute nothing; without the plugin's
``spare_kernels``, no kernel starts).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import mkdocs_env, mkdocs_serve
from tests.tools import lesson_fixture
from tools import serve_watch

# Rebuilds the project in the working folder after each edit (argv: site, edits as
# JSON: file or files, old text, new text, what the lesson's page then shows); prints
# the counts of the first build, then per edit whether the page shows it, the pages it
# rendered and how often mkdocs-jupyter converted a notebook, the render step transformed
# a lesson's code cells, a script was executed (in a spare kernel) and spare kernels were
# started; and the entries the search plugin keeps and the sections of each index.
SERVE = """
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs_jupyter import convert
from tools import execute, render
from tools.plugin import NnguidePlugin

site, edits = sys.argv[1], json.loads(sys.argv[2])
sys.argv.append("--dirty")  # mkdocs-static-i18n reads it there
calls = {"converted": 0, "transformed": 0, "executed": 0, "from_spare": 0, "spares_started": 0}

def counted(name, function):
    def wrapper(*args, **kwargs):
        calls[name] += 1
        return function(*args, **kwargs)
    return wrapper

def take_spare(*args, take=execute._take_spare):
    spare = take(*args)
    calls["from_spare"] += spare is not None
    return spare

def start_spares(*args, start=execute.start_spares, **kwargs):
    started = start(*args, **kwargs)
    calls["spares_started"] += started
    return started

rendered = []  # the pages whose Markdown the rebuild read, by source path

def on_page_markdown(self, markdown, *, page, **kwargs):
    rendered.append(page.file.src_uri)
    return markdown_step(self, markdown, page=page, **kwargs)

markdown_step = NnguidePlugin.on_page_markdown
NnguidePlugin.on_page_markdown = on_page_markdown
convert.nb2html = counted("converted", convert.nb2html)
render.code_cells = counted("transformed", render.code_cells)
execute.execute = counted("executed", execute.execute)
execute._take_spare, execute.start_spares = take_spare, start_spares
def search(config):  # the entries the search plugin keeps; the sections of each index
    found = {"kept": len(config.plugins["material/search"].search_index.entries)}
    for root in ("", "ko/"):
        index = json.loads(Path(site, root, "search", "search_index.json").read_text("utf-8"))
        found[f"sections {root or 'en/'}"] = len(index["docs"])
    return found

config = load_config("mkdocs.yml", site_dir=site)
config.plugins.on_startup(command="serve", dirty=True)
build(config, dirty=True)
results = [{**calls, **search(config)}]
for paths, old, new, shows in edits:
    for path in [paths] if isinstance(paths, str) else paths:
        text = Path(path).read_text(encoding="utf-8")
        assert old in text, old
        Path(path).write_text(text.replace(old, new, 1), encoding="utf-8")
    before = dict(calls)
    rendered.clear()
    config = load_config("mkdocs.yml", site_dir=site)
    build(config, dirty=True)
    page = Path(site) / "tutorials" / "00_fixture" / "index.html"
    shown = shows in page.read_text(encoding="utf-8")
    counts = {k: calls[k] - before[k] for k in calls}
    results.append({"shown": shown, "pages": sorted(rendered), **counts, **search(config)})
config.plugins.on_shutdown()
print(json.dumps(results))
"""


def serve(project, site, edits, log: list[str] | None = None):
    """The counts of the first build, then of each edit's rebuild (see SERVE).

    ``log``: a list that gets the builds' log (their standard error).
    """
    result = run_builds(project, SERVE, str(site), json.dumps(edits))
    if log is not None:
        log.append(result.stderr)
    return json.loads(result.stdout.splitlines()[-1])


def run_builds(project, script: str, *argv: str) -> subprocess.CompletedProcess:
    """Run ``script`` (SERVE, HELD) in ``project`` in a process of its own; it must pass."""
    result = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=project,
        env={**mkdocs_env(), "NNGUIDE_STRICT": "false"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def without_spare_kernels(project):
    """Set the plugin's ``spare_kernels: false``: the rebuilds start no kernel."""
    settings = project / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    assert "  - nnguide\n" in text
    settings.write_text(
        text.replace("  - nnguide\n", "  - nnguide:\n      spare_kernels: false\n"),
        encoding="utf-8",
    )


def pick(counts, *names):
    return {name: counts[name] for name in names}


@pytest.mark.slow
def test_prose_and_comment_edits_convert_and_transform_nothing_again(tmp_path):
    project = lesson_fixture.make(tmp_path / "project")
    without_spare_kernels(project)
    script = str(project / "examples" / "en" / "00_fixture.py")
    edits = [
        # another page first: a dirty rebuild evicts the entries of the pages it skips
        (str(project / "docs" / "en" / "index.md"), "# Home", "# Home page", "Home page"),
        (script, "# Fixture lesson", "# Fixture lesson, edited", "Fixture lesson, edited"),
        # a new comment: the masked code changes
        (script, "y = 2\n", "y = 2  # two\n", '<span class="c1"># two</span>'),
        (script, "# two", "# two, edited", '<span class="c1"># two, edited</span>'),
        (script, "is small.", "is rather small.", "is rather small."),
    ]
    first, *rebuilds = serve(project, tmp_path / "site", edits)
    page, prose, new_comment, comment, prose_again = (
        pick(counts, "shown", "converted", "transformed") for counts in rebuilds
    )
    # what changed is rendered again: the build status lists the lesson's title
    assert [counts["pages"] for counts in rebuilds] == [
        ["en/index.md"],
        ["en/build-status.md", "en/tutorials/00_fixture.ipynb"],
        ["en/tutorials/00_fixture.ipynb"],
        ["en/tutorials/00_fixture.ipynb"],
        ["en/tutorials/00_fixture.ipynb"],
    ]
    assert page == {"shown": False, "converted": 0, "transformed": 0}  # not the lesson's page
    assert prose == {"shown": True, "converted": 0, "transformed": 0}
    assert new_comment == {"shown": True, "converted": 1, "transformed": 1}
    assert comment == {"shown": True, "converted": 0, "transformed": 0}
    assert prose_again == {"shown": True, "converted": 0, "transformed": 0}
    # each language's index has its sections after every rebuild, and the search plugin
    # keeps no entries for the next one (tools/search_entries_growth.py)
    searched = [pick(counts, "kept", "sections en/", "sections ko/") for counts in rebuilds]
    assert searched == [pick(first, "kept", "sections en/", "sections ko/")] * 5
    assert first["kept"] == 0 and first["sections en/"] == first["sections ko/"] > 5
    assert [counts["executed"] + counts["spares_started"] for counts in [first, *rebuilds]] == [
        0
    ] * 6, "no kernel starts"


@pytest.mark.slow
@pytest.mark.kernel
def test_a_code_edit_runs_in_the_kernels_started_after_the_last_build(tmp_path):
    """A kernel per language waits for the code edit, which then starts none of its own."""
    project = lesson_fixture.make(tmp_path / "project")
    scripts = [str(project / "examples" / lang / "00_fixture.py") for lang in ("en", "ko")]
    edits = [
        (scripts[0], "is small.", "is rather small.", "is rather small."),
        (scripts, "print('done')", "print('done again')", "done again"),  # both languages
    ]
    first, prose, code = serve(project, tmp_path / "site", edits)
    names = ("executed", "from_spare", "spares_started")
    assert pick(first, *names) == {"executed": 0, "from_spare": 0, "spares_started": 2}
    assert pick(prose, "shown", *names) == {
        "shown": True,
        "executed": 0,
        "from_spare": 0,
        "spares_started": 0,  # the two still wait
    }
    assert pick(code, "shown", *names) == {
        "shown": True,
        "executed": 2,
        "from_spare": 2,  # no kernel started for the edit
        "spares_started": 2,  # two wait for the next one
    }


@pytest.mark.slow
def test_an_edited_lesson_keeps_its_links_to_the_api_pages_the_rebuild_skips(tmp_path):
    """A dirty rebuild renders the lesson, not the API page its references point to."""
    cells = list(lesson_fixture.MARKDOWN_CELLS)
    cells[0] += "\n\nCount them with [count_parameters][nnguide.models.count_parameters]."
    project = lesson_fixture.make(tmp_path / "project", cells)
    without_spare_kernels(project)
    for lang in ("en", "ko"):
        api = project / "docs" / lang / "api"
        api.mkdir()
        (api / "models.md").write_text("# Models\n\n::: nnguide.models.count_parameters\n")
    script = str(project / "examples" / "en" / "00_fixture.py")
    link = 'href="../../api/models/#nnguide.models.count_parameters"'
    edits = [
        (script, "is small.", "is rather small.", link),
        (str(project / "docs" / "en" / "index.md"), "# Home", "# Home page", link),
        (script, "is rather small.", "is quite small.", link),
    ]
    log: list[str] = []
    site = tmp_path / "site"
    _, prose, _, prose_again = serve(project, site, edits, log)
    assert prose["shown"] and prose_again["shown"], "the rebuilt lesson links to the API page"
    assert "Could not find cross-reference target" not in log[0]
    korean = (site / "ko" / "tutorials" / "00_fixture" / "index.html").read_text("utf-8")
    assert link in korean  # the Korean build's own API page


@pytest.mark.slow
@pytest.mark.kernel
def test_a_rebuild_renders_again_the_pages_made_from_what_the_lessons_changed(tmp_path):
    """The Index, the build status and the API pages' lists of lessons come from the
    lessons: a dirty rebuild renders them again when what they show changed."""
    project = lesson_fixture.make(tmp_path / "project")
    for lang in ("en", "ko"):
        docs = project / "docs" / lang
        (docs / "index-terms.md").write_text("# Index\n", encoding="utf-8")
        (docs / "api").mkdir()
        (docs / "api" / "models.md").write_text("# Models\n\n::: nnguide.models\n")
    scripts = [str(project / "examples" / lang / "00_fixture.py") for lang in ("en", "ko")]
    heading = "# # Fixture lesson { #fixture }\n"
    edits = [
        (scripts[0], heading, heading + "# <!-- index: fixture term -->\n", "Fixture lesson"),
        (scripts, "y = 2\n", "from nnguide.models import count_parameters\n\ny = 2\n", "done"),
    ]
    site = tmp_path / "site"
    _, index_term, code = serve(project, site, edits)
    assert index_term["executed"] == 0 and code["executed"] == 2
    assert index_term["pages"] == ["en/index-terms.md", "en/tutorials/00_fixture.ipynb"]
    assert code["pages"] == [
        "en/api/models.md",
        "en/build-status.md",
        "en/tutorials/00_fixture.ipynb",
        "ko/api/models.md",
        "ko/build-status.md",
        "ko/tutorials/00_fixture.ipynb",
    ]

    def page(*path: str) -> str:
        return site.joinpath(*path, "index.html").read_text(encoding="utf-8")

    assert "fixture term" in page("index-terms")
    lesson = 'href="../../tutorials/00_fixture/"'
    api = page("api", "models")
    assert "Used in the lessons:" in api and lesson in api
    assert "이 객체를 쓰는 강의:" in page("ko", "api", "models")
    status = page("build-status")
    assert "executed" in status and "from the cache" not in status


# Builds as SERVE does, making the same prose edit and taking it back in turn (argv:
# site, rebuilds); prints, after every fourth rebuild, the bytes each plugin holds (its
# attributes, followed through containers and objects, each object counted once).
HELD = r"""
import json, sys, types
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

sys.argv.append("--dirty")  # mkdocs-static-i18n reads it there
SKIPPED = (types.ModuleType, types.FunctionType, types.MethodType, type)

def held(obj, seen):
    if id(obj) in seen or isinstance(obj, SKIPPED):
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(held(key, seen) + held(value, seen) for key, value in list(obj.items()))
    elif isinstance(obj, (list, tuple, set, frozenset)):
        size += sum(held(item, seen) for item in list(obj))
    elif hasattr(obj, "__dict__"):
        size += held(vars(obj), seen)
    return size

site, rebuilds = sys.argv[1], int(sys.argv[2])
config = load_config("mkdocs.yml", site_dir=site)
config.plugins.on_startup(command="serve", dirty=True)
build(config, dirty=True)
script, sizes = Path("examples/en/00_fixture.py"), []
for rebuild in range(1, rebuilds + 1):
    text = script.read_text(encoding="utf-8")
    edited = text.replace("is small.", "is small!") if "is small." in text else text.replace(
        "is small!", "is small."
    )
    script.write_text(edited, encoding="utf-8")
    config = load_config("mkdocs.yml", site_dir=site)
    build(config, dirty=True)
    if rebuild % 4 == 0:
        sizes.append({name: held(plugin, set()) for name, plugin in config.plugins.items()})
config.plugins.on_shutdown()
print(json.dumps(sizes))
"""


@pytest.mark.slow
def test_no_plugin_holds_more_with_every_rebuild(tmp_path):
    """State kept across ``serve``'s rebuilds stays the same size over the same edits.

    Twelve rebuilds, a prose edit and its undoing in turn: what each plugin holds after
    the twelfth is what it held after the fourth (within 2 %). Before the search plugin's
    entries were emptied (:mod:`tools.search_entries_growth`), Material's search plugin
    held 57, 92 and then 645 kB here.
    """
    project = lesson_fixture.make(tmp_path / "project")
    without_spare_kernels(project)
    result = run_builds(project, HELD, str(tmp_path / "site"), "12")
    fourth, _, twelfth = json.loads(result.stdout.splitlines()[-1])
    assert {"material/search", "i18n", "nnguide"} <= set(fourth)
    grown = {
        name: (fourth[name], size) for name, size in twelfth.items() if size > fourth[name] * 1.02
    }
    assert grown == {}, f"bytes held after the 4th and the 12th rebuild: {grown}"


def shown(url: str, text: str, limit: float = 60) -> bool:
    """Whether ``url`` shows ``text`` within ``limit`` seconds (polled)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url, timeout=30) as response:
            if text in response.read().decode("utf-8"):
                return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_an_edit_rebuilds_once_though_the_rebuild_writes_into_the_watched_docs(tmp_path):
    """A lesson's rebuild writes its notebook into ``docs/``, which serve watches: that
    starts no second rebuild, and an edit of a page in ``docs/`` still starts one."""
    project = lesson_fixture.make(tmp_path / "project")
    without_spare_kernels(project)
    log = tmp_path / "serve.log"
    script = project / "examples" / "en" / "00_fixture.py"
    home = project / "docs" / "en" / "index.md"

    def rebuilds() -> int:
        return log.read_text(encoding="utf-8").count("Detected file changes")

    with mkdocs_serve(project, log, execute=True) as url:
        notebook = project / "docs" / "en" / "tutorials" / "00_fixture.ipynb"
        written = notebook.stat().st_mtime_ns
        script.write_text(script.read_text().replace("is small.", "is rather small."))
        assert shown(f"{url}tutorials/00_fixture/", "is rather small.")
        assert notebook.stat().st_mtime_ns != written, "the rebuild wrote the notebook"
        time.sleep(3)  # a rebuild the notebook started would have begun
        assert rebuilds() == 1, log.read_text()[-3000:]
        home.write_text(home.read_text().replace("# Home", "# Home page"))
        assert shown(url, "Home page"), "docs/ is watched again"
        time.sleep(1)
        assert rebuilds() == 2, log.read_text()[-3000:]


class Watcher:
    """What ``paused`` calls of MkDocs' server: ``watch`` and ``unwatch``, counted by path."""

    def __init__(self, *watched: str) -> None:
        self.watched = dict.fromkeys(watched, 1)
        self.calls: list[tuple[str, str]] = []

    def watch(self, path: str) -> None:
        self.calls.append(("watch", path))
        self.watched[path] = self.watched.get(path, 0) + 1

    def unwatch(self, path: str) -> None:
        self.calls.append(("unwatch", path))
        self.watched[path] -= 1  # KeyError when not watched, as MkDocs' does
        if not self.watched[path]:
            del self.watched[path]


def test_paused_unwatches_the_folder_for_the_block_and_watches_it_again(tmp_path):
    server = Watcher(str(tmp_path))
    with serve_watch.paused(server, tmp_path):
        assert server.watched == {}
    assert server.watched == {str(tmp_path): 1}
    with pytest.raises(OSError), serve_watch.paused(server, tmp_path):
        raise OSError("a failed write")
    assert server.watched == {str(tmp_path): 1}, "watched again after an error too"


def test_paused_leaves_an_unwatched_folder_and_a_plain_build_alone(tmp_path):
    server = Watcher()
    with serve_watch.paused(server, tmp_path):
        pass
    assert server.watched == {} and server.calls == [("unwatch", str(tmp_path))]
    with serve_watch.paused(None, tmp_path):  # `mkdocs build`: no server
        pass
