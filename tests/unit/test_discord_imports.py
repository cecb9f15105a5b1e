"""The Discord adapter's import graph has no cycle, ``TYPE_CHECKING`` imports and
imports inside functions included (read from the source with ``ast``), and its
persistent buttons and modals reach their handler through the client, not
through an untyped attribute."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "adapters" / "discord"
PREFIX = "adapters.discord"


def module_of(path: Path) -> str:
    return PREFIX if path.stem == "__init__" else f"{PREFIX}.{path.stem}"


def imported(path: Path) -> set[str]:
    """Every module ``path`` names in an import (``from X import y`` names X and X.y)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package itself
                base = PREFIX if node.level == 1 else PREFIX.rsplit(".", node.level - 1)[0]
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def graph() -> dict[str, set[str]]:
    modules = {module_of(p): p for p in PACKAGE.glob("*.py")}
    return {name: {m for m in imported(path) if m in modules and m != name}
            for name, path in modules.items()}


def cycle_in(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        path.append(v)
        for w in sorted(edges.get(v, ())):
            if state.get(w) == 1:
                return path[path.index(w):] + [w]
            if w not in state and (found := visit(w)):
                return found
        path.pop()
        state[v] = 2
        return None

    for v in sorted(edges):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_the_discord_adapter_has_no_import_cycle():
    edges = graph()
    assert f"{PREFIX}.client" in edges and f"{PREFIX}.intake" in edges
    found = cycle_in(edges)
    assert found is None, "import cycle: " + " -> ".join(found)


def test_the_cycle_finder_finds_cycles():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_type_checking_imports_count(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from adapters.discord.intake import InteractionIntake\n")
    assert "adapters.discord.intake" in imported(source)


def test_buttons_and_modals_find_their_handler_through_the_client():
    for name in ("components.py", "modals.py"):
        text = (PACKAGE / name).read_text()
        assert "client.router" not in text and "type: ignore" not in text, name
        assert "intake_of(interaction)" in text, name


def test_buttons_are_dynamic_items_that_match_their_own_custom_id():
    from adapters.discord.components import ActionButton, FormButton

    claim = ActionButton("cl:42", label="Claim")
    assert claim.custom_id == "gb:cl:42"
    assert ActionButton.__discord_ui_compiled_template__.fullmatch(claim.custom_id)["payload"] \
        == "cl:42"
    page = FormButton("post", 1).custom_id
    match = FormButton.__discord_ui_compiled_template__.fullmatch(page)
    assert (match["form"], match["page"]) == ("post", "1")
    # longer than a payload may be: no item matches, the intake's fallback answers it
    assert ActionButton.__discord_ui_compiled_template__.fullmatch("gb:" + "x" * 65) is None
