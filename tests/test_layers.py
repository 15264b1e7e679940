"""The layering rules: nytte/ never imports Streamlit; pages/ only define functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_nytte_never_imports_streamlit_in_source() -> None:
    offenders = []
    for path in (ROOT / "nytte").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_importing_every_nytte_module_loads_no_streamlit() -> None:
    # Transitive imports too: import every module in a fresh interpreter.
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "nytte").rglob("*.py")
        if p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_page_modules_only_define_things() -> None:
    """No statement at a page module's top level may render: on a fresh server
    Streamlit may run a pages/ script on its own (docs/navigation.md)."""
    allowed = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
    for path in (ROOT / "pages").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # docstring
            if path.name == "__init__.py" and ast.unparse(node) == "_leave_legacy_pages_mode()":
                continue  # renders nothing: restarts the first run of a server (its docstring)
            assert isinstance(node, allowed), f"{path.name}:{node.lineno} runs at import"
            if isinstance(node, ast.Assign | ast.AnnAssign):
                value = node.value
                assert not isinstance(value, ast.Call) or not ast.unparse(value).startswith(
                    "st."
                ), f"{path.name}:{node.lineno} calls Streamlit at import"


def test_every_cached_read_sits_in_the_one_cache_module() -> None:
    """Caches key on data versions in pages/_ui/cache.py; no page keeps or clears its own."""
    offenders = []
    for path in [*(ROOT / "pages").rglob("*.py"), ROOT / "app.py"]:
        if path == ROOT / "pages" / "_ui" / "cache.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("st.cache_data", ".clear()"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
