"""The layer rules of DESIGN.md §2–3, checked on the source: domain is pure, the TUI never
speaks HTTP or SQL, and nothing below the TUI imports Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules_in(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def offenders(
    layer: str, forbidden: tuple[str, ...], allowed_ours: tuple[str, ...] | None = None
) -> list[str]:
    bad = []
    for path in modules_in(layer):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in forbidden or any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
            ours_allowed = allowed_ours is None or any(
                name == a or name.startswith(a + ".") for a in allowed_ours
            )
            if top == "workbench" and not ours_allowed:
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return bad


def test_layers_exist() -> None:
    for layer in ("domain", "services", "store", "shopify", "qbo", "sandbox", "tui"):
        assert modules_in(layer), f"workbench/{layer} is empty"


def test_domain_is_pure() -> None:
    forbidden = ("httpx", "sqlalchemy", "sqlmodel", "textual", "rich", "alembic", "starlette")
    assert offenders("domain", forbidden, allowed_ours=("workbench.domain",)) == []


def test_tui_speaks_neither_http_nor_sql() -> None:
    forbidden = ("httpx", "sqlalchemy", "sqlmodel", "alembic", "workbench.store",
                 "workbench.shopify", "workbench.qbo", "workbench.sandbox")  # fmt: skip
    assert offenders("tui", forbidden) == []


@pytest.mark.parametrize("layer", ["domain", "services", "store", "shopify", "qbo", "sandbox"])
def test_no_textual_below_the_tui(layer: str) -> None:
    assert offenders(layer, ("textual", "workbench.tui")) == []


def test_headless_import_does_not_load_textual() -> None:
    code = (
        "import sys, workbench.cli, workbench.services.status, workbench.services.shopify_sync;"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
