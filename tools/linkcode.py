"""Linked code: names in a tutorial's code blocks link to their documentation.

The render step (:mod:`tools.render`) calls :func:`link_code` on each code block.
A name is linked only when it resolves, statically, to a real documented object:

* the lesson's code cells are parsed with :mod:`ast` to learn what each imported
  name stands for (``import torch.nn.functional as F``, ``from torch import nn``,
  ``from nnguide import fit``); a name the lesson also assigns, or takes as a
  parameter, is not an import any more and stays plain;
* a dotted chain of Pygments name tokens (``nn`` ``.`` ``CrossEntropyLoss``) that
  starts with such a name is imported and looked up with ``getattr``; the longest
  prefix of the chain that is a documented object is linked, the rest stays plain
  (``nn.Module`` of ``nn.Module.parameters``). Attributes of variables
  (``model.parameters``, tensor methods) cannot be resolved without running the
  code and stay plain;
* a PyTorch object links to its page in PyTorch's documentation when it is listed in
  ``tools/pytorch_objects.txt`` (an inventory of the objects PyTorch documents, with
  the URL rule of each group); an alias (``torch.inference_mode``) links to the page of
  the object it is (``torch.autograd.grad_mode.inference_mode``);
* an ``nnguide`` object links to its entry on the API page of the page's language:
  the block gets mkdocs-autorefs' documented ``<autoref identifier="...">`` markup with
  the object's defining name (``nnguide.training.fit`` for ``nnguide.fit``), which
  autorefs turns into a link to the closest page with that heading, the API page of the
  same language, and reports (an error under ``--strict``) if there is none.

Links wrap the Pygments spans of the chain, so the code's text and colours do not
change and Material's copy button copies the plain code.

:func:`lesson_usage` finds the ``nnguide`` objects a lesson uses, for the lists of
lessons on the API pages and the report of objects no lesson uses.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import inspect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.files import package_digest

INVENTORY = Path(__file__).with_name("pytorch_objects.txt")
ROOTS = ("torch", "nnguide")
PACKAGE = "nnguide"
_MISSING = object()
_DIRECTIVE = re.compile(r"^:::\s+([\w.]+)\s*$", re.M)
_LINKABLE_TOKENS = {"n", "nc", "nf"}  # Name, Name.Class, Name.Function as Pygments marks them


class InventoryError(ValueError):
    """The PyTorch inventory file is malformed."""


@dataclass(frozen=True)
class Link:
    """Where a code name links: a PyTorch page, or an nnguide API entry."""

    name: str  # the documented full name
    url: str | None = None  # PyTorch's page; None for nnguide (an autorefs identifier)

    @property
    def is_api(self) -> bool:
        return self.url is None


def read_inventory(path: Path = INVENTORY) -> dict[str, str]:
    """Full name -> documentation URL of each PyTorch object in the inventory.

    Raises:
        InventoryError: If a name comes before any URL rule, a rule lacks ``{name}``,
            or a name is listed twice.
    """
    urls: dict[str, str] = {}
    rule: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            rule = line[1:-1]
            if "{name}" not in rule or not rule.startswith("https://"):
                raise InventoryError(
                    f"{path.name}:{number}: a URL rule needs https:// and {{name}}"
                )
            continue
        if rule is None:
            raise InventoryError(f"{path.name}:{number}: {line!r} comes before any [URL rule]")
        if not re.fullmatch(r"torch(\.\w+)+", line):
            raise InventoryError(f"{path.name}:{number}: {line!r} is not a full torch name")
        if line in urls:
            raise InventoryError(f"{path.name}:{number}: {line!r} is listed twice")
        urls[line] = rule.format(name=line)
    return urls


def documented_modules(api_dir: Path) -> frozenset[str]:
    """The modules that have an API page: the ``::: nnguide.x`` lines of ``api_dir``.

    A line may name an object instead (``::: nnguide.models.MLP``); only the names of
    the package's modules count. They are found as files, so nothing is imported.
    """
    found = set()
    for page in sorted(api_dir.glob("*.md")):
        found.update(_DIRECTIVE.findall(page.read_text(encoding="utf-8")))
    spec = importlib.util.find_spec(PACKAGE)
    roots = [Path(folder) for folder in (spec.submodule_search_locations or [])] if spec else []
    return frozenset(name for name in found if _is_module(name, roots))


def _is_module(name: str, roots: list[Path]) -> bool:
    """Whether ``name`` (``nnguide.x.y``) is a module of the package in ``roots``."""
    first, *parts = name.split(".")
    if first != PACKAGE:
        return False
    for root in roots:
        path = root.joinpath(*parts)
        if not parts or path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return True
    return False


def preload() -> None:
    """Import the packages whose names code links to (:data:`ROOTS`: torch, nnguide).

    Resolving the first new name of a build imports them (torch takes seconds);
    ``mkdocs serve`` calls this while it waits for the author's first edit.

    Raises:
        ImportError: If one of them is not installed.
    """
    for root in ROOTS:
        importlib.import_module(root)


def lookup(dotted: str, *, modules_first: bool = False) -> Any:
    """The object a full dotted name stands for, or ``_MISSING``.

    By default the name is read as code reads it: the first part is imported and the
    rest are attributes (a submodule not imported yet is imported). With
    ``modules_first`` the longest importable prefix is the module, as documentation
    names objects (``torch.autograd.gradcheck.gradcheck``: the function of that module,
    although ``torch.autograd.gradcheck`` is also the name of the function).
    """
    parts = dotted.split(".")
    start = 1
    if modules_first:
        for start in range(len(parts), 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:start]))
                break
            except ImportError:
                continue
        else:
            return _MISSING
    else:
        try:
            obj = importlib.import_module(parts[0])
        except ImportError:
            return _MISSING
    for index in range(start, len(parts)):
        try:
            obj = getattr(obj, parts[index])
        except AttributeError:
            try:
                obj = importlib.import_module(".".join(parts[: index + 1]))
            except ImportError:
                return _MISSING
    return obj


@dataclass
class Resolver:
    """Decides which full dotted names link where."""

    modules: frozenset[str]  # nnguide modules with an API page
    inventory: dict[str, str] = field(default_factory=read_inventory)
    _by_object: dict[int, str] | None = field(default=None, repr=False)
    _cache: dict[str, Link | None] = field(default_factory=dict, repr=False)
    _fingerprint: str = field(default="", repr=False)

    @classmethod
    def for_docs(cls, api_dir: Path) -> Resolver:
        return cls(documented_modules(api_dir))

    def fingerprint(self) -> str:
        """Changes when the same code could link differently (for the render cache).

        It hashes the documented modules, the inventory, this module's source and the
        nnguide package's sources (its public names decide what links).
        """
        if self._fingerprint:
            return self._fingerprint
        digest = hashlib.sha256(Path(__file__).read_bytes())
        # Found, not imported: importing nnguide imports torch, which a build whose
        # answers all come from caches never needs.
        spec = importlib.util.find_spec(PACKAGE)
        package = Path(spec.origin if spec and spec.origin else "").parent
        digest.update(package_digest(package).encode())
        digest.update("\n".join(sorted(self.modules)).encode())
        digest.update("\n".join(f"{k} {v}" for k, v in sorted(self.inventory.items())).encode())
        self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def _objects(self) -> dict[int, str]:
        if self._by_object is None:
            self._by_object = {}
            for name in self.inventory:
                obj = lookup(name, modules_first=True)
                if obj is not _MISSING and not inspect.ismodule(obj):
                    self._by_object.setdefault(id(obj), name)
        return self._by_object

    def resolve(self, dotted: str) -> Link | None:
        """The link of a full dotted name (``torch.nn.Linear``), or None."""
        if dotted not in self._cache:
            self._cache[dotted] = self._resolve(dotted)
        return self._cache[dotted]

    def _resolve(self, dotted: str) -> Link | None:
        root = dotted.split(".")[0]
        if root not in ROOTS or any(part.startswith("_") for part in dotted.split(".")):
            return None
        obj = lookup(dotted)
        if obj is _MISSING:
            return None
        if root == PACKAGE:
            identifier = self._api_identifier(dotted, obj)
            return Link(identifier) if identifier else None
        if dotted in self.inventory:
            return Link(dotted, self.inventory[dotted])
        if inspect.ismodule(obj):
            return None
        name = self._objects().get(id(obj))
        return Link(name, self.inventory[name]) if name else None

    def _api_identifier(self, dotted: str, obj: Any) -> str | None:
        """The mkdocstrings heading id of an nnguide object: its defining module's name."""
        if inspect.ismodule(obj):
            return obj.__name__ if obj.__name__ in self.modules else None
        if inspect.isclass(obj) or inspect.isfunction(obj):
            qualname = obj.__qualname__
            module = obj.__module__
            if "<" in qualname or not (obj.__doc__ or "").strip():
                return None
            parts = qualname.split(".")
        else:
            # A constant: documented in the module the chain names, if it has a page.
            module, _, name = dotted.rpartition(".")
            parts = [name]
            if module not in self.modules:
                found = [m for m in sorted(self.modules) if name in _public(m)]
                if len(found) != 1 or lookup(f"{found[0]}.{name}") is not obj:
                    return None
                module = found[0]
        if module not in self.modules or any(part.startswith("_") for part in parts):
            return None
        if parts[0] not in _public(module):
            return None
        return ".".join([module, *parts])


