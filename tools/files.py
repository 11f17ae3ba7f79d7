"""Small file helpers shared by the build steps: atomic writes, a package's digest, locks.

Every cache the build writes (rendered pages and figures, downloads, the execution
state, search segmentations, Jinja's compiled templates) goes through
:func:`write_cached` and :func:`read_cached`: an entry is stored with the SHA-256 of
its content and checked before it is used. A corrupt entry (truncated, edited) is
deleted and rebuilt, with one log line naming the file. A cache another program
writes (mkdocs-jupyter's) is checked by :func:`verify_folder` before that program
reads it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, FileSystemBytecodeCache


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


# Every cache entry the build writes itself starts with this line, then the data:
# ``nnguide-sha256 <hex digest of the data>\n``. Reading checks the digest.
SEAL = b"nnguide-sha256 "
log = logging.getLogger("mkdocs.plugins.nnguide")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def drop(path: Path, reason: str, say: Callable[[str], Any] | None = None) -> None:
    """Remove a corrupt cache entry; one line names it and says why."""
    Path(path).unlink(missing_ok=True)
    (say or log.info)(f"Cache entry {path} is corrupt ({reason}): dropped, rebuilding it")


def write_cached(path: Path, data: bytes) -> None:
    """Write a cache entry atomically, sealed with the SHA-256 of ``data``.

    >>> entry = getfixture("tmp_path") / "entry"  # pytest's temporary folder
    >>> write_cached(entry, b"data")
    >>> read_cached(entry)
    b'data'
    """
    write_atomic(path, SEAL + _digest(data).encode() + b"\n" + data)


def read_cached(path: Path, say: Callable[[str], Any] | None = None) -> bytes | None:
    """The data of a cache entry written by :func:`write_cached`, verified.

    A missing entry is None. An entry whose data does not match its seal (truncated,
    edited, not written by :func:`write_cached`) is deleted and is None too, with
    one line naming the file (through ``say``; the plugin's log by default), so the
    caller rebuilds it.

    >>> entry = getfixture("tmp_path") / "entry"  # pytest's temporary folder
    >>> write_cached(entry, b"data")
    >>> _ = entry.write_bytes(entry.read_bytes()[:-1])  # truncated
    >>> read_cached(entry, say=lambda line: print(line.replace(str(entry), "ENTRY")))
    Cache entry ENTRY is corrupt (its content does not match its SHA-256): dropped, rebuilding it
    >>> entry.exists()
    False
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        drop(path, f"unreadable: {error.strerror}", say)
        return None
    header, newline, data = raw.partition(b"\n")
    if not newline or not header.startswith(SEAL):
        drop(path, "no content hash", say)
        return None
    if header[len(SEAL) :].decode("ascii", "replace") != _digest(data):
        drop(path, "its content does not match its SHA-256", say)
        return None
    return data


def read_cached_dict(path: Path, say: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """The JSON object of a cache entry (:func:`read_cached`), or ``{}``.

    A missing or corrupt entry, or one that is not a JSON object, is ``{}``: the caller
    starts from nothing and writes the entry again.

    >>> entry = getfixture("tmp_path") / "entry"  # pytest's temporary folder
    >>> write_cached(entry, b'{"a": 1}')
    >>> read_cached_dict(entry)
    {'a': 1}
    >>> write_cached(entry, b"[1]")
    >>> read_cached_dict(entry), read_cached_dict(entry.with_name("missing"))
    ({}, {})
    """
    data = read_cached(path, say)
    try:
        value = json.loads(data) if data is not None else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def verify_folder(
    folder: Path,
    pattern: str,
    valid: Callable[[bytes], bool],
    say: Callable[[str], Any] | None = None,
) -> int:
    """Drop the corrupt entries of a cache another program writes (not sealed).

    The hashes of the entries are kept beside the folder (``<folder>.sha256``, written
    by :func:`record_folder` once a build has used them). An entry whose bytes no
    longer match its recorded hash is corrupt; an entry without a recorded hash (its
    build did not finish) is corrupt unless ``valid`` accepts its bytes. Each dropped
    entry gets one line naming it. Returns how many were dropped.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    recorded = _recorded(folder, say)
    dropped = 0
    for path in sorted(folder.glob(pattern)):
        try:
            data = path.read_bytes()
        except OSError as error:
            drop(path, f"unreadable: {error.strerror}", say)
            dropped += 1
            continue
        expected = recorded.get(path.name)
        if expected is not None and expected != _digest(data):
            drop(path, "its content does not match its recorded SHA-256", say)
            dropped += 1
        elif expected is None and not valid(data):
            drop(path, "not a complete entry", say)
            dropped += 1
    return dropped


def record_folder(folder: Path, pattern: str) -> None:
    """Record the hashes of a foreign cache's entries, for :func:`verify_folder`."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    hashes = {}
    for path in sorted(folder.glob(pattern)):
        try:
            hashes[path.name] = _digest(path.read_bytes())
        except OSError:
            continue
    write_cached(_hashes_file(folder), json.dumps(hashes, sort_keys=True).encode())


def _hashes_file(folder: Path) -> Path:
    return folder.with_name(folder.name + ".sha256")


def _recorded(folder: Path, say: Callable[[str], Any] | None) -> dict[str, str]:
    return read_cached_dict(_hashes_file(folder), say)


def json_entry(*keys: str) -> Callable[[bytes], bool]:
    """A check for :func:`verify_folder`: a JSON object that has ``keys``.

    >>> json_entry("content")(b'{"content": "x"}'), json_entry("content")(b'{"cont')
    (True, False)
    """

    def valid(data: bytes) -> bool:
        try:
            entry = json.loads(data)
        except ValueError:
            return False
        return isinstance(entry, dict) and all(key in entry for key in keys)

    return valid


class BytecodeCache(FileSystemBytecodeCache):
    """Jinja's compiled templates on disk, each file sealed and verified on reading."""

    def __init__(self, directory: str, pattern: str = "__jinja2_%s.sealed") -> None:
        super().__init__(directory, pattern)

    def load_bytecode(self, bucket: Bucket) -> None:
        data = read_cached(Path(self._get_cache_filename(bucket)))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_cached(Path(self._get_cache_filename(bucket)), bucket.bytecode_to_string())


def swap_in(fresh: Path, target: Path) -> None:
    """Replace the folder ``target`` by the folder ``fresh`` (renames, same file system).

    ``target`` is never missing or partly written: it is renamed aside, ``fresh``
    takes its name, and the old one is deleted after.
    """
    fresh, target = Path(fresh), Path(target)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
