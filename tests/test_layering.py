"""The house rules of ARCHITECTURE.md, checked on the source: who may import what."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: each package may import only those to its right (and itself)
RANK = {
    "app": 0,
    "cli": 0,
    "commands": 0,
    "ui": 1,
    "prototypes": 2,
    "surveys": 3,
    "research": 4,
    "storage": 5,
    "i18n": 6,
    "settings": 6,
}


def modules() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "cli.py", ROOT / "settings.py", ROOT / "i18n.py"]
    for package in ("commands", "ui", "prototypes", "surveys", "research", "storage"):
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return files


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def owner(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_only_ui_and_app_import_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in modules()
        if owner(p) not in ("ui", "app")
        and any(n.split(".")[0] == "streamlit" for n in imported(p))
    ]
    assert offenders == []


def test_only_storage_and_repositories_import_sqlalchemy():
    offenders = [
        str(p.relative_to(ROOT))
        for p in modules()
        if owner(p) != "storage"
        and not p.stem.startswith("repository")
        and any(n.split(".")[0] == "sqlalchemy" for n in imported(p))
    ]
    assert offenders == []


def test_dependencies_run_one_way():
    offenders = []
    for path in modules():
        mine = RANK[owner(path)]
        for name in imported(path):
            top = name.split(".")[0]
            if top in RANK and RANK[top] < mine:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_modules_stay_small():
    big = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450
    ]
    assert big == []
