"""The gettext catalogues and the commands that keep them (Babel).

Layout: ``babel.cfg`` (how ``pybabel extract`` finds message ids: the extractor in
``bot.texts.extraction``), ``bot/texts/messages.pot`` (the template),
``bot/texts/locale/<lang>/LC_MESSAGES/messages.po`` (one per language, in git) and
the compiled ``messages.mo`` beside it (not in git: compiled on first load when
missing or older than its ``.po``, in memory when the directory is read-only, or
ahead of time with ``compile``).

    python -m bot.texts.catalogues extract   # code -> messages.pot
    python -m bot.texts.catalogues init LANG # a new language from messages.pot
    python -m bot.texts.catalogues update    # extract, update every .po, merge dicts, compile
    python -m bot.texts.catalogues compile   # .po -> .mo
    python -m bot.texts.catalogues check     # untranslated or broken entries (exit 1)

``update`` also merges translations kept as Python dicts (``MESSAGES = {msgid:
text}``; a plural as a list of forms): ``bot/texts/<lang>.py`` and
``bot/texts/<lang>_new_*.py`` (a message in a context keyed ``"context\\x04msgid"``) fill
the entries of ``<lang>.po`` that are still empty (``--overwrite``: replace what the ``.po`` says too), and are deleted once merged
(``--keep`` keeps them)."""
from __future__ import annotations

import ast
import gettext
import io
import string
import sys
from functools import lru_cache
from pathlib import Path

TEXTS = Path(__file__).resolve().parent
ROOT = TEXTS.parents[1]
LOCALE_DIR = TEXTS / "locale"
POT = TEXTS / "messages.pot"
DOMAIN = "messages"
SOURCE = "en"  # the language of the message ids


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _languages() -> tuple[str, ...]:
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *[lang for lang in found if lang != SOURCE])


LANGUAGES: tuple[str, ...] = _languages()


def _read(lang: str):
    from babel.messages.pofile import read_po
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def compiled(lang: str) -> bytes | Path:
    """The ``.mo`` of ``lang``: its path, (re)compiled when missing or stale; the
    bytes themselves when it cannot be written there."""
    from babel.messages.mofile import write_mo
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return mo
    buf = io.BytesIO()
    write_mo(buf, _read(lang))
    try:
        tmp = mo.with_suffix(".mo.tmp")
        tmp.write_bytes(buf.getvalue())
        tmp.replace(mo)
        return mo
    except OSError:
        return buf.getvalue()


def translations(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE or lang not in LANGUAGES:
        return gettext.NullTranslations()
    mo = compiled(lang)
    data = mo.read_bytes() if isinstance(mo, Path) else mo
    return gettext.GNUTranslations(io.BytesIO(data))


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation of the singular messages of ``lang`` (empty: English); a
    message with a context is keyed ``context + "\\x04" + msgid``, as in a ``.mo``."""
    if lang == SOURCE:
        return {}
    return {(f"{m.context}\x04{m.id}" if m.context else m.id): m.string for m in _read(lang)
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


@lru_cache(maxsize=None)
def plurals(lang: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(singular, plural) -> the translated forms, for the plural messages of ``lang``."""
    if lang == SOURCE:
        return {}
    return {tuple(m.id): tuple(m.string) for m in _read(lang)
            if isinstance(m.id, (list, tuple)) and not m.fuzzy}


def plural_count(lang: str) -> int:
    """How many plural forms ``lang`` has (Russian 3, Spanish and English 2)."""
    from babel import Locale
    from babel.messages.plurals import get_plural
    return get_plural(Locale.parse(lang)).num_plurals if lang != SOURCE else 2


# -- the commands ---------------------------------------------------------------------
def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-o", str(POT), "--no-location",
             "--no-wrap", "--project", "gigbroker",
             "--copyright-holder", "gigbroker", str(ROOT / "bot"), str(ROOT / "adapters"),
             str(ROOT / "core"))


def init(lang: str) -> None:
    _pybabel("init", "-i", str(POT), "-d", str(LOCALE_DIR), "-l", lang, "--no-wrap")


def update_po() -> None:
    _pybabel("update", "-i", str(POT), "-d", str(LOCALE_DIR), "--no-wrap",
             "--no-fuzzy-matching", "--ignore-obsolete")