def _public(module: str) -> set[str]:
    """The names a module documents: its ``__all__``, else its names without ``_``."""
    obj = importlib.import_module(module)
    names = getattr(obj, "__all__", None)
    if names is None:
        names = [name for name in vars(obj) if not name.startswith("_")]
    return set(names)


# --- what a lesson's names stand for -------------------------------------------------


def _bound_names(tree: ast.AST) -> set[str]:
    """Names a cell binds other than by importing: assignments, parameters, defs."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound


def _parse(source: str) -> ast.AST | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None  # an IPython magic or a cell that is not Python: nothing to link


def _trees(sources: Iterable[str]) -> list[ast.AST]:
    return [tree for tree in map(_parse, sources) if tree is not None]


def imports(sources: Iterable[str]) -> dict[str, str]:
    """Name -> full dotted name, for the torch and nnguide names the code imports.

    A name that the code also binds in another way (``F = ...``, ``def f(nn): ...``)
    is left out: it does not always stand for the import.
    """
    return _imports(_trees(sources))


def _imports(trees: list[ast.AST]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    bound: set[str] = set()
    conflicting: set[str] = set()
    for tree in trees:
        bound |= _bound_names(tree)
        for node in ast.walk(tree):
            pairs: list[tuple[str, str]] = []
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        pairs.append((alias.asname, alias.name))
                    else:
                        top = alias.name.split(".")[0]
                        pairs.append((top, top))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        pairs.append((alias.asname or alias.name, f"{node.module}.{alias.name}"))
            for name, target in pairs:
                if target.split(".")[0] not in ROOTS:
                    conflicting.add(name)  # e.g. a later `from x import nn`
                elif aliases.get(name, target) != target:
                    conflicting.add(name)
                else:
                    aliases[name] = target
    return {name: target for name, target in aliases.items() if name not in bound | conflicting}


def _chains(tree: ast.AST) -> Iterator[list[str]]:
    """Dotted chains in the code: ``nn.Linear`` is ``["nn", "Linear"]``."""
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            inner.add(id(node.value))
    for node in ast.walk(tree):
        if id(node) in inner or not isinstance(node, (ast.Attribute, ast.Name)):
            continue
        parts: list[str] = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name):
            parts.append(current.id)
            yield parts[::-1]


def resolve_chain(
    parts: list[str], aliases: dict[str, str], resolver: Resolver
) -> tuple[int, Link] | None:
    """The longest prefix of a chain that links: ``(how many parts, link)``."""
    target = aliases.get(parts[0])
    if target is None:
        return None
    for count in range(len(parts), 0, -1):
        link = resolver.resolve(".".join([target, *parts[1:count]]))
        if link is not None:
            return count, link
    return None


def lesson_usage(sources: Iterable[str], resolver: Resolver) -> set[str]:
    """The nnguide API identifiers a lesson's code cells use (imports included)."""
    trees = _trees(sources)
    aliases = _imports(trees)
    used = set()
    for tree in trees:
        for parts in _chains(tree):
            found = resolve_chain(parts, aliases, resolver)
            if found and found[1].is_api:
                used.add(found[1].name)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    link = resolver.resolve(f"{node.module}.{alias.name}")
                    if link and link.is_api:
                        used.add(link.name)
    return used


