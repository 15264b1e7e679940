"""Each protective rule as a criterion: pass, warn, fail or unknown, with a reason.

The verdict (``decide``) follows fixed rules so coordinators can predict it:
any ``fail`` rejects; otherwise any ``unknown`` or any criterion that holds the
task for clarification (ratio exceeded) clarifies; otherwise the task is approved.
``warn`` is information for the record only.

Every reason is built from the answers given (never a fact that was not recorded);
docs/screening-law.md gives each rule's source and what would change it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from nytte.core.calendar import COVID_SUSPENSIONS, holiday_name
from nytte.core.formats import fmt_date
from nytte.screening.policy import ScreeningPolicy
from nytte.screening.proposal import GroupConsultation, SkippedLevel, TaskProposal
from nytte.screening.rulesets import RuleSet
from nytte.screening.vocabulary import (
    BENEFICIARIES,
    CONSULTATION_LEVELS,
    CONSULTATION_OUTCOMES,
    HOST_EMPLOYERS,
    PROFESSIONAL_AREAS,
    Status,
    Verdict,
)

# A description this short rarely says what is to be done, where and how delimited.
MIN_DESCRIPTION_CHARS = 40
_STATUS_ORDER = {"pass": 0, "warn": 1, "unknown": 2, "fail": 3}


@dataclass(frozen=True)
class CriterionResult:
    id: str
    title: str
    status: Status
    reason: str
    source: str
    verified: bool
    # True when the criterion holds the verdict at "clarify" although it did not
    # fail (an exceeded ratio needing dispensation).
    needs_clarification: bool = False
    # law / guidance / unverified (the rule set's kind of source).
    kind: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CriterionResult:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if not known.get("kind"):
            known["kind"] = "law" if known.get("verified") else "unverified"
        return cls(**known)


def _yes_no_unknown(value: str | None) -> bool | None:
    return True if value == "yes" else False if value == "no" else None


@dataclass(frozen=True)
class ConsultationFacts:
    """What is known of one TR consultation: from the proposal or a recorded one."""

    level: str
    outcome: str
    consulted_on: date | None
    written_statement: bool
    skip_reason: str | None = None
    # From 2025: None when not answered.
    informed: bool | None = None
    practical_setup_discussed: bool | None = None
    representative: str | None = None
    skips: tuple[SkippedLevel, ...] = ()
    group: str | None = None

    @classmethod
    def answered(cls, c: TaskProposal | GroupConsultation) -> ConsultationFacts:
        """The consultation as the form answers it: the proposal's single one, or one
        occupational group's (the two name their answers alike)."""
        return cls(
            level=c.consultation_level,
            outcome=c.consultation_outcome,
            consulted_on=c.consultation_date,
            written_statement=c.written_statement == "yes",
            skip_reason=c.consultation_skip_reason,
            informed=_yes_no_unknown(c.tr_informed),
            practical_setup_discussed=_yes_no_unknown(c.practical_setup_discussed),
            representative=c.consultation_representative,
            skips=c.consultation_skips,
            group=c.group if isinstance(c, GroupConsultation) else None,
        )


def consultations_of(p: TaskProposal) -> list[ConsultationFacts]:
    """One consultation per occupational group, or the proposal's single one."""
    return [ConsultationFacts.answered(c) for c in (p.consultations or (p,))]


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
                           needs_clarification, rule.kind)


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


