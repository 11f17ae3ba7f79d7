"""The site's settings, read from ``mkdocs.yml`` — the one place they are declared.

Languages come from the ``i18n`` plugin's ``languages`` list (code, name, default,
site name, nav translations), each with its page labels and search settings under
its ``extra``; folders and build settings come from ``extra.nnguide``. Everything
else — the tools, the MkDocs plugin, the tests, the benchmark and (through files the
build writes) the browser's search script — reads them through :func:`load`::

    from tools import config

    project = config.load()
    [language.code for language in project.languages]  # ['en', 'ko']

Adding a language is one entry in ``mkdocs.yml`` plus its ``docs/<code>/`` and
``examples/<code>/`` folders.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "mkdocs.yml"


class ConfigError(ValueError):
    """``mkdocs.yml`` lacks a setting the tools need, or has a wrong one."""


@dataclass(frozen=True)
class Labels:
    """Words the build adds to pages (tutorials, API entries, build status), in one language.

    The default language declares every label; another language may leave some out,
    and takes the default language's for them.
    """

    download: str
    script: str
    notebook: str
    runtime: str  # a format string with ``{seconds}``
    # with ``{date}``, ``{python}``, ``{torch}``, ``{device}`` and ``{memory}``
    provenance: str
    figure: str  # a figure's alt text, with ``{number}`` and ``{description}``
    # the build-status table: lesson, run time, peak memory, ran on, this build, executed
    status_columns: tuple[str, ...]
    executed: str  # "this build" column: the script ran
    cached: str  # "this build" column: its notebook came from the cache
    used_in: str  # before the lessons an API entry lists
    colab: str  # the link that opens the tutorial's notebook in Google Colab
    install: str  # the comment of the downloaded notebook's first cell, which installs nnguide
    solution: str  # the summary of a folded solution (a code cell tagged "solution")
    archive: str  # the link to the zip of every lesson of the language (downloads.ARCHIVE)
    # where an output too large for the page was cut, with ``{cut}`` and ``{size}``
    truncated: str = "[… {cut} of output cut here, out of {size} …]"

    STATUS_COLUMNS = 6


@dataclass(frozen=True)
class Language:
    """One language of the site."""

    code: str
    name: str
    default: bool
    labels: Labels
    segmenter: str | None = None  # "kiwi": Korean words are segmented for search

    @property
    def root(self) -> str:
        """The language's folder in the site, ``""`` for the default or ``"ko/"``."""
        return "" if self.default else f"{self.code}/"


@dataclass(frozen=True)
class Vendor:
    """An installed front-end folder (``npm ci``) whose files the site serves.

    ``files`` are glob patterns relative to ``source``; empty means its minified code
    and its fonts (``tools.site_files.vendored``).
    """

    source: Path
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    """Folders, build settings and languages of the site."""

    root: Path
    docs_dir: Path
    examples_dir: Path
    tutorials: str  # folder of the executed notebooks under docs/<lang>/
    cache_dir: Path
    package_dir: Path
    languages: tuple[Language, ...]
    timeout: int  # seconds one example script may run
    vendor: dict[str, Vendor]  # site folder -> the installed files the site serves
    notebooks_branch: str = "notebooks"  # the branch "Open in Colab" reads the notebooks from
    # bytes a kernel (and each process it starts) may allocate; None: no limit
    kernel_memory_limit: int | None = 8 * 2**30
    output_limit: int = 512 * 2**10  # bytes of one output on a page; more is cut
    notebook_output_limit: int = 2 * 2**20  # bytes of all outputs on a page
    download_output_limit: int = 16 * 2**20  # the download keeps full outputs up to this

    @property
    def codes(self) -> tuple[str, ...]:
        """Language codes, the default first."""
        return tuple(language.code for language in self.languages)

    @property
    def default(self) -> Language:
        """The default language (served at the site root)."""
        return next(language for language in self.languages if language.default)

    def language(self, code: str) -> Language:
        """The language with this code.

        Raises:
            ConfigError: If the site has no such language.
        """
        for language in self.languages:
            if language.code == code:
                return language
        raise ConfigError(f"no language {code!r} in {CONFIG_FILE}; languages: {self.codes}")

    def tutorials_dir(self, code: str) -> Path:
        """Where the executed notebooks of a language are written."""
        return self.docs_dir / code / self.tutorials


