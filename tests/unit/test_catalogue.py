"""The text catalogue is complete and consistent with the source.

Message ids are found by reading the source with ``ast``: of the ``bot`` package,
and of ``adapters`` (chat adapters translate a few texts of their own). They are
the first-argument string literals of calls named ``_`` or ``N_`` (``_(...)``,
``ctx._(...)``, ``self._(...)``, ``N_(...)``, ``translator(locale)(...)``) and the
literal button labels in the card, notification and command modules; the templates
of refusals raised as ``core.domain.errors.DomainError`` (or a subclass) across ``core``,
``bot`` and ``adapters`` (``bot.service.error_reply`` translates them); plus what
only exists at runtime: command and argument help texts from the registry, form
titles, field labels, prompts and placeholders, the error leads of ``bot.service``
and the status names shown via ``_(status)``.

Then: every command has help in every language, every message id has a Spanish
translation using exactly the same ``{placeholders}``, button payloads fit
Telegram's 64 bytes and forged ones are refused, and the translator picks and
falls back as documented."""
from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

import bot
from bot import payloads
from bot.texts import CATALOGUES, LANGUAGES, pick_locale, translator

BOT_DIR = Path(bot.__file__).resolve().parent
ROOT = BOT_DIR.parent
SOURCE_DIRS = (BOT_DIR, ROOT / "adapters")  # bot first: it holds nearly every text
# where DomainError templates are raised (core: the refusals themselves)
ERROR_SOURCE_DIRS = (BOT_DIR, ROOT / "adapters", ROOT / "core")
ERROR_BASES = {"DomainError"}  # subclasses are found in the source (see error_classes)
MARKERS = {"_", "N_"}  # translate now / mark for the catalogue
BUTTON_MODULES = ("cards.py", "notifications.py", "commands/*.py")

# Platform limits the texts must fit in every language (Discord is the strictest).
MAX_FORM_TITLE = 45  # modal title
MAX_FIELD_LABEL = 45  # text input label
MAX_FIELD_PLACEHOLDER = 100
MAX_COMMAND_HELP = 100  # slash command / option description
MAX_BUTTON_LABEL = 80


@dataclass(frozen=True)
class Msg:
    msgid: str
    source: str  # "bot/cards.py", or where a runtime-only id comes from
    line: int = 0

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


# -- extraction -----------------------------------------------------------------
def source_files() -> list[Path]:
    """Every module of bot/ (but the catalogue itself), then of adapters/."""
    return [p for d in SOURCE_DIRS if d.is_dir() for p in sorted(d.rglob("*.py"))
            if "texts" not in p.relative_to(d).parts]


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


@lru_cache(maxsize=None)
def translator_names(path: Path) -> frozenset[str]:
    """``_``, ``N_`` and any name this module binds to a translator: ``tr =
    translator(locale)`` or ``tr = ctx._``."""
    names = set(MARKERS)
    for node in ast.walk(parsed(path)):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            bound = (isinstance(value, ast.Call) and call_name(value) == "translator") or (
                isinstance(value, ast.Attribute) and value.attr in MARKERS)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if bound:
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def is_translation(node: ast.Call, path: Path) -> bool:
    """``_("...")``, ``ctx._("...")``, ``N_("...")``, ``translator(locale)("...")``, or a
    call of a name bound to a translator in ``path``."""
    if isinstance(node.func, ast.Call):
        return call_name(node.func) == "translator"
    return call_name(node) in (translator_names(path) if isinstance(node.func, ast.Name)
                               else MARKERS)


def first_arg(node: ast.Call, keyword: str) -> ast.expr | None:
    if node.args and not isinstance(node.args[0], ast.Starred):
        return node.args[0]
    return next((k.value for k in node.keywords if k.arg == keyword), None)


