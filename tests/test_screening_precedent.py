"""Precedent: nearest earlier decisions, the fitted index, the export file."""

from __future__ import annotations

import json

import pytest

from nytte.screening.precedent import (
    PrecedentDecision,
    PrecedentFileError,
    PrecedentIndex,
    export_document,
    naive_query,
    read_export,
)


def d(ref: str, title: str, description: str, verdict: str = "approve") -> PrecedentDecision:
    return PrecedentDecision(ref=ref, municipality_code="0101", title=title,
                             description=description, verdict=verdict,
                             reasons=[f"grund {ref}"], ruleset_id="arbejdspligt-2025",
                             decided_at="2026-01-05")


DECISIONS = [
    d("a", "Klargøring af træpaller", "Paller skilles ad, søm fjernes, træet sorteres til genbrug"),
    d("b", "Elinstallation i klubhus", "Nye stikkontakter monteres af elektriker", "reject"),
    d("c", "Naturpleje Amager Fælled", "Rydning af krat og pleje af græsarealer"),
    d("d", "Rengøring i borgeres hjem", "Praktisk hjælp, støvsugning og opvask", "reject"),
]


def test_nearest_decisions_with_verdict_and_reasons() -> None:
    index = PrecedentIndex(DECISIONS)
    hits = index.query("Skille paller ad", "Træpaller skilles ad og sorteres til genbrug")
    assert hits[0].ref == "a"
    assert hits[0].verdict == "approve" and hits[0].reasons == ["grund a"]
    assert 0 < hits[0].similarity <= 1
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    elec = index.query("Elektriker", "Montering af stikkontakter i klubhuset")
    assert elec[0].ref == "b" and elec[0].verdict == "reject"


def test_unrelated_text_finds_nothing_and_empty_index_is_fine() -> None:
    assert PrecedentIndex(DECISIONS).query("xyzzy", "qwv") == []
    assert PrecedentIndex([]).query("Paller", "skilles ad") == []


def test_exclude_and_k() -> None:
    index = PrecedentIndex(DECISIONS)
    hits = index.query("Paller", "Træpaller skilles ad", k=1, exclude_refs={"a"})
    assert len(hits) <= 1 and all(h.ref != "a" for h in hits)


def test_add_without_refit_matches_a_full_refit() -> None:
    index = PrecedentIndex(DECISIONS * 5)
    new = d("e", "Maling af shelter", "Shelteret i skoven males og repareres")
    index.add([new])
    assert len(index) == 21
    hit = index.query("Shelter", "Maling af shelter i skoven")[0]
    assert hit.ref == "e"
    assert naive_query([*DECISIONS * 5, new], "Shelter", "Maling af shelter i skoven")[0].ref == "e"
    index.deactivate({"e"})  # superseded: kept, never suggested
    assert all(h.ref != "e" for h in index.query("Shelter", "Maling af shelter i skoven"))
    index.add([d("f", "Maling af shelter", "Shelteret i skoven males igen")])
    assert index.query("Shelter", "Maling af shelter i skoven")[0].ref == "f"


def test_export_import_round_trip() -> None:
    text = export_document(DECISIONS, "0101")
    back = read_export(text.encode("utf-8"))
    assert back == DECISIONS
    assert json.loads(text)["format"] == "nytte-precedent"


@pytest.mark.parametrize("doc,message", [
    ("not json", "ikke gyldig JSON"),
    ('{"format": "other"}', "ikke en præcedensfil"),
    ('{"format": "nytte-precedent", "version": 9}', "Ukendt version"),
    ('{"format": "nytte-precedent", "version": 1, "decisions": [{"ref": "x"}]}',
     "Afgørelse 1: feltet municipality_code, title, description, verdict mangler"),
])
def test_import_errors(doc: str, message: str) -> None:
    with pytest.raises(PrecedentFileError, match=message):
        read_export(doc)


def test_import_refuses_cpr_and_unknown_verdict() -> None:
    bad = [d("x", "Hjælp til 010190-1234", "tekst").to_json(),
           {**d("y", "t", "tekst").to_json(), "verdict": "maybe"}]
    doc = json.dumps({"format": "nytte-precedent", "version": 1, "decisions": bad})
    with pytest.raises(PrecedentFileError) as info:
        read_export(doc)
    assert "Afgørelse 1" in str(info.value) and "CPR" in str(info.value)
    assert "Afgørelse 2: ukendt afgørelse 'maybe'" in str(info.value)
