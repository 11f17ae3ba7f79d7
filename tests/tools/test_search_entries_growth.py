"""The search entries that double with every dirty rebuild, :mod:`tools.search_entries_growth`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import mkdocs_env
from tools import search_entries_growth

# Builds the site in the working folder as `mkdocs serve --dirty` does (a new
# configuration each time, the same search plugin, a dirty build), editing a page
# between builds; prints the number of entries the search plugin keeps after each build.
REBUILDS = """
import json, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

sys.argv.append("--dirty")  # mkdocs-static-i18n reads it there
counts = []
config = load_config("mkdocs.yml", site_dir="site")
config.plugins.on_startup(command="serve", dirty=True)
for edit in range(int(sys.argv[1])):
    if edit:
        page = Path("docs/en/a.md")
        page.write_text(page.read_text() + f"\\nEdit {edit}.\\n")
        config = load_config("mkdocs.yml", site_dir="site")
    build(config, dirty=True)
    counts.append(len(config.plugins["material/search"].search_index.entries))
print(json.dumps(counts))
"""

# The plugin's call, as a hook of the site (MkDocs' `hooks`), where the plugin makes it.
HOOK = """
from mkdocs.plugins import event_priority
from tools import search_entries_growth

@event_priority(-50)
def on_post_build(config):
    search_entries_growth.forget(config.plugins["material/search"])
"""


def rebuild(root: Path, builds: int, *, hook: bool) -> list[int]:
    """A two-language Material site with search, rebuilt ``builds`` times (see REBUILDS)."""
    for code in ("en", "ko"):
        folder = root / "docs" / code
        folder.mkdir(parents=True)
        for name in ("index", "a", "b"):
            (folder / f"{name}.md").write_text(
                f"# {name} {code}\n\n## One\n\nText.\n\n## Two\n\nMore text.\n", encoding="utf-8"
            )
    settings = (
        "site_name: t\n"
        "theme: {name: material}\n"
        "plugins:\n"
        "  - material/search\n"
        "  - i18n:\n"
        "      docs_structure: folder\n"
        "      languages:\n"
        "        - {locale: en, default: true, name: English, build: true}\n"
        "        - {locale: ko, name: Korean, build: true}\n"
    )
    if hook:
        (root / "hook.py").write_text(HOOK, encoding="utf-8")
        settings += "hooks:\n  - hook.py\n"
    (root / "mkdocs.yml").write_text(settings, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", REBUILDS, str(builds)],
        cwd=root,
        env={**mkdocs_env(), "PYTHONPATH": str(Path(__file__).parents[2])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.slow
def test_upstream_the_search_entries_still_grow_with_every_dirty_rebuild(tmp_path):
    """Fails once upstream stops the growth: then remove tools/search_entries_growth.py."""
    counts = rebuild(tmp_path, 5, hook=False)
    assert counts[-1] > 4 * counts[0], (
        f"the search plugin's entries after each dirty rebuild: {counts}; they no longer grow: "
        "remove the workaround tools/search_entries_growth.py"
    )


@pytest.mark.slow
def test_with_the_workaround_no_build_keeps_entries(tmp_path):
    assert rebuild(tmp_path, 5, hook=True) == [0] * 5


@pytest.mark.parametrize("where", ["entries", "_entries"])  # Material's, MkDocs'
def test_forget_empties_the_entries_in_place(where):
    entries = [{"location": "a/"}]
    plugin = SimpleNamespace(search_index=SimpleNamespace(**{where: entries}))
    search_entries_growth.forget(plugin)
    assert getattr(plugin.search_index, where) is entries and entries == []


@pytest.mark.parametrize("plugin", [SimpleNamespace(), SimpleNamespace(search_index=None)])
def test_a_search_plugin_without_the_entries_is_named(plugin):
    with pytest.raises(TypeError, match=r"SimpleNamespace has no list search_index\.entries"):
        search_entries_growth.forget(plugin)
