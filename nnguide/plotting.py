"""Plotting helpers for the guide's figures.

Everything here needs matplotlib (``pip install "nnguide[plot]"``). The one setup
call, :func:`set_style`, makes figures look the same in every lesson and lets them
carry Korean labels: it adds a font with Hangul glyphs to matplotlib's font
fallback chain, so text in either language renders without boxes or
"Glyph missing" warnings.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["hangul_font_path", "set_style"]

_HANGUL_FONT_FILES = ("NanumGothic.ttf", "NanumBarunGothic.ttf", "NotoSansCJK-Regular.ttc")
_SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/nanum"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


def hangul_font_path() -> Path | None:
    """Find a font file that has Hangul glyphs.

    Looks first in the ``koreanize-matplotlib`` package, which ships NanumGothic and
    is installed with the ``plot`` extra (the package is located, not imported, so
    its import-time side effects do not run), then in the usual system font folders.

    Returns:
        The path of the font file, or ``None`` when no such font is installed.

    Examples:
        >>> path = hangul_font_path()
        >>> path is None or path.suffix in {".ttf", ".ttc", ".otf"}
        True
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    folders: list[Path] = []
    if spec is not None and spec.origin is not None:
        folders.append(Path(spec.origin).parent / "fonts")
    folders.extend(_SYSTEM_FONT_DIRS)
    for folder in folders:
        for name in _HANGUL_FONT_FILES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def set_style() -> str | None:
    """Set matplotlib defaults for the guide's figures, Korean labels included.

    Registers the font found by :func:`hangul_font_path` with matplotlib and puts it
    after DejaVu Sans in ``font.family``: Latin text keeps matplotlib's usual font,
    and Hangul glyphs come from the fallback font. Also sets a light grid and a
    figure size that reads well on a web page. Safe to call more than once.

    Returns:
        The family name of the Hangul font in use, or ``None`` when none was found
        (Latin text still renders; Hangul would not).

    Raises:
        ModuleNotFoundError: If matplotlib is not installed.

    Examples:
        >>> name = set_style()
        >>> import matplotlib
        >>> matplotlib.rcParams["font.family"][0]
        'DejaVu Sans'
    """
    try:
        import matplotlib
        from matplotlib import font_manager
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
        raise ModuleNotFoundError(
            'nnguide.plotting needs matplotlib: pip install "nnguide[plot]"'
        ) from error

    families = ["DejaVu Sans"]
    hangul_family = None
    path = hangul_font_path()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        hangul_family = font_manager.FontProperties(fname=str(path)).get_name()
        families.append(hangul_family)
    matplotlib.rcParams.update(
        {
            "font.family": families,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "figure.figsize": (8.0, 4.0),
            "figure.dpi": 100,
            "savefig.bbox": "tight",
        }
    )
    return hangul_family