def _require(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise ConfigError(f"{CONFIG_FILE}: {where} needs {key!r}")
    return mapping[key]


def _i18n(plugins: list[Any]) -> dict[str, Any]:
    for entry in plugins:
        if isinstance(entry, dict) and "i18n" in entry:
            return entry["i18n"] or {}
    raise ConfigError(f"{CONFIG_FILE}: plugins needs the 'i18n' plugin with its languages")


def _labels(raw: Any, code: str, fallback: dict[str, Any] | None) -> Labels:
    """A language's labels; those it leaves out come from ``fallback`` (the default's)."""
    where = f"the i18n language {code!r} (extra.labels)"
    if not isinstance(raw, dict):
        raise ConfigError(f"{CONFIG_FILE}: {where} must be a mapping of labels")
    names = [f.name for f in fields(Labels)]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ConfigError(f"{CONFIG_FILE}: {where} has unknown labels {unknown}")
    merged = {**(fallback or {}), **raw}
    optional = {f.name for f in fields(Labels) if f.default is not MISSING}
    values = {
        name: _require(merged, name, where)
        for name in names
        if name not in optional or name in merged
    }
    columns = values.pop("status_columns")
    if not isinstance(columns, list | tuple) or len(columns) != Labels.STATUS_COLUMNS:
        raise ConfigError(
            f"{CONFIG_FILE}: {where}: status_columns must be a list of "
            f"{Labels.STATUS_COLUMNS} column titles, got {columns!r}"
        )
    return Labels(
        status_columns=tuple(str(column) for column in columns),
        **{name: str(value) for name, value in values.items()},
    )


def from_mapping(data: dict[str, Any], root: Path) -> Project:
    """Build the :class:`Project` from the parsed ``mkdocs.yml`` of ``root``.

    Raises:
        ConfigError: If a setting is missing or wrong; the message names it.
    """
    settings = _require(data.get("extra") or {}, "nnguide", "extra")
    entries = [
        entry
        for entry in _require(_i18n(data.get("plugins") or []), "languages", "the i18n plugin")
        if entry.get("build", True)
    ]
    defaults = [entry for entry in entries if entry.get("default", False)]
    if len(defaults) != 1:
        raise ConfigError(f"{CONFIG_FILE}: exactly one i18n language must be the default")
    entries.sort(key=lambda entry: not entry.get("default", False))
    languages: list[Language] = []
    fallback: dict[str, Any] | None = None  # the default language's labels
    for entry in entries:
        code = _require(entry, "locale", "each i18n language")
        extra = entry.get("extra") or {}
        segmenter = extra.get("search_segmenter")
        if segmenter not in (None, "kiwi"):
            raise ConfigError(
                f"{CONFIG_FILE}: language {code!r}: search_segmenter must be 'kiwi' or "
                f"absent, got {segmenter!r}"
            )
        raw = _require(extra, "labels", f"the i18n language {code!r} extra")
        languages.append(
            Language(
                code=code,
                name=_require(entry, "name", f"the i18n language {code!r}"),
                default=bool(entry.get("default", False)),
                labels=_labels(raw, code, fallback),
                segmenter=segmenter,
            )
        )
        fallback = fallback or raw
    timeout = settings.get("timeout", 600)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        raise ConfigError(f"{CONFIG_FILE}: extra.nnguide.timeout must be seconds > 0")
    return Project(
        root=root,
        docs_dir=root / data.get("docs_dir", "docs"),
        examples_dir=root / settings.get("examples_dir", "examples"),
        tutorials=settings.get("tutorials", "tutorials"),
        cache_dir=root / settings.get("cache_dir", ".cache"),
        package_dir=root / settings.get("package_dir", "nnguide"),
        languages=tuple(languages),
        timeout=timeout,
        vendor={
            str(folder).strip("/"): _vendor(root, folder, source)
            for folder, source in (settings.get("vendor") or {}).items()
        },
        notebooks_branch=_branch(settings.get("notebooks_branch", "notebooks")),
        **_limits(settings),
    )


_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "k": 2**10,
    "kib": 2**10,
    "m": 2**20,
    "mib": 2**20,
    "g": 2**30,
    "gib": 2**30,
    "t": 2**40,
    "tib": 2**40,
}


