"""Start Nytte's server with the app's code already imported.

    python serve.py [streamlit options, e.g. --server.port=8501]

is ``streamlit run app.py [options]``, except that the libraries and the domain code
the pages use (pandas, scikit-learn, SQLAlchemy, plotly and the nytte packages) are
imported before the server listens. Under plain ``streamlit run`` they are imported by
the first script run, so the first visitor after every start waited for them: 4-5 s
of CPU on the project's 2-core machine, about 12 s when it was busy
(docs/performance.md). The server reports healthy only once this is done, so a proxy
or a readiness probe never sends anybody to a process that is still importing.

Only modules that do not touch Streamlit are imported here: a page module's cached
functions must be created inside the running server, where Streamlit's cache storage
lives. (Importing them is cheap once what they import is loaded.)"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
APP = ROOT / "app.py"

# Imported by pages/ and app.py directly (the nytte packages bring the rest).
LIBRARIES = ("pandas", "plotly.express", "plotly.graph_objects", "sqlalchemy")
# Command-line and data-loading code the server never runs.
NOT_SERVED = ("nytte.__main__", "nytte.cli", "nytte.commands", "nytte.demo")


def served_modules() -> list[str]:
    """Every module of the nytte package a server process may run."""
    import nytte

    names = [info.name for info in pkgutil.walk_packages(nytte.__path__, "nytte.")]
    return sorted(n for n in names
                  if not any(n == skip or n.startswith(skip + ".") for skip in NOT_SERVED))


def preload() -> float:
    """Import what the pages will need; the seconds it took."""
    started = time.perf_counter()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for name in (*LIBRARIES, *served_modules()):
        importlib.import_module(name)
    return time.perf_counter() - started


def navigation_from_the_start() -> None:
    """Run the app as the st.navigation app it is from the first visit on.

    Streamlit takes an app with a folder named pages/ beside it for a legacy
    multipage app until a script run calls st.navigation, and only then switches for
    the whole process. So the first visitor after every start who opened a page's
    address (a bookmark, a link in a mail) got Streamlit's English "Page not found"
    and the front page, and that first run went through the legacy page discovery.
    Streamlit sets the same flag itself during that first run; we set it before it."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main(argv: list[str]) -> int:
    from streamlit.web import cli

    navigation_from_the_start()
    took = preload()
    print(f"Nytte: the app's modules imported in {took:.1f} s", flush=True)
    try:
        cli.main(args=["run", str(APP), *argv], prog_name="streamlit")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
