"""Imports point inward: adapters -> bot (neutral types) -> core. Core never
imports a chat platform, a payment SDK, aiohttp, bot or adapters; bot imports
adapters only from its composition root, lazily. Checked on the source (AST),
so imports inside functions count too."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_CORE = ("telegram", "discord", "stripe", "aiohttp", "bot", "adapters", "httpx")
COMPOSITION_ROOT = "bot/runtime/"


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(module, under TYPE_CHECKING) for every import in a file."""
    tree = ast.parse(path.read_text(), str(path))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in ast.walk(node):
                typing_only.add(id(sub))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in typing_only) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, id(node) in typing_only))
    return out


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", files("core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_platform_or_outer_layer(path):
    bad = [m for m, _ in imports_of(path) if m.split(".")[0] in FORBIDDEN_IN_CORE]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", files("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_bot_imports_adapters_only_from_composition_root(path):
    rel = str(path.relative_to(ROOT))
    bad = [m for m, _ in imports_of(path) if m.split(".")[0] in ("adapters", "telegram",
                                                                  "discord", "stripe")]
    if rel.startswith(COMPOSITION_ROOT):
        bad = [m for m in bad if m.split(".")[0] != "adapters"]
    assert not bad, f"{rel} imports {bad}"


@pytest.mark.parametrize("path", files("adapters"), ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_do_not_import_the_composition_root(path):
    bad = [m for m, typing_only in imports_of(path)
           if m in ("bot.runtime.app", "bot.runtime.runner", "bot.runtime.cli") and not typing_only]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_adapters_do_not_import_each_other():
    for path in files("adapters"):
        own = path.relative_to(ROOT / "adapters").parts[0]
        for module, _ in imports_of(path):
            parts = module.split(".")
            if parts[0] == "adapters" and len(parts) > 1:
                assert parts[1] == own, f"{path.relative_to(ROOT)} imports {module}"
