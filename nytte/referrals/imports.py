"""Import of referrals (henvisninger) from the municipality's case system.

A coordinator or manager uploads the list of citizens referred to nytteindsats
(CSV or .xlsx, as the case system exports it). Each row is validated with a
pydantic model against the code lists and the units the user may work in; if any
row is wrong, nothing is written and every problem is listed by row and field.
Otherwise participants and referrals are created in one transaction with an audit
event per referral. The audit trail refers to participants by internal id only,
never by case reference, so retention can anonymise them later."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from nytte.core import clock
from nytte.core.access import requires
from nytte.core.audit import record
from nytte.core.auth import AccessDenied, Principal, Role
from nytte.core.data_version import Area, changed
from nytte.core.privacy import find_cpr_like
from nytte.core.reference import code_labels, codes_valid_on
from nytte.io.cells import (
    CellValue,
    as_text,
    normalise_case_ref,
    parse_date,
    parse_decimal,
    parse_int,
)
from nytte.io.errors import ImportProblem, ImportRejected
from nytte.io.reader import DEFAULT_LIMITS, Limits, Table, cell_problems, read_table
from nytte.models import Participant, Referral, Team, Unit
from nytte.org.service import visible_unit_ids

# Canonical field -> the column names accepted for it (Danish case-system exports).
COLUMNS: dict[str, tuple[str, ...]] = {
    "case_ref": ("case_ref", "sagsreference", "sagsnr", "sagsnummer", "sag"),
    "benefit_group": ("benefit_group", "ydelsesgruppe", "ydelse"),
    "visitation_group": ("visitation_group", "visitationsgruppe", "visitation", "match"),
    "gender": ("gender", "køn", "koen"),
    "birth_year": ("birth_year", "fødselsår", "foedselsaar"),
    "unit": ("unit", "enhed"),
    "team": ("team", "hold"),
    "referred_on": ("referred_on", "henvist", "henvist_dato", "henvisningsdato"),
    "expected_start": ("expected_start", "forventet_start", "startdato", "start"),
    "weekly_hours": ("weekly_hours", "timer_pr_uge", "ugentlige_timer", "timer"),
    "weekdays": ("weekdays", "ugedage", "dage"),
    "caseworker": ("caseworker", "sagsbehandler", "rådgiver", "raadgiver"),
    # Optional: the citizen's name and preferred name (kaldenavn), for the roll.
    "name": ("name", "navn", "fulde_navn", "borgerens_navn"),
    "preferred_name": ("preferred_name", "kaldenavn", "foretrukket_navn", "kaldes"),
}
# The Danish name a problem uses for a field whose column is missing from the file.
DISPLAY = {f: (aliases[2] if f == "case_ref" else aliases[1]) for f, aliases in COLUMNS.items()}
REQUIRED = ("case_ref", "benefit_group", "gender", "unit", "referred_on", "expected_start",
            "weekly_hours")
# Columns that must never be imported, whatever else the file holds.
# (The name and preferred name are imported: the unit calls the roll by name.)
FORBIDDEN_COLUMNS = {"cpr", "cpr_nr", "cprnr", "cpr_nummer", "personnummer",
                     "adresse", "address", "telefon", "phone", "email", "e_mail"}

WEEKDAYS = {"man": 0, "tir": 1, "ons": 2, "tor": 3, "fre": 4}
# A name: letters (any alphabet), with spaces, hyphens, apostrophes and full stops
# between them; no digits, no other signs.
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’.\-]+[^\W\d_]+)*\.?$")
NAME_MAX = {"name": 120, "preferred_name": 60}
_CASE_REF_RE = re.compile(r"^[A-Za-z0-9ÆØÅæøå][A-Za-z0-9ÆØÅæøå._/\-]{2,39}$")
EARLIEST = date(2014, 1, 1)  # nytteindsats began with the 2014 reform
MAX_WEEKLY_HOURS = 37.0


def _checked_text(text: str, pattern: re.Pattern[str], *, not_cpr: str, not_valid: str,
                  limit: int | None = None) -> str:
    """The text, or a Danish error: it looks like a CPR number (``not_cpr`` says what to
    write instead), is longer than ``limit``, or is not of the pattern (``not_valid``
    says what it is not)."""
    if find_cpr_like(text):
        raise ValueError(f"ligner et CPR-nummer; {not_cpr}")
    if limit is not None and len(text) > limit:
        raise ValueError(f"højst {limit} tegn")
    if not pattern.match(text):
        raise ValueError(f"'{text[:40]}' er {not_valid}")
    return text


@dataclass(frozen=True)
class ImportContext:
    today: date
    units: dict[str, Unit]  # lower-case name and str(id) -> unit the user may import into
    teams: dict[tuple[int, str], Team]
    benefit_codes: set[str]  # any code of the list; validity on the date is checked later
    visitation_codes: set[str]


class ReferralRow(BaseModel):
    """One row of the file, validated. Every validator says in Danish what is wrong."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    case_ref: str
    benefit_group: str
    visitation_group: str | None = None
    gender: str
    birth_year: int | None = None
    unit: Unit
    team: Team | None = None
    referred_on: date
    expected_start: date
    weekly_hours: float
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    caseworker: str = ""
    name: str | None = None
    preferred_name: str | None = None

    @field_validator("name", "preferred_name", mode="before")
    @classmethod
    def _name(cls, v: CellValue, info: ValidationInfo) -> str | None:
        text = " ".join((as_text(v) or "").split())
        if not text:
            return None
        return _checked_text(
            text, _NAME_RE, not_cpr="skriv kun navnet", limit=NAME_MAX[info.field_name or "name"],
            not_valid="ikke et navn (bogstaver, mellemrum, bindestreg og apostrof; ingen tal "
                      "eller tegn)",
        )

    @field_validator("case_ref", mode="before")
    @classmethod
    def _case_ref(cls, v: CellValue) -> str:
        # "sag-0253-1" and "SAG-0253-1" are one citizen, not two.
        return _checked_text(
            normalise_case_ref(v), _CASE_REF_RE, not_cpr="brug sagsreferencen fra sagssystemet",
            not_valid="ikke en gyldig sagsreference (3-40 tegn: bogstaver, tal, - . _ /)",
        )

    @field_validator("gender", mode="before")
    @classmethod
    def _gender(cls, v: CellValue) -> str:
        text = (as_text(v) or "").lower()
        mapping = {"k": "K", "kvinde": "K", "f": "K", "m": "M", "mand": "M"}
        if text not in mapping:
            raise ValueError(f"'{as_text(v)}' er ikke et gyldigt køn (K eller M)")
        return mapping[text]

    @field_validator("birth_year", mode="before")
    @classmethod
    def _birth_year(cls, v: CellValue, info: ValidationInfo) -> int | None:
        if as_text(v) is None:
            return None
        year = parse_int(v)
        today = _ctx(info).today
        if not 1930 <= year <= today.year - 15:
            raise ValueError(f"{year} er ikke et muligt fødselsår (1930-{today.year - 15})")
        return year

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, v: CellValue, info: ValidationInfo) -> Unit:
        name = (as_text(v) or "").lower()
        unit = _ctx(info).units.get(name)
        if unit is None:
            raise ValueError(
                f"enheden '{as_text(v)}' findes ikke blandt de enheder, du må indlæse til"
            )
        return unit

    @field_validator("team", mode="before")
    @classmethod
    def _team(cls, v: CellValue, info: ValidationInfo) -> Team | None:
        name = (as_text(v) or "").lower()
        if not name:
            return None
        unit = info.data.get("unit")
        if unit is None:
            raise ValueError("holdet kan ikke tjekkes, fordi enheden er ugyldig")
        team = _ctx(info).teams.get((unit.id, name))
        if team is None:
            raise ValueError(f"holdet '{as_text(v)}' findes ikke på enheden {unit.name}")
        return team

    @field_validator("referred_on", mode="before")
    @classmethod
    def _referred_on(cls, v: CellValue, info: ValidationInfo) -> date:
        day = parse_date(v)
        today = _ctx(info).today
        if day > today:
            raise ValueError("henvisningsdatoen ligger i fremtiden")
        if day < EARLIEST:
            raise ValueError("henvisningsdatoen er før nytteindsatsen fandtes (2014)")
        return day

    @field_validator("expected_start", mode="before")
    @classmethod
    def _expected_start(cls, v: CellValue, info: ValidationInfo) -> date:
        day = parse_date(v)
        referred = info.data.get("referred_on")
        if referred is not None:
            if day < referred:
                raise ValueError("forventet start ligger før henvisningsdatoen")
            if day > referred + timedelta(days=365):
                raise ValueError("forventet start ligger mere end et år efter henvisningen")
        return day

    @field_validator("weekly_hours", mode="before")
    @classmethod
    def _weekly_hours(cls, v: CellValue) -> float:
        hours = parse_decimal(v)
        if hours <= 0:
            raise ValueError("timer pr. uge skal være større end 0")
        if hours > MAX_WEEKLY_HOURS:
            raise ValueError(f"{as_text(v)} timer pr. uge er mere end {MAX_WEEKLY_HOURS:g}")
        return hours

    @field_validator("weekdays", mode="before")
    @classmethod
    def _weekdays(cls, v: CellValue) -> tuple[int, ...]:
        text = (as_text(v) or "").lower()
        if not text:
            return (0, 1, 2, 3, 4)
        days = set()
        for part in re.split(r"[,\s/+]+", text):
            key = part[:3]
            if key not in WEEKDAYS:
                raise ValueError(f"'{part}' er ikke en hverdag (man, tir, ons, tor, fre)")
            days.add(WEEKDAYS[key])
        return tuple(sorted(days))

    @field_validator("caseworker", mode="before")
    @classmethod
    def _caseworker(cls, v: CellValue) -> str:
        text = as_text(v) or ""
        if find_cpr_like(text):
            raise ValueError("ligner et CPR-nummer, som ikke må registreres")
        if len(text) > 80:
            raise ValueError("højst 80 tegn")
        return text

    @field_validator("benefit_group", "visitation_group", mode="before")
    @classmethod
    def _code(cls, v: CellValue, info: ValidationInfo) -> str | None:
        code = (as_text(v) or "").lower()
        if not code:
            if info.field_name == "visitation_group":
                return None
            raise ValueError("skal udfyldes")
        ctx = _ctx(info)
        known = ctx.benefit_codes if info.field_name == "benefit_group" else ctx.visitation_codes
        if code not in known:
            raise ValueError(f"koden '{as_text(v)}' findes ikke i kodelisten")
        return code


