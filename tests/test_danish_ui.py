"""Danish where Streamlit has fixed English: the upload limit the Danish line states is
the server's real limit and the limits the readers enforce."""

from __future__ import annotations

import tomllib
from pathlib import Path

from nytte.io.reader import DEFAULT_LIMITS, MB
from nytte.screening.service import MAX_ATTACHMENT_BYTES
from pages.common import UPLOAD_LIMIT_MB

ROOT = Path(__file__).resolve().parent.parent


def test_upload_limit_is_one_number_everywhere() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == UPLOAD_LIMIT_MB
    assert DEFAULT_LIMITS.max_bytes == UPLOAD_LIMIT_MB * MB
    assert MAX_ATTACHMENT_BYTES == UPLOAD_LIMIT_MB * 1024 * 1024
    assert f"{UPLOAD_LIMIT_MB} MB" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_uploader_has_a_danish_line_beside_it() -> None:
    owned = ["referral_import", "screening_policy", "council", "screening"]
    for name in owned:
        text = (ROOT / "pages" / f"{name}.py").read_text(encoding="utf-8")
        assert text.count("st.file_uploader(") == text.count("upload_note("), name


def test_streamlit_menu_of_files_is_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showSidebarNavigation"] is False
