"""The task proposal: the coordinator's form and a batch-file row, with the same keys.

Validation happens here, server-side, whatever the source: a browser form's limits
are advisory only. Messages are Danish and name the field; ``batchfile`` adds the row.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nytte.privacy import PersonalDataError, ensure_no_cpr
from nytte.screening.vocabulary import (
    Answer,
    Beneficiary,
    ConsultationLevel,
    ConsultationOutcome,
    Frequency,
    IndoorOutdoor,
    OtherwiseDoneBy,
    ProfessionalArea,
    Season,
    YesNo,
)

# Danish names of the fields, for messages ("Feltet 'Beskrivelse' (description) ...").
FIELD_LABELS: Final[dict[str, str]] = {
    "title": "Titel",
    "description": "Opgavebeskrivelse",
    "requesting_unit": "Rekvirerende enhed",
    "p_number": "P-nummer",
    "professional_area": "Fagområde",
    "previously_done_by_staff": "Tidligere udført af ansatte",
    "last_done_by_staff_year": "Senest udført af ansatte (år)",
    "in_operating_plan": "Del af drift, plejeplan eller serviceniveau",
    "service_level_reduced": "Serviceniveau sparet væk",
    "private_market": "Privat marked for opgaven",
    "requires_certified_trade": "Kræver autoriseret fag",
    "servicelov_83": "Hjælp i hjemmet (servicelovens § 83)",
    "otherwise_done_by": "Ville ellers blive udført af",
    "frequency": "Hyppighed",
    "beneficiary": "Til gavn for",
    "physical_demand": "Fysisk belastning (1-5)",
    "indoor_outdoor": "Inde/ude",
    "season": "Sæson",
    "ordinary_employees": "Ordinært ansatte på arbejdsstedet",
    "participants_requested": "Ønsket antal deltagere",
    "participants_already_placed": "Allerede placerede (praktik, løntilskud, nytteindsats)",
    "start_date": "Startdato",
    "consultation_level": "Høringsniveau",
    "consultation_skip_reason": "Begrundelse for sprunget niveau",
    "consultation_outcome": "Høringens udfald",
    "consultation_date": "Høringsdato",
    "written_statement": "Skriftlig tilkendegivelse",
}

FIELDS: Final[tuple[str, ...]] = tuple(FIELD_LABELS)
REQUIRED_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "title",
        "description",
        "requesting_unit",
        "professional_area",
        "previously_done_by_staff",
        "in_operating_plan",
        "service_level_reduced",
        "private_market",
        "requires_certified_trade",
        "servicelov_83",
        "otherwise_done_by",
        "frequency",
        "beneficiary",
        "physical_demand",
        "indoor_outdoor",
        "season",
        "start_date",
        "consultation_level",
        "consultation_outcome",
        "written_statement",
    }
)
FREE_TEXT_FIELDS: Final[tuple[str, ...]] = (
    "title",
    "description",
    "requesting_unit",
    "consultation_skip_reason",
)
_ENUM_FIELDS: Final[tuple[str, ...]] = (
    "professional_area",
    "previously_done_by_staff",
    "in_operating_plan",
    "service_level_reduced",
    "private_market",
    "requires_certified_trade",
    "servicelov_83",
    "otherwise_done_by",
    "frequency",
    "beneficiary",
    "indoor_outdoor",
    "season",
    "consultation_level",
    "consultation_outcome",
    "written_statement",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FieldProblem(ValueError):
    """One field of one proposal is wrong; ``message`` is Danish and names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ProposalError(ValueError):
    """A proposal failed validation; ``problems`` lists every wrong field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class TaskProposal(BaseModel):
    """A task proposed to the unit, with the answers the screening needs."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    requesting_unit: str = Field(min_length=1, max_length=200)
    p_number: str | None = None
    professional_area: ProfessionalArea
    previously_done_by_staff: Answer
    last_done_by_staff_year: int | None = Field(default=None, ge=1900, le=2100)
    in_operating_plan: Answer
    service_level_reduced: Answer
    private_market: Answer
    requires_certified_trade: Answer
    servicelov_83: Answer
    otherwise_done_by: OtherwiseDoneBy
    frequency: Frequency
    beneficiary: Beneficiary
    physical_demand: int = Field(ge=1, le=5)
    indoor_outdoor: IndoorOutdoor
    season: Season
    ordinary_employees: int | None = Field(default=None, ge=0, le=1_000_000)
    participants_requested: int | None = Field(default=None, ge=0, le=10_000)
    participants_already_placed: int | None = Field(default=None, ge=0, le=10_000)
    start_date: date
    consultation_level: ConsultationLevel
    consultation_skip_reason: str | None = Field(default=None, max_length=2000)
    consultation_outcome: ConsultationOutcome
    consultation_date: date | None = None
    written_statement: YesNo

    @field_validator(*_ENUM_FIELDS, mode="before")
    @classmethod
    def _normalise_enum(cls, value: Any) -> Any:
        # Spreadsheets capitalise ("Yes", " No "); the values themselves are fixed.
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("start_date", "consultation_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        # Only ISO dates in files: "02-03-2026" is ambiguous across countries, and
        # pydantic would otherwise read a bare number as a Unix timestamp.
        if value is None or isinstance(value, date):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            return date.fromisoformat(value.strip())
        raise ValueError("iso_date")

    @field_validator("p_number", mode="before")
    @classmethod
    def _p_number(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        if not re.fullmatch(r"\d{10}", text):
            raise ValueError("p_number")
        return text

    @field_validator("physical_demand", "last_done_by_staff_year", "ordinary_employees",
                     "participants_requested", "participants_already_placed", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        # bool is an int in Python; True must not become a headcount of 1.
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("int")
        return value


def _label(field: str) -> str:
    return f"'{FIELD_LABELS.get(field, field)}' ({field})"


def _allowed_values(field: str) -> str:
    annotation = TaskProposal.model_fields[field].annotation
    args = getattr(annotation, "__args__", ())
    values = [a for arg in args for a in getattr(arg, "__args__", (arg,)) if isinstance(a, str)]
    return ", ".join(values)


def _message(field: str, err: dict[str, Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    label = _label(field)
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"Feltet {label} mangler; det skal udfyldes."
    if kind == "extra_forbidden":
        return f"Ukendt felt {label}; tilladte felter: {', '.join(FIELDS)}."
    if kind == "literal_error":
        return (f"Feltet {label} har den ukendte værdi '{value}'; "
                f"tilladte værdier: {_allowed_values(field)}.")
    if kind in ("int_parsing", "int_type", "int_from_float") or str(ctx.get("error")) == "int":
        return f"Feltet {label} skal være et helt tal, ikke '{value}'."
    if kind in ("greater_than_equal", "less_than_equal"):
        info = TaskProposal.model_fields[field].metadata
        lo = next((m.ge for m in info if getattr(m, "ge", None) is not None), None)
        hi = next((m.le for m in info if getattr(m, "le", None) is not None), None)
        span = f"mellem {lo} og {hi}" if hi is not None else f"mindst {lo}"
        return f"Feltet {label} skal være {span}, ikke '{value}'."
    if kind == "string_too_short":
        return f"Feltet {label} må ikke være tomt."
    if kind == "string_too_long":
        return f"Feltet {label} er for langt (højst {ctx.get('max_length')} tegn)."
    if kind == "string_type":
        return f"Feltet {label} skal være tekst, ikke '{value}'."
    if kind == "value_error" and str(ctx.get("error")) == "iso_date":
        return (f"Feltet {label} skal være en dato på formen ÅÅÅÅ-MM-DD (fx 2026-03-02), "
                f"ikke '{value}'.")
    if kind == "value_error" and str(ctx.get("error")) == "p_number":
        return f"Feltet {label} skal være 10 cifre, ikke '{value}'."
    if kind.startswith("date"):
        return f"Feltet {label} er ikke en gyldig dato: '{value}'."
    return f"Feltet {label} er ugyldigt: '{value}'."


def _clean(raw: dict[str, Any]) -> dict[str, Any]:
    """Empty cells and JSON nulls mean 'not given'."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[key] = value
    return out


def _consistency(p: TaskProposal) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if p.last_done_by_staff_year is not None and p.last_done_by_staff_year > p.start_date.year:
        problems.append(FieldProblem(
            "last_done_by_staff_year",
            f"Feltet {_label('last_done_by_staff_year')} ligger efter startdatoen.",
        ))
    consulted = p.consultation_outcome not in ("pending", "not_consulted")
    if p.consultation_level == "none" and consulted:
        problems.append(FieldProblem(
            "consultation_outcome",
            f"Feltet {_label('consultation_outcome')} er '{p.consultation_outcome}', "
            "men høringsniveauet er 'none' (ingen blev hørt).",
        ))
    if p.consultation_outcome in ("pending", "not_consulted") and p.written_statement == "yes":
        problems.append(FieldProblem(
            "written_statement",
            f"Feltet {_label('written_statement')} er 'yes', men høringen er ikke afsluttet.",
        ))
    return problems


def parse_proposal(raw: dict[str, Any]) -> TaskProposal:
    """Validate one proposal; raise ProposalError listing every problem in Danish."""
    if not isinstance(raw, dict):
        raise ProposalError([FieldProblem("", "Opgaven skal være et objekt med felter.")])
    data = _clean(raw)
    problems: list[FieldProblem] = []
    for field in FREE_TEXT_FIELDS:
        value = data.get(field)
        if isinstance(value, str):
            try:
                ensure_no_cpr(value, FIELD_LABELS[field])
            except PersonalDataError as exc:
                problems.append(FieldProblem(
                    field,
                    f"{exc} Personoplysninger hører ikke hjemme i en opgavebeskrivelse.",
                ))
    proposal: TaskProposal | None = None
    try:
        proposal = TaskProposal.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc") or ("",)
            field = str(loc[0])
            problems.append(FieldProblem(field, _message(field, dict(err))))
    if proposal is not None:
        problems.extend(_consistency(proposal))
    if problems:
        raise ProposalError(problems)
    assert proposal is not None
    return proposal
