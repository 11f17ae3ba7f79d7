"""Build the site into ``site/`` so that ``site/`` is always a complete site.

``make docs`` runs ``python -m tools.publish``: a strict ``mkdocs build`` into a fresh
folder of its own under the cache folder, then, only if the build passed, a swap that
replaces ``site/`` by it (under a lock, so two builds at once swap one after the
other). A failing build leaves the old ``site/`` as it was; a reader never sees a
half-written one.

A plain ``mkdocs build`` gets the same guarantee from the plugin (:class:`Staging`):
it builds into a fresh folder beside ``site_dir`` and swaps it in only once the build
is complete (no error, and under ``--strict`` no warning); a failed build deletes it.
``mkdocs serve`` and ``--dirty`` builds write their folder directly, as MkDocs does.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tools import config, files


def publish(project: config.Project, target: Path, extra: list[str]) -> int:
    """Build into a fresh folder, then swap it into ``target``; the build's exit status."""
    from filelock import FileLock

    project.cache_dir.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix="site-", dir=project.cache_dir))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(fresh)]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    status = subprocess.run([*command, *extra], cwd=project.root, env=env).returncode
    if status != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        print(f"The build failed; {target} is unchanged.", file=sys.stderr)
        return status
    with FileLock(project.cache_dir / "publish.lock"):
        files.swap_in(fresh, target)
    print(f"Site written to {target}")
    return 0


class _Warnings(logging.Handler):
    """Counts the warnings MkDocs logs (a strict build fails on any)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class Staging:
    """A build's ``site_dir`` moved to a fresh folder beside it until the build is complete.

    Made in the plugin's ``on_config``: ``config.site_dir`` points at the fresh folder.
    :meth:`finish` (the last ``on_post_build``) swaps it in; :meth:`discard`
    (``on_build_error``) deletes it. Either gives ``config.site_dir`` back.
    """

    def __init__(self, config: Any) -> None:
        self.config = config
        self.target = Path(config.site_dir).absolute()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{self.target.name}.staging-"
        self.fresh = Path(tempfile.mkdtemp(prefix=prefix, dir=self.target.parent))
        self.warnings = _Warnings()
        self.strict = bool(config.strict)
        if self.strict:
            logging.getLogger("mkdocs").addHandler(self.warnings)
        config.site_dir = str(self.fresh)

    def _end(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.config.site_dir = str(self.target)

    def finish(self) -> bool:
        """Swap the complete build in; False (and nothing swapped) if ``--strict`` saw a warning."""
        self._end()
        if self.strict and self.warnings.count:
            shutil.rmtree(self.fresh, ignore_errors=True)
            return False
        files.swap_in(self.fresh, self.target)
        return True

    def discard(self) -> None:
        """The build failed: delete the fresh folder; ``site_dir`` stays as it was."""
        self._end()
        shutil.rmtree(self.fresh, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=Path("site"), help="default: site")
    args, extra = parser.parse_known_args(argv)
    project = config.load()
    target = args.site_dir if args.site_dir.is_absolute() else project.root / args.site_dir
    return publish(project, target, extra)


if __name__ == "__main__":
    sys.exit(main())