def _home_help(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    return _answer(
        rs, "home_help", p.servicelov_83,
        "Opgaven er personlig eller praktisk hjælp (servicelovens § 83) eller en anden "
        "visiteret ydelse efter serviceloven, i eget hjem eller i plejebolig. Den kan ikke "
        "løses i nytteindsats, og der kan ikke søges dispensation for den.",
        "Opgaven er ikke personlig eller praktisk hjælp eller en anden visiteret ydelse efter "
        "serviceloven.",
        "Det er ikke oplyst, om opgaven er personlig eller praktisk hjælp eller en anden "
        "visiteret ydelse efter serviceloven.")


def _suspension(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    for first, last in COVID_SUSPENSIONS:
        if first <= p.start_date <= last:
            return _result(rs, "suspension", "unknown",
                           f"Startdatoen {fmt_date(p.start_date)} ligger i perioden "
                           f"{fmt_date(first)} – {fmt_date(last)}, hvor nytteindsats var "
                           "suspenderet på grund af covid-19.")
    return _result(rs, "suspension", "pass",
                   "Startdatoen ligger ikke i en periode, hvor nytteindsats var suspenderet.")


# Words in a description that contradict the answers. A sentence with a negation
# ("ikke", "aldrig", "ingen", "uden") is not read as a claim.
_CARE_WORDS = re.compile(
    r"personlig pleje|personlig hjælp|praktisk hjælp|hjemmehjælp|hjemmepleje"
    r"|visiteret|visiterede|servicelov|§\s*83|i borgerens hjem|i borgernes hjem"
    r"|i eget hjem|hos ældre borgere|hos borgeren|bade borgere|badning|påklædning",
    re.IGNORECASE)
_PRIVATE_HOST_WORDS = re.compile(
    r"\bA/S\b|\bApS\b|\bI/S\b|\bIVS\b|\bP/S\b|privat virksomhed|private virksomhed"
    r"|privat firma|privat arbejdsgiver|privatejet",
    re.IGNORECASE)
# Only phrases that say staff normally do the work: a mere mention of staff
# ("personalet viser holdet rundt") is no claim.
_STAFF_WORDS = re.compile(
    r"normalt udført af|udføres normalt|normalt udføres|løses normalt|normalt løses"
    r"|normalt løst af|plejer (?:vores|de|kommunens) \w+ at|plejer at blive"
    r"|ordinært ansatte|ordinære ansatte|som en del af driften|driftspersonale"
    r"|driftsmedarbejdere",
    re.IGNORECASE)
_NEGATION = re.compile(r"\b(ikke|aldrig|ingen|uden)\b", re.IGNORECASE)


def _claims(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Sentences of ``text`` that contain ``pattern`` without a negation; the words."""
    found: list[str] = []
    for sentence in re.split(r"[.;!?\n]+", text):
        if _NEGATION.search(sentence):
            continue
        for m in pattern.finditer(sentence):
            word = m.group(0)
            if word.lower() not in (f.lower() for f in found):
                found.append(word)
    return found


def _description_words(p: TaskProposal) -> list[tuple[str, list[str]]]:
    text = f"{p.title}. {p.description}. {p.requesting_unit}"
    out: list[tuple[str, list[str]]] = []
    care = _claims(text, _CARE_WORDS)
    if care and p.servicelov_83 != "yes":
        out.append(("personlig pleje eller visiteret hjælp, men svaret om serviceloven er "
                    "ikke 'Ja'", care))
    private = _claims(text, _PRIVATE_HOST_WORDS)
    if private and p.host_employer != "private":
        out.append(("en privat virksomhed som arbejdssted, men arbejdsgiveren er ikke angivet "
                    "som privat", private))
    staff = _claims(text, _STAFF_WORDS)
    if staff and p.previously_done_by_staff != "yes" and p.otherwise_done_by != "staff":
        out.append(("ansatte, der normalt udfører opgaven, men svarene siger, at ansatte "
                    "ikke har udført den", staff))
    return out


def _description_check(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    conflicts = _description_words(p)
    if not conflicts:
        return _result(rs, "description_words", "pass",
                       "Beskrivelsen indeholder ingen ord, der modsiger svarene.")
    parts = [f"Beskrivelsen nævner {what}: " + ", ".join(f"»{w}«" for w in words) + "."
             for what, words in conflicts]
    return _result(rs, "description_words", "unknown",
                   " ".join(parts) + " Afklar, hvad opgaven er, før den godkendes.")


def _displacement(p: TaskProposal, rs: RuleSet, policy: ScreeningPolicy) -> CriterionResult:
    years = policy.displacement_lookback_years
    start = p.start_date
    first_counted = start.year - years
    floor = rs.displacement.floor_years
    year = p.last_done_by_staff_year
    window = (f"kommunens grænse på {years} år regnet fra startdatoen {fmt_date(start)} "
              f"(fra {first_counted})")
    if p.previously_done_by_staff == "no":
        if year is not None:
            return _result(rs, "displacement", "unknown",
                           f"Svaret er, at ordinært ansatte ikke har udført opgaven, men der er "
                           f"angivet et år ({year}), hvor ansatte senest udførte den. Svarene "
                           "modsiger hinanden.")
        return _result(rs, "displacement", "pass",
                       "Opgaven er ikke tidligere udført af ordinært ansatte.")
    if p.previously_done_by_staff == "unknown":
        return _result(rs, "displacement", "unknown",
                       "Det er ikke oplyst, om ordinært ansatte tidligere har udført opgaven.")
    if year is None:
        return _result(rs, "displacement", "unknown",
                       "Ansatte har tidligere udført opgaven, men det er ikke oplyst hvornår. "
                       f"Angiv årstallet ({window}).")
    if year >= first_counted:
        return _result(rs, "displacement", "fail",
                       f"Ansatte udførte opgaven senest i {year}, inden for {window}. "
                       "Nytteindsats vil fortrænge ordinært ansatte.")
    if years < floor:
        return _result(rs, "displacement", "unknown",
                       f"Ansatte udførte opgaven senest i {year}, før {window}. Grænsen er "
                       f"kortere end regelsættets mindstegrænse på {floor} år "
                       f"({rs.displacement.source}), så ældre arbejde af ansatte er et "
                       "spørgsmål, der skal afklares, ikke en godkendelse.")
    return _result(rs, "displacement", "pass",
                   f"Ansatte udførte opgaven senest i {year}, før {window}; grænsen er mindst "
                   f"regelsættets {floor} år ({rs.displacement.source}).")


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
    how = ("kommer igen hver sæson" if p.frequency == "seasonal" else "gentages løbende")
    if policy.recurring == "strict":
        return _result(rs, "recurring", "fail",
                       f"Opgaven {how}. Efter kommunens politik (streng) er en opgave, der "
                       "kommer igen, løbende vedligehold, altså drift.")
    if p.in_operating_plan == "no":
        return _result(rs, "recurring", "pass",
                       f"Opgaven {how}, men ligger uden for enhedens drift (ingen driftsplan); "
                       "efter kommunens politik (lempelig) er det tilladt.")
    if p.in_operating_plan == "yes":
        return _result(rs, "recurring", "fail",
                       f"Opgaven {how} og indgår i en driftsplan: det er drift.")
    return _result(rs, "recurring", "unknown",
                   f"Opgaven {how}; efter kommunens politik (lempelig) skal det afklares, om den "
                   "ligger uden for enhedens drift, og det er ikke oplyst.")


def _beneficiary(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    if p.beneficiary == "public":
        return _result(rs, "beneficiary", "pass",
                       "Opgaven kommer offentligheden eller en offentlig arbejdsgiver til gode.")
    who = BENEFICIARIES[p.beneficiary].lower()
    return _result(rs, "beneficiary", "unknown",
                   f"Opgaven kommer {who} til gode. Nytteindsats skal give nytte for samfundet; "
                   "afklar, om modtagerne er afgrænsede, og at opgaven ikke er ulovlig "
                   "statsstøtte.")


def _host(p: TaskProposal, rs: RuleSet) -> CriterionResult:
    host = p.host_employer
    if host in ("municipality", "region", "state"):
        return _result(rs, "host", "pass",
                       f"Arbejdsstedet hører til en offentlig arbejdsgiver "
                       f"({HOST_EMPLOYERS[host].lower()}).")
    if host == "private":
        return _result(rs, "host", "fail",
                       "Arbejdsstedet er en privat arbejdsgiver; nytteindsats skal være hos "
                       "kommunen, regionen eller staten.")
    if host == "unknown":
        return _result(rs, "host", "unknown",
                       "Det er ikke oplyst, om arbejdsstedet er en offentlig arbejdsgiver.")
    # Not asked in older task lists: the answer "Til gavn for" names the employer.
    if p.beneficiary == "public":
        return _result(rs, "host", "pass",
                       "Arbejdsgiveren er ikke angivet særskilt; svaret 'Til gavn for: "
                       f"{BENEFICIARIES['public']}' lægges til grund.")
    return _result(rs, "host", "unknown",
                   "Det er ikke oplyst, om arbejdsstedet er en offentlig arbejdsgiver "
                   "(kommunen, regionen eller staten).")


def _professional_area(p: TaskProposal, rs: RuleSet, policy: ScreeningPolicy) -> CriterionResult:
    name = PROFESSIONAL_AREAS[p.professional_area]
    if p.professional_area in policy.professional_areas:
        return _result(rs, "professional_area", "pass", f"Fagområdet {name} er et af enhedens.")
    return _result(rs, "professional_area", "warn",
                   f"Fagområdet {name} er ikke blandt enhedens fagområder i kommunens politik.")


# --- consultation ------------------------------------------------------------------------

_NO_REP_TEXT = re.compile(
    r"\b(ingen|ikke nogen|findes ikke|er ikke valgt|ikke valgt|mangler)\b", re.IGNORECASE)
_ABSENCE_TEXT = re.compile(
    r"syg|sygemeldt|ferie|fravær|fraværende|barsel|orlov|bortrejst|kursus", re.IGNORECASE)
_NUMBER_WORDS = {"en": 1, "én": 1, "et": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
                 "syv": 7, "otte": 8, "ni": 9, "ti": 10}
_COUNT = r"(\d+|en|én|et|to|tre|fire|fem|seks|syv|otte|ni|ti)"
_WORKING_DAYS_TEXT = re.compile(rf"(over\s+|mere end\s+)?\b{_COUNT}\s*arbejdsdag",
                                re.IGNORECASE)
# A whole week of absence is five working days (a week with public holidays may
# have fewer, so one week counts as exactly five, never more).
_WEEKS_TEXT = re.compile(rf"\b{_COUNT}\s*uge", re.IGNORECASE)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def working_days_between(first: date, last: date) -> int:
    """Working days from ``first`` to ``last`` inclusive: weekdays that are not Danish
    public holidays (the workplace's calendar, not the unit's)."""
    n = 0
    d = first
    while d <= last:
        if d.weekday() < 5 and holiday_name(d) is None:
            n += 1
        d += timedelta(days=1)
    return n


def _skip_ok(skip: SkippedLevel, limit: int) -> tuple[bool, str]:
    name = CONSULTATION_LEVELS.get(skip.level, skip.level)
    extra = f" ({skip.detail})" if skip.detail else ""
    if skip.ground == "no_representative":
        return True, f"{name}: ingen repræsentant på niveauet{extra}"
    if skip.absent_from is None or skip.absent_to is None:
        return False, (f"{name}: fravær angivet uden fraværets datoer, så det kan ikke "
                       f"kontrolleres, at det er over {limit} arbejdsdage{extra}")
    days = working_days_between(skip.absent_from, skip.absent_to)
    span = f"{fmt_date(skip.absent_from)} – {fmt_date(skip.absent_to)}"
    if days > limit:
        return True, f"{name}: fraværende {span} ({days} arbejdsdage){extra}"
    return False, (f"{name}: fraværende {span}, kun {days} arbejdsdage; et niveau må kun "
                   f"springes over ved fravær over {limit} arbejdsdage{extra}")


def _skip_text_ok(text: str, limit: int) -> tuple[bool, str]:
    """A skip reason written as text (a task list): the two grounds and a number of
    working days."""
    quoted = f"»{text.strip()}«"
    absent = _ABSENCE_TEXT.search(text)
    # "over 3 arbejdsdage" is more than 3: count it as 4.
    days = [_count(n) + (1 if more else 0) for more, n in _WORKING_DAYS_TEXT.findall(text)]
    if not days:
        days = [5 * _count(n) for n in _WEEKS_TEXT.findall(text)]
    if absent:
        if not days:
            return False, (f"Begrundelsen {quoted} nævner fravær, men ikke antal arbejdsdage; "
                           f"et niveau må kun springes over ved fravær over {limit} "
                           "arbejdsdage.")
        if min(days) <= limit:
            return False, (f"Begrundelsen {quoted} angiver fravær på højst {min(days)} "
                           "arbejdsdage; "
                           f"det skal være over {limit} arbejdsdage.")
        return True, f"Begrundelse: {quoted} (fravær over {limit} arbejdsdage)."
    if _NO_REP_TEXT.search(text):
        return True, f"Begrundelse: {quoted} (ingen repræsentant på niveauet)."
    return False, (f"Begrundelsen {quoted} viser hverken, at der ingen repræsentant er, eller "
                   f"fravær over {limit} arbejdsdage.")


def _who(c: ConsultationFacts) -> str:
    level = CONSULTATION_LEVELS.get(c.level, c.level)
    name = (c.representative or "").strip()
    return f"{level} ({name})" if name else f"{level} (navnet er ikke registreret)"


_HEARD_OUTCOMES = ("agree", "disagree", "comments")


def informed_of(c: ConsultationFacts) -> tuple[bool | None, bool]:
    """Whether the TR was informed, and whether that was answered (not derived).
    A recorded outcome means the TR was informed."""
    if c.informed is not None:
        return c.informed, True
    if c.level in ("none", "no_representative") or c.outcome in ("pending", "not_consulted"):
        return None, False
    return True, False


def discussed_of(c: ConsultationFacts) -> tuple[bool | None, bool]:
    """Whether the practical set-up was discussed, and whether that was answered.
    An outcome of agree, disagree or comments is the TR's position after the
    discussion; "informed" records that the TR was only informed."""
    if c.practical_setup_discussed is not None:
        return c.practical_setup_discussed, True
    if c.outcome in _HEARD_OUTCOMES and c.level not in ("none", "no_representative"):
        return True, False
    return None, False


def _one_consultation(c: ConsultationFacts, rs: RuleSet, start: date) -> tuple[Status, str]:
    rule = rs.consultation
    if c.level == "no_representative":
        return "warn", f"Der er ingen repræsentant at høre. {rule.no_representative}."
    if rule.mode == "inform_discuss" and c.level == "none" and c.skip_reason \
            and _NO_REP_TEXT.search(c.skip_reason) and not _ABSENCE_TEXT.search(c.skip_reason):
        # A task list's way of giving the explicit answer "no TR at the P-number".
        return "warn", (f"Begrundelse: »{c.skip_reason.strip()}«: der er ingen TR på "
                        f"P-nummeret at orientere. {rule.no_representative}.")
    if c.outcome in ("pending", "not_consulted") or c.level == "none":
        what = "afventer svar" if c.outcome == "pending" else "er ikke gennemført"
        need = ("Repræsentanten skal høres efter hierarkiet, og der skal foreligge en "
                "fælles skriftlig tilkendegivelse før start."
                if rule.mode == "hierarchy_statement"
                else "TR på P-nummeret skal orienteres, og den praktiske tilrettelæggelse "
                     "drøftes.")
        return "unknown", f"Høringen {what}. {need}"
    if c.consulted_on is None:
        return "unknown", "Høringsdatoen mangler; datoen skal fremgå af referatet."
    when = fmt_date(c.consulted_on)
    if c.consulted_on > start:
        return "unknown", (f"Høringen ({when}) ligger efter opgavens start ({fmt_date(start)}); "
                           "den skal ske før start.")
    outcome = CONSULTATION_OUTCOMES.get(c.outcome, c.outcome).lower()
    who = _who(c)
    if rule.mode == "hierarchy_statement":
        limit = rule.absence_working_days or 0
        if c.level not in rule.hierarchy:
            return "unknown", f"Niveauet '{who}' indgår ikke i høringshierarkiet."
        if c.outcome == "informed":
            return "unknown", (f"{who} er kun orienteret {when}. Før 1. juli 2025 skal "
                               "etableringen drøftes, og der skal foreligge en fælles skriftlig "
                               "tilkendegivelse.")
        higher = rule.hierarchy[: rule.hierarchy.index(c.level)]
        notes: list[str] = []
        for level in higher:
            skip = next((s for s in c.skips if s.level == level), None)
            if skip is not None:
                ok, text = _skip_ok(skip, limit)
            elif (c.skip_reason or "").strip():
                ok, text = _skip_text_ok(c.skip_reason or "", limit)
            else:
                ok, text = False, (f"Det er ikke begrundet, hvorfor niveauet "
                                   f"'{CONSULTATION_LEVELS[level]}' er sprunget over (ingen "
                                   f"repræsentant, eller fravær over {limit} arbejdsdage).")
            if not ok:
                return "unknown", f"Der er hørt på niveauet {who}. {text}"
            if text not in notes:
                notes.append(text)
        skipped = (" Sprunget over: " + "; ".join(n.rstrip(".") for n in notes) + ".") \
            if notes else ""
        if rule.written_statement_before_start and not c.written_statement:
            return "unknown", (f"{who} er hørt {when} (udfald: {outcome}).{skipped} Der mangler "
                               "en fælles skriftlig tilkendegivelse fra arbejdsgiver og "
                               "repræsentant før start.")
        if c.outcome == "disagree":
            return "warn", (f"{who} er hørt {when} og er uenig.{skipped} Der er ingen vetoret; "
                            "uenigheden står i den skriftlige tilkendegivelse.")
        return "pass", (f"{who} er hørt {when} (udfald: {outcome}).{skipped} Der foreligger en "
                        "fælles skriftlig tilkendegivelse.")
    # inform_discuss (from 1 July 2025)
    if c.level not in rule.hierarchy:
        return "unknown", (f"Orienteringen skal gå til TR på P-nummeret; her er det {who}. "
                           "Er der ingen TR på P-nummeret, skal det angives som svar.")
    informed, _ = informed_of(c)
    if informed is False:
        return "unknown", f"{who} er registreret som ikke orienteret."
    discussed, answered = discussed_of(c)
    if not discussed:
        said = ("er registreret som ikke drøftet" if discussed is False
                else "er ikke registreret som drøftet")
        return "unknown", (f"{who} er orienteret {when}, men den praktiske tilrettelæggelse "
                           f"{said}. Efter reglerne fra 1. juli 2025 skal den drøftes.")
    basis = ("og den praktiske tilrettelæggelse er drøftet" if answered
             else f"og drøftelsen endte med udfaldet '{outcome}'")
    if c.outcome == "disagree":
        return "warn", f"{who} er orienteret {when}, {basis}. TR er uenig; det er noteret."
    return "pass", f"{who} er orienteret {when}, {basis} (udfald: {outcome})."


def _consultation(facts: list[ConsultationFacts], rs: RuleSet, start: date) -> CriterionResult:
    results = [(c, *_one_consultation(c, rs, start)) for c in facts]
    status: Status = max((s for _, s, _ in results), key=lambda s: _STATUS_ORDER[s])
    if len(results) == 1 and results[0][0].group is None:
        reason = results[0][2]
    else:
        reason = " ".join(f"Faggruppe {c.group or '–'}: {text}" for c, _, text in results)
        if status == "pass":
            reason += " Alle faggrupper er hørt."
    return _result(rs, "consultation", status, reason)


# --- ratio -------------------------------------------------------------------------------

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
    counting = f" {rs.ratio.counting}." if rs.ratio.counting else ""
    if not rs.ratio.formula_verified and not counting:
        counting = " Formlen er ikke verificeret."
    if check is None:
        return _result(rs, "ratio", "unknown",
                       "Antal ordinært ansatte, ønskede deltagere og allerede placerede skal "
                       "oplyses, for at rimelighedskravet kan beregnes." + counting)
    base = (f"{check.ordinary_employees} ordinært ansatte giver plads til {check.allowed} "
            f"(allerede placeret {check.already_placed}, ønsket {check.requested}, i alt "
            f"{check.total}).")
    if check.exceeded:
        return _result(rs, "ratio", "warn",
                       f"Rimelighedskravet er overskredet: {base} Der skal søges dispensation hos "
                       f"{rs.ratio.dispensation_by}." + counting, True)
    return _result(rs, "ratio", "pass", f"Rimelighedskravet er overholdt: {base}" + counting)


def evaluate(
    p: TaskProposal,
    rs: RuleSet,
    policy: ScreeningPolicy,
    consultation: ConsultationFacts | list[ConsultationFacts] | None = None,
) -> list[CriterionResult]:
    """Every criterion for ``p``, in CRITERION_IDS order. The look-back for
    displacement counts from the task's start date, whatever rule set is used."""
    if consultation is None:
        facts = consultations_of(p)
    elif isinstance(consultation, list):
        facts = consultation
    else:
        facts = [consultation]
    return [
        _written_description(p, rs),
        _home_help(p, rs),
        _suspension(p, rs),
        _description_check(p, rs),
        _displacement(p, rs, policy),
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
        _host(p, rs),
        _professional_area(p, rs, policy),
        _consultation(facts, rs, p.start_date),
        _ratio(p, rs),
    ]


def decide(criteria: list[CriterionResult]) -> Verdict:
    """The verdict: any fail rejects; any unknown or open point clarifies; else approve."""
    if any(c.status == "fail" for c in criteria):
        return "reject"
    if any(c.status == "unknown" or c.needs_clarification for c in criteria):
        return "clarify"
    return "approve"


def dispensation_possible(criteria: list[CriterionResult]) -> bool:
    """A dispensation from the ratio rule can be applied for: never for a task with a
    visited Servicelov service (BEK 1178/2019 § 12), nor for a rejected task."""
    return not any(c.status == "fail" for c in criteria)


_RISK = {"pass": 0.0, "warn": 0.3, "unknown": 0.6, "fail": 1.0}


def risk_score(criteria: list[CriterionResult]) -> float:
    """A 0-1 indication shown beside the verdict; the verdict never depends on it."""
    if not criteria:
        return 0.0
    return max(_RISK[c.status] for c in criteria)
