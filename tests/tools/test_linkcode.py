"""tools/linkcode.py: which code names link where, and that linking keeps the code."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from lxml import etree
from lxml import html as lxml_html
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from tests.conftest import PROJECT, ROOT
from tools import linkcode

API_DIR = PROJECT.docs_dir / PROJECT.default.code / "api"
GENERATED = "https://docs.pytorch.org/docs/stable/generated/"


@pytest.fixture(scope="module")
def resolver() -> linkcode.Resolver:
    return linkcode.Resolver.for_docs(API_DIR)


def code_element(source: str):
    """``source`` as Pygments marks it up, in a ``<code>`` element (as the render step has it)."""
    markup = highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))
    code = lxml_html.fragment_fromstring(f"<code>{markup}</code>")
    for span in code.xpath(".//span[@class='w']"):
        span.drop_tag()
    return code


def linked(code) -> list[tuple[str, str]]:
    """(link text, target) of each link: an href, or an autorefs identifier."""
    return [
        (element.text_content(), element.get("href") or element.get("identifier"))
        for element in code.iter("a", "autoref")
    ]


# --- imports ---------------------------------------------------------------------------


def test_imports_learn_every_kind_of_alias():
    source = textwrap.dedent(
        """
        import torch
        import torch.nn.functional as F
        from torch import nn
        from torch.utils.data import DataLoader as Loader
        import nnguide
        from nnguide import fit
        from nnguide.models import MLP as Net
        import matplotlib.pyplot as plt
        import torch.optim
        """
    )
    assert linkcode.imports([source]) == {
        "torch": "torch",
        "F": "torch.nn.functional",
        "nn": "torch.nn",
        "Loader": "torch.utils.data.DataLoader",
        "nnguide": "nnguide",
        "fit": "nnguide.fit",
        "Net": "nnguide.models.MLP",
    }


def test_a_name_the_code_also_binds_is_not_an_import():
    cells = [
        "from torch import nn\nimport torch.nn.functional as F\nfrom nnguide import fit",
        "def fit(model):\n    return model\n",
        "F = 3",
        "for nn in range(2):\n    pass\n",
    ]
    assert linkcode.imports(cells) == {}


def test_the_same_name_imported_from_two_places_is_left_out():
    assert linkcode.imports(["from torch import nn", "from other import nn"]) == {}
    assert linkcode.imports(["import torch.nn as nn", "from torch import nn"]) == {"nn": "torch.nn"}


def test_a_cell_that_is_not_python_is_skipped():
    assert linkcode.imports(["%matplotlib inline", "from torch import nn"]) == {"nn": "torch.nn"}


# --- resolving names ----------------------------------------------------------------------


def test_a_re_export_links_to_the_defining_module(resolver):
    assert resolver.resolve("nnguide.fit") == linkcode.Link("nnguide.training.fit")
    assert resolver.resolve("nnguide.MLP") == linkcode.Link("nnguide.models.MLP")
    # nnguide.summary is the function (the package re-exports it over the submodule).
    assert resolver.resolve("nnguide.summary") == linkcode.Link("nnguide.summary.summary")
    assert resolver.resolve("nnguide.models") == linkcode.Link("nnguide.models")


def test_pytorch_names_link_by_the_inventory_s_rule(resolver):
    assert resolver.resolve("torch.nn.CrossEntropyLoss") == linkcode.Link(
        "torch.nn.CrossEntropyLoss", f"{GENERATED}torch.nn.CrossEntropyLoss.html"
    )
    assert resolver.resolve("torch.utils.data.DataLoader") == linkcode.Link(
        "torch.utils.data.DataLoader",
        "https://docs.pytorch.org/docs/stable/data.html#torch.utils.data.DataLoader",
    )
    # An alias links to the page of the object it is.
    assert resolver.resolve("torch.inference_mode") == linkcode.Link(
        "torch.autograd.grad_mode.inference_mode",
        f"{GENERATED}torch.autograd.grad_mode.inference_mode.html",
    )
    assert resolver.resolve("torch.autograd.gradcheck").name == (
        "torch.autograd.gradcheck.gradcheck"
    )


@pytest.mark.parametrize(
    "name",
    [
        "torch.nn.NoSuchLayer",  # does not exist
        "nnguide.no_such_function",
        "torch.nn",  # a module: no page of its own in the inventory
        "torch.float32",  # exists, but has no page of its own
        "torch.Tensor.backward",  # a method not in the inventory
        "nnguide._validation",  # private
        "nnguide.training.torch",  # an import inside the module, not its API
        "numpy.array",  # neither torch nor nnguide
    ],
)
def test_names_without_a_page_stay_plain(resolver, name):
    assert resolver.resolve(name) is None


def test_every_inventory_name_has_one_url_under_pytorch_docs():
    inventory = linkcode.read_inventory()
    assert len(inventory) > 500
    for name, url in inventory.items():
        assert url.startswith("https://docs.pytorch.org/docs/stable/"), name
        assert url.endswith((f"/{name}.html", f"#{name}")), (name, url)


def test_the_inventory_s_names_exist_in_torch():
    missing = [
        name
        for name in linkcode.read_inventory()
        if linkcode.lookup(name, modules_first=True) is linkcode._MISSING
    ]
    # Documented on PyTorch's main branch, newer than the installed torch.
    assert missing == ["torch.linalg.polar"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("torch.zeros\n", "comes before any [URL rule]"),
        ("[https://example.org/page.html]\ntorch.zeros\n", "needs https:// and {name}"),
        ("[https://x.org/{name}]\ntorch.zeros\ntorch.zeros\n", "'torch.zeros' is listed twice"),
        ("[https://x.org/{name}]\nzeros\n", "'zeros' is not a full torch name"),
    ],
)
def test_a_malformed_inventory_names_its_line(tmp_path, text, message):
    path = tmp_path / "objects.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(linkcode.InventoryError, match=r"objects\.txt:\d+: .*") as error:
        linkcode.read_inventory(path)
    assert message in str(error.value)


# --- the code block ----------------------------------------------------------------------

SOURCE = textwrap.dedent(
    """\
    import torch
    import torch.nn.functional as F
    from torch import nn
    from nnguide import fit, MLP

    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    loss_fn = nn.CrossEntropyLoss()
    loss = F.cross_entropy(model(torch.zeros(1, 2)), torch.tensor([0]))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    history = fit(MLP([2, 3]), loss_fn=loss_fn)
    print(nn.Module.parameters, model.nn, nn.NoSuchLayer, torch.float32)
    """
)


def test_link_code_links_resolved_chains_and_keeps_the_text(resolver):
    code = code_element(SOURCE)
    before = code.text_content()
    links = linkcode.link_code(code, linkcode.imports([SOURCE]), resolver)
    assert code.text_content() == before
    assert linked(code) == [
        ("fit", "nnguide.training.fit"),
        ("MLP", "nnguide.models.MLP"),
        ("nn.Sequential", f"{GENERATED}torch.nn.Sequential.html"),
        ("nn.Linear", f"{GENERATED}torch.nn.Linear.html"),
        ("nn.ReLU", f"{GENERATED}torch.nn.ReLU.html"),
        ("nn.CrossEntropyLoss", f"{GENERATED}torch.nn.CrossEntropyLoss.html"),
        ("F.cross_entropy", f"{GENERATED}torch.nn.functional.cross_entropy.html"),
        ("torch.zeros", f"{GENERATED}torch.zeros.html"),
        ("torch.tensor", f"{GENERATED}torch.tensor.html"),
        ("torch.optim.SGD", f"{GENERATED}torch.optim.SGD.html"),
        ("fit", "nnguide.training.fit"),
        ("MLP", "nnguide.models.MLP"),
        # nn.Module.parameters: the class links, the method (not in the inventory) stays
        # plain; model.nn is an attribute of a variable; nn.NoSuchLayer does not exist.
        ("nn.Module", f"{GENERATED}torch.nn.Module.html"),
    ]
    assert len(links) == 13


def test_links_wrap_the_pygments_spans(resolver):
    code = code_element("from torch import nn\nnn.Linear(2, 3)\n")
    linkcode.link_code(code, {"nn": "torch.nn"}, resolver)
    (link,) = code.iter("a")
    assert [(span.get("class"), span.text) for span in link] == [
        ("n", "nn"),
        ("o", "."),
        ("n", "Linear"),
    ]
    assert link.tail is None
    assert link.getnext().text == "("
    assert link.get("class") == "nb-code-link"


def test_an_api_link_is_autorefs_markup(resolver):
    code = code_element("fit(model)\n")
    linkcode.link_code(code, {"fit": "nnguide.fit"}, resolver)
    markup = etree.tostring(code, encoding="unicode", method="html")
    assert '<autoref identifier="nnguide.training.fit" class="nb-code-link">' in markup
    assert '<span class="n">fit</span></autoref>' in markup


def test_lesson_usage_lists_the_api_a_lesson_uses(resolver):
    cells = ["import nnguide\nfrom nnguide.training import evaluate", "nnguide.fit(m)\nx = 1"]
    assert linkcode.lesson_usage(cells, resolver) == {
        "nnguide.training.fit",
        "nnguide.training.evaluate",
    }


def test_the_public_api_is_every_documented_module_s_names(resolver):
    public = linkcode.public_api(resolver)
    assert {"nnguide.training.fit", "nnguide.models.MLP", "nnguide.layers.ACTIVATIONS"} <= public
    assert not any(name.split(".")[-1].startswith("_") for name in public)
    assert all(name.rpartition(".")[0] in resolver.modules for name in public)


@pytest.mark.slow
def test_preloading_imports_torch_and_nnguide_and_loads_kiwi_for_the_next_segmentation():
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "import kiwipiepy\n"
        "from tools import linkcode, search\n"
        "before = sorted(m for m in ('torch', 'nnguide') if m in sys.modules)\n"
        "linkcode.preload()\n"
        "segmenter = search.Segmenter(None, Path('docs/ko/glossary.md'))\n"
        "segmenter.load()\n"
        "kiwipiepy.Kiwi = None  # a new text now finds Kiwi loaded\n"
        "text = segmenter.segment('모델이 데이터를 외웁니다.', segmenter.vocabulary())\n"
        "after = sorted(m for m in ('torch', 'nnguide') if m in sys.modules)\n"
        "print(json.dumps([before, after, text]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    before, after, text = json.loads(result.stdout.splitlines()[-1])
    assert (before, after) == ([], ["nnguide", "torch"])
    assert text == "모델\u200b이 데이터\u200b를 외웁니다."  # Kiwi's pieces


def test_an_api_page_may_document_one_object_and_only_modules_count_as_pages(tmp_path):
    """``::: nnguide.models.count_parameters`` is an object, not a module to import."""
    (tmp_path / "models.md").write_text("# Models\n\n::: nnguide.models\n")
    (tmp_path / "one.md").write_text(
        "# One\n\n::: nnguide.models.count_parameters\n\n::: nnguide.device.get_device\n"
    )
    (tmp_path / "other.md").write_text("::: torch.nn\n\n::: nnguide\n\n::: nnguide.nowhere\n")
    assert linkcode.documented_modules(tmp_path) == {"nnguide", "nnguide.models"}
    resolver = linkcode.Resolver.for_docs(tmp_path)
    api = linkcode.public_api(resolver)
    assert "nnguide.models.count_parameters" in api
    assert not any(name.startswith("nnguide.device.") for name in api)