def is_str(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def ordered_calls(tree: ast.AST) -> list[ast.Call]:
    """Calls in source order (ast.walk is breadth-first)."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return sorted(calls, key=lambda n: (n.lineno, n.col_offset))


def is_button_module(path: Path) -> bool:
    return path.is_relative_to(BOT_DIR) and any(
        path.relative_to(BOT_DIR).match(pattern) for pattern in BUTTON_MODULES)


def label_literals(node: ast.expr | None) -> list[ast.Constant]:
    """String literals a Button label expression can evaluate to."""
    if is_str(node):
        return [node]
    if isinstance(node, ast.IfExp):
        return label_literals(node.body) + label_literals(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [c for v in node.values for c in label_literals(v)]
    return []


def error_source_files() -> list[Path]:
    return [p for d in ERROR_SOURCE_DIRS if d.is_dir() for p in sorted(d.rglob("*.py"))
            if "texts" not in p.relative_to(d).parts]


@lru_cache(maxsize=None)
def error_classes() -> tuple[frozenset[str], frozenset[str]]:
    """(names of DomainError and every subclass defined in the source, the ones that
    take ``field`` first like ValidationError)."""
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
    """The template argument of ``raise SomeDomainError(...)``; False if ``node`` does
    not construct a domain error."""
    errors, fielded = error_classes()
    name = call_name(node)
    if name not in errors:
        return False
    index = 1 if name in fielded else 0
    if len(node.args) > index and not any(isinstance(a, ast.Starred) for a in node.args):
        return node.args[index]
    return next((k.value for k in node.keywords if k.arg == "template"), None)


def has_words(template: str) -> bool:
    """'{message}' (a provider's own text passed through) is not worth a catalogue entry."""
    return any(ch.isalpha() for ch in re.sub(r"\{[^{}]*\}", "", template))


def error_msgids() -> list[Msg]:
    """Templates of domain errors, in source order, file by file (duplicates kept)."""
    out: list[Msg] = []
    for path in error_source_files():
        for call in ordered_calls(parsed(path)):
            arg = error_template(call)
            if arg is False:
                continue
            for const in label_literals(arg):
                if has_words(const.value):
                    out.append(Msg(const.value, rel(path), const.lineno))
    return out


def literal_msgids() -> list[Msg]:
    """Literal message ids in source order, file by file (duplicates kept)."""
    out: list[Msg] = []
    for path in source_files():
        for call in ordered_calls(parsed(path)):
            if is_translation(call, path):
                arg = first_arg(call, "msgid")
                if is_str(arg):
                    out.append(Msg(arg.value, rel(path), arg.lineno))
            elif call_name(call) == "Button" and is_button_module(path):
                # a label that is a plain literal is shown as-is; it still needs an entry
                for const in label_literals(first_arg(call, "label")):
                    if any(ch.isalpha() for ch in const.value):
                        out.append(Msg(const.value, rel(path), const.lineno))
    return out


def button_label_msgids() -> set[str]:
    """Message ids used directly as (part of) a Button label."""
    out: set[str] = set()
    for path in source_files():
        if not is_button_module(path):
            continue
        for call in ordered_calls(parsed(path)):
            if call_name(call) != "Button":
                continue
            label = first_arg(call, "label")
            if label is None:
                continue
            out.update(c.value for c in label_literals(label))
            for inner in ast.walk(label):
                if isinstance(inner, ast.Call) and is_translation(inner, path):
                    arg = first_arg(inner, "msgid")
                    if is_str(arg):
                        out.add(arg.value)
    return out


@lru_cache(maxsize=None)
def loaded():
    """Import every command and form; return (registry, forms, service module)."""
    from bot.commands import load_all
    load_all()
    from bot import forms, registry, service
    return registry.REGISTRY, forms.FORMS, service


def runtime_msgids() -> list[Msg]:
    """Texts that are catalogue ids only by convention: help, forms, leads, statuses."""
    registry, forms, service = loaded()
    out: list[Msg] = []
    for spec in registry:
        out.append(Msg(spec.help, f"/{spec.name} help"))
        out.extend(Msg(a.help, f"/{spec.name} {a.name} help") for a in spec.args)
    for name, entry in forms.items():
        out.append(Msg(entry.spec.title, f"form {name} title"))
        for f in entry.spec.fields:
            out.append(Msg(f.label, f"form {name}.{f.name} label"))
            out.append(Msg(f.prompt, f"form {name}.{f.name} prompt"))
            if f.placeholder:
                out.append(Msg(f.placeholder, f"form {name}.{f.name} placeholder"))
    # service.error_reply shows ctx._(ERROR_LEADS[code]) before a domain error
    for lead in getattr(service, "ERROR_LEADS", {}).values():
        out.append(Msg(lead, "bot/service.py ERROR_LEADS"))
    # cards, /mygigs and notifications show _(status.replace("_", " "))
    from core.domain.records import ClaimStatus, GigStatus
    for enum in (GigStatus, ClaimStatus):
        out.extend(Msg(s.value.replace("_", " "), f"core.domain.records.{enum.__name__}") for s in enum)
    return out


def all_msgids() -> dict[str, Msg]:
    """Every message id, mapped to its first occurrence (source order)."""
    out: dict[str, Msg] = {}
    for msg in literal_msgids() + error_msgids() + runtime_msgids():
        out.setdefault(msg.msgid, msg)
    return out


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def dummy_values(text: str) -> dict[str, str]:
    return {name: "X" for name in placeholders(text) if name and name.isidentifier()}


# -- the extraction itself works --------------------------------------------------
def test_extraction_finds_the_known_kinds_of_message():
    ids = all_msgids()
    assert len(ids) > 100
    sources = {m.source for m in literal_msgids()}
    assert {"bot/cards.py", "bot/forms.py", "bot/notifications.py", "bot/service.py"} <= sources
    assert any(s.startswith("bot/commands/") for s in sources)
    errors = {m.source for m in error_msgids()}
    assert {"core/lifecycle/claims.py", "bot/registry.py", "adapters/stripe/provider.py",
            "adapters/sandbox/provider.py"} <= errors
    assert {"NoSlotLeft", "ProviderDeclined", "IdempotencyMismatch"} <= error_classes()[0]
    assert all(isinstance(m, str) and m.strip() for m in ids), "empty message id"


def test_msgids_are_literals_not_built_strings():
    """``_(f"...")``, ``_("a" + b)``, ``_("..." % x)`` or ``_("...".format())`` can never
    match a catalogue entry: the text must be a literal and values go in as kwargs."""
    bad = []
    for path in source_files():
        for call in ordered_calls(parsed(path)):
            if not is_translation(call, path):
                continue
            arg = first_arg(call, "msgid")
            built = isinstance(arg, (ast.JoinedStr, ast.BinOp)) or (
                isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                and arg.func.attr == "format" and is_str(arg.func.value))
            if built:
                bad.append(f"{rel(path)}:{call.lineno}")
    assert not bad, f"message ids built at runtime: {bad}"


def test_error_templates_are_literals():
    """``raise NoSlotLeft(f"... {gig.id} ...")`` cannot be translated: the template must
    be a literal (or a conditional choice of literals) and values go in as kwargs."""
    bad = []
    for path in error_source_files():
        for call in ordered_calls(parsed(path)):
            arg = error_template(call)
            if arg is False:
                continue
            if arg is None or not label_literals(arg) or (
                    isinstance(arg, ast.IfExp) and not all(
                        is_str(v) for v in (arg.body, arg.orelse))):
                bad.append(f"{rel(path)}:{call.lineno} {ast.unparse(call)[:80]}")
    assert not bad, "templates built at runtime:\n" + "\n".join(bad)


def test_error_templates_get_their_parameters():
    """Each ``raise SomeError("... {x} ...", x=...)`` passes every placeholder as a plain
    name (no attribute, index or format spec, which a translator cannot rely on)."""
    bad = []
    for path in error_source_files():
        for call in ordered_calls(parsed(path)):
            arg = error_template(call)
            if arg is False or any(k.arg is None for k in call.keywords):
                continue
            given = {k.arg for k in call.keywords}
            for const in label_literals(arg):
                fields = [(f, spec, conv) for _, f, spec, conv
                          in string.Formatter().parse(const.value) if f is not None]
                if fields and ("template" in given or "field" in given):
                    bad.append(f"{rel(path)}:{const.lineno} passes a reserved name")
                for f, spec, conv in fields:
                    if not f.isidentifier() or spec or conv or f not in given or f == "field":
                        bad.append(f"{rel(path)}:{const.lineno} {const.value!r}: {{{f}}} "
                                   f"(given {sorted(given)})")
    assert not bad, "\n".join(bad)


def test_placeholders_are_passed_by_the_call():
    """Each ``_("... {x} ...", x=...)`` passes every placeholder of its message id (a
    missing one makes the translator fall back to English, or raise)."""
    bad = []
    for path in source_files():
        for call in ordered_calls(parsed(path)):
            if not is_translation(call, path) or call_name(call) == "N_":
                continue
            arg = first_arg(call, "msgid")
            if not is_str(arg) or any(k.arg is None for k in call.keywords):
                continue  # **kwargs: cannot tell statically
            wanted = placeholders(arg.value)
            given = {k.arg for k in call.keywords} - {"msgid"}
            if wanted and wanted != given:
                bad.append(f"{rel(path)}:{arg.lineno} {arg.value!r} needs {sorted(wanted)}, "
                           f"gets {sorted(given)}")
    assert not bad, "\n".join(bad)


# -- help texts ---------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_has_help_in_every_language(lang):
    registry, _forms, _service = loaded()
    catalogue = CATALOGUES[lang]
    specs = list(registry)
    assert specs, "no commands registered"
    missing = []
    for spec in specs:
        texts = [(f"/{spec.name}", spec.help)] + [(f"/{spec.name} {a.name}", a.help)
                                                   for a in spec.args]
        for what, msgid in texts:
            text = msgid if lang == "en" else catalogue.get(msgid)
            if not (isinstance(text, str) and text.strip()):
                missing.append(f"{what}: {msgid!r}")
            elif len(text) > MAX_COMMAND_HELP:
                missing.append(f"{what}: longer than {MAX_COMMAND_HELP}: {text!r}")
    assert not missing, f"{lang}: " + "\n".join(missing)


# -- the Spanish catalogue ------------------------------------------------------------
def test_every_msgid_has_a_spanish_translation():
    es = CATALOGUES["es"]
    missing = [f"{m.where()}: {m.msgid!r}" for m in all_msgids().values()
               if not (isinstance(es.get(m.msgid), str) and es[m.msgid].strip())]
    assert not missing, f"{len(missing)} untranslated:\n" + "\n".join(missing)


def test_no_obsolete_spanish_entries():
    stale = sorted(set(CATALOGUES["es"]) - set(all_msgids()))
    assert not stale, f"entries no source uses any more: {stale}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_keep_exactly_the_placeholders(lang):
    bad = []
    for msgid, text in CATALOGUES[lang].items():
        try:
            same = placeholders(text) == placeholders(msgid)
            if same:
                text.format(**dummy_values(msgid))  # no stray braces or bad format specs
        except (ValueError, KeyError, IndexError) as exc:
            bad.append(f"{msgid!r}: {exc}")
            continue
        if not same:
            bad.append(f"{msgid!r} has {sorted(placeholders(msgid))}, "
                       f"{text!r} has {sorted(placeholders(text))}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forms_and_buttons_fit_the_platform_limits(lang):
    _registry, forms, _service = loaded()
    catalogue = CATALOGUES[lang]

    def tr(msgid: str) -> str:
        return catalogue.get(msgid, msgid)
    long = []
    for name, entry in forms.items():
        if len(tr(entry.spec.title)) > MAX_FORM_TITLE:
            long.append(f"form {name} title {tr(entry.spec.title)!r}")
        for f in entry.spec.fields:
            if len(tr(f.label)) > MAX_FIELD_LABEL:
                long.append(f"form {name}.{f.name} label {tr(f.label)!r}")
            if f.placeholder and len(tr(f.placeholder)) > MAX_FIELD_PLACEHOLDER:
                long.append(f"form {name}.{f.name} placeholder {tr(f.placeholder)!r}")
    for label in button_label_msgids():
        if len(tr(label).format(**{k: "X" * 12 for k in dummy_values(label)})) > MAX_BUTTON_LABEL:
            long.append(f"button {tr(label)!r}")
    assert not long, f"{lang}: too long:\n" + "\n".join(long)


# -- button payloads --------------------------------------------------------------------
BIG_ID = 10**12 - 1  # the largest id decode accepts (12 digits)


def longest_extra(verb: str) -> str:
    if verb == "page":
        from core.domain.gig_input import normalise_skills
        return normalise_skills("s" * 200)[0]  # a skill tag at its maximum length
    if verb == "rate":
        return "5"
    return ""


def test_the_longest_skill_tag_is_what_page_payloads_assume():
    assert len(longest_extra("page")) == 32


def test_source_uses_only_known_verbs():
    used = set()
    for path in source_files():
        for call in ordered_calls(parsed(path)):
            if call_name(call) == "button_payload" and call.args and is_str(call.args[0]):
                used.add(call.args[0].value)
    assert used, "no button_payload calls found"
    assert used <= set(payloads.CODES), used - set(payloads.CODES)


@pytest.mark.parametrize("verb", sorted(payloads.CODES))
def test_button_payload_fits_64_bytes(verb):
    text = payloads.button_payload(verb, BIG_ID, longest_extra(verb))
    assert text.isascii()
    assert len(text.encode()) <= payloads.MAX_PAYLOAD_BYTES == 64
    assert payloads.decode(text) == payloads.Payload(verb, BIG_ID, longest_extra(verb))


@pytest.mark.parametrize("verb,entity_id,extra", [
    ("not_a_verb", 1, ""),
    ("page", 1, "has space"),
    ("page", 1, "semi;colon"),
    ("page", 1, "a:b"),
    ("page", 1, "ñ"),
    ("page", 1, "x" * 64),
])
def test_button_payload_refuses_what_it_cannot_encode(verb, entity_id, extra):
    with pytest.raises(ValueError):
        payloads.button_payload(verb, entity_id, extra)


@pytest.mark.parametrize("text", [
    "", ":", "cl", "cl:", ":1", "zz:1", "CL:1", "claim:1", "cl:abc", "cl:-1", "cl:+1",
    "cl: 1", "cl:1 ", "cl:1.5", "cl:0x1", "cl:1e3", "cl:1234567890123", "cl:1:a b",
    "cl:1:<b>x</b>", "cl:1:a:b", "pg:1:café", "cl:1\n", "rt:1:5\x00", "cl:1;DROP TABLE",
    "pg:1:" + "a" * 60, "cl:" + "9" * 62, "x" * 1000, "ok:1:" + "é" * 30,
])
def test_decode_refuses_forged_oversized_and_garbage(text):
    with pytest.raises(payloads.BadPayload):
        payloads.decode(text)


@pytest.mark.parametrize("value", [None, b"cl:1", 42, ["cl", "1"]])
def test_decode_refuses_what_is_not_text(value):
    with pytest.raises(payloads.BadPayload):
        payloads.decode(value)


@pytest.mark.parametrize("text", ["cl:²", "cl:١٢", "pg:1:abc\n"])
def test_decode_refuses_non_ascii_digits_and_trailing_newline(text):
    with pytest.raises(payloads.BadPayload):
        payloads.decode(text)


# -- the translator ------------------------------------------------------------------------
def test_translator_picks_spanish_for_es_mx():
    es = CATALOGUES["es"]
    _ = translator("es-MX")
    ids = [m for m in all_msgids() if m in es]
    plain = next(m for m in ids if not placeholders(m))
    assert _(plain) == es[plain] != plain
    with_args = next(m for m in ids if dummy_values(m))
    assert _(with_args, **dummy_values(with_args)) == es[with_args].format(
        **dummy_values(with_args))
    assert translator("es_ES")(plain) == translator("ES")(plain) == es[plain]


def test_translator_falls_back_to_english():
    _ = translator("es-MX")
    assert _("No such message id, {who}.", who="Ana") == "No such message id, Ana."
    assert _("No such message id.") == "No such message id."
    msgid = next(iter(CATALOGUES["es"]))
    assert translator("pt-BR")(msgid) == msgid
    assert translator(None)(msgid) == msgid


@pytest.mark.parametrize("locale,lang", [
    ("pt-BR", "en"), ("es-MX", "es"), ("es", "es"), ("es_AR", "es"), ("ES-es", "es"),
    ("en-US", "en"), ("fr", "en"), ("", "en"), (None, "en"),
])
def test_pick_locale(locale, lang):
    assert pick_locale(locale) == lang
