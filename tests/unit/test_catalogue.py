"""The gettext catalogues are complete and consistent with the source.

Message ids are found by reading the source with ``ast`` (``bot.texts.extraction``,
the same extractor ``pybabel extract -F babel.cfg`` runs): ``_``/``N_`` calls and
``ngettext`` plurals in ``bot`` and ``adapters``, literal button labels in the card,
notification and command modules, the templates of refusals raised as
``core.domain.errors.DomainError`` (or a subclass) across ``core``, ``bot`` and
``adapters``; plus what only exists at runtime: command and argument help texts
from the registry, form titles, field labels, prompts and placeholders, the error
leads of ``bot.service`` and the status names shown via ``_(status)``.

Then: every command has help in every language, every message id (plural forms
included, as many as the language has) has a translation in every shipped
``.po`` using exactly the same ``{placeholders}``, ``messages.pot`` holds what the
code says, button payloads fit Telegram's 64 bytes and forged ones are refused,
and the translator picks and falls back as documented."""
from __future__ import annotations

import ast
import string
from functools import lru_cache

import pytest

from bot import payloads
from bot.texts import CATALOGUES, LANGUAGES, pick_locale, translator
from bot.texts import catalogues as po
from bot.texts.extraction import (
    ROOT, Msg, call_name, error_classes, error_msgids, error_source_files, first_arg,
    is_button_module, is_plural, is_plural_template, is_str, label_literals, literal_msgids,
    ordered_calls, parsed, plural_count, rel, source_files, template_parts, translator_names,
)
from bot.texts.extraction import is_translation as _is_translation

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]

# Platform limits the texts must fit in every language (Discord is the strictest).
MAX_FORM_TITLE = 45  # modal title
MAX_FIELD_LABEL = 45  # text input label
MAX_FIELD_PLACEHOLDER = 100
MAX_COMMAND_HELP = 100  # slash command / option description
MAX_BUTTON_LABEL = 80


@lru_cache(maxsize=None)
def names_in(path) -> frozenset[str]:
    return translator_names(parsed(path))


def is_translation(node: ast.Call, path) -> bool:
    return _is_translation(node, names_in(path))


def error_template(node: ast.Call):
    from bot.texts.extraction import error_template as template
    return template(node)


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
    """Every message, by its catalogue key (``Msg.key``: the id, or context + EOT + id),
    mapped to its first occurrence (source order)."""
    out: dict[str, Msg] = {}
    for msg in literal_msgids() + error_msgids() + runtime_msgids():
        out.setdefault(msg.key, msg)
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


def _is_template(node: ast.expr) -> bool:
    return is_str(node) or is_plural_template(node)


def test_error_templates_are_literals():
    """``raise NoSlotLeft(f"... {gig.id} ...")`` cannot be translated: the template must
    be a literal, a ``Plural`` of two literals counted by a literal parameter name (or a
    conditional choice of those) and values go in as kwargs."""
    bad = []
    for path in error_source_files():
        for call in ordered_calls(parsed(path)):
            arg = error_template(call)
            if arg is False:
                continue
            parts = template_parts(arg)
            if arg is None or not parts or (
                    isinstance(arg, ast.IfExp) and not all(
                        _is_template(v) for v in (arg.body, arg.orelse))) or any(
                    isinstance(p, ast.Call) and plural_count(p) is None for p in parts):
                bad.append(f"{rel(path)}:{call.lineno} {ast.unparse(call)[:80]}")
    assert not bad, "templates built at runtime:\n" + "\n".join(bad)


