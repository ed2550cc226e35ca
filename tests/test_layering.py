"""Imports point one way: MkDocs glue imports the analysis, never the reverse; light modules stay light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT

GLUE = {"analysis_plugin.py", "notes_plugin.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_glue_modules_import_mkdocs() -> None:
    offenders = [
        p.name
        for p in (PROJECT / "analysis").rglob("*.py")
        if p.name not in GLUE and not p.name.endswith("_plugin.py") and "mkdocs" in _imports(p)
    ]
    assert offenders == []


def test_loading_the_plugin_imports_no_heavy_library() -> None:
    code = (
        "import sys, analysis.mkdocs_side.analysis_plugin\n"
        "heavy = {'pandas', 'altair', 'scipy', 'lifelines', 'numpy', 'vl_convert'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT
    )
    assert out.stdout.strip() == "[]"
