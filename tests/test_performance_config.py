"""The server settings chosen from measurements (docs/performance.md) are in force."""

from __future__ import annotations

import tomllib

from tests.server import ROOT


def test_no_full_garbage_collection_after_every_run() -> None:
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["runner"]["postScriptGC"] is False
    doc = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    assert "postScriptGC" in doc
