"""The import contract: which part of the code may import which (see docs/architecture.md).

Read from the source (every import statement, also those inside functions), so a
new edge fails here until it is written down below, on purpose."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The features: each a package under nytte/ with its domain, queries and services.
FEATURES = ("attendance", "council", "screening", "referrals", "admin", "jobindsats", "kpis",
            "demo", "commands")

# Every import from one feature into another, written down. A feature otherwise uses
# only the shared layers: nytte.core (settings, db, auth, access, audit, formats, ...),
# nytte.io, nytte.org and nytte.models.
ALLOWED_CROSS_FEATURE = {
    # the roll flags course length by the rules in force at the course's start
    ("attendance", "nytte.screening.rulesets"),
    # the evaluation reproduces its figures on the demo data
    ("attendance", "nytte.demo.params"),
    # the council's page shows the figures fetched from Jobindsats
    ("council", "nytte.jobindsats.store"),
    # the council's documents take names, formulas and sources from the one registry
    ("council", "nytte.kpis"),
    # the registry holds the attendance figures' definitions
    ("kpis", "nytte.attendance.definitions"),
    # the demo loads in bulk and then builds the summaries and screens its tasks
    ("demo", "nytte.council.summary"),
    ("demo", "nytte.screening.service"),
    ("demo", "nytte.screening.proposal"),
}
# The command line is an entry point, like the pages: it may call any feature.
ENTRY_POINT_FEATURES = {"commands"}

# The one place where the shared core reaches into a feature: bootstrap installs the
# council's summary step (nytte/core/bootstrap.py).
ALLOWED_CORE_TO_FEATURE = {("nytte.core.bootstrap", "nytte.council.hooks"),
                           ("nytte.core.bootstrap", "nytte.council.hooks.install_session_hooks")}

# Pages call services; they never touch the ORM, the engine or SQL query modules.
PAGE_FORBIDDEN = ("nytte.models", "nytte.core.db", "nytte.council.summary", "nytte.council.metrics",
                  "nytte.council.hooks", "sqlalchemy")
# The unit of work for a page is opened in one place.
PAGE_DB_ADAPTERS = {"pages.common"}


NEEDLES = ("os.environ", "os.getenv", "BaseSettings", "st.secrets")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _sources(*tops: str) -> dict[str, Path]:
    out = {}
    for top in tops:
        for p in (ROOT / top).rglob("*.py"):
            out[_module(p)] = p
    return out


def _feature(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "nytte" and len(parts) > 1 and parts[1] in FEATURES:
        return parts[1]
    return None


def test_no_import_cycles_in_nytte() -> None:
    modules = _sources("nytte")
    graph = {m: {d for d in _imports(p) if d in modules and d != m} for m, p in modules.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append([*path[path.index(d):], d])
            elif d not in state:
                visit(d)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert cycles == []


def test_features_import_each_other_only_where_written_down() -> None:
    found = set()
    for module, path in _sources("nytte").items():
        src = _feature(module)
        if src is None or src in ENTRY_POINT_FEATURES:
            continue
        for dep in _imports(path):
            dst = _feature(dep)
            if dst is None or dst == src:
                continue
            if not any(src == a and (dep == b or dep.startswith(b + ".")) for a, b in
                       ALLOWED_CROSS_FEATURE):
                found.add(f"{module} -> {dep}")
    assert sorted(found) == []


def test_the_shared_layers_do_not_import_features() -> None:
    found = set()
    for module, path in _sources("nytte").items():
        if _feature(module) is not None:
            continue
        if not module.startswith(("nytte.core", "nytte.io", "nytte.org", "nytte.models")):
            continue
        for dep in _imports(path):
            if _feature(dep) is not None and (module, dep) not in ALLOWED_CORE_TO_FEATURE:
                found.add(f"{module} -> {dep}")
    assert sorted(found) == []


def test_pages_import_services_never_models_or_queries() -> None:
    found = set()
    sources = _sources("pages")
    sources["app"] = ROOT / "app.py"
    for module, path in sources.items():
        for dep in _imports(path):
            if module in PAGE_DB_ADAPTERS and dep.startswith(("nytte.core.db", "sqlalchemy")):
                continue
            if module == "app" and dep in ("nytte.core.db", "nytte.core.db.check_database"):
                continue  # the router checks the database once before routing
            if any(dep == f or dep.startswith(f + ".") for f in PAGE_FORBIDDEN):
                found.add(f"{module} -> {dep}")
    assert sorted(found) == []


def test_settings_are_read_in_one_place() -> None:
    """Environment variables and secrets are read by nytte/core/config.py (and the clock,
    which reads the date it is told to fix); nowhere else. The router reads the [auth]
    section that Streamlit's own login (st.login) is configured by."""
    allowed = {("nytte.core.config", n) for n in NEEDLES} | {("nytte.core.clock", "os.environ"),
                                                        ("app", "st.secrets")}
    found = set()
    for module, path in {**_sources("nytte"), **_sources("pages"), "app": ROOT / "app.py"}.items():
        text = path.read_text(encoding="utf-8")
        for needle in NEEDLES:
            if needle in text and (module, needle) not in allowed:
                found.add(f"{module}: {needle}")
    assert sorted(found) == []


