"""The command registry: every command is declared once with typed arguments
and a help text, and rendered per platform (Telegram setMyCommands, Discord
slash commands with options, console /help). Also parses text arguments:
positional words and ``key=value`` pairs, values quoted the way phones type quotes
(``"…"``, ``“…”``, ``„…“``, ``«…»``, ``'…'``, ``‘…’``, ``「…」``...)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from core.api import Plural, ValidationError, read_whole_number

MAX_ARGS_TEXT = 6000

# Quote families: a value opened by any of them closes with any of the same family
# (keyboards and autocorrect mix “…", „…“ and «…»). CJK corner brackets close with
# their own partner.
_DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02\u301d\u301e\u301f\u275d\u275e'
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b\u2039\u203a\uff07\u275b\u275c"
_CLOSERS = {**{q: _DOUBLE_QUOTES for q in _DOUBLE_QUOTES},
            **{q: _SINGLE_QUOTES for q in _SINGLE_QUOTES},
            "\u300c": "\u300d", "\u300e": "\u300f"}
_KEY_RE = re.compile(r"[^\W\d][\w-]{0,31}")


class UnclosedQuote(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    key: str | None  # ``title`` of ``title="Logo in SVG"``; None for a positional word
    value: str


def split_arguments(text: str) -> list[Token]:
    """Words separated by white space; a word may be ``key=value``; a quote that opens a
    word or a value runs to the next quote of its family that ends a word, so
    apostrophes inside (``‘Bob’s logo’``, ``title=Don’t``) stay text. An unclosed quote
    raises ``UnclosedQuote``."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        key, buf, start = None, [], True
        while i < n and not text[i].isspace():
            ch = text[i]
            if start and ch in _CLOSERS:
                end = i + 1
                while end < n and not (text[end] in _CLOSERS[ch]
                                       and (end + 1 == n or text[end + 1].isspace())):
                    end += 1
                if end >= n:
                    raise UnclosedQuote(ch)
                buf.append(text[i + 1:end])
                i, start = end + 1, False
                continue
            start = False
            if ch == "=" and key is None and _KEY_RE.fullmatch("".join(buf)):
                key, buf, start = "".join(buf), [], True
            else:
                buf.append(ch)
            i += 1
        tokens.append(Token(key, "".join(buf)))
    return tokens


@dataclass(frozen=True)
class ArgSpec:
    name: str
    help: str
    kind: str = "str"  # str | int | text (rest of line) | money | choice
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True)
class CommandSpec:
    name: str
    help: str  # one line, a catalogue message id
    handler: Callable[..., Awaitable[list]]
    args: tuple[ArgSpec, ...] = ()
    usage: str = ""
    moderator: bool = False
    free_form: bool = False  # accepts arbitrary key=value (e.g. /post, /profile)
    private: bool = False  # replies hold personal data: DM / ephemeral


@dataclass
class Registry:
    commands: dict[str, CommandSpec] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        if spec.name in self.commands:
            raise ValueError(f"command {spec.name} declared twice")
        self.commands[spec.name] = spec

    def get(self, name: str) -> CommandSpec | None:
        return self.commands.get(name.lower().lstrip("/"))

    def __iter__(self):
        return iter(self.commands.values())


REGISTRY = Registry()


def command(name: str, help: str, *args: ArgSpec, usage: str = "", moderator: bool = False,
            free_form: bool = False, private: bool = False):
    """Decorator registering a handler ``async def h(ctx, **args) -> list[Reply]``."""
    def wrap(fn):
        REGISTRY.add(CommandSpec(name=name, help=help, handler=fn, args=tuple(args), usage=usage,
                                 moderator=moderator, free_form=free_form, private=private))
        return fn
    return wrap


