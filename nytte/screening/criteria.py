"""Each protective rule as a criterion: pass, warn, fail or unknown, with a reason.

The verdict (``decide``) follows fixed rules so coordinators can predict it:
any ``fail`` rejects; otherwise any ``unknown`` or any criterion that holds the
task for clarification (incomplete consultation, ratio exceeded) clarifies;
otherwise the task is approved. ``warn`` is information for the record only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from nytte.formats import fmt_date
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.proposal import TaskProposal
from nytte.screening.rulesets import RuleSet
from nytte.screening.vocabulary import (
    CONSULTATION_LEVELS,
    CONSULTATION_OUTCOMES,
    PROFESSIONAL_AREAS,
    Status,
    Verdict,
)

# A description this short rarely says what is to be done, where and how delimited.
MIN_DESCRIPTION_CHARS = 40


@dataclass(frozen=True)
class CriterionResult:
    id: str
    title: str
    status: Status
    reason: str
    source: str
    verified: bool
    # True when the criterion holds the verdict at "clarify" although it did not
    # fail (an incomplete consultation, an exceeded ratio needing dispensation).
    needs_clarification: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CriterionResult:
        return cls(**data)


@dataclass(frozen=True)
class ConsultationFacts:
    """What is known of the TR consultation: from the proposal or a recorded one."""

    level: str
    outcome: str
    consulted_on: date | None
    written_statement: bool
    skip_reason: str | None = None
    # From 2025: None when not recorded (a batch file has no field for it).
    informed: bool | None = None
    practical_setup_discussed: bool | None = None

    @classmethod
    def from_proposal(cls, p: TaskProposal) -> ConsultationFacts:
        return cls(
            level=p.consultation_level,
            outcome=p.consultation_outcome,
            consulted_on=p.consultation_date,
            written_statement=p.written_statement == "yes",
            skip_reason=p.consultation_skip_reason,
        )


@dataclass(frozen=True)
class RatioCheck:
    ordinary_employees: int
    already_placed: int
    requested: int
    allowed: int

    @property
    def total(self) -> int:
        return self.already_placed + self.requested

    @property
    def exceeded(self) -> bool:
        return self.total > self.allowed


def _result(rs: RuleSet, cid: str, status: Status, reason: str,
            needs_clarification: bool = False) -> CriterionResult:
    rule = rs.rule(cid)
    return CriterionResult(cid, rule.title, status, reason, rule.source, rule.verified,
                           needs_clarification)


def _answer(
    rs: RuleSet, cid: str, answer: str, fail: str, ok: str, unknown: str
) -> CriterionResult:
    if answer == "yes":
        return _result(rs, cid, "fail", fail)
    if answer == "no":
        return _result(rs, cid, "pass", ok)
    return _result(rs, cid, "unknown", unknown)


def _written_description(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    if len(p.description) < MIN_DESCRIPTION_CHARS:
        return _result(rs, "written_description", "warn",
                       f"Beskrivelsen er kort ({len(p.description)} tegn). Beskriv opgaven "
                       "præcist: hvad, hvor og hvordan den er afgrænset fra ordinært arbejde.")
    return _result(rs, "written_description", "pass",
                   "Der foreligger en skriftlig opgavebeskrivelse.")


def _displacement(
    p: TaskProposal, rs: RuleSet, policy: ScreeningPolicy, ref: date
) -> CriterionResult:
    years = policy.displacement_lookback_years
    first_counted = ref.year - years
    if p.previously_done_by_staff == "no":
        return _result(rs, "displacement", "pass",
                       "Opgaven er ikke tidligere udført af ordinært ansatte.")
    if p.previously_done_by_staff == "unknown":
        return _result(rs, "displacement", "unknown",
                       "Det er ikke oplyst, om ordinært ansatte tidligere har udført opgaven.")
    year = p.last_done_by_staff_year
    if year is None:
        return _result(rs, "displacement", "unknown",
                       "Ansatte har tidligere udført opgaven, men det er ikke oplyst hvornår. "
                       f"Angiv årstallet (kommunen regner {years} år tilbage).")
    if year >= first_counted:
        return _result(rs, "displacement", "fail",
                       f"Ansatte udførte opgaven senest i {year}, inden for kommunens grænse på "
                       f"{years} år (fra {first_counted}). Nytteindsats vil fortrænge ordinært "
                       "ansatte.")
    return _result(rs, "displacement", "pass",
                   f"Ansatte udførte opgaven senest i {year}, før kommunens grænse på {years} år "
                   f"(fra {first_counted}). Det regnes ikke som fortrængning.")


def _otherwise_done(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    who = p.otherwise_done_by
    if who == "staff":
        return _result(rs, "otherwise_done", "fail",
                       "Opgaven ville ellers blive løst af kommunens ansatte: det er ordinært "
                       "arbejde.")
    if who == "contractor":
        return _result(rs, "otherwise_done", "fail",
                       "Opgaven ville ellers blive løst af en entreprenør: det er ordinært arbejde "
                       "og konkurrenceforvridende.")
    if who == "nobody":
        return _result(rs, "otherwise_done", "pass", "Opgaven ville ellers ikke blive løst.")
    return _result(rs, "otherwise_done", "unknown",
                   "Det er ikke oplyst, hvem der ellers ville løse opgaven.")


def _recurring(p: TaskProposal, rs: RuleSet, policy: ScreeningPolicy) -> CriterionResult:
    if p.frequency == "once":
        return _result(rs, "recurring", "pass", "Opgaven løses én gang.")
    if p.frequency == "seasonal":
        return _result(rs, "recurring", "warn",
                       "Opgaven er sæsonbestemt. Vurdér ved næste sæson, om den er blevet "
                       "løbende drift.")
    if policy.recurring == "strict":
        return _result(rs, "recurring", "fail",
                       "Opgaven gentages løbende. Efter kommunens politik (streng) er gentagne "
                       "opgaver løbende vedligehold, altså drift.")
    if p.in_operating_plan == "no":
        return _result(rs, "recurring", "pass",
                       "Opgaven gentages, men indgår ikke i nogen driftsplan; efter kommunens "
                       "politik (lempelig) er det tilladt.")
    if p.in_operating_plan == "yes":
        return _result(rs, "recurring", "fail",
                       "Opgaven gentages og indgår i en driftsplan: det er drift.")
    return _result(rs, "recurring", "unknown",
                   "Opgaven gentages; efter kommunens politik (lempelig) afhænger det af, om den "
                   "indgår i en driftsplan, og det er ikke oplyst.")


def _beneficiary(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    if p.beneficiary == "public":
        return _result(rs, "beneficiary", "pass", "Opgaven løses for en offentlig arbejdsgiver.")
    who = "private personer" if p.beneficiary == "private_persons" else "en forening"
    return _result(rs, "beneficiary", "warn",
                   f"Opgaven kommer {who} til gode. Modtagerne skal være afgrænsede, og opgaven må "
                   "ikke udgøre ulovlig statsstøtte; beskriv afgrænsningen.")


def _professional_area(p: TaskProposal, rs: RuleSet, policy: ScreeningPolicy) -> CriterionResult:
    name = PROFESSIONAL_AREAS[p.professional_area]
    if p.professional_area in policy.professional_areas:
        return _result(rs, "professional_area", "pass", f"Fagområdet {name} er et af enhedens.")
    return _result(rs, "professional_area", "warn",
                   f"Fagområdet {name} er ikke blandt enhedens fagområder i kommunens politik.")


def _consultation(c: ConsultationFacts, rs: RuleSet, start: date) -> CriterionResult:
    rule = rs.consultation
    level_name = CONSULTATION_LEVELS.get(c.level, c.level)
    outcome_name = CONSULTATION_OUTCOMES.get(c.outcome, c.outcome).lower()
    if c.outcome in ("pending", "not_consulted") or c.level == "none":
        what = "afventer svar" if c.outcome == "pending" else "er ikke gennemført"
        need = ("Tillidsrepræsentanten skal høres efter hierarkiet, og der skal foreligge en "
                "skriftlig tilkendegivelse før start."
                if rule.mode == "hierarchy_statement"
                else "Tillidsrepræsentanten på P-nummeret skal orienteres, og den praktiske "
                     "tilrettelæggelse drøftes.")
        return _result(rs, "consultation", "unknown", f"Høringen {what}. {need}", True)
    if c.consulted_on is None:
        return _result(rs, "consultation", "unknown",
                       "Høringsdatoen mangler; datoen skal fremgå af referatet.", True)
    if c.consulted_on > start:
        return _result(rs, "consultation", "unknown",
                       f"Høringen ({fmt_date(c.consulted_on)}) ligger efter opgavens start "
                       f"({fmt_date(start)}); den skal ske før start.", True)
    if rule.mode == "hierarchy_statement":
        if c.level not in rule.hierarchy:
            return _result(rs, "consultation", "unknown",
                           f"Niveauet '{level_name}' indgår ikke i høringshierarkiet.", True)
        if c.outcome == "informed":
            return _result(rs, "consultation", "unknown",
                           "Tillidsrepræsentanten er kun orienteret. Efter reglerne før 1. juli "
                           "2025 skal etableringen drøftes, og der skal foreligge en fælles "
                           "skriftlig tilkendegivelse.", True)
        if rule.hierarchy.index(c.level) > 0 and not (c.skip_reason or "").strip():
            return _result(rs, "consultation", "unknown",
                           f"Der er hørt på niveauet '{level_name}', men det er ikke begrundet, "
                           "hvorfor de højere niveauer i hierarkiet er sprunget over (fx ingen "
                           f"TR, eller fravær over {rule.absence_working_days} arbejdsdage).", True)
        if rule.written_statement_before_start and not c.written_statement:
            return _result(rs, "consultation", "unknown",
                           "Der mangler en fælles skriftlig tilkendegivelse fra arbejdsgiver og "
                           "tillidsrepræsentant før start.", True)
        when = fmt_date(c.consulted_on)
        if c.outcome == "disagree":
            return _result(rs, "consultation", "warn",
                           f"{level_name} er hørt {when} og er uenig; der er ingen vetoret, men "
                           "uenigheden står i den skriftlige tilkendegivelse.")
        return _result(rs, "consultation", "pass",
                       f"{level_name} er hørt {when} (udfald: {outcome_name}), og der foreligger "
                       "en skriftlig tilkendegivelse.")
    # inform_discuss (from 1 July 2025)
    when = fmt_date(c.consulted_on)
    if c.informed is False:
        return _result(rs, "consultation", "unknown",
                       "Tillidsrepræsentanten er ikke registreret som orienteret.", True)
    if c.practical_setup_discussed is False:
        return _result(rs, "consultation", "unknown",
                       "Den praktiske tilrettelæggelse er ikke drøftet med "
                       "tillidsrepræsentanten.", True)
    notes: list[str] = []
    if c.level not in rule.hierarchy:
        notes.append(f"Orienteringen skal gå til TR på P-nummeret; her er det '{level_name}'"
                     + (f" (begrundelse: {c.skip_reason})." if c.skip_reason else
                        " uden begrundelse."))
    if c.practical_setup_discussed is None and c.outcome == "informed":
        notes.append("Det er ikke registreret, at den praktiske tilrettelæggelse er drøftet.")
    if c.outcome == "disagree":
        notes.append("Tillidsrepræsentanten er uenig; det er noteret.")
    if notes:
        return _result(rs, "consultation", "warn", f"TR orienteret {when}. " + " ".join(notes))
    return _result(rs, "consultation", "pass",
                   f"TR på P-nummeret er orienteret {when}, og den praktiske tilrettelæggelse "
                   "er drøftet.")


def ratio_check(p: TaskProposal, rs: RuleSet) -> RatioCheck | None:
    """The ratio arithmetic, when the rule is in force and the numbers are given."""
    if not rs.ratio.enabled:
        return None
    if p.ordinary_employees is None or p.participants_requested is None \
            or p.participants_already_placed is None:
        return None
    return RatioCheck(p.ordinary_employees, p.participants_already_placed,
                      p.participants_requested, rs.ratio.allowed(p.ordinary_employees))


def _ratio(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    if not rs.ratio.enabled:
        return _result(rs, "ratio", "pass", "Rimelighedskravet gælder ikke efter dette regelsæt.")
    check = ratio_check(p, rs)
    if check is None:
        return _result(rs, "ratio", "unknown",
                       "Antal ordinært ansatte, ønskede deltagere og allerede placerede skal "
                       "oplyses, for at rimelighedskravet kan beregnes.")
    base = (f"{check.ordinary_employees} ordinært ansatte giver plads til {check.allowed} "
            f"(allerede placeret {check.already_placed}, ønsket {check.requested}, i alt "
            f"{check.total}).")
    if check.exceeded:
        return _result(rs, "ratio", "warn",
                       f"Rimelighedskravet er overskredet: {base} Der skal søges dispensation hos "
                       f"{rs.ratio.dispensation_by}; ansøgningen kan dannes fra vurderingen.", True)
    return _result(rs, "ratio", "pass", f"Rimelighedskravet er overholdt: {base}")


def evaluate(
    p: TaskProposal,
    rs: RuleSet,
    policy: ScreeningPolicy,
    consultation: ConsultationFacts | None = None,
    reference_date: date | None = None,
) -> list[CriterionResult]:
    """Every criterion for ``p``, in CRITERION_IDS order."""
    ref = reference_date or p.start_date
    c = consultation or ConsultationFacts.from_proposal(p)
    return [
        _written_description(p, rs),
        _answer(rs, "home_help", p.servicelov_83,
                "Opgaven er personlig eller praktisk hjælp i borgerens hjem (servicelovens § 83). "
                "Det er en visiteret ydelse og kan ikke løses i nytteindsats.",
                "Opgaven er ikke hjælp i borgeres hjem efter servicelovens § 83.",
                "Det er ikke oplyst, om opgaven er hjælp i borgeres hjem (servicelovens § 83)."),
        _displacement(p, rs, policy, ref),
        _otherwise_done(p, rs),
        _answer(rs, "beyond_normal_level", p.in_operating_plan,
                "Opgaven indgår i enhedens drift, plejeplan eller normale serviceniveau: den "
                "ligger ikke ud over det normerede niveau.",
                "Opgaven indgår ikke i drift, plejeplan eller normalt serviceniveau.",
                "Det er ikke oplyst, om opgaven indgår i drift, plejeplan eller serviceniveau."),
        _answer(rs, "saved_away", p.service_level_reduced,
                "Serviceniveauet for opgaven er skåret ned ved besparelser: nytteindsats må ikke "
                "overtage det, der er sparet væk.",
                "Opgaven er ikke sparet væk.",
                "Det er ikke oplyst, om opgaven er sparet væk ved besparelser."),
        _answer(rs, "competition", p.private_market,
                "En privat virksomhed ville blive betalt for opgaven: det er "
                "konkurrenceforvridende.",
                "Der er ikke et privat marked for opgaven.",
                "Det er ikke oplyst, om en privat virksomhed ville blive betalt for opgaven."),
        _answer(rs, "certified_trade", p.requires_certified_trade,
                "Opgaven kræver et autoriseret fag (fx elektriker); det kan en almindelig borger "
                "ikke udføre.",
                "Opgaven kræver ikke et autoriseret fag.",
                "Det er ikke oplyst, om opgaven kræver et autoriseret fag."),
        _recurring(p, rs, policy),
        _beneficiary(p, rs),
        _professional_area(p, rs, policy),
        _consultation(c, rs, p.start_date),
        _ratio(p, rs),
    ]


def decide(criteria: list[CriterionResult]) -> Verdict:
    """The verdict: any fail rejects; any unknown or open point clarifies; else approve."""
    if any(c.status == "fail" for c in criteria):
        return "reject"
    if any(c.status == "unknown" or c.needs_clarification for c in criteria):
        return "clarify"
    return "approve"


_RISK = {"pass": 0.0, "warn": 0.3, "unknown": 0.6, "fail": 1.0}


def risk_score(criteria: list[CriterionResult]) -> float:
    """A 0-1 indication shown beside the verdict; the verdict never depends on it."""
    if not criteria:
        return 0.0
    return max(_RISK[c.status] for c in criteria)
