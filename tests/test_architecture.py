"""Guards for the architecture: the core never imports telegram; the repo stands alone."""

from __future__ import annotations

import ast
import hashlib
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
