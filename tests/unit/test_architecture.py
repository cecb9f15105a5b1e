"""The layer contract, checked on the source (AST, so imports inside functions and
under ``TYPE_CHECKING`` count too):

- imports point inward: adapters -> bot -> core's public API (``core.api``);
- core never imports a chat platform, a payment SDK, aiohttp, bot or adapters;
- nothing outside core imports sqlalchemy or sqlmodel, or opens its own
  transaction (``engine.tx`` / ``engine.view``): the engine is the only door;
- only the composition root (bot/runtime) imports adapters; adapters do not
  import each other or the composition root;
- the product's import graph has no cycle;
- modules stay small."""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("core", "bot", "adapters")
FORBIDDEN_IN_CORE = ("telegram", "discord", "stripe", "aiohttp", "bot", "adapters", "httpx")
DATABASE_LIBRARIES = ("sqlalchemy", "sqlmodel")
COMPOSITION_ROOT = "bot/runtime/"
PUBLIC_CORE = ("core.api",)
MAX_LOGIC_LINES = 400
# data, not logic: a message catalogue and Alembic's generated first migration
SIZE_EXEMPT = ("bot/texts/", "core/storage/migrations/versions/")


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(module, under TYPE_CHECKING) for every absolute import in a file; for
    ``from X import y`` both X and X.y (y may be a submodule)."""
    tree = tree_of(path)
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(sub) for sub in ast.walk(node))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in typing_only) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, id(node) in typing_only))
            out += [(f"{node.module}.{a.name}", id(node) in typing_only) for a in node.names]
    return out


def product_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PRODUCT for p in files(pkg)}


@pytest.mark.parametrize("path", files("core"), ids=rel)
def test_core_imports_no_platform_or_outer_layer(path):
    bad = [m for m, _ in imports_of(path) if m.split(".")[0] in FORBIDDEN_IN_CORE]
    assert not bad, f"{rel(path)} imports {bad}"


OUTSIDE_CORE = files("bot") + files("adapters")


@pytest.mark.parametrize("path", OUTSIDE_CORE, ids=rel)
def test_outside_core_uses_only_the_public_api(path):
    known = product_modules()
    bad = []
    for module, _ in imports_of(path):
        top = module.split(".")[0]
        if top in DATABASE_LIBRARIES:
            bad.append(module)
        elif top == "core" and module not in PUBLIC_CORE and not (
                module.rpartition(".")[0] in PUBLIC_CORE and module not in known):
            bad.append(module)  # core.api.Engine is a name; core.read_models is not public
    assert not bad, f"{rel(path)} imports {sorted(set(bad))}"


@pytest.mark.parametrize("path", OUTSIDE_CORE, ids=rel)
def test_outside_core_opens_no_transaction(path):
    calls = []
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if node.func.attr in ("tx", "view") and owner.split(".")[-1] == "engine":
                calls.append(f"{ast.unparse(node.func)} (line {node.lineno})")
    assert not calls, f"{rel(path)} runs its own units of work: {calls}"


@pytest.mark.parametrize("path", files("bot"), ids=rel)
def test_only_the_composition_root_imports_adapters(path):
    bad = [m for m, _ in imports_of(path) if m.split(".")[0] in ("adapters", "telegram",
                                                                  "discord", "stripe")]
    if rel(path).startswith(COMPOSITION_ROOT):
        bad = [m for m in bad if m.split(".")[0] != "adapters"]
    assert not bad, f"{rel(path)} imports {bad}"


@pytest.mark.parametrize("path", files("adapters"), ids=rel)
def test_adapters_do_not_import_the_composition_root(path):
    bad = [m for m, _ in imports_of(path) if m.startswith("bot.runtime")]
    assert not bad, f"{rel(path)} imports {bad}"


def test_adapters_do_not_import_each_other():
    for path in files("adapters"):
        own = path.relative_to(ROOT / "adapters").parts[0]
        for module, _ in imports_of(path):
            parts = module.split(".")
            if parts[0] == "adapters" and len(parts) > 1:
                assert parts[1] == own, f"{rel(path)} imports {module}"


def import_graph() -> dict[str, set[str]]:
    known = product_modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        graph[name] = {m for m, _ in imports_of(path) if m in known and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_has_no_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def logic_lines(path: Path) -> int:
    """Lines that are neither blank, comments, nor docstrings."""
    tree = tree_of(path)
    doc_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                doc_lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    count = 0
    for n, line in enumerate(path.read_text().splitlines(), 1):
        text = line.strip()
        if text and not text.startswith("#") and n not in doc_lines:
            count += 1
    return count


@pytest.mark.parametrize("path", [p for pkg in PRODUCT for p in files(pkg)
                                  if not rel(p).startswith(SIZE_EXEMPT)], ids=rel)
def test_modules_stay_small_and_say_what_they_are_for(path):
    assert logic_lines(path) <= MAX_LOGIC_LINES, f"{rel(path)}: {logic_lines(path)} lines of logic"
    if path.stat().st_size:
        assert ast.get_docstring(tree_of(path)), f"{rel(path)} has no docstring saying what it is for"
