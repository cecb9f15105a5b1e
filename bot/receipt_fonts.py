"""The fonts of PDF receipts: any script a name or title may be written in.

DejaVu Sans (shipped by matplotlib, a dependency) is embedded as the main font:
Latin, Cyrillic, Greek, Arabic, Hebrew and many symbols and emoji. fpdf2 shapes
the text with HarfBuzz (``uharfbuzz``), so Arabic joins and runs right to left.
Fonts for what DejaVu lacks are used per glyph when the system has them (Noto
Sans CJK from Debian's ``fonts-noto-cjk`` for Chinese, Japanese and Korean; a
monochrome emoji font): PyPI ships no CJK font we could depend on. A character no
available font covers prints as U+FFFD (a replacement mark) instead of breaking
the page or turning the whole text into ``?``."""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FAMILY = "DejaVu"
STYLES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
          "BI": "DejaVuSans-BoldOblique.ttf"}
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
# (family name in the PDF, file names to look for, collection index for .ttc)
FALLBACKS = (
    ("NotoSansCJK", ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf",
                     "NotoSansSC-Regular.ttf", "NotoSansSC-Regular.otf"), 0),
    ("NotoEmoji", ("NotoEmoji-Regular.ttf",), 0),
    ("DejaVuSystem", ("DejaVuSans.ttf",), 0),  # the system's copy, if matplotlib's is gone
)
REPLACEMENT = "\ufffd"


def dejavu_dir() -> Path | None:
    try:
        import matplotlib
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        return path if (path / STYLES[""]).exists() else None
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        return None


@lru_cache(maxsize=None)
def _system_font(names: tuple[str, ...]) -> Path | None:
    for base in FONT_DIRS:
        root = Path(os.path.expanduser(base))
        if not root.is_dir():
            continue
        for name in names:
            found = next(root.rglob(name), None)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=None)
def _coverage(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont
    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def fallbacks() -> list[tuple[str, Path, int]]:
    return [(family, path, index) for family, names, index in FALLBACKS
            if (path := _system_font(names)) is not None]


def setup(pdf, styles: tuple[str, ...] = ("", "B", "I")) -> tuple[str, frozenset[int]]:
    """Embed the fonts in ``pdf``: (the family to use, the code points they cover).
    Only the ``styles`` the document draws with are added: parsing a font costs about
    0.1 s, and every payment, payout and refund renders a receipt.
    Without DejaVu anywhere: Helvetica (Latin-1) and its coverage."""
    main = dejavu_dir()
    covered: set[int] = set()
    if main is not None:
        for style in styles:
            pdf.add_font(FAMILY, style, str(main / STYLES[style]))
        covered |= _coverage(main / STYLES[""], 0)
        family = FAMILY
    else:
        family = "Helvetica"
        covered |= set(range(32, 256))
    extra = []
    for name, path, index in fallbacks():
        if main is not None and name == "DejaVuSystem":
            continue
        try:
            pdf.add_font(name, "", str(path), collection_font_number=index)
            covered |= _coverage(path, index)
            extra.append(name)
        except Exception as exc:  # noqa: BLE001 - a fallback font is optional
            log.warning("receipt font %s unusable: %s", path, exc)
    if extra and family == FAMILY:
        pdf.set_fallback_fonts(extra, exact_match=False)
    if family == FAMILY:
        try:
            pdf.set_text_shaping(True)
        except Exception as exc:  # noqa: BLE001 - no uharfbuzz: unshaped, still readable
            log.warning("receipt text shaping off: %s", exc)
    return family, frozenset(covered)


def printable(text: str, covered: frozenset[int]) -> str:
    """``text`` with what no embedded font can draw as U+FFFD (controls as spaces)."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif code < 32 or 0x7F <= code < 0xA0:
            out.append(" ")
        elif code in covered:
            out.append(ch)
        elif code in (0x200D, 0xFE0E, 0xFE0F):  # joiners and variation selectors: dropped
            continue
        else:
            out.append(REPLACEMENT if 0xFFFD in covered else "?")
    return "".join(out)
