"""Batch files and the ``screen`` command: formats, encodings and row-level messages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from nytte.commands.screen import main
from nytte.screening.batchfile import BatchFileError, read_proposals
from nytte.screening.proposal import FIELDS, ProposalError, parse_proposal
from tests.screening_examples import base, electrician, pre2025, weekly_maintenance


def to_csv(rows: list[dict[str, Any]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FIELDS), delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


ROWS = [base(), electrician(), weekly_maintenance(title="Fejning ved Ærø-færgen på Østbanegården")]


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_csv_delimiters_and_encodings(delimiter: str, encoding: str) -> None:
    data = to_csv(ROWS, delimiter).encode(encoding)
    proposals = read_proposals(data, "tasks.csv")
    assert [p.title for p in proposals] == [r["title"] for r in ROWS]
    assert proposals[2].title == "Fejning ved Ærø-færgen på Østbanegården"
    assert proposals[0].last_done_by_staff_year == 1998


def test_json_list() -> None:
    proposals = read_proposals(json.dumps(ROWS).encode(), "tasks.json")
    assert [p.frequency for p in proposals] == ["once", "once", "recurring"]


def problems(data: bytes, name: str = "f.csv") -> list[str]:
    with pytest.raises(BatchFileError) as info:
        read_proposals(data, name)
    return [str(p) for p in info.value.problems]


def test_empty_file() -> None:
    assert problems(b"") == ["Filen: Filen er tom."]
    assert problems(b"  \n\n") == ["Filen: Filen er tom."]
    header_only = ",".join(FIELDS).encode()
    assert "ingen opgaver" in problems(header_only)[0]


def test_duplicated_header() -> None:
    text = to_csv([base()]).replace("title,description", "title,title", 1)
    msgs = problems(text.encode())
    assert any("'title'" in m and "findes to gange" in m for m in msgs)


def test_unknown_column() -> None:
    text = to_csv([base()]).replace("season", "saeson", 1)
    assert any("'saeson'" in m and "kendes ikke" in m for m in problems(text.encode()))


def test_row_level_messages_name_row_and_field_and_screen_nothing() -> None:
    rows = [base(), base(frequency="weekly"), base(physical_demand="tung"),
            base(description=""), base(start_date="02-03-2026"), base(physical_demand=7)]
    msgs = problems(to_csv(rows).encode())
    joined = "\n".join(msgs)
    assert "Række 2 (linje 3)" in joined and "'weekly'" in joined and "recurring" in joined
    assert "Række 3" in joined and "helt tal" in joined and "physical_demand" in joined
    assert "Række 4" in joined and "description" in joined and "mangler" in joined
    assert "Række 5" in joined and "ÅÅÅÅ-MM-DD" in joined
    assert "Række 6" in joined and "mellem 1 og 5" in joined
    assert not any(m.startswith("Række 1 ") for m in msgs)


def test_json_wrong_types_and_missing_fields() -> None:
    bad = base(written_statement=True, title=42)
    del bad["season"]
    msgs = problems(json.dumps([base(), bad, "x"]).encode(), "f.json")
    assert msgs == ["Række 3: Opgaven skal være et objekt med felter."]
    msgs = problems(json.dumps([base(), bad]).encode(), "f.json")
    joined = "\n".join(msgs)
    assert "Række 2" in joined and "season" in joined and "mangler" in joined
    assert "written_statement" in joined and "title" in joined
    assert "JSON-filen skal indeholde en liste" in problems(b'{"title": "x"}', "f.json")[0]
    assert "ikke gyldig JSON" in problems(b"[{", "f.json")[0]


def test_ragged_row() -> None:
    text = to_csv([base()]) + "kun,to\n"
    assert any("Række 2" in m and "2 felter" in m for m in problems(text.encode()))


def test_cpr_in_description_is_refused() -> None:
    with pytest.raises(ProposalError) as info:
        parse_proposal(base(description="Hjælp til Jens (010190-1234) med haven."))
    msg = str(info.value)
    assert "CPR-nummer" in msg and "Opgavebeskrivelse" in msg
    assert "Personoplysninger hører ikke hjemme" in msg
    msgs = problems(to_csv([base(), base(title="Opgave for 0101901234")]).encode())
    assert any("Række 2" in m and "CPR" in m for m in msgs)


def test_bool_is_not_a_number_and_p_number_shape() -> None:
    with pytest.raises(ProposalError, match="physical_demand"):
        parse_proposal(base(physical_demand=True))
    with pytest.raises(ProposalError, match="10 cifre"):
        parse_proposal(base(p_number="12-34"))


def test_inconsistent_consultation() -> None:
    with pytest.raises(ProposalError, match="ingen blev hørt"):
        parse_proposal(base(consultation_level="none", consultation_outcome="agree"))


def test_html_is_kept_as_text() -> None:
    p = parse_proposal(base(title="<script>alert(1)</script> Fejning"))
    assert p.title == "<script>alert(1)</script> Fejning"


# --- the command -------------------------------------------------------------------------

def test_screen_command_prints_json_in_input_order(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "opgaver.csv"
    f.write_bytes(to_csv([base(), electrician(), weekly_maintenance(), pre2025()], ";")
                  .encode("latin-1"))
    assert main([str(f), "--policy", "lenient"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["verdict"] for o in out] == ["approve", "reject", "approve", "approve"]
    assert [o["ruleset"] for o in out] == ["arbejdspligt-2025"] * 3 + ["bab-2023"]
    first = out[0]
    assert set(first) >= {"title", "verdict", "ruleset", "criteria", "similar"}
    assert set(first["criteria"][0]) >= {"id", "status", "reason", "source"}
    assert main([str(f), "--policy", "strict"]) == 0
    assert json.loads(capsys.readouterr().out)[2]["verdict"] == "reject"


def test_screen_command_on_overrides_start_date(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "opgaver.json"
    f.write_text(json.dumps([base()]), encoding="utf-8")
    assert main([str(f), "--on", "2024-05-01"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["ruleset"] == "bab-2023"


def test_screen_command_bad_file_exits_nonzero(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "opgaver.csv"
    f.write_text(to_csv([base(), base(season="monsun")]), encoding="utf-8")
    assert main([str(f)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Række 2" in captured.err and "season" in captured.err
    assert main([str(tmp_path / "findes-ikke.csv")]) == 1


def test_screen_command_output_keeps_its_format(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Written in one go, the output is byte for byte what json.dump(indent=1) wrote:
    one-space indents, Danish letters as they are, a final newline."""
    f = tmp_path / "opgaver.json"
    f.write_text(json.dumps(ROWS, ensure_ascii=False), encoding="utf-8")
    assert main([str(f)]) == 0
    out = capsys.readouterr().out
    previous = io.StringIO()
    json.dump(json.loads(out), previous, ensure_ascii=False, indent=1)
    previous.write("\n")
    assert out == previous.getvalue()
    assert "Ærø" in out and '\n "' not in out[:3] and out.startswith('[\n {\n  "')
