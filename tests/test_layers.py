"""The layer rules, checked on every module's imports (what `import-linter` would check, without the
extra tool): the knowledge core and the casework domain are pure, storage knows no chat, services know
no Telegram, and only the app wires everything together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
THIRD_PARTY_IO = {"telegram", "sqlalchemy", "alembic", "starlette", "uvicorn", "httpx"}
FORBIDDEN: dict[str, set[str]] = {
    # pure: the manual and the reasoning over it
    "knowledge": THIRD_PARTY_IO | {"storage", "handlers", "app", "services", "casework", "bench"},
    # the casework domain: plain models and rules
    "casework": THIRD_PARTY_IO | {"storage", "handlers", "app", "services", "bench"},
    # the wording: data only
    "catalogue": THIRD_PARTY_IO | {"knowledge", "casework", "storage", "handlers", "app", "services"},
    "storage": {"telegram", "starlette", "knowledge", "handlers", "app", "services", "bench"},
    "services": {"telegram", "starlette", "handlers", "app", "bench"},
    "handlers": {"starlette", "uvicorn", "bench"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package: str) -> None:
    bad = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from storage import repo\nimport telegram.ext\n", encoding="utf-8")
    assert _imports(module) & FORBIDDEN["knowledge"] == {"storage", "telegram"}


def test_bot_py_is_wiring() -> None:
    """bot.py declares the command line and hands over to app: it reaches nothing else directly."""
    assert _imports(ROOT / "bot.py") <= {"__future__", "argparse", "sys", "collections", "app", "casework"}