def _mentions(tops: tuple[str, ...], needles: tuple[str, ...], owners: set[str]) -> list[str]:
    """Where outside ``owners`` the source of ``tops`` mentions any of ``needles``."""
    found = set()
    for top in tops:
        for module, path in _sources(top).items():
            if module in owners:
                continue
            text = path.read_text(encoding="utf-8")
            found |= {f"{module}: {n}" for n in needles if n in text}
    return sorted(found)


def test_one_csv_writer() -> None:
    """Every CSV leaves through nytte/io/exports.py (formula cells neutralised)."""
    assert _mentions(("nytte", "pages"), ("csv.writer", "csv.DictWriter", ".to_csv("),
                     {"nytte.io.exports"}) == []


def test_one_answer_to_which_units_a_user_may_see() -> None:
    """The coordinator's unit list is read in nytte/org/scope.py (and auth's one-row
    check), never filtered by hand in a feature."""
    found = set()
    for module, path in _sources("nytte").items():
        if module in ("nytte.org.scope", "nytte.core.auth"):
            continue
        if "principal.unit_ids" in path.read_text(encoding="utf-8"):
            found.add(module)
    assert sorted(found) == []


def test_the_code_cites_nothing_outside_the_repository() -> None:
    """Sources are described in docs/ (docs/domain.md); comments name no issue numbers."""
    import re

    pattern = re.compile(r"DOMAIN\.md|\.\./shared|\.\./seeds|(?i:\bissues? #?\d)")
    found = []
    paths = [p for d in ("nytte", "pages", "tests", "bench", "data", "docs", "scripts",
                         "migrations") for p in (ROOT / d).rglob("*")]
    for path in [*paths, ROOT / "app.py", ROOT / "README.md", ROOT / "Makefile"]:
        if not path.is_file() or path.suffix not in ("", ".py", ".md", ".yaml", ".csv", ".toml"):
            continue
        if path == Path(__file__):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}")
    assert found == []


def test_one_font_strategy_for_every_pdf() -> None:
    """Every PDF registers the shipped fonts through nytte/io/pdf.py; none looks for a
    system font or falls back to a Latin-1 core font."""
    assert _mentions(("nytte",), (".add_font(", "/usr/share/fonts", "Helvetica"),
                     {"nytte.io.pdf"}) == []


def test_times_are_shown_in_danish_time() -> None:
    """A stored timestamp (naive UTC) is shown in Danish time, winter and summer."""
    from datetime import datetime

    from nytte.core.formats import fmt_datetime

    assert fmt_datetime(datetime(2026, 1, 15, 7, 30)) == "15-01-2026 08:30"
    assert fmt_datetime(datetime(2026, 7, 15, 7, 30)) == "15-07-2026 09:30"
    assert _mentions(("nytte", "pages"), ("ZoneInfo(",), {"nytte.core.clock"}) == []


def test_the_layout_is_read_off_the_folder_tree() -> None:
    """nytte/ holds the entry point and packages only: shared layers and features."""
    nytte = ROOT / "nytte"
    modules = {p.name for p in nytte.glob("*.py")}
    assert modules == {"__init__.py", "__main__.py", "cli.py"}
    packages = {p.name for p in nytte.iterdir() if (p / "__init__.py").exists()}
    shared = {"core", "io", "org", "models"}
    assert packages == shared | set(FEATURES)
