"""The task proposal: the coordinator's form and a batch-file row, with the same keys.

Validation happens here, server-side, whatever the source: a browser form's limits
are advisory only. Messages are Danish and name the field; ``batchfile`` adds the row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nytte.core import clock
from nytte.core.formats import fmt_date
from nytte.core.privacy import PersonalDataError, ensure_no_cpr
from nytte.io.cells import has_control_characters
from nytte.screening.vocabulary import (
    ANSWERS,
    BENEFICIARIES,
    CONSULTATION_LEVELS,
    CONSULTATION_OUTCOMES,
    FREQUENCIES,
    HOST_EMPLOYERS,
    INDOOR_OUTDOOR,
    OTHERWISE_DONE_BY,
    PROFESSIONAL_AREAS,
    SEASONS,
    SKIP_GROUNDS,
    YES_NO,
    Answer,
    Beneficiary,
    ConsultationLevel,
    ConsultationOutcome,
    Frequency,
    HostEmployer,
    IndoorOutdoor,
    OtherwiseDoneBy,
    ProfessionalArea,
    Season,
    SkipGround,
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
    "servicelov_83": "Personlig/praktisk hjælp eller anden visiteret ydelse efter serviceloven "
                     "(eget hjem eller plejebolig)",
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
    # Optional questions (a missing answer counts as unknown).
    "host_employer": "Arbejdsgiver på arbejdsstedet",
    "consultation_representative": "Hørt repræsentant (navn og rolle)",
    "tr_informed": "TR er orienteret",
    "practical_setup_discussed": "Den praktiske tilrettelæggelse er drøftet",
    "consultation_skips": "Sprungne høringsniveauer",
    "consultations": "Høringer (én pr. faggruppe)",
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
    "consultation_representative",
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
    "host_employer",
    "tr_informed",
    "practical_setup_discussed",
)
# The Danish labels of each field's values, for messages and the record.
VALUE_LABELS: Final[dict[str, dict[str, str]]] = {
    "professional_area": PROFESSIONAL_AREAS,
    "previously_done_by_staff": ANSWERS,
    "in_operating_plan": ANSWERS,
    "service_level_reduced": ANSWERS,
    "private_market": ANSWERS,
    "requires_certified_trade": ANSWERS,
    "servicelov_83": ANSWERS,
    "otherwise_done_by": OTHERWISE_DONE_BY,
    "frequency": FREQUENCIES,
    "beneficiary": BENEFICIARIES,
    "indoor_outdoor": INDOOR_OUTDOOR,
    "season": SEASONS,
    "consultation_level": CONSULTATION_LEVELS,
    "consultation_outcome": CONSULTATION_OUTCOMES,
    "written_statement": YES_NO,
    "host_employer": HOST_EMPLOYERS,
    "tr_informed": ANSWERS,
    "practical_setup_discussed": ANSWERS,
}
# The answers of an ordinary task that touches none of the protective rules on its own:
# the demo's tasks, the synthetic proposals and the tests' examples start from these
# and say only what differs.
PLAIN_ANSWERS: Final[Mapping[str, Any]] = MappingProxyType({
    "professional_area": "teknik_miljoe",
    "previously_done_by_staff": "no",
    "last_done_by_staff_year": None,
    "in_operating_plan": "no",
    "service_level_reduced": "no",
    "private_market": "no",
    "requires_certified_trade": "no",
    "servicelov_83": "no",
    "otherwise_done_by": "nobody",
    "frequency": "once",
    "beneficiary": "public",
    "physical_demand": 3,
    "indoor_outdoor": "outdoor",
    "season": "all",
})

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
        # The field keys are for files and logs; a form shows ``problems[i].message``.
        super().__init__("; ".join(f"{p.field}: {p.message}" if p.field else p.message
                                   for p in problems))
        self.problems = problems


def _check_text(value: Any) -> Any:
    # The same free-text rule as every form (nytte.core.validation): no control or
    # direction-override characters. CPR-shaped numbers are checked with the field's
    # name in parse_proposal.
    if isinstance(value, str) and has_control_characters(value):
        raise ValueError("control")
    return value


def _iso_date_value(value: Any) -> Any:
    # Only ISO dates in files: "02-03-2026" is ambiguous across countries, and
    # pydantic would otherwise read a bare number as a Unix timestamp.
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        return date.fromisoformat(value.strip())
    raise ValueError("iso_date")


def _code_value(value: Any) -> Any:
    # Spreadsheets capitalise ("Yes", " No "); the coded values themselves are fixed.
    return value.strip().lower() if isinstance(value, str) else value


class SkippedLevel(BaseModel):
    """A level of the BAB hierarchy passed over, with its coded ground."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    level: ConsultationLevel
    ground: SkipGround
    absent_from: date | None = None
    absent_to: date | None = None
    detail: str | None = Field(default=None, max_length=500)

    @field_validator("absent_from", "absent_to", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return _iso_date_value(value)

    @field_validator("detail", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _check_text(value)

    _lower = field_validator("level", "ground", mode="before")(_code_value)


class GroupConsultation(BaseModel):
    """The consultation for one occupational group the task touches."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    group: str = Field(min_length=1, max_length=200)
    consultation_level: ConsultationLevel
    consultation_outcome: ConsultationOutcome
    consultation_representative: str | None = Field(default=None, max_length=200)
    consultation_date: date | None = None
    written_statement: YesNo | None = None
    consultation_skip_reason: str | None = Field(default=None, max_length=2000)
    consultation_skips: tuple[SkippedLevel, ...] = ()
    tr_informed: Answer | None = None
    practical_setup_discussed: Answer | None = None

    @field_validator("consultation_date", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return _iso_date_value(value)

    @field_validator("group", "consultation_representative", "consultation_skip_reason",
                     mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _check_text(value)

    _lower = field_validator("consultation_level", "consultation_outcome", "written_statement",
                             "tr_informed", "practical_setup_discussed",
                             mode="before")(_code_value)


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
    host_employer: HostEmployer | None = None
    consultation_representative: str | None = Field(default=None, max_length=200)
    tr_informed: Answer | None = None
    practical_setup_discussed: Answer | None = None
    consultation_skips: tuple[SkippedLevel, ...] = ()
    consultations: tuple[GroupConsultation, ...] = ()

    @field_validator(*FREE_TEXT_FIELDS, mode="before")
    @classmethod
    def _free_text(cls, value: Any) -> Any:
        return _check_text(value)

    _normalise_enum = field_validator(*_ENUM_FIELDS, mode="before")(_code_value)

    @field_validator("start_date", "consultation_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        return _iso_date_value(value)

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


_NESTED_LABELS: Final[dict[str, str]] = {
    "group": "Faggruppe",
    "level": "Niveau",
    "ground": "Begrundelse",
    "absent_from": "Fravær fra",
    "absent_to": "Fravær til",
    "detail": "Uddybning",
}


def _label(field: str) -> str:
    """The field's Danish label as shown in messages (never the key)."""
    parts = [p for p in field.split(".") if p]
    names: list[str] = []
    for part in parts:
        if part.isdigit():
            names.append(f"nr. {int(part) + 1}")
        else:
            names.append(FIELD_LABELS.get(part) or _NESTED_LABELS.get(part) or part)
    return "'" + " ".join(names) + "'" if names else "''"


def value_label(field: str, value: str | None) -> str:
    """The Danish label of a field's value."""
    if value is None:
        return "–"
    return VALUE_LABELS.get(field, {}).get(value, value)


def _allowed_values(field: str) -> str:
    leaf = field.split(".")[-1]
    labels = VALUE_LABELS.get(leaf) or (SKIP_GROUNDS if leaf == "ground" else None) \
        or (CONSULTATION_LEVELS if leaf == "level" else None)
    if labels:
        return ", ".join(f"{k} ({v})" for k, v in labels.items())
    return ""


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
    if kind == "value_error" and str(ctx.get("error")) == "control":
        return (f"Feltet {label} indeholder usynlige styretegn (fx NUL eller retningsskift); "
                "fjern dem og skriv teksten igen.")
    if kind in ("greater_than_equal", "less_than_equal") and field in TaskProposal.model_fields:
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
        if key == "consultations" and isinstance(value, list):
            # The same within each occupational group's consultation.
            value = [_clean(g) if isinstance(g, dict) else g for g in value]
        out[key] = value
    return out


def _consultation_consistency(prefix: str, level: str, outcome: str, on: date | None,
                              statement: str | None, start: date, today: date,
                              skips: tuple[SkippedLevel, ...]) -> list[FieldProblem]:
    """One consultation validated like a recorded one (consultation.py)."""
    problems: list[FieldProblem] = []
    consulted = outcome not in ("pending", "not_consulted")
    if level in ("none", "no_representative") and consulted:
        problems.append(FieldProblem(
            prefix + "consultation_outcome",
            f"Feltet {_label(prefix + 'consultation_outcome')} er "
            f"'{value_label('consultation_outcome', outcome)}', men høringsniveauet er "
            f"'{value_label('consultation_level', level)}' (ingen blev hørt).",
        ))
    if not consulted and statement == "yes":
        problems.append(FieldProblem(
            prefix + "written_statement",
            f"Feltet {_label(prefix + 'written_statement')} er 'Ja', men høringen er ikke "
            "afsluttet.",
        ))
    if on is not None and on > today:
        problems.append(FieldProblem(
            prefix + "consultation_date",
            f"Feltet {_label(prefix + 'consultation_date')} ({fmt_date(on)}) ligger i "
            "fremtiden; en høring registreres, når den er holdt.",
        ))
    if on is not None and on > start:
        problems.append(FieldProblem(
            prefix + "consultation_date",
            f"Feltet {_label(prefix + 'consultation_date')} ({fmt_date(on)}) ligger efter "
            f"startdatoen ({fmt_date(start)}); høringen skal ske før start.",
        ))
    for n, skip in enumerate(skips):
        where = f"{prefix}consultation_skips.{n}."
        if skip.absent_from and skip.absent_to and skip.absent_to < skip.absent_from:
            problems.append(FieldProblem(
                where + "absent_to",
                f"Feltet {_label(where + 'absent_to')} ligger før "
                f"{_label(where + 'absent_from')}."))
    return problems


def _consistency(p: TaskProposal, today: date) -> list[FieldProblem]:
    from nytte.screening.rulesets import earliest_start

    problems: list[FieldProblem] = []
    first = earliest_start()
    if p.start_date < first:
        problems.append(FieldProblem(
            "start_date",
            f"Feltet {_label('start_date')} ({fmt_date(p.start_date)}) ligger før det tidligste "
            f"regelsæt ({fmt_date(first)}); nytteindsats kan ikke vurderes før da.",
        ))
    if p.last_done_by_staff_year is not None and p.last_done_by_staff_year > p.start_date.year:
        problems.append(FieldProblem(
            "last_done_by_staff_year",
            f"Feltet {_label('last_done_by_staff_year')} ligger efter startdatoen.",
        ))
    if not p.consultations:
        # With one consultation per occupational group, the groups are the
        # consultation (the task-level answers mirror the first group).
        problems.extend(_consultation_consistency(
            "", p.consultation_level, p.consultation_outcome, p.consultation_date,
            p.written_statement, p.start_date, today, p.consultation_skips))
    seen: set[str] = set()
    for n, g in enumerate(p.consultations):
        if g.group.casefold() in seen:
            problems.append(FieldProblem(
                f"consultations.{n}.group",
                f"Faggruppen '{g.group}' er angivet to gange; angiv én repræsentant pr. "
                "faggruppe."))
        seen.add(g.group.casefold())
        problems.extend(_consultation_consistency(
            f"consultations.{n}.", g.consultation_level, g.consultation_outcome,
            g.consultation_date, g.written_statement, p.start_date, today,
            g.consultation_skips))
    return problems


def parse_proposal(raw: dict[str, Any], today: date | None = None) -> TaskProposal:
    """Validate one proposal; raise ProposalError listing every problem in Danish."""
    if not isinstance(raw, dict):
        raise ProposalError([FieldProblem("", "Opgaven skal være et objekt med felter.")])
    data = _clean(raw)
    problems: list[FieldProblem] = []
    texts: list[tuple[str, Any]] = [(f, data.get(f)) for f in FREE_TEXT_FIELDS]
    groups = data.get("consultations")
    if isinstance(groups, list):
        for n, g in enumerate(groups):
            if isinstance(g, dict):
                texts += [(f"consultations.{n}.{k}", g.get(k)) for k in
                          ("group", "consultation_representative", "consultation_skip_reason")]
    for field, value in texts:
        if isinstance(value, str):
            try:
                ensure_no_cpr(value, _label(field).strip("'"))
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
            field = ".".join(str(x) for x in loc)
            problems.append(FieldProblem(field, _message(field, dict(err))))
    if proposal is not None:
        problems.extend(_consistency(proposal, today or clock.today()))
    if problems:
        raise ProposalError(problems)
    assert proposal is not None
    return proposal
