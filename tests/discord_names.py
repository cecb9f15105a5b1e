"""Discord's rules for the names of application commands, subcommands and options, and
their localizations, checked on a synced payload (what ``PUT .../commands`` carries):

- ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where a character has a
  lowercase form;
- siblings (the commands of one sync, the subcommands of a command, the options of a
  subcommand) have distinct names in every locale, and a localized name is none of the
  siblings' default names.

Discord refuses the whole sync when one name breaks them."""
from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Any, Iterator

DEVANAGARI_THAI = ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x0E00, 0x0E7F))


def name_ok(name: object) -> bool:
    if not isinstance(name, str) or not 1 <= len(name) <= 32 or name.lower() != name:
        return False
    return all(ch in "-_" or unicodedata.category(ch).startswith(("L", "N"))
               or any(lo <= ord(ch) <= hi for lo, hi in DEVANAGARI_THAI) for ch in name)


def _named(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in options if "name" in o]


def sibling_groups(commands: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict]]]:
    """(where, siblings) for the top level and every level of options below it."""
    yield "/", commands
    stack = [(f"/{c['name']}", c.get("options") or []) for c in commands]
    while stack:
        where, options = stack.pop()
        if options:
            yield where, _named(options)
        for o in options:
            if o.get("type") in (1, 2):
                stack.append((f"{where} {o['name']}", o.get("options") or []))


def problems(commands: list[dict[str, Any]]) -> list[str]:
    """Everything in ``commands`` Discord would refuse, as readable lines."""
    out = []
    for where, siblings in sibling_groups(commands):
        defaults = [s["name"] for s in siblings]
        locales = {loc for s in siblings for loc in (s.get("name_localizations") or {})}
        for s in siblings:
            if not name_ok(s["name"]):
                out.append(f"{where}: name {s['name']!r}")
            for loc, text in (s.get("name_localizations") or {}).items():
                if not name_ok(text):
                    out.append(f"{where} {s['name']} [{loc}]: {text!r}")
                if text != s["name"] and text in defaults:
                    out.append(f"{where} {s['name']} [{loc}]: {text!r} is a sibling's name")
        for loc in locales:
            shown = Counter((s.get("name_localizations") or {}).get(loc, s["name"])
                            for s in siblings)
            out += [f"{where} [{loc}]: {name!r} twice" for name, n in shown.items() if n > 1]
    return out


def localized(commands: list[dict[str, Any]], locale: str) -> dict[str, str]:
    """Path of default names -> path as shown in ``locale`` ("/gig post" -> "/trabajo
    publicar"), for every command, subcommand and option."""
    out: dict[str, str] = {}

    def walk(nodes: list[dict], path: str, shown: str) -> None:
        for n in _named(nodes):
            name = (n.get("name_localizations") or {}).get(locale, n["name"])
            p, s = f"{path} {n['name']}".strip(), f"{shown} {name}".strip()
            out[p] = s
            walk(n.get("options") or [], p, s)
    walk(commands, "", "")
    return {f"/{k}": f"/{v}" for k, v in out.items()}
