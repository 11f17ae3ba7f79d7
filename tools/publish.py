"""Build the site into ``site/`` so that ``site/`` is always a complete site.

``make docs`` runs ``python -m tools.publish``: a strict ``mkdocs build`` into a fresh
folder of its own under the cache folder, then, only if the build passed, a swap that
replaces ``site/`` by it (under a lock, so two builds at once swap one after the
other). A failing build leaves the old ``site/`` as it was; a reader never sees a
half-written one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import config


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
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix="site-old-", dir=project.cache_dir))
            os.replace(target, old / "site")
        os.replace(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    print(f"Site written to {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=Path("site"), help="default: site")
    args, extra = parser.parse_known_args(argv)
    project = config.load()
    target = args.site_dir if args.site_dir.is_absolute() else project.root / args.site_dir
    return publish(project, target, extra)


if __name__ == "__main__":
    sys.exit(main())