def compile_all() -> None:
    for lang in _languages()[1:]:
        path = compiled(lang)
        print(f"{lang}: {path if isinstance(path, Path) else 'in memory'}")


def _dict_files(lang: str) -> list[Path]:
    return sorted({*TEXTS.glob(f"{lang}.py"), *TEXTS.glob(f"{lang}_new_*.py")})


def _messages_of(path: Path) -> dict:
    """``MESSAGES = {...}`` of a dict file, read without importing it."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "MESSAGES" for t in targets):
            return ast.literal_eval(node.value)
    return {}


def merge_dicts(*, keep: bool = False, overwrite: bool = False) -> None:
    """Fill empty entries of each ``.po`` from its language's dict files (with
    ``overwrite``, the dicts' texts also replace translations the ``.po`` has)."""
    from babel.messages.pofile import write_po
    for lang in _languages()[1:]:
        files = _dict_files(lang)
        if not files:
            continue
        cat = _read(lang)
        filled = clashes = 0
        texts: dict = {}
        for path in files:  # plural forms (lists) win over a single text for the same id
            for msgid, text in _messages_of(path).items():
                if msgid not in texts or isinstance(text, (list, tuple)):
                    texts[msgid] = text
        for msgid, text in texts.items():
            context, _, bare = msgid.rpartition("\x04")  # "context\x04msgid": in a context
            message = cat.get(bare, context=context or None)
            if message is None:
                continue
            forms = list(text) if isinstance(text, (list, tuple)) else [text]
            if isinstance(message.id, (list, tuple)):
                # real plural forms replace a fuzzy or partial entry; a single text
                # (the dict predates the plural) only fills an empty one
                partial = message.fuzzy or not all(message.string) or overwrite
                if (len(forms) > 1 and partial) or not any(message.string):
                    count = plural_count(lang)  # too few forms: the last one repeats
                    message.string = tuple((forms + forms[-1:] * count)[:count])
                    message.flags.discard("fuzzy")
                    filled += 1
            elif not message.string or message.fuzzy or (overwrite and message.string != forms[0]):
                message.string = forms[0]
                message.flags.discard("fuzzy")
                filled += 1
            elif message.string != forms[0]:
                clashes += 1
        with po_path(lang).open("wb") as fh:
            write_po(fh, cat, width=0, omit_header=False)
        print(f"{lang}: {filled} entries filled from {', '.join(p.name for p in files)}"
              + (f" ({clashes} differing ones kept as in the .po)" if clashes else ""))
        if not keep:
            for path in files:
                path.unlink()


def problems(lang: str, cat=None) -> list[str]:
    """Untranslated messages, translations that lose or add a placeholder (in the
    ``.po`` of ``lang``, or in the babel ``Catalog`` ``cat``)."""
    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    out = []
    for m in (_read(lang) if cat is None else cat):
        if not m.id:
            continue
        ids = list(m.id) if isinstance(m.id, (list, tuple)) else [m.id]
        forms = list(m.string) if isinstance(m.string, (list, tuple)) else [m.string]
        if m.fuzzy or not all(f and f.strip() for f in forms):
            out.append(f"untranslated: {ids[0]!r}")
            continue
        wanted = set().union(*(fields(i) for i in ids))
        for form in forms:
            try:
                have = fields(form)
            except ValueError as exc:
                out.append(f"broken {form!r}: {exc}")
                continue
            # a plural form may leave out {n} ("one slot"), never another placeholder
            if have - wanted or (wanted - {"n"}) - have:
                out.append(f"placeholders of {ids[0]!r}: {sorted(wanted)} vs {form!r}")
    return out


def check() -> int:
    bad = 0
    for lang in _languages()[1:]:
        found = problems(lang)
        bad += len(found)
        for line in found:
            print(f"{lang}: {line}")
        print(f"{lang}: {'ok' if not found else f'{len(found)} problems'}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    what = args[0] if args else "help"
    if what == "extract":
        extract()
    elif what == "init" and len(args) == 2:
        extract()
        init(args[1])
    elif what == "update":
        extract()
        update_po()
        merge_dicts(keep="--keep" in args, overwrite="--overwrite" in args)
        compile_all()
        return check()
    elif what == "compile":
        compile_all()
    elif what == "check":
        return check()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
