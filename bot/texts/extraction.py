"""Where the message ids are: read from the source with ``ast``, for ``pybabel
extract`` (``babel.cfg`` names ``extract`` below as its extractor) and for
``tests/unit/test_catalogue.py``, which checks every one has a translation.

A message id is
- the first string literal of a call named ``_`` or ``N_`` (``_(...)``,
  ``ctx._(...)``, ``N_(...)``, ``translator(locale)(...)``, or a name bound to a
  translator: ``tr = translator(locale)``, ``tr = ctx._``), in ``bot/`` and
  ``adapters/``;
- the two first literals of ``ngettext(singular, plural, n)`` (``_.ngettext``,
  ``ctx._.ngettext``): a message with plural forms;
- the two literals of ``NC_(context, msgid)`` and ``pgettext(context, msgid)``: a
  message in a context (``msgctxt``; the context may be a module-level string
  constant, ``COMMAND = "Discord command name..."``);
- a literal button label in the card, notification and command modules;
- the template of a refusal raised as ``core.domain.errors.DomainError`` (or a
  subclass) anywhere in ``core``, ``bot`` and ``adapters``
  (``bot.service.error_reply`` translates it); a ``Plural("one", "other",
  count=...)`` template is a message with plural forms."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
BOT_DIR = ROOT / "bot"
SOURCE_DIRS = (BOT_DIR, ROOT / "adapters")  # bot first: it holds nearly every text
ERROR_SOURCE_DIRS = (BOT_DIR, ROOT / "adapters", ROOT / "core")
ERROR_BASES = {"DomainError"}  # subclasses are found in the source (see error_classes)
MARKERS = {"_", "N_"}  # translate now / mark for the catalogue
PLURAL_MARKERS = {"ngettext"}
CONTEXT_MARKERS = {"NC_", "pgettext"}  # (context, msgid)
CONTEXT_SEP = "\x04"  # gettext's: a catalogue key is context + CONTEXT_SEP + msgid
BUTTON_MODULES = ("cards.py", "notifications.py", "commands/*.py")


@dataclass(frozen=True)
class Msg:
    msgid: str
    source: str  # "bot/cards.py", or where a runtime-only id comes from
    line: int = 0
    plural: str | None = None  # the plural message id of an ngettext message
    context: str | None = None  # the msgctxt of an NC_ / pgettext message

    @property
    def key(self) -> str:
        """How catalogues (``bot.texts.CATALOGUES``) key it: gettext's context + EOT + id."""
        return f"{self.context}{CONTEXT_SEP}{self.msgid}" if self.context else self.msgid

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


def _skip(path: Path, base: Path) -> bool:
    return "texts" in path.relative_to(base).parts


def source_files() -> list[Path]:
    """Every module of bot/ (but the catalogue itself), then of adapters/."""
    return [p for d in SOURCE_DIRS if d.is_dir() for p in sorted(d.rglob("*.py"))
            if not _skip(p, d)]


def error_source_files() -> list[Path]:
    return [p for d in ERROR_SOURCE_DIRS if d.is_dir() for p in sorted(d.rglob("*.py"))
            if not _skip(p, d)]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@lru_cache(maxsize=None)
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def translator_names(tree: ast.Module) -> frozenset[str]:
    """``_``, ``N_`` and any name this module binds to a translator."""
    names = set(MARKERS)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            bound = (isinstance(value, ast.Call) and call_name(value) == "translator") or (
                isinstance(value, ast.Attribute) and value.attr in MARKERS)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if bound:
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def is_translation(node: ast.Call, names: frozenset[str]) -> bool:
    if isinstance(node.func, ast.Call):
        return call_name(node.func) == "translator"
    return call_name(node) in (names if isinstance(node.func, ast.Name) else MARKERS)


def is_plural(node: ast.Call) -> bool:
    return call_name(node) in PLURAL_MARKERS


