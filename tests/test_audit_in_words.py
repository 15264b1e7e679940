"""The audit trail in words: every action the code records has a Danish sentence, no
event code or JSON reaches the reader, and times are Danish time."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

import pytest

from nytte.core.audit_text import ACTION_LABELS, danish_time, describe, describe_values

ROOT = Path(__file__).resolve().parent.parent


def _recorded_actions() -> set[str]:
    """The action codes passed to nytte.core.audit.record anywhere in nytte/ (from the source)."""
    found: set[str] = set()
    for path in (ROOT / "nytte").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name != "record" or len(node.args) < 3:
                continue
            action = node.args[2]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.add(action.value)
    return found


def test_every_recorded_action_has_a_danish_name_and_sentence() -> None:
    actions = _recorded_actions()
    assert {"screening.create", "attendance.registered", "update"} <= actions
    missing = sorted(actions - set(ACTION_LABELS))
    assert not missing, f"audit actions without a Danish sentence: {missing}"


@pytest.mark.parametrize(
    ("action", "entity", "entity_id", "old", "new", "expected"),
    [
        ("screening.create", "screening", "7", None,
         {"task_id": 9, "version": 1, "verdict": "clarify", "ruleset": "bab-2020",
          "supersedes_id": None},
         "Vurderede opgave nr. 9, version 1: afklares."),
        ("attendance.registered", "roll", "2:2026-11-23", None,
         {"day": "2026-11-23", "source": "manual", "rows": 25, "present": 22,
          "referral_ids": [1, 2]},
         "Registrerede fremmøde for 23-11-2026 i enhed nr. 2: 25 personer, 22 mødt."),
        ("update", "referral", "41", {"team_id": 3, "expected_start": "2026-01-05"},
         {"team_id": 4, "expected_start": "2026-01-12"},
         "Rettede henvisning nr. 41: hold fra 3 til 4, forventet start fra 05-01-2026 til "
         "12-01-2026."),
        ("export_audit", "audit_event", "", None, {"rows": 1200, "filter": {"actor": "x"}},
         "Eksporterede 1.200 hændelser fra revisionssporet."),
    ],
)
def test_sentences(action: str, entity: str, entity_id: str, old: dict[str, object] | None,
                   new: dict[str, object] | None, expected: str) -> None:
    assert describe(action, entity, entity_id, old, new) == expected


def test_no_code_or_json_reaches_the_reader() -> None:
    unknown = describe("something.new", "gadget", "5", None, {"colour_code": "x", "n": 2})
    assert "something.new" not in unknown and "{" not in unknown and "gadget" not in unknown
    assert unknown == "Anden hændelse: objekt nr. 5 (colour code: x; n: 2)."
    for action in ACTION_LABELS:
        text = describe(action, "referral", "1", {"a": 1}, {"rows": 3, "b": [1, 2]})
        assert action not in text and "{" not in text and "[" not in text, text
    assert describe_values({"status": "absent", "hours": 0.5}) == "status: fraværende; timer: 0,50"


def test_times_are_danish_time() -> None:
    # Stored naive UTC; Copenhagen is UTC+2 in summer and UTC+1 in winter.
    assert danish_time(datetime(2026, 7, 1, 10, 0)) == "01-07-2026 12:00"
    assert danish_time(datetime(2026, 11, 23, 23, 30)) == "24-11-2026 00:30"
