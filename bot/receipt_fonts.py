"""The fonts of PDF receipts and statements: any script a name or title may be written in.

DejaVu Sans (shipped by matplotlib, a dependency) is embedded as the main font:
Latin, Cyrillic, Greek, Arabic, Hebrew and many symbols. fpdf2 shapes the text with
HarfBuzz (``uharfbuzz``), so Arabic joins and runs right to left. What DejaVu lacks
is drawn per glyph from a fallback font: a system Noto Sans CJK when installed
(Debian ``fonts-noto-cjk``), else the Droid Sans Fallback shipped in ``bot/fonts``
(Chinese, Japanese, Korean); for emoji a system Noto Emoji, else the one shipped
(monochrome). ``bot/fonts/README.md`` says where those files come from.

A fallback font is embedded only in a PDF whose text needs it: parsing a font costs
0.01-0.35 s and every payment, payout and refund renders a receipt, so a Latin
receipt embeds DejaVu alone. ``Fonts.printable`` sees every text before it is drawn
and adds the first fallback that covers a character DejaVu lacks (coverage read once
per process from each font's cmap). A character no font covers prints as U+FFFD (a
replacement mark) instead of breaking the page or turning the whole text into ``?``."""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FAMILY = "DejaVu"
STYLES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
          "BI": "DejaVuSans-BoldOblique.ttf"}
SHIPPED = Path(__file__).resolve().parent / "fonts"
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
# (family name in the PDF, file names to look for on the system, the file in bot/fonts,
# collection index for .ttc), in the order they are tried for a character
FALLBACKS = (
    ("NotoSansCJK", ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf",
                     "NotoSansSC-Regular.ttf", "NotoSansSC-Regular.otf"), None, 0),
    ("DroidFallback", (), "DroidSansFallback.ttf", 0),
    ("NotoEmoji", ("NotoEmoji-Regular.ttf",), "NotoEmoji-Regular.ttf", 0),
)
REPLACEMENT = "\ufffd"
DROPPED = frozenset({0x200D, 0xFE0E, 0xFE0F})  # joiners and variation selectors


def dejavu_dir() -> Path | None:
    """matplotlib's DejaVu fonts, else the system's (Debian ``fonts-dejavu-core``)."""
    try:
        import matplotlib
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        if all((path / name).exists() for name in STYLES.values()):
            return path
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        pass
    system = _system_font((STYLES[""],))
    if system is not None and all((system.parent / n).exists() for n in STYLES.values()):
        return system.parent
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


@lru_cache(maxsize=None)
def fallbacks() -> tuple[tuple[str, Path, int], ...]:
    """The fallback fonts this machine has: (family, file, collection index), system
    fonts first, then the ones shipped in ``bot/fonts``."""
    found = []
    for family, names, shipped, index in FALLBACKS:
        path = _system_font(names) if names else None
        if path is None and shipped and (SHIPPED / shipped).exists():
            path = SHIPPED / shipped
        if path is not None:
            found.append((family, path, index))
    return tuple(found)


class Fonts:
    """The fonts of one PDF: ``family`` to draw with, ``printable(text)`` before drawing."""

    def __init__(self, pdf, family: str, covered: frozenset[int], *, fallback: bool) -> None:
        self.pdf = pdf
        self.family = family
        self.covered = covered  # what the fonts embedded so far draw
        self.added: list[str] = []  # fallback families embedded, in the order added
        self._fallback = fallback  # fallback fonts can be used (not with Helvetica)
        self._tried: set[str] = set()
        self._missing: set[int] = set()  # characters no font covers

    def printable(self, text: str) -> str:
        """``text`` with what no font can draw as U+FFFD (controls as spaces), after
        embedding the fallback fonts its characters need."""
        text = str(text)
        if self._fallback:
            need = {ord(ch) for ch in text} - self.covered - self._missing - DROPPED
            for code in sorted(need):
                if code >= 0xA0 and code not in self.covered:
                    self._embed_for(code)
        return _printable(text, self.covered)

    def _embed_for(self, code: int) -> None:
        for family, path, index in fallbacks():
            if family in self._tried:
                continue
            try:
                covers = code in _coverage(path, index)
            except Exception as exc:  # noqa: BLE001 - a fallback font is optional
                log.warning("receipt font %s unreadable: %s", path, exc)
                self._tried.add(family)
                continue
            if not covers:
                continue
            self._tried.add(family)
            try:
                self.pdf.add_font(family, "", str(path), collection_font_number=index)
            except Exception as exc:  # noqa: BLE001
                log.warning("receipt font %s unusable: %s", path, exc)
                continue
            self.added.append(family)
            self.covered = self.covered | _coverage(path, index)
            self.pdf.set_fallback_fonts(self.added, exact_match=False)
            return
        self._missing.add(code)


def setup(pdf, styles: tuple[str, ...] = ("", "B", "I")) -> Fonts:
    """Embed the main font in ``pdf`` and return its ``Fonts``. Only the ``styles`` the
    document draws with are added (parsing a font costs about 0.1 s); fallback fonts
    come later, when ``Fonts.printable`` meets a character that needs one.
    Without DejaVu anywhere: Helvetica (Latin-1)."""
    main = dejavu_dir()
    if main is None:
        return Fonts(pdf, "Helvetica", frozenset(range(32, 256)), fallback=False)
    for style in styles:
        pdf.add_font(FAMILY, style, str(main / STYLES[style]))
    try:
        pdf.set_text_shaping(True)
    except Exception as exc:  # noqa: BLE001 - no uharfbuzz: unshaped, still readable
        log.warning("receipt text shaping off: %s", exc)
    return Fonts(pdf, FAMILY, _coverage(main / STYLES[""], 0), fallback=True)


def _printable(text: str, covered: frozenset[int]) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif code < 32 or 0x7F <= code < 0xA0:
            out.append(" ")
        elif code in covered:
            out.append(ch)
        elif code in DROPPED:
            continue
        else:
            out.append(REPLACEMENT if 0xFFFD in covered else "?")
    return "".join(out)