def first_arg(node: ast.Call, keyword: str) -> ast.expr | None:
    if node.args and not isinstance(node.args[0], ast.Starred):
        return node.args[0]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def is_str(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def ordered_calls(tree: ast.AST) -> list[ast.Call]:
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return sorted(calls, key=lambda n: (n.lineno, n.col_offset))


def is_button_module(path: Path) -> bool:
    return path.is_relative_to(BOT_DIR) and any(
        path.relative_to(BOT_DIR).match(pattern) for pattern in BUTTON_MODULES)


def label_literals(node: ast.expr | None) -> list[ast.Constant]:
    """String literals an expression can evaluate to (``a if c else b``, ``a or b``)."""
    if is_str(node):
        return [node]
    if isinstance(node, ast.IfExp):
        return label_literals(node.body) + label_literals(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [c for v in node.values for c in label_literals(v)]
    return []


@lru_cache(maxsize=None)
def error_classes() -> tuple[frozenset[str], frozenset[str]]:
    """(DomainError and every subclass in the source, those taking ``field`` first)."""
    classes: dict[str, set[str]] = {}
    for path in error_source_files():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                    for b in node.bases)
    errors, fielded = set(ERROR_BASES), {"ValidationError"}
    changed = True
    while changed:
        changed = False
        for name, bases in classes.items():
            if name not in errors and bases & errors:
                errors.add(name)
                changed = True
            if name not in fielded and bases & fielded:
                fielded.add(name)
                changed = True
    return frozenset(errors), frozenset(fielded)


def error_template(node: ast.Call) -> ast.expr | None | bool:
    """The template argument of ``SomeDomainError(...)``; False if not one."""
    errors, fielded = error_classes()
    name = call_name(node)
    if name not in errors:
        return False
    index = 1 if name in fielded else 0
    if len(node.args) > index and not any(isinstance(a, ast.Starred) for a in node.args):
        return node.args[index]
    return next((k.value for k in node.keywords if k.arg == "template"), None)


def is_plural_template(node: ast.expr | None) -> bool:
    """``Plural("{n} item", "{n} items", count="n")`` with two literal forms."""
    return (isinstance(node, ast.Call) and call_name(node) == "Plural" and len(node.args) >= 2
            and is_str(node.args[0]) and is_str(node.args[1]))


def plural_count(node: ast.Call) -> str | None:
    """The parameter a ``Plural`` template counts by (``n`` unless given)."""
    given = node.args[2] if len(node.args) > 2 else next(
        (k.value for k in node.keywords if k.arg == "count"), None)
    if given is None:
        return "n"
    return given.value if is_str(given) else None


def template_parts(node: ast.expr | None) -> list[ast.Constant | ast.Call]:
    """The templates an error's template argument can be: literals and ``Plural``
    calls (``a if c else Plural(...)`` gives both)."""
    if is_plural_template(node):
        return [node]
    if isinstance(node, ast.IfExp):
        return template_parts(node.body) + template_parts(node.orelse)
    return list(label_literals(node))


def has_words(template: str) -> bool:
    """'{message}' (a provider's own text passed through) is not worth an entry."""
    return any(ch.isalpha() for ch in re.sub(r"\{[^{}]*\}", "", template))


def string_constants(tree: ast.Module) -> dict[str, str]:
    """``NAME = "literal"`` at the top of a module."""
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and is_str(node.value) for t in node.targets if isinstance(t, ast.Name)}


def messages_in(tree: ast.Module, path: Path, *, texts: bool, errors: bool) -> Iterator[Msg]:
    """The message ids of one module, in source order."""
    names = translator_names(tree)
    constants = string_constants(tree)
    buttons = texts and is_button_module(path)
    where = rel(path) if path.is_relative_to(ROOT) else str(path)
    for call in ordered_calls(tree):
        if texts and call_name(call) in CONTEXT_MARKERS:
            args = call.args
            context = args[0].value if args and is_str(args[0]) else (
                constants.get(args[0].id) if args and isinstance(args[0], ast.Name) else None)
            if len(args) >= 2 and context is not None and is_str(args[1]):
                yield Msg(args[1].value, where, args[1].lineno, context=context)
        elif texts and is_plural(call):
            args = call.args
            if len(args) >= 2 and is_str(args[0]) and is_str(args[1]):
                yield Msg(args[0].value, where, args[0].lineno, plural=args[1].value)
        elif texts and is_translation(call, names):
            arg = first_arg(call, "msgid")
            if is_str(arg):
                yield Msg(arg.value, where, arg.lineno)
        elif buttons and call_name(call) == "Button":
            for const in label_literals(first_arg(call, "label")):
                if any(ch.isalpha() for ch in const.value):
                    yield Msg(const.value, where, const.lineno)
        if errors:
            arg = error_template(call)
            if arg is not False:
                for part in template_parts(arg):
                    if isinstance(part, ast.Call):
                        one, other = part.args[0], part.args[1]
                        yield Msg(one.value, where, one.lineno, plural=other.value)
                    elif has_words(part.value):
                        yield Msg(part.value, where, part.lineno)


def literal_msgids() -> list[Msg]:
    return [m for p in source_files() for m in messages_in(parsed(p), p, texts=True,
                                                           errors=False)]


def error_msgids() -> list[Msg]:
    return [m for p in error_source_files() for m in messages_in(parsed(p), p, texts=False,
                                                                 errors=True)]


def source_msgids() -> dict[str, Msg]:
    """Every message found in the source (by ``Msg.key``), mapped to its first occurrence."""
    out: dict[str, Msg] = {}
    for msg in literal_msgids() + error_msgids():
        out.setdefault(msg.key, msg)
    return out


def extract(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """The ``pybabel extract`` method (``babel.cfg``): (lineno, funcname, messages,
    comments) for each message id of the file."""
    path = Path(getattr(fileobj, "name", "")).resolve()
    source = fileobj.read()
    tree = ast.parse(source.decode("utf-8") if isinstance(source, bytes) else source)
    in_texts = any(path.is_relative_to(d) and not _skip(path, d) for d in SOURCE_DIRS)
    in_errors = any(path.is_relative_to(d) and not _skip(path, d) for d in ERROR_SOURCE_DIRS)
    for msg in messages_in(tree, path, texts=in_texts, errors=in_errors):
        if msg.context is not None:
            yield msg.line, "pgettext", (msg.context, msg.msgid), []
        elif msg.plural is not None:
            yield msg.line, "ngettext", (msg.msgid, msg.plural, None), []
        else:
            yield msg.line, "_", msg.msgid, []
