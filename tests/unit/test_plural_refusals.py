"""Refusals about a number of things are plural messages. Core raises them as
``core.api.Plural`` templates (both English forms and the name of the parameter that
holds the count; core never imports gettext); the conversation layer
(``bot.refusal_terms.refusal_text``, behind ``bot.service`` and ``bot.forms``) picks the
reader's form with ``ngettext`` and writes the count as they write numbers. Russian
has three forms: 1 and 21 take the first, 2-4 the second, 5-20 the third."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from bot.refusal_terms import refusal_text
from bot.texts import catalogues as po
from bot.texts import translator
from bot.texts.extraction import (
    ROOT, error_source_files, error_template, ordered_calls, parsed, plural_count, rel,
    template_parts,
)
from bot.texts.reader import reading_as
from core.api import ClaimLimitReached, DomainError, Plural, ValidationError

COUNTS = (1, 2, 5, 21)
RU_FORM = {1: 0, 2: 1, 5: 2, 21: 0}  # which of the three Russian forms each count takes


def plural_refusals() -> list[tuple[str, Plural]]:
    """Every ``Plural`` template raised in the source: (where, template)."""
    found = []
    for path in error_source_files():
        for call in ordered_calls(parsed(path)):
            arg = error_template(call)
            if arg is False:
                continue
            for part in template_parts(arg):
                if isinstance(part, ast.Call):
                    found.append((f"{rel(path)}:{part.lineno}", Plural(
                        part.args[0].value, part.args[1].value, plural_count(part))))
    return found


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def ru(exc: DomainError) -> str:
    with reading_as(locale="ru"):
        return refusal_text(translator("ru"), exc)


def test_the_count_bearing_refusals_of_core_are_plurals():
    where = {w.split(":")[0] for w, _ in plural_refusals()}
    assert {"core/domain/gig_input.py", "core/domain/money.py", "core/domain/queue_items.py",
            "core/lifecycle/slots.py", "core/lifecycle/posting_limits.py",
            "core/lifecycle/gig_changes.py", "core/lifecycle/claims.py",
            "core/lifecycle/allowed.py", "core/lifecycle/dispute_statements.py"} <= where
    assert len(plural_refusals()) >= 20


def test_core_does_not_import_gettext():
    for path in sorted((ROOT / "core").rglob("*.py")):
        tree = parsed(Path(path))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {m for m in names if m.split(".")[0] == "gettext"}, path


@pytest.mark.parametrize("where,template", plural_refusals(), ids=lambda v: str(v)[:60])
def test_each_plural_refusal_takes_the_russian_form_of_its_count(where, template):
    forms = po.plurals("ru")[(template.one, template.other)]
    assert len(forms) == 3, where
    others = {name: "X" for name in fields(template.one) | fields(template.other)}
    for count in COUNTS:
        exc = DomainError(template, **{**others, template.count: count})
        expected = forms[RU_FORM[count]].format(**{"n": str(count), **others,
                                                   template.count: str(count)})
        shown = ru(exc)
        assert shown == expected, (where, count)
        assert str(count) in shown and shown != exc.message, (where, shown)


@pytest.mark.parametrize("count,word", [(1, "навыка"), (2, "навыков"), (5, "навыков"),
                                        (21, "навыка")])
def test_at_most_n_skills_in_russian(count, word):
    exc = ValidationError("skills", Plural("At most {max_skills} skill, please.",
                                           "At most {max_skills} skills, please.",
                                           count="max_skills"), max_skills=count)
    assert ru(exc) == f"Не больше {count} {word}, пожалуйста."


@pytest.mark.parametrize("count,words", [(1, "активная заявка"), (2, "активные заявки"),
                                         (5, "активных заявок"), (21, "активная заявка")])
def test_the_claim_limit_in_russian(count, words):
    exc = ClaimLimitReached(Plural(
        "You hold {count} live claim, your limit is {cap}. Deliver or withdraw one first.",
        "You hold {count} live claims, your limit is {cap}. Deliver or withdraw one first.",
        count="count"), count=count, cap=count, limit=count)
    assert ru(exc).startswith(f"У вас {count} {words}, ваш лимит — {count}."), ru(exc)


def test_english_and_spanish_have_one_and_other():
    def skills(n: int) -> ValidationError:
        return ValidationError("skills", Plural("At most {max_skills} skill, please.",
                                                "At most {max_skills} skills, please.",
                                                count="max_skills"), max_skills=n)
    assert skills(1).message == "At most 1 skill, please."
    assert skills(2).message == "At most 2 skills, please."
    assert skills(1000).message == "At most 1,000 skills, please."
    assert refusal_text(translator("en"), skills(21)) == "At most 21 skills, please."
    with reading_as(locale="es"):
        assert refusal_text(translator("es"), skills(1)) == "Como máximo 1 habilidad, por favor."
        assert refusal_text(translator("es"), skills(5)) == "Como máximo 5 habilidades, por favor."


def test_the_count_is_written_as_the_reader_writes_numbers():
    exc = ValidationError("title", Plural(
        "The {name} is {length} character long; the limit is {max_len}.",
        "The {name} is {length} characters long; the limit is {max_len}.", count="length"),
        name="title", length=4321, max_len="120")
    assert exc.message == "The title is 4,321 characters long; the limit is 120."
    assert "4\xa0321 символ," in ru(exc), ru(exc)  # 4321 takes the form of 1 and 21


def test_real_refusals_reach_the_reader_in_their_plural_form():
    from core.api import normalise_skills, parse_amount, read_items
    with pytest.raises(ValidationError) as too_many:
        normalise_skills([f"skill{i}" for i in range(40)])
    assert too_many.value.plural is not None and "навыков" in ru(too_many.value)
    with pytest.raises(ValidationError) as decimals:
        parse_amount("12.345", "usd", locale="en", field="reward")
    assert "У USD 2 знака после запятой" in ru(decimals.value), ru(decimals.value)
    with pytest.raises(ValidationError) as items:
        read_items("|".join(f"item {i}" for i in range(600)))
    assert "элементов" in ru(items.value) and "500" in ru(items.value), ru(items.value)


def test_a_plural_count_must_be_a_number():
    with pytest.raises(TypeError):
        DomainError(Plural("{n} item", "{n} items"), n="3")