def _ctx(info: ValidationInfo) -> ImportContext:
    ctx = info.context
    if not isinstance(ctx, ImportContext):
        raise TypeError("ReferralRow must be validated with an ImportContext")
    return ctx


_PYDANTIC_MESSAGES = {"missing": "skal udfyldes"}


def _problems_from(row: int, exc: ValidationError) -> list[ImportProblem]:
    out = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else None
        msg = _PYDANTIC_MESSAGES.get(err["type"], str(err["msg"]))
        msg = msg.removeprefix("Value error, ")
        out.append(ImportProblem(row, field, msg))
    return out


def _map_columns(table: Table) -> tuple[dict[str, str], list[ImportProblem]]:
    """Which file column feeds which field; unknown, forbidden or missing columns."""
    alias_to_field = {alias: f for f, aliases in COLUMNS.items() for alias in aliases}
    shown = dict(zip(table.columns, table.original_columns, strict=True))
    mapping: dict[str, str] = {}
    problems = []
    row = table.header_row
    for col in table.columns:
        name = shown.get(col, col)
        if col in FORBIDDEN_COLUMNS:
            problems.append(ImportProblem(row, name, "kolonnen indeholder personoplysninger, "
                                          "som Nytte ikke må gemme; fjern den."))
        elif col not in alias_to_field:
            problems.append(ImportProblem(row, name, "ukendt kolonne; fjern den eller ret "
                                          "overskriften."))
        elif alias_to_field[col] in mapping.values():
            problems.append(ImportProblem(row, name, f"feltet {DISPLAY[alias_to_field[col]]} "
                                          "står i to kolonner."))
        else:
            mapping[col] = alias_to_field[col]
    for f in REQUIRED:
        if f not in mapping.values():
            problems.append(ImportProblem(row, DISPLAY[f], "kolonnen mangler."))
    return mapping, problems


