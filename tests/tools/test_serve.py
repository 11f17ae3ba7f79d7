"""``mkdocs serve --dirty`` (``make serve``): what an author's edit of a lesson costs.

The rebuilds run as ``mkdocs serve`` runs them (a new configuration, the same plugin,
a dirty build), in a process of their own, on the fixture lesson (no kernel starts:
its notebooks are stamped as executed, and prose and comment edits execute nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import mkdocs_env
from tests.tools import lesson_fixture

# Rebuilds the project in the working folder after each edit (argv: site, edits as
# JSON: file, old text, new text, what the lesson's page then shows); prints, per
# edit, whether the page shows it and how often mkdocs-jupyter
# converted a notebook and the render step transformed a lesson's code cells.
SERVE = """
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs_jupyter import convert
from tools import render

site, edits = sys.argv[1], json.loads(sys.argv[2])
sys.argv.append("--dirty")  # mkdocs-static-i18n reads it there
calls = {"converted": 0, "transformed": 0}

def counted(name, function):
    def wrapper(*args, **kwargs):
        calls[name] += 1
        return function(*args, **kwargs)
    return wrapper

convert.nb2html = counted("converted", convert.nb2html)
render.code_cells = counted("transformed", render.code_cells)
config = load_config("mkdocs.yml", site_dir=site)
config.plugins.on_startup(command="serve", dirty=True)
build(config, dirty=True)
results = []
for path, old, new, shows in edits:
    text = Path(path).read_text(encoding="utf-8")
    assert old in text, old
    Path(path).write_text(text.replace(old, new, 1), encoding="utf-8")
    before = dict(calls)
    build(load_config("mkdocs.yml", site_dir=site), dirty=True)
    page = Path(site) / "tutorials" / "00_fixture" / "index.html"
    shown = shows in page.read_text(encoding="utf-8")
    results.append({"shown": shown, **{k: calls[k] - before[k] for k in calls}})
config.plugins.on_shutdown()
print(json.dumps(results))
"""


@pytest.mark.slow
def test_prose_and_comment_edits_convert_and_transform_nothing_again(tmp_path):
    project = lesson_fixture.make(tmp_path / "project")
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
    result = subprocess.run(
        [sys.executable, "-c", SERVE, str(tmp_path / "site"), json.dumps(edits)],
        cwd=project,
        env={**mkdocs_env(), "NNGUIDE_STRICT": "false"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    page, prose, new_comment, comment, prose_again = json.loads(result.stdout.splitlines()[-1])
    assert page == {"shown": False, "converted": 0, "transformed": 0}  # not the lesson's page
    assert prose == {"shown": True, "converted": 0, "transformed": 0}
    assert new_comment == {"shown": True, "converted": 1, "transformed": 1}
    assert comment == {"shown": True, "converted": 0, "transformed": 0}
    assert prose_again == {"shown": True, "converted": 0, "transformed": 0}