def parse_size(value: Any, setting: str) -> int:
    """A size in bytes from ``mkdocs.yml``: a number of bytes, or ``"4GiB"``, ``"200 KB"``.

    >>> parse_size("4GiB", "x"), parse_size("200 KB", "x"), parse_size(1024, "x")
    (4294967296, 200000, 1024)
    >>> parse_size("lots", "extra.nnguide.output_limit")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tools.config.ConfigError: mkdocs.yml: extra.nnguide.output_limit must be a size ..., got 'lots'

    Raises:
        ConfigError: If ``value`` is not a size > 0, naming ``setting`` and the value.
    """
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", value)
        if match and match.group(2).lower() in _UNITS:
            number = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if number is None or number < 1 or number != number or number == float("inf"):
        raise ConfigError(
            f"{CONFIG_FILE}: {setting} must be a size such as 512KiB, 4GiB or a number of "
            f"bytes > 0, got {value!r}"
        )
    return int(number)


def _limits(settings: dict[str, Any]) -> dict[str, Any]:
    """``extra.nnguide``'s memory and output limits (absent: the defaults)."""
    limits: dict[str, Any] = {}
    if "kernel_memory_limit" in settings:
        value = settings["kernel_memory_limit"]
        off = value is None or (isinstance(value, str) and value.strip().lower() == "none")
        limits["kernel_memory_limit"] = (
            None if off else parse_size(value, "extra.nnguide.kernel_memory_limit")
        )
    for name in ("output_limit", "notebook_output_limit", "download_output_limit"):
        if name in settings:
            limits[name] = parse_size(settings[name], f"extra.nnguide.{name}")
    return limits


def _vendor(root: Path, folder: str, value: Any) -> Vendor:
    """One ``extra.nnguide.vendor`` entry: a folder, or ``{from: folder, files: [globs]}``."""
    if isinstance(value, str):
        return Vendor(root / value)
    where = f"{CONFIG_FILE}: extra.nnguide.vendor.{folder}"
    if not isinstance(value, dict) or set(value) != {"from", "files"}:
        raise ConfigError(
            f"{where} must be an installed folder or a mapping with 'from' (the folder) and "
            f"'files' (glob patterns in it), got {value!r}"
        )
    files = value["files"]
    if (
        not isinstance(value["from"], str)
        or not isinstance(files, list)
        or not files
        or not all(isinstance(pattern, str) and pattern for pattern in files)
    ):
        raise ConfigError(
            f"{where}: 'from' must be a folder and 'files' a list of glob patterns, got {value!r}"
        )
    return Vendor(root / value["from"], tuple(files))


def _branch(value: Any) -> str:
    """A git branch name as ``extra.nnguide.notebooks_branch`` gives it."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", value):
        raise ConfigError(
            f"{CONFIG_FILE}: extra.nnguide.notebooks_branch must be a git branch name, "
            f"got {value!r}"
        )
    return value


@functools.lru_cache(maxsize=8)
def _load(root: Path, text: bytes) -> Project:
    from mkdocs.utils.yaml import yaml_load

    handle = io.BytesIO(text)
    handle.name = str(root / CONFIG_FILE)  # (where MkDocs' loader resolves INHERIT from)
    return from_mapping(yaml_load(handle), root)


def load(root: Path | str = ROOT) -> Project:
    """The settings of the project at ``root``, parsed again when ``mkdocs.yml``'s text
    changes (not its modification time: an edit in place can keep it and the size)."""
    root = Path(root).resolve()
    return _load(root, (root / CONFIG_FILE).read_bytes())