def _context(session: Session, principal: Principal, today: date) -> ImportContext:
    ids = visible_unit_ids(session, principal)
    units = list(session.scalars(select(Unit).where(Unit.id.in_(ids), Unit.active)))
    by_name: dict[str, Unit] = {}
    for u in units:
        by_name[u.name.lower()] = u
        by_name[str(u.id)] = u
    teams = {
        (t.unit_id, t.name.lower()): t
        for t in session.scalars(select(Team).where(Team.unit_id.in_(ids), Team.active))
    }
    # Old referrals may use codes that have since expired (e.g. uddannelseshjælp):
    # accept any code of the list here; _code_validity checks the referral date.
    benefit = set(code_labels(session, "benefit_group"))
    visitation = set(code_labels(session, "visitation_group"))
    return ImportContext(today, by_name, teams, benefit, visitation)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    new_participants: int
    referrals: int
    sha256: str


def _validate_rows(
    session: Session, principal: Principal, table: Table, today: date, limits: Limits
) -> list[ReferralRow]:
    """All rows validated, or ImportRejected with every problem (row and field)."""
    mapping, problems = _map_columns(table)
    if problems:
        raise ImportRejected(problems)
    # Problems name the column as the file's header writes it.
    shown = dict(zip(table.columns, table.original_columns, strict=True))
    field_column = {**DISPLAY, **{f: shown.get(c, c) for c, f in mapping.items()}}
    raw_cell_problems = cell_problems(table, limits)
    problems = [
        ImportProblem(p.row, shown.get(p.field or "", p.field), p.message)
        for p in raw_cell_problems
    ]
    # A cell already refused (formula, control characters) is not validated again.
    bad_cells = {(p.row, mapping.get(p.field or "")) for p in raw_cell_problems}
    bad_rows = {p.row for p in raw_cell_problems}
    ctx = _context(session, principal, today)
    valid: list[tuple[int, ReferralRow]] = []
    for row, values in table.rows:
        data: dict[str, Any] = {
            mapping[c]: v
            for c, v in values.items()
            if as_text(v) is not None and (row, mapping[c]) not in bad_cells
        }
        try:
            model = ReferralRow.model_validate(data, context=ctx)
        except ValidationError as exc:
            problems.extend(
                ImportProblem(p.row, field_column.get(p.field or "", p.field), p.message)
                for p in _problems_from(row, exc)
                if (row, p.field) not in bad_cells
            )
            continue
        if row not in bad_rows:
            valid.append((row, model))
    problems.extend(
        ImportProblem(p.row, field_column.get(p.field or "", p.field), p.message)
        for p in [*_code_validity(session, valid), *_duplicates(session, principal, valid)]
    )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.field or ""))
        raise ImportRejected(problems)
    if not valid:
        raise ImportRejected.one(None, None, "filen har ingen rækker med data.")
    return [r for _, r in valid]


