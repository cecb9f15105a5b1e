"""PDF receipts print any script on a fresh install: Chinese, Japanese and Korean from the
Droid Sans Fallback shipped in bot/fonts (or a system Noto CJK), emoji from the shipped
monochrome Noto Emoji; and a fallback font is embedded only in a PDF whose text needs
it (each costs 0.01-0.35 s to parse, and every payment, payout and refund renders a
receipt). Text is read back from the PDF as a reader would copy it (tests/pdf_text.py)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from bot import receipt_fonts
from bot.receipts import Receipt, render_pdf
from bot.texts import translator
from tests.pdf_text import pdf_text


def receipt(client: str, title: str, freelancer: str, note: str = "") -> Receipt:
    return Receipt(number=7, kind="payout", at=datetime(2026, 6, 1, 9, tzinfo=timezone.utc),
                   currency="USD", total=2500, gig_id=3, gig_title=title, client=client,
                   freelancer=freelancer, lines=[("Reward", {}, 2500)],
                   notes=[note] if note else [], reference="tr_1")


def embedded(pdf: bytes) -> set[str]:
    """The font names embedded in a PDF (without fpdf2's subset prefix)."""
    return {name.decode().split("+", 1)[-1] for name in re.findall(rb"/BaseFont /(\S+)", pdf)}


def test_the_fallback_fonts_are_shipped_with_their_licences():
    found = {family: path for family, path, _ in receipt_fonts.fallbacks()}
    assert {"DroidFallback", "NotoEmoji"} <= set(found)
    shipped = receipt_fonts.SHIPPED
    for name in ("DroidSansFallback.ttf", "NotoEmoji-Regular.ttf", "LICENSE-Apache-2.0.txt",
                 "LICENSE-OFL-1.1.txt", "README.md"):
        assert (shipped / name).is_file(), name


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_chinese_japanese_korean_and_emoji_print(lang):
    pdf = render_pdf(receipt("李明", "東京のロゴ 🎉", "김민수 😀", note="Merci 👍 ❤"),
                     translator(lang))
    shown = pdf_text(pdf)
    for text in ("李明", "東京のロゴ 🎉", "김민수 😀", "👍"):
        assert text in shown, shown
    assert receipt_fonts.REPLACEMENT not in shown and "?" not in shown, shown
    assert {"DroidSansFallback", "NotoEmoji"} <= embedded(pdf)


FALLBACK_NAMES = {"DroidSansFallback", "NotoEmoji", "NotoSansCJK"}


def test_a_latin_cyrillic_or_arabic_receipt_embeds_no_fallback_font():
    for client, title in (("Alice Smith", "Logo in SVG"), ("Алиса", "Логотип"),
                          ("سارة", "شعار")):
        pdf = render_pdf(receipt(client, title, "Bob"), translator("en"))
        assert not any(name.startswith(tuple(FALLBACK_NAMES)) for name in embedded(pdf)), \
            embedded(pdf)
        assert all(name.startswith("DejaVu") for name in embedded(pdf)), embedded(pdf)
        if client.isascii() or client == "Алиса":
            assert client in pdf_text(pdf) and title in pdf_text(pdf)


def test_only_the_font_a_text_needs_is_embedded():
    emoji_only = render_pdf(receipt("Ana 🎨", "Logo", "Bob"), translator("es"))
    assert "NotoEmoji" in embedded(emoji_only)
    assert "DroidSansFallback" not in embedded(emoji_only)
    cjk_only = render_pdf(receipt("王芳", "Logo", "Bob"), translator("en"))
    assert "DroidSansFallback" in embedded(cjk_only) and "NotoEmoji" not in embedded(cjk_only)


def test_what_no_font_covers_prints_as_a_replacement_mark():
    # U+16A0 (a rune) and U+E000 (private use) are in none of the fonts
    pdf = render_pdf(receipt("ᚠ Bob", "Logo \ue000", "Ann"), translator("en"))
    shown = pdf_text(pdf)
    assert "\ufffd Bob" in shown and "Logo \ufffd" in shown, shown
    assert all(name.startswith("DejaVu") for name in embedded(pdf)), embedded(pdf)


def test_the_coverage_decides_before_any_font_is_parsed():
    """Asking for a character nobody covers again does not look for a font again."""
    class Pdf:
        added: list[str] = []

        def add_font(self, family, *args, **kwargs):
            self.added.append(family)

        def set_fallback_fonts(self, families, exact_match=True):
            pass
    pdf = Pdf()
    main = receipt_fonts.dejavu_dir()
    fonts = receipt_fonts.Fonts(pdf, receipt_fonts.FAMILY,
                                receipt_fonts._coverage(main / receipt_fonts.STYLES[""], 0),
                                fallback=True)
    assert fonts.printable("Plain text, Привет") == "Plain text, Привет" and pdf.added == []
    assert fonts.printable("ᚠ") == "\ufffd" and pdf.added == []
    assert fonts.printable("漢字 and 字") == "漢字 and 字"
    assert pdf.added == ["DroidFallback"] or pdf.added == ["NotoSansCJK"]
    fonts.printable("更多漢字 ᚠ")
    assert len(pdf.added) == 1