def public_api(resolver: Resolver) -> set[str]:
    """Every public object of the documented nnguide modules, as API identifiers."""
    found = set()
    for module in resolver.modules:
        for name in _public(module):
            link = resolver.resolve(f"{module}.{name}")
            if link is not None and link.is_api:
                found.add(link.name)
    return found


# --- the code block ------------------------------------------------------------------


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def _is_dot(element: Any) -> bool:
    return element.tag == "span" and "o" in _classes(element) and element.text == "."


def _is_name(element: Any) -> bool:
    return (
        element.tag == "span"
        and bool(_classes(element) & _LINKABLE_TOKENS)
        and bool(element.text)
        and not len(element)
    )


def link_code(code: Any, aliases: dict[str, str], resolver: Resolver) -> list[Link]:
    """Wrap the linkable name chains of a Pygments ``<code>`` element in links.

    Args:
        code: The ``<code>`` element (lxml) whose children are Pygments' token spans.
        aliases: What the lesson's imported names stand for (:func:`imports`).
        resolver: Decides what each full name links to.

    Returns:
        The links made, in order.
    """
    from lxml import etree

    made: list[Link] = []
    children = list(code)
    index = 0
    while index < len(children):
        first = children[index]
        previous = children[index - 1] if index else None
        attribute = previous is not None and _is_dot(previous) and not previous.tail
        if not _is_name(first) or attribute or first.text not in aliases:
            index += 1
            continue
        spans = [first]
        parts = [first.text]
        while True:
            at = index + len(spans)
            if at + 1 >= len(children) or spans[-1].tail:
                break
            dot, name = children[at], children[at + 1]
            if not (_is_dot(dot) and not dot.tail and _is_name(name)):
                break
            spans += [dot, name]
            parts.append(name.text)
        found = resolve_chain(parts, aliases, resolver)
        if found is None:
            index += len(spans)
            continue
        count, link = found
        linked = spans[: 2 * count - 1]
        if link.url is None:
            wrapper = etree.Element("autoref", {"identifier": link.name})
        else:
            wrapper = etree.Element("a", {"href": link.url, "title": link.name})
        wrapper.set("class", "nb-code-link")
        linked[0].addprevious(wrapper)
        wrapper.tail = linked[-1].tail
        linked[-1].tail = None
        for span in linked:
            wrapper.append(span)
        made.append(link)
        index += len(spans)
    return made
