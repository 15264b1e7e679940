"""Reference data shipped in data/: regions, municipalities and the code lists.

`sync_reference_data` upserts them into the database after migrations, so a new
code (a law change) is a data change, not a code change."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nytte.core.config import REFERENCE_DIR, ConfigError
from nytte.models import CodeValue, Municipality, Region

CODE_LISTS_FILE = REFERENCE_DIR.parent / "codes" / "code_lists.csv"


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    name: str
    region_code: str
    region: str


def _open_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise ConfigError(
            f"Referencefilen {path} mangler; hent den fra git (data/) eller ret "
            "NYTTE_REFERENCE_DIR."
        )
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_municipalities(reference_dir: Path = REFERENCE_DIR) -> list[MunicipalityRow]:
    rows = _open_csv(reference_dir / "municipalities.csv")
    return [
        MunicipalityRow(r["municipality_code"], r["municipality"], r["region_code"], r["region"])
        for r in rows
    ]


def read_code_lists(path: Path = CODE_LISTS_FILE) -> list[CodeValue]:
    out = []
    for r in _open_csv(path):
        out.append(
            CodeValue(
                list_name=r["list_name"],
                code=r["code"],
                label_da=r["label_da"],
                valid_from=date.fromisoformat(r["valid_from"]),
                valid_to=date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
                sort_order=int(r["sort_order"]),
                source=r["source"],
            )
        )
    return out


def sync_reference_data(session: Session, reference_dir: Path = REFERENCE_DIR) -> None:
    """Insert or update regions, municipalities and code lists (idempotent)."""
    munis = read_municipalities(reference_dir)
    regions = {m.region_code: m.region for m in munis}
    existing_regions = {r.code: r for r in session.scalars(select(Region))}
    for code, name in regions.items():
        if code in existing_regions:
            existing_regions[code].name = name
        else:
            session.add(Region(code=code, name=name))
    session.flush()
    existing_munis = {m.code: m for m in session.scalars(select(Municipality))}
    for m in munis:
        if m.code in existing_munis:
            existing_munis[m.code].name = m.name
            existing_munis[m.code].region_code = m.region_code
        else:
            session.add(Municipality(code=m.code, name=m.name, region_code=m.region_code))
    existing_codes = {
        (c.list_name, c.code, c.valid_from): c for c in session.scalars(select(CodeValue))
    }
    for c in read_code_lists():
        key = (c.list_name, c.code, c.valid_from)
        if key in existing_codes:
            old = existing_codes[key]
            old.label_da, old.valid_to = c.label_da, c.valid_to
            old.sort_order, old.source = c.sort_order, c.source
        else:
            session.add(c)
    session.flush()


def codes_valid_on(session: Session, list_name: str, on: date) -> list[CodeValue]:
    """The codes of a list in force on a date, in display order."""
    stmt = (
        select(CodeValue)
        .where(CodeValue.list_name == list_name, CodeValue.valid_from <= on)
        .where((CodeValue.valid_to.is_(None)) | (CodeValue.valid_to >= on))
        .order_by(CodeValue.sort_order)
    )
    return list(session.scalars(stmt))


def code_labels(session: Session, list_name: str) -> dict[str, str]:
    """code -> Danish label for every code ever in a list (for showing history)."""
    stmt = select(CodeValue).where(CodeValue.list_name == list_name)
    return {c.code: c.label_da for c in session.scalars(stmt.order_by(CodeValue.valid_from))}
