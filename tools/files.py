"""Small file helpers shared by the build steps: atomic writes, a package's digest, locks."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a unique temp file and a rename.

    Readers see the old file or the new one, never a part; two writers of the same
    path never share a temp file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def package_digest(package_dir: Path) -> str:
    """A hash of a package's source files (their paths and bytes), to key caches on."""
    digest = hashlib.sha256()
    for path in sorted(Path(package_dir).rglob("*")):
        if path.is_file() and path.suffix in {".py", ".typed", ".json", ".txt"}:
            digest.update(path.relative_to(package_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def lock_site(cache_dir: Path, site_dir: str | Path, log: Callable[[str], Any] = print) -> Any:
    """Hold the lock of a site folder: one build at a time writes it, another one waits.

    Returns:
        The held :class:`filelock.FileLock`; release it when the build ends.
    """
    from filelock import FileLock, Timeout

    digest = hashlib.sha256(str(Path(site_dir).resolve()).encode()).hexdigest()[:16]
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    lock = FileLock(Path(cache_dir) / f"site-{digest}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"Another build is writing {site_dir}; waiting for it to finish")
        lock.acquire()
    return lock
