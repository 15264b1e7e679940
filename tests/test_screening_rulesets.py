"""Rule sets as data: loaded, validated, effective-dated, every rule with a source."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from nytte.screening.rulesets import (
    DEFAULT_RULESET_DIR,
    RuleSetError,
    course_limit_weeks,
    course_warn_week,
    load_rulesets,
    load_rulesets_from,
    ruleset_for,
)
from nytte.screening.vocabulary import CRITERION_IDS


def test_both_rule_sets_load_and_switch_on_1_july_2025() -> None:
    assert [rs.id for rs in load_rulesets()] == ["lab-2014", "bab-2020", "bab-2023",
                                                 "arbejdspligt-2025"]
    assert ruleset_for(date(2025, 6, 30)).id == "bab-2023"
    assert ruleset_for(date(2025, 7, 1)).id == "arbejdspligt-2025"
    with pytest.raises(RuleSetError, match="Intet regelsæt"):
        ruleset_for(date(2010, 1, 1))


def test_every_criterion_has_a_title_and_source_in_every_rule_set() -> None:
    for rs in load_rulesets():
        for cid in CRITERION_IDS:
            rule = rs.rule(cid)
            assert rule.title.strip() and rule.source.strip()
            assert isinstance(rule.verified, bool)


def test_pre2025_content() -> None:
    rs = ruleset_for(date(2024, 1, 1))
    assert rs.consultation.mode == "hierarchy_statement"
    assert rs.consultation.hierarchy == ("tr_p", "tr_cvr", "chief_tr_cvr", "employee_rep_p")
    assert rs.consultation.written_statement_before_start
    assert rs.ratio.enabled and not rs.rule("ratio").verified
    assert "1178" in (rs.ratio.dispensation_source or "")


def test_2025_content() -> None:
    rs = ruleset_for(date(2026, 1, 1))
    assert rs.consultation.mode == "inform_discuss"
    assert not rs.ratio.enabled
    assert rs.course_limit.max_weeks is None


def test_course_limit() -> None:
    assert course_limit_weeks(date(2025, 6, 30)) == 13
    assert course_warn_week(date(2025, 6, 30)) == 11
    assert course_limit_weeks(date(2025, 7, 1)) is None
    assert course_warn_week(date(2025, 7, 1)) is None


def test_other_yaml_in_the_folder_is_not_a_rule_set(tmp_path: Path) -> None:
    _copy(tmp_path)
    (tmp_path / "course_length.yaml").write_text("rulesets: []\n", encoding="utf-8")
    assert [rs.id for rs in load_rulesets_from(tmp_path)] == ["bab-2020"]


@pytest.mark.parametrize("employees,allowed", [(0, 1), (4, 1), (5, 1), (10, 2), (50, 10),
                                               (59, 10), (60, 11), (100, 15)])
def test_ratio_formula_from_the_file(employees: int, allowed: int) -> None:
    assert ruleset_for(date(2024, 1, 1)).ratio.allowed(employees) == allowed


def _copy(tmp_path: Path, edit: dict[str, object] | None = None, drop_rule: str | None = None,
          name: str = "bab_2020.yaml") -> Path:
    raw = yaml.safe_load((DEFAULT_RULESET_DIR / name).read_text(encoding="utf-8"))
    raw.update(edit or {})
    if drop_rule:
        del raw["rules"][drop_rule]
    (tmp_path / name).write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_ratio_formula_is_configurable(tmp_path: Path) -> None:
    d = _copy(tmp_path, {"ratio": {"enabled": True, "minimum": 2,
                                   "bands": [{"up_to": None, "per": 3}]}})
    rs = load_rulesets_from(d)[0]
    assert rs.ratio.allowed(1) == 2 and rs.ratio.allowed(30) == 10


def test_invalid_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match="ratio"):
        load_rulesets_from(_copy(tmp_path, drop_rule="ratio"))
    with pytest.raises(RuleSetError, match="stigende"):
        load_rulesets_from(_copy(tmp_path, {"ratio": {"enabled": True, "bands": [
            {"up_to": 50, "per": 5}, {"up_to": 40, "per": 10}]}}))
    with pytest.raises(RuleSetError, match="valid_to"):
        load_rulesets_from(_copy(tmp_path, {"valid_to": date(2000, 1, 1)}))
    with pytest.raises(RuleSetError, match="Ingen regelsæt"):
        load_rulesets_from(tmp_path / "tom")


def test_overlapping_periods_are_refused(tmp_path: Path) -> None:
    _copy(tmp_path)
    _copy(tmp_path, {"valid_from": date(2023, 6, 1)}, name="arbejdspligt_2025.yaml")
    with pytest.raises(RuleSetError, match="overlapper"):
        load_rulesets_from(tmp_path)
