"""The docstrings are Markdown for mkdocstrings: no reStructuredText or Sphinx markup."""

import importlib
import inspect
import pkgutil
import re

import pytest

import nnguide

# Sphinx roles (:math:`x`, :class:`X`, :func:`f`, ...), the `~` that shortens a reference,
# reST directives (.. note::) and the "::" that opens a reST literal block.
SPHINX = re.compile(
    r":(?:math|class|func|meth|attr|mod|obj|data|exc|ref|py:\w+):`"
    r"|`~"
    r"|^\s*\.\. \w+::"
    r"|\S::\s*$",
    re.MULTILINE,
)


def modules():
    yield nnguide
    for info in pkgutil.iter_modules(nnguide.__path__):
        yield importlib.import_module(f"nnguide.{info.name}")


def docstrings():
    seen = set()
    for module in modules():
        yield module.__name__, module.__doc__ or ""
        for name, member in vars(module).items():
            if getattr(member, "__module__", None) != module.__name__ or id(member) in seen:
                continue
            seen.add(id(member))
            yield f"{module.__name__}.{name}", inspect.getdoc(member) or ""
            if inspect.isclass(member):
                for attribute, value in vars(member).items():
                    target = value.fget if isinstance(value, property) else value
                    doc = getattr(target, "__doc__", None)
                    if callable(target) or isinstance(value, property):
                        yield f"{module.__name__}.{name}.{attribute}", doc or ""


ALL = list(docstrings())


def test_the_scan_sees_every_public_docstring():
    names = {name for name, _ in ALL}
    for public in ("nnguide.summary.summary", "nnguide.models.MLP", "nnguide.training.fit"):
        assert public in names
    assert len(ALL) > 40


@pytest.mark.parametrize(
    "text",
    [
        "Input: :math:`(*, H_{in})`",
        "the last `~torch.nn.Linear` layer",
        "see :class:`torch.nn.Module`",
        "uses :func:`torch.cat`",
        "is the same network as::",
        ".. note:: careful",
    ],
)
def test_the_pattern_finds_sphinx_markup(text):
    assert SPHINX.search(text)


def test_no_docstring_uses_sphinx_markup():
    offenders = [
        f"{name}: {match.group(0)!r}" for name, doc in ALL for match in SPHINX.finditer(doc)
    ]
    assert offenders == []
