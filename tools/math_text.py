"""Formulas as text: TeX as the reader sees it once KaTeX has rendered it.

The search index's titles and text (:mod:`tools.search`) and the glossary tooltips
(:mod:`tools.tooltips`) show a formula as this text (``\\(\\eta\\)`` -> ``η``), never
its TeX.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# TeX as the reader sees it once KaTeX has rendered it.
# fmt: off
_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ",
    "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "cdot": "·", "times": "×", "div": "÷", "pm": "±", "le": "≤", "leq": "≤",
    "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼", "equiv": "≡",
    "sum": "Σ", "prod": "Π", "partial": "∂", "nabla": "∇", "infty": "∞", "in": "∈",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "mapsto": "↦",
    "Rightarrow": "⇒", "dots": "…", "ldots": "…", "cdots": "⋯", "lfloor": "⌊",
    "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "mid": "|", "lvert": "|", "rvert": "|",
    "vert": "|", "lVert": "‖", "rVert": "‖", "|": "‖", "{": "{", "}": "}", "%": "%",
    "$": "$", "&": "&", "_": "_", "#": "#", "quad": " ", "qquad": " ", ",": " ", ";": " ",
    ":": " ", "!": "", " ": " ", "left": "", "right": "", "big": "", "Big": "",
    "bigl": "", "bigr": "", "displaystyle": "", "top": "ᵀ", "intercal": "ᵀ", "ell": "ℓ",
}
_TEX_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307",
                "vec": "\u20d7", "overline": "\u0304", "widehat": "\u0302"}
_TEX_FONTS = {"mathbb": dict(zip("RNZQC", "ℝℕℤℚℂ", strict=True))}
_SUPERSCRIPT = dict(zip("0123456789+-=()nixTt", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣᵀᵗ", strict=True))
_SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ",
                      strict=True))
# fmt: on
_MATH = re.compile(
    r"\\\((?P<inline>.+?)\\\)|\\\[(?P<display>.+?)\\\]|\$\$(?P<dollars>.+?)\$\$"
    r"|(?<![\\$0-9A-Za-z_])\$(?=\S)(?P<dollar>[^$]+?)(?<=\S)\$(?![0-9A-Za-z_])",
    re.DOTALL,
)
_GROUP = r"\{([^{}]*)\}"


def _scripted(text: str, table: dict[str, str], mark: str) -> str:
    if text and all(char in table for char in text):
        return "".join(table[char] for char in text)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def tex_text(tex: str) -> str:
    r"""A TeX formula as the text KaTeX shows for it, as near as plain text comes.

    >>> tex_text(r"\lambda"), tex_text(r"w \leftarrow w - \eta \nabla_w L")
    ('λ', 'w ← w − η ∇_w L')
    >>> tex_text(r"\frac{1}{n}\sum_i (\hat{y}_i - y_i)^2")
    '1/n Σᵢ (ŷᵢ − yᵢ)²'
    >>> tex_text(r"\sigma(x) = \frac{1}{1 + e^{-x}}")
    'σ(x) = 1/(1 + e⁻ˣ)'
    """
    text = re.sub(r"\\(?:begin|end)\s*\{[^{}]*\}", " ", tex)
    text = re.sub(r"&amp;|&(?![a-z]+;|#\d+;)", " ", text)  # a column of an aligned formula
    text = re.sub(r"\s*\\\\\s*", "; ", text)  # a line break
    text = re.sub(r"\^\s*\\(?:top|intercal)(?![A-Za-z])", "ᵀ", text)
    text = re.sub(r"([_^])\s*\\(?:text|mathrm)\s*\{", r"\1{", text)
    for _ in range(8):  # innermost groups first
        before = text
        text = re.sub(
            r"\^\s*([A-Za-z0-9])", lambda m: _scripted(m.group(1), _SUPERSCRIPT, "^"), text
        )
        text = re.sub(r"_\s*([A-Za-z0-9])", lambda m: _scripted(m.group(1), _SUBSCRIPT, "_"), text)
        text = re.sub(
            r"\\(?:text|mathrm|operatorname|mathbf|boldsymbol|mathit|mathcal|textbf|mbox)\s*"
            + _GROUP,
            r"\1",
            text,
        )
        for name, table in _TEX_FONTS.items():
            text = re.sub(
                rf"\\{name}\s*{_GROUP}",
                lambda m, t=table: "".join(t.get(c, c) for c in m.group(1)),  # type: ignore[misc]
                text,
            )
        for name, accent in _TEX_ACCENTS.items():
            text = re.sub(rf"\\{name}\s*{_GROUP}", lambda m, a=accent: m.group(1) + a, text)  # type: ignore[misc]
        for name, accent in _TEX_ACCENTS.items():  # on one letter: \hat y
            text = re.sub(rf"\\{name}\s+([A-Za-z])", lambda m, a=accent: m.group(1) + a, text)  # type: ignore[misc]
        text = re.sub(
            rf"\\[dt]?frac\s*{_GROUP}\s*{_GROUP}",
            lambda m: f"{_operand(m.group(1))}/{_operand(m.group(2), denominator=True)}",
            text,
        )
        text = re.sub(rf"\\sqrt\s*{_GROUP}", lambda m: f"√{_operand(m.group(1))}", text)
        text = re.sub(rf"\^\s*{_GROUP}", lambda m: _scripted(m.group(1), _SUPERSCRIPT, "^"), text)
        text = re.sub(rf"_\s*{_GROUP}", lambda m: _scripted(m.group(1), _SUBSCRIPT, "_"), text)
        if text == before:
            break
    text = re.sub(r"\\(sum|prod)(?![A-Za-z])", r" \\\1", text)  # an operator, spaced
    text = re.sub(
        r"\\([A-Za-z]+|.)",
        lambda m: _TEX_SYMBOLS.get(m.group(1), m.group(1)),
        text,
    )
    text = text.replace("{", "").replace("}", "").replace("-", "−").replace("~", " ")
    text = re.sub(r"[ \t\n]+", " ", text)
    return unicodedata.normalize("NFC", re.sub(r"([(\[]) ", r"\1", text).strip())


# One symbol of a formula: a number, a letter or a TeX command, with its scripts and accents.
_ATOM = re.compile(
    r"√?(?:\d+(?:\.\d+)?|[A-Za-z]|\\[A-Za-z]+)"
    r"[\u0300-\u036f\u00b2\u00b3\u00b9\u1d2c-\u1d6a\u2070-\u209fᵀ]*"
)


def _operand(text: str, denominator: bool = False) -> str:
    """A fraction's part, in parentheses where it is more than one term.

    A denominator is in parentheses unless it is one symbol, so ``\\frac{a}{2h}`` reads
    ``a/(2h)``, not ``a/2h``.

    >>> _operand("1"), _operand("x + 1"), _operand("2h", denominator=True), _operand("n", True)
    ('1', '(x + 1)', '(2h)', 'n')
    """
    text = text.strip()
    if re.search(r"[\s+\-=]", text) or (denominator and not _ATOM.fullmatch(text)):
        return f"({text})"
    return text


def plain_math(html: str) -> str:
    r"""``html`` with every TeX formula replaced by :func:`tex_text` of it.

    Formulas are written ``\(..\)``, ``\[..\]``, ``$$..$$`` or ``$..$`` (arithmatex's
    and the notebooks' delimiters).

    >>> plain_math(r"the step size \(\eta\) and $x^2$")
    'the step size η and x²'
    """
    if "\\" not in html and "$" not in html:
        return html

    def plain(match: re.Match[str]) -> str:
        formula = next(group for group in match.groups() if group is not None)
        return _known_tex_text(formula)

    return _MATH.sub(plain, html)


# Each search index is written from every section's text at each `mkdocs serve` rebuild;
# its formulas are mostly the same ones.
@functools.lru_cache(maxsize=4096)
def _known_tex_text(tex: str) -> str:
    return tex_text(tex)
