"""The screening's fixed vocabulary: field values, criterion ids and Danish labels.

The keys are the ones the batch file and the form share; the labels are
what the coordinator reads.
"""

from __future__ import annotations

from typing import Final, Literal

Answer = Literal["yes", "no", "unknown"]
YesNo = Literal["yes", "no"]
ProfessionalArea = Literal[
    "teknik_miljoe",
    "omsorg_pleje",
    "sundhed",
    "dagtilbud",
    "butik_lager_service",
    "landbrug",
    "it",
    "andet",
]
OtherwiseDoneBy = Literal["staff", "contractor", "nobody", "unknown"]
Frequency = Literal["once", "seasonal", "recurring"]
Beneficiary = Literal["public", "private_persons", "association"]
IndoorOutdoor = Literal["indoor", "outdoor", "both"]
Season = Literal["all", "spring", "summer", "autumn", "winter"]
ConsultationLevel = Literal[
    "tr_p", "tr_cvr", "chief_tr_cvr", "employee_rep_p", "none", "no_representative"
]
HostEmployer = Literal["municipality", "region", "state", "private", "unknown"]
SkipGround = Literal["no_representative", "absent"]
SourceKind = Literal["law", "guidance", "unverified"]
ConsultationOutcome = Literal[
    "agree", "disagree", "comments", "informed", "pending", "not_consulted"
]
Status = Literal["pass", "warn", "fail", "unknown"]
Verdict = Literal["approve", "clarify", "reject"]
RecurringPolicy = Literal["strict", "lenient"]

PROFESSIONAL_AREAS: Final[dict[str, str]] = {
    "teknik_miljoe": "Teknik og miljø",
    "omsorg_pleje": "Omsorg og pleje",
    "sundhed": "Sundhed",
    "dagtilbud": "Dagtilbud",
    "butik_lager_service": "Butik, lager og service",
    "landbrug": "Landbrug",
    "it": "IT",
    "andet": "Andet",
}
ANSWERS: Final[dict[str, str]] = {"yes": "Ja", "no": "Nej", "unknown": "Ved ikke"}
YES_NO: Final[dict[str, str]] = {"yes": "Ja", "no": "Nej"}
OTHERWISE_DONE_BY: Final[dict[str, str]] = {
    "staff": "Kommunens ansatte",
    "contractor": "En entreprenør eller privat virksomhed",
    "nobody": "Ingen (opgaven ville ikke blive løst)",
    "unknown": "Ved ikke",
}
FREQUENCIES: Final[dict[str, str]] = {
    "once": "Én gang",
    "seasonal": "Sæsonbestemt",
    "recurring": "Gentagen (løbende)",
}
BENEFICIARIES: Final[dict[str, str]] = {
    "public": "Offentlig arbejdsgiver / offentligheden",
    "private_persons": "Private personer",
    "association": "Forening",
}
INDOOR_OUTDOOR: Final[dict[str, str]] = {
    "indoor": "Indendørs",
    "outdoor": "Udendørs",
    "both": "Både inde og ude",
}
SEASONS: Final[dict[str, str]] = {
    "all": "Hele året",
    "spring": "Forår",
    "summer": "Sommer",
    "autumn": "Efterår",
    "winter": "Vinter",
}
CONSULTATION_LEVELS: Final[dict[str, str]] = {
    "tr_p": "Tillidsrepræsentant for faggruppen på P-nummeret",
    "tr_cvr": "Tillidsrepræsentant for faggruppen på CVR-niveau",
    "chief_tr_cvr": "Fællestillidsrepræsentant på CVR-niveau",
    "employee_rep_p": "Medarbejderrepræsentant for faggruppen på P-nummeret",
    "none": "Ingen høring",
    "no_representative": "Der findes ingen repræsentant at høre",
}
HOST_EMPLOYERS: Final[dict[str, str]] = {
    "municipality": "Kommunen",
    "region": "Regionen",
    "state": "Staten",
    "private": "Privat arbejdsgiver",
    "unknown": "Ved ikke",
}
SKIP_GROUNDS: Final[dict[str, str]] = {
    "no_representative": "Der er ingen repræsentant på dette niveau",
    "absent": "Repræsentanten er fraværende i mere end 3 arbejdsdage",
}
SOURCE_KINDS: Final[dict[str, str]] = {
    "law": "Lov",
    "guidance": "Vejledning/praksis",
    "unverified": "Ikke verificeret",
}
# One-letter marks for the record's legend (explained once, not on every line).
SOURCE_MARKS: Final[dict[str, str]] = {"law": "L", "guidance": "V", "unverified": "U"}
CONSULTATION_OUTCOMES: Final[dict[str, str]] = {
    "agree": "Enig",
    "disagree": "Uenig",
    "comments": "Bemærkninger",
    "informed": "Orienteret",
    "pending": "Afventer",
    "not_consulted": "Ikke hørt",
}
STATUSES: Final[dict[str, str]] = {
    "pass": "Opfyldt",
    "warn": "Bemærk",
    "fail": "Ikke opfyldt",
    "unknown": "Uafklaret",
}
VERDICTS: Final[dict[str, str]] = {
    "approve": "Godkendes",
    "clarify": "Afklares",
    "reject": "Afvises",
}
RECURRING_POLICIES: Final[dict[str, str]] = {
    "strict": "Streng: gentagne opgaver er drift og afvises",
    "lenient": "Lempelig: gentagne opgaver godkendes kun uden for enhedens drift, "
               "ellers afklares de",
}

# Every criterion the screening evaluates, in the order it reports them. Each
# rule set must give a title and source for every one (rulesets.py checks).
CRITERION_IDS: Final[tuple[str, ...]] = (
    "written_description",
    "home_help",
    "suspension",
    "description_words",
    "displacement",
    "otherwise_done",
    "beyond_normal_level",
    "saved_away",
    "competition",
    "certified_trade",
    "recurring",
    "beneficiary",
    "host",
    "professional_area",
    "consultation",
    "ratio",
)
