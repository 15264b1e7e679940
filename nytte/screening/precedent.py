"""Precedent: the earlier decisions most like a new proposal, to make practice uniform.

TF-IDF over title and description with character 4-grams inside words, because
Danish compounds ("naturpleje", "plejeopgave") share meaning across word
boundaries that a word tokenizer would miss (nytte/screening/tfidf.py: what
scikit-learn's ``char_wb`` TfidfVectorizer computes, without its import time). The
index is fitted once and kept; a query only transforms the new text and takes one
sparse product, so screening against 10,000 decisions stays within milliseconds.
Decisions added later are transformed with the fitted vocabulary; the index refits
when they grow past a quarter of what it was fitted on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import scipy.sparse as sp

from nytte.core import clock
from nytte.core.privacy import ensure_no_cpr
from nytte.io.errors import ImportRejected
from nytte.io.reader import MB, Limits, read_json
from nytte.screening.tfidf import CharNgramTfidf
from nytte.screening.vocabulary import CRITERION_IDS, VERDICTS

EXPORT_FORMAT = "nytte-precedent"
EXPORT_VERSION = 1
DEFAULT_K = 3
# Below this cosine similarity two tasks have little in common beyond filler words.
MIN_SIMILARITY = 0.15
REFIT_SHARE = 0.25
_QUERY_BLOCK = 128  # queries per dense block: 128 × features × 4 bytes stays small


@dataclass(frozen=True)
class PrecedentDecision:
    """One earlier decision as precedent: what was asked and what was decided, why."""

    ref: str  # stable reference, e.g. "0101-S123-v1" (municipality, screening, version)
    municipality_code: str
    title: str
    description: str
    verdict: str
    reasons: list[str] = field(default_factory=list)  # the reasons that decided it
    ruleset_id: str = ""
    decided_at: str = ""  # ISO date
    criteria: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Similar:
    ref: str
    title: str
    verdict: str
    similarity: float
    reasons: list[str]
    decided_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "verdict": self.verdict,
            "similarity": round(self.similarity, 3),
            "reasons": self.reasons,
            "decided_at": self.decided_at,
        }


class PrecedentIndex:
    """Nearest earlier decisions by cosine similarity of TF-IDF vectors."""

    def __init__(self, decisions: list[PrecedentDecision]) -> None:
        import numpy as np

        self._decisions: list[PrecedentDecision] = []
        self._vectorizer: CharNgramTfidf | None = None
        self._matrix: sp.csr_matrix | None = None  # the decisions the vocabulary was fitted on
        self._extra: sp.csr_matrix | None = None  # decisions added since, kept apart so an
        # addition copies only the small matrix, not the fitted one
        self._position: dict[str, list[int]] = {}
        self._fitted_size = 0
        self._inactive: set[str] = set()  # superseded decisions: kept, never suggested
        self._active = np.ones(0, dtype=bool)
        self._added = 0  # decisions transformed with the vocabulary of the last fit
        self._fit(list(decisions))

    def __len__(self) -> int:
        return len(self._decisions)

    def _fit(self, decisions: list[PrecedentDecision]) -> None:
        import numpy as np

        self._decisions = decisions
        self._fitted_size = len(decisions)
        self._added = 0
        self._active = np.array([d.ref not in self._inactive for d in decisions], dtype=bool)
        self._extra = None
        self._position = {}
        for i, d in enumerate(decisions):
            self._position.setdefault(d.ref, []).append(i)
        if not decisions:
            self._vectorizer, self._matrix = None, None
            return
        vec = CharNgramTfidf()
        self._matrix = vec.fit_transform([d.text for d in decisions])
        self._vectorizer = vec

    def add(self, decisions: list[PrecedentDecision]) -> None:
        """Add new decisions without refitting, unless they have grown too many."""
        import numpy as np
        import scipy.sparse as sp

        if not decisions:
            return
        if self._vectorizer is None or self._matrix is None \
                or self._added + len(decisions) > REFIT_SHARE * self._fitted_size:
            self._fit(self._decisions + list(decisions))
            return
        extra = self._vectorizer.transform([d.text for d in decisions])
        self._extra = extra if self._extra is None else sp.csr_matrix(
            sp.vstack([self._extra, extra]))
        for i, d in enumerate(decisions, start=len(self._decisions)):
            self._position.setdefault(d.ref, []).append(i)
        self._decisions = self._decisions + list(decisions)
        self._active = np.concatenate(
            [self._active, [d.ref not in self._inactive for d in decisions]]).astype(bool)
        self._added += len(decisions)

    def deactivate(self, refs: set[str]) -> None:
        """Stop suggesting these decisions (e.g. versions a re-screening superseded)."""
        if not refs:
            return
        self._inactive |= refs
        for ref in refs:
            for i in self._position.get(ref, ()):
                self._active[i] = False

    def query_many(self, texts: list[str], k: int = DEFAULT_K,
                   exclude_refs: set[str] | None = None) -> list[list[Similar]]:
        """For each text, the ``k`` most similar decisions above MIN_SIMILARITY."""
        import numpy as np

        if self._vectorizer is None or self._matrix is None or not texts:
            return [[] for _ in texts]
        queries = self._vectorizer.transform(texts)
        # Rows are L2-normalised, so the dot product is the cosine. Character n-grams
        # make the products dense: a sparse matrix times a dense block of queries is
        # several times faster than a sparse-sparse product (measured: 0.3 s against
        # 1.6 s for 1,000 queries over 10,000 decisions).
        blocks = []
        for i in range(0, queries.shape[0], _QUERY_BLOCK):
            dense = queries[i:i + _QUERY_BLOCK].T.toarray()
            block = (self._matrix @ dense).T
            if self._extra is not None:
                block = np.hstack([block, (self._extra @ dense).T])
            blocks.append(block)
        sims = np.vstack(blocks)
        sims[:, ~self._active] = -1.0
        out: list[list[Similar]] = []
        n = sims.shape[1]
        take = min(n, k + len(exclude_refs or ()))
        for row in sims:
            top = np.argpartition(-row, take - 1)[:take] if take < n else np.arange(n)
            top = top[np.argsort(-row[top], kind="stable")]
            found: list[Similar] = []
            for i in top:
                d = self._decisions[int(i)]
                if exclude_refs and d.ref in exclude_refs:
                    continue
                if row[i] < MIN_SIMILARITY or len(found) == k:
                    break
                found.append(Similar(d.ref, d.title, d.verdict, float(row[i]), d.reasons,
                                     d.decided_at))
            out.append(found)
        return out

    def query(self, title: str, description: str, k: int = DEFAULT_K,
              exclude_refs: set[str] | None = None) -> list[Similar]:
        return self.query_many([f"{title}\n{description}"], k, exclude_refs)[0]


def naive_query(decisions: list[PrecedentDecision], title: str, description: str,
                k: int = DEFAULT_K) -> list[Similar]:
    """The baseline the benchmark compares against: refit TF-IDF for every query."""
    return PrecedentIndex(decisions).query(title, description, k)


# --- export / import: municipalities share precedent as a file --------------------

class PrecedentFileError(ValueError):
    """A precedent file is not in the expected format; the message is Danish."""


def export_document(decisions: list[PrecedentDecision], municipality_code: str | None) -> str:
    doc = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": clock.now().replace(microsecond=0).isoformat(),
        "municipality_code": municipality_code,
        "decisions": [d.to_json() for d in decisions],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


PRECEDENT_LIMITS = Limits(max_bytes=50 * MB)
_REQUIRED = ("ref", "municipality_code", "title", "description", "verdict")


def read_export(raw: bytes | str) -> list[PrecedentDecision]:
    """Parse and validate a precedent file; all-or-nothing, Danish messages per entry."""
    # The one hardened reader: size limit, nesting depth, encoding, valid JSON.
    try:
        doc = read_json(raw, PRECEDENT_LIMITS)
    except ImportRejected as exc:
        raise PrecedentFileError(exc.problems[0].text) from exc
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise PrecedentFileError("Filen er ikke en præcedensfil fra Nytte (format mangler).")
    if doc.get("version") != EXPORT_VERSION:
        raise PrecedentFileError(f"Ukendt version af præcedensfilen: {doc.get('version')}.")
    items = doc.get("decisions")
    if not isinstance(items, list):
        raise PrecedentFileError("Præcedensfilen mangler listen 'decisions'.")
    problems: list[str] = []
    out: list[PrecedentDecision] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(f"Afgørelse {n}: skal være et objekt.")
            continue
        missing = [k for k in _REQUIRED if not isinstance(item.get(k), str) or not item[k].strip()]
        if missing:
            problems.append(
                f"Afgørelse {n}: feltet {', '.join(missing)} mangler eller er ikke tekst.")
            continue
        if item["verdict"] not in VERDICTS:
            problems.append(f"Afgørelse {n}: ukendt afgørelse '{item['verdict']}'.")
            continue
        for key in ("title", "description"):
            cpr_problem = _cpr_problem(item[key], key)
            if cpr_problem:
                problems.append(f"Afgørelse {n}: {cpr_problem}")
        criteria = item.get("criteria") or []
        if not isinstance(criteria, list) or any(
            not isinstance(c, dict) or c.get("id") not in CRITERION_IDS for c in criteria
        ):
            problems.append(f"Afgørelse {n}: feltet criteria er ugyldigt.")
            continue
        decided_at = str(item.get("decided_at") or "")
        if decided_at:
            try:
                date.fromisoformat(decided_at[:10])
            except ValueError:
                problems.append(f"Afgørelse {n}: decided_at er ikke en ISO-dato.")
                continue
        out.append(PrecedentDecision(
            ref=item["ref"], municipality_code=item["municipality_code"], title=item["title"],
            description=item["description"], verdict=item["verdict"],
            reasons=[str(r) for r in item.get("reasons") or []],
            ruleset_id=str(item.get("ruleset_id") or ""), decided_at=decided_at,
            criteria=criteria,
        ))
    if problems:
        raise PrecedentFileError("\n".join(problems))
    return out


def _cpr_problem(text: str, field_name: str) -> str | None:
    try:
        ensure_no_cpr(text, field_name)
    except ValueError as exc:
        return str(exc)
    return None