def test_error_templates_get_their_parameters():
    """Each ``raise SomeError("... {x} ...", x=...)`` passes every placeholder as a plain
    name (no attribute, index or format spec, which a translator cannot rely on); a
    ``Plural`` template also passes its count and uses it in the plural form."""
    bad = []
    for path in error_source_files():
        for call in ordered_calls(parsed(path)):
            arg = error_template(call)
            if arg is False or any(k.arg is None for k in call.keywords):
                continue
            given = {k.arg for k in call.keywords}
            consts = []
            for part in template_parts(arg):
                if isinstance(part, ast.Call):
                    count = plural_count(part)
                    if count not in given or count not in placeholders(part.args[1].value):
                        bad.append(f"{rel(path)}:{part.lineno} Plural counts by {count!r}, "
                                   f"not a placeholder it is given")
                    consts += part.args[:2]
                else:
                    consts.append(part)
            for const in consts:
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
        for call in ordered_calls(parsed(path)):
            # _.ngettext("{n} slot", "{n} slots", n, ...): n fills {n} unless given
            if not is_plural(call) or len(call.args) < 3 or not all(
                    is_str(a) for a in call.args[:2]):
                continue
            wanted = placeholders(call.args[0].value) | placeholders(call.args[1].value)
            given = {k.arg for k in call.keywords} | {"n"}
            if not wanted <= given or (given - {"n"}) - wanted:
                bad.append(f"{rel(path)}:{call.lineno} {call.args[1].value!r} needs "
                           f"{sorted(wanted)}, gets {sorted(given)}")
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


# -- the shipped catalogues -------------------------------------------------------------
@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_msgid_has_a_translation(lang):
    cat = CATALOGUES[lang]
    missing = [f"{m.where()}: {m.msgid!r}" for m in all_msgids().values()
               if m.plural is None and not (isinstance(cat.get(m.key), str)
                                            and cat[m.key].strip())]
    assert not missing, f"{lang}: {len(missing)} untranslated:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_plural_has_all_its_forms(lang):
    forms = po.plurals(lang)
    wanted = po.plural_count(lang)
    bad = []
    for m in all_msgids().values():
        if m.plural is None:
            continue
        got = forms.get((m.msgid, m.plural))
        if got is None or len(got) != wanted or not all(f.strip() for f in got):
            bad.append(f"{m.where()}: {m.msgid!r} has {got!r}, needs {wanted} forms")
            continue
        for form in got:
            extra = placeholders(form) - placeholders(m.msgid) - placeholders(m.plural)
            lost = (placeholders(m.msgid) | placeholders(m.plural)) - {"n"} - placeholders(form)
            if extra or lost:
                bad.append(f"{m.msgid!r}: {form!r} adds {sorted(extra)}, loses {sorted(lost)}")
    assert not bad, f"{lang}:\n" + "\n".join(bad)


def test_plurals_are_found_in_the_source():
    plural = [m for m in all_msgids().values() if m.plural]
    assert len(plural) >= 5, plural
    assert any(m.source == "bot/cards.py" for m in plural)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_obsolete_entries(lang):
    stale = sorted(set(CATALOGUES[lang]) - set(all_msgids()))
    assert not stale, f"{lang}: entries no source uses any more: {stale}"


def test_the_template_holds_what_the_code_says():
    """``messages.pot`` is what ``pybabel extract -F babel.cfg`` finds now, and that is
    every message id of the source (run ``python -m bot.texts update`` when not)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    def key(msgid, context) -> str:
        return Msg(msgid, "", context=context).key
    found = set()
    for top in ("bot", "adapters", "core"):
        for _file, _line, message, _c, context in extract_from_dir(
                ROOT / top, method_map, options_map):
            found.add(key(message[0] if isinstance(message, tuple) else message, context))
    source = {m.key for m in literal_msgids() + error_msgids()}
    assert found == source
    with po.POT.open("rb") as fh:
        template = {key(m.id[0] if isinstance(m.id, tuple) else m.id, m.context)
                    for m in read_po(fh) if m.id}
    assert found - template == set(), "run python -m bot.texts update"
    assert all_msgids().keys() <= template | set(), sorted(set(all_msgids()) - template)


@pytest.mark.parametrize("lang", TRANSLATED)
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


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_check_passes(lang):
    """What ``python -m bot.texts check`` says: nothing untranslated, nothing broken."""
    assert po.problems(lang) == []


def test_the_catalogue_check_finds_a_lost_placeholder_and_a_missing_form():
    from babel.messages.catalog import Catalog
    cat = Catalog(locale="ru")
    cat.add("Deliver by {t}", "Сдать скоро")
    cat.add(("{n} slot open", "{n} slots open"), ("{n} место", "{n} места", ""))
    cat.add("Fine {x}", "Хорошо {x}")
    found = po.problems("ru", cat)
    assert len(found) == 2 and "placeholders" in found[0] and "untranslated" in found[1], found


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
