"""Guards for the architecture: the core never imports telegram; the repo stands alone."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_telegram() -> None:
    files = sorted((ROOT / "corpus").rglob("*.py"))
    assert files, "corpus/ has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _imported_modules(path) if m.split(".")[0] in {"telegram", "bot"}
        )
        for path in files
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_no_code_reads_the_shared_folder() -> None:
    hits = []
    for folder in ("corpus", "bot", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == Path(__file__).name:
                continue
            if "shared/" in path.read_text(encoding="utf-8"):
                hits.append(str(path.relative_to(ROOT)))
    assert hits == []


SEED_SHA256 = {
    "000_0e2a154100ffc278.txt": "43cd1e06da3760e2a4d23d432b8541c2eabcf022679975ad6e65a5def7752c5f",
    "004_587f944356045ec1.txt": "ca9d7682185165e91ba49d49b31d8953285d39637bf3dcb3140e4e41ceb3ed5e",
}


def test_seeds_are_byte_identical_to_the_given_files() -> None:
    found = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (ROOT / "seeds").iterdir()
    }
    assert found == SEED_SHA256


PACKAGES = ("corpus", "bot")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules `path` imports anywhere, functions included (TYPE_CHECKING
    blocks excepted): `from bot import text` counts as importing `bot.text`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = path if path.name == "__init__.py" else path.parent
                package = _module_name(here).split(".")
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            found.update(submodules or {base})  # `from pkg import mod` imports pkg.mod
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}
    modules = set(paths)
    return {name: _project_imports(path, modules) - {name} for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path `a -> b -> ... -> a`, or None (depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_between_project_modules() -> None:
    """Imports inside functions count too: a cycle hidden in a function is still a cycle.
    (A package importing its own submodules, e.g. `corpus.parse` its formats, is no cycle
    unless a submodule imports the package back.)"""
    graph = import_graph()
    assert "bot.handlers" in graph and "corpus.library" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle_inside_a_function(tmp_path: Path) -> None:
    graph = {"bot.a": {"bot.b"}, "bot.b": {"bot.c"}, "bot.c": {"bot.a"}, "bot.d": set()}
    assert find_cycle(graph) == ["bot.a", "bot.b", "bot.c", "bot.a"]
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from bot.app import build_application\n", "utf-8")
    assert _project_imports(module, {"bot.app"}) == {"bot.app"}


def test_the_readme_request_path_names_real_code() -> None:
    """The README's five-line `/quote` path: every `file.py` it names exists and every
    `name` after it is defined in that file, so the map cannot drift from the code."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("- One `/quote`, from the update to the reply:", 1)[1]
    steps = [
        line
        for line in section.splitlines()[1:6]
        if line.strip()[:2] in {"1.", "2.", "3.", "4.", "5."}
    ]
    assert len(steps) == 5
    checked = 0
    for step in steps:
        current: Path | None = None
        for token in re.findall(r"`([^`]+)`", step):
            if token.endswith(".py"):
                current = ROOT / token
                assert current.is_file(), token
                continue
            name = token.split("(")[0].split(".")[-1].split(" ")[0]
            if current is not None and name.isidentifier():
                source = current.read_text(encoding="utf-8")
                assert re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b", source, re.M), (
                    f"{name} is not defined in {current.relative_to(ROOT)}"
                )
                checked += 1
    assert checked >= 8
