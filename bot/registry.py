"""The command registry: every command is declared once with typed arguments
and a help text, and rendered per platform (Telegram setMyCommands, Discord
slash commands with options, console /help). Also parses text arguments:
positional words and ``key=value`` pairs with shell-style quoting."""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from core.api import ValidationError

MAX_ARGS_TEXT = 6000


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
        raise ValidationError("arguments", "That is too long ({length} characters).",
                              length=f"{len(text):,}")
    if not text:
        return {}
    rest_arg = next((a for a in spec.args if a.kind == "text"), None)
    try:
        tokens = shlex.split(text)
    except ValueError:
        if rest_arg is None:
            raise ValidationError("arguments", "A quote is not closed. Put values with spaces "
                                  'in double quotes: title="Logo in SVG".') from None
        tokens = text.split()
    out: dict[str, object] = {}
    positional = [a for a in spec.args if a.kind != "text"]
    pos_i = 0
    has_kv = any("=" in t for t in tokens)
    if rest_arg is not None and not has_kv:
        # "/deliver 12 here is the text" -> claim=12, text=rest (keep original spacing)
        words = text.split(None, len(positional))
        for arg, word in zip(positional, words):
            out[arg.name] = word
        if len(words) > len(positional):
            out[rest_arg.name] = words[len(positional)]
        return out
    for tok in tokens:
        if "=" in tok and not tok.startswith("="):
            key, value = tok.split("=", 1)
            key = key.strip().lower().replace("-", "_")
            known = {a.name for a in spec.args}
            if not spec.free_form and key not in known:
                raise ValidationError(key, "/{command} has no option {key}. Options: {options}.",
                                      command=spec.name, key=repr(key),
                                      options=", ".join(sorted(known)) or "none")
            out[key] = value
        elif pos_i < len(positional):
            out[positional[pos_i].name] = tok
            pos_i += 1
        elif rest_arg is not None:
            out[rest_arg.name] = (str(out.get(rest_arg.name, "")) + " " + tok).strip()
        else:
            raise ValidationError("arguments", "/{command} does not take {token}. Usage: {usage}",
                                  command=spec.name, token=repr(tok[:30]),
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
            text = str(value).strip().lstrip("#")
            if not text.isdigit() or len(text) > 12:
                raise ValidationError(arg.name, "{name} must be a number, like 42.", name=arg.name)
            n = int(text)
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
        else:
            out[arg.name] = str(value)
    return out