def _code_validity(session: Session, rows: list[tuple[int, ReferralRow]]) -> list[ImportProblem]:
    """A benefit group must be in force on the referral date (codes change with the law)."""
    out = []
    cache: dict[date, set[str]] = {}
    for row, r in rows:
        if r.referred_on not in cache:
            cache[r.referred_on] = {
                c.code for c in codes_valid_on(session, "benefit_group", r.referred_on)
            }
        if r.benefit_group not in cache[r.referred_on]:
            out.append(ImportProblem(row, "benefit_group", f"koden '{r.benefit_group}' gjaldt "
                                     "ikke på henvisningsdatoen"))
    return out


def _duplicates(
    session: Session, principal: Principal, rows: list[tuple[int, ReferralRow]]
) -> list[ImportProblem]:
    out = []
    first: dict[str, int] = {}
    for row, r in rows:
        key = r.case_ref.lower()
        if key in first:
            out.append(ImportProblem(row, "case_ref", f"sagsreferencen står også i række "
                                     f"{first[key]}"))
        else:
            first[key] = row
    refs = [r.case_ref for _, r in rows]
    if refs:
        active = set(
            session.scalars(
                select(Participant.case_ref)
                .join(Referral, Referral.participant_id == Participant.id)
                .where(
                    Participant.municipality_code == principal.municipality_code,
                    Participant.case_ref.in_(refs),
                    Referral.ended_on.is_(None),
                )
            )
        )
        for row, r in rows:
            if r.case_ref in active:
                out.append(ImportProblem(row, "case_ref", "borgeren har allerede en aktiv "
                                         "henvisning i Nytte"))
    return out