def parse_text_args(spec: CommandSpec, text: str) -> dict[str, object]:
    """'42 share=10 note="half done"' -> {'claim': '42', 'share': '10', 'note': 'half done'}."""
    text = (text or "").strip()
    if len(text) > MAX_ARGS_TEXT:
        raise ValidationError("arguments", Plural("That is too long ({length} character).",
                                                  "That is too long ({length} characters).",
                                                  count="length"), length=len(text))
    if not text:
        return {}
    rest_arg = next((a for a in spec.args if a.kind == "text"), None)
    try:
        tokens = split_arguments(text)
    except UnclosedQuote:
        if rest_arg is None:
            raise ValidationError("arguments", "A quote is not closed. Put values with spaces "
                                  'in double quotes: title="Logo in SVG".') from None
        tokens = [Token(None, word) for word in text.split()]
    out: dict[str, object] = {}
    positional = [a for a in spec.args if a.kind != "text"]
    pos_i = 0
    has_kv = any(t.key is not None for t in tokens)
    if rest_arg is not None and not has_kv:
        # "/deliver 12 here is the text" -> claim=12, text=rest (keep original spacing);
        # an optional number may be left out: "/deliver here is the text" -> text only
        rest = text
        for arg in positional:
            parts = rest.split(None, 1)
            if not parts or (arg.kind == "int" and not arg.required
                             and read_whole_number(parts[0].lstrip("#")) is None):
                break
            out[arg.name] = parts[0]
            rest = parts[1] if len(parts) > 1 else ""
        if rest:
            out[rest_arg.name] = rest
        return out
    known = {a.name for a in spec.args}
    for tok in tokens:
        if tok.key is not None:
            key = tok.key.lower().replace("-", "_")
            if not spec.free_form and key not in known:
                raise ValidationError(key, "/{command} has no option {key}. Options: {options}.",
                                      command=spec.name, key=repr(key),
                                      options=", ".join(sorted(known)) or "none")
            out[key] = tok.value
        elif pos_i < len(positional):
            out[positional[pos_i].name] = tok.value
            pos_i += 1
        elif rest_arg is not None:
            out[rest_arg.name] = (str(out.get(rest_arg.name, "")) + " " + tok.value).strip()
        else:
            raise ValidationError("arguments", "/{command} does not take {token}. Usage: {usage}",
                                  command=spec.name, token=repr(tok.value[:30]),
                                  usage=spec.usage or "/" + spec.name)
    return out


def coerce_args(spec: CommandSpec, raw: dict[str, object]) -> dict[str, object]:
    """Check required arguments and types of the declared ones."""
    out = dict(raw)
    for arg in spec.args:
        value = raw.get(arg.name)
        if value in (None, ""):
            if arg.required:
                raise ValidationError(arg.name, "/{command} needs {name}. Usage: {usage}",
                                      command=spec.name, name=arg.name,
                                      usage=spec.usage or "/" + spec.name)
            out.pop(arg.name, None)
            continue
        if arg.kind == "int":
            # '#42', '４２' and '٤٢' are 42; '²', '1e3', '1_000', '4.0' are refused
            n = read_whole_number(str(value).strip().lstrip("#"))
            if n is None or abs(n) >= 10 ** 12:
                raise ValidationError(arg.name, "{name} must be a number, like 42.", name=arg.name)
            if (arg.min_value is not None and n < arg.min_value) or \
                    (arg.max_value is not None and n > arg.max_value):
                raise ValidationError(arg.name, "{name} must be between {minimum} and {maximum}.",
                                      name=arg.name, minimum=arg.min_value,
                                      maximum=arg.max_value)
            out[arg.name] = n
        elif arg.kind == "choice":
            text = str(value).strip().lower()
            if text not in arg.choices:
                raise ValidationError(arg.name, "{name} is one of: {choices}.", name=arg.name,
                                      choices=", ".join(arg.choices))
            out[arg.name] = text
        elif arg.kind == "money":
            # read by core.api.parse_amount in the handler, which knows the currency
            out[arg.name] = str(value).strip()
        else:
            out[arg.name] = str(value)
    return out