@requires(Role.KOORDINATOR, Role.LEDER, writes=True)
def import_referrals(
    session: Session,
    principal: Principal,
    data: bytes,
    filename: str,
    *,
    today: date | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportResult:
    """Validate the whole file, then write it in the caller's transaction, or refuse."""
    if principal.municipality_code is None:
        raise AccessDenied("Du er ikke knyttet til en kommune.")
    today = today or clock.today()
    table = read_table(data, filename, limits)
    rows = _validate_rows(session, principal, table, today, limits)
    digest = hashlib.sha256(data).hexdigest()
    existing = {
        p.case_ref: p
        for p in session.scalars(
            select(Participant).where(
                Participant.municipality_code == principal.municipality_code,
                Participant.case_ref.in_([r.case_ref for r in rows]),
            )
        )
    }
    new_people = 0
    created: list[tuple[ReferralRow, Participant, Referral, dict[str, float]]] = []
    for r in rows:
        person = existing.get(r.case_ref)
        if person is None:
            person = Participant(
                municipality_code=r.unit.municipality_code,
                case_ref=r.case_ref,
                benefit_group=r.benefit_group,
                visitation_group=r.visitation_group,
                gender=r.gender,
                birth_year=r.birth_year,
                name=r.name,
                preferred_name=r.preferred_name,
            )
            session.add(person)
            existing[r.case_ref] = person
            new_people += 1
        else:  # the case system's name is the current one
            if r.name is not None:
                person.name = r.name
            if r.preferred_name is not None:
                person.preferred_name = r.preferred_name
        per_day = round(r.weekly_hours / len(r.weekdays), 2)
        hours = {col: (per_day if i in r.weekdays else 0.0)
                 for i, col in enumerate(("mon_hours", "tue_hours", "wed_hours", "thu_hours",
                                          "fri_hours"))}
        referral = Referral(
            participant=person,
            unit_id=r.unit.id,
            team_id=r.team.id if r.team else None,
            referred_on=r.referred_on,
            expected_start=r.expected_start,
            caseworker_ref=r.caseworker,
            **hours,
        )
        session.add(referral)
        created.append((r, person, referral, hours))
    session.flush()  # one round of INSERTs; the ids are needed for the audit events
    for r, person, referral, hours in created:
        record(
            session, principal, "import_create", "referral", referral.id,
            new={"unit_id": r.unit.id, "team_id": referral.team_id,
                 "referred_on": r.referred_on.isoformat(),
                 "expected_start": r.expected_start.isoformat(), **hours,
                 "benefit_group": r.benefit_group, "file_sha256": digest[:16],
                 # Which personal fields came with the row, never their values.
                 "personal_fields": [f for f in ("name", "preferred_name")
                                     if getattr(r, f) is not None]},
            participant_id=person.id, municipality_code=r.unit.municipality_code,
        )
    safe_name = "(filnavn skjult)" if find_cpr_like(filename) else filename[:120]
    record(
        session, principal, "import", "referral_file", digest[:16],
        new={"filename": safe_name, "rows": len(rows), "new_participants": new_people,
             "sha256": digest},
    )
    changed(session, Area.REFERRALS, municipality_codes={principal.municipality_code})
    session.flush()
    return ImportResult(len(rows), new_people, len(rows), digest)
