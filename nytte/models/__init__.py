"""SQLAlchemy models. Import every model module here so Base.metadata is complete
(Alembic autogenerate and tests rely on it)."""

import nytte.models.council  # noqa: F401  (the council area's tables)
from nytte.models.attendance import ABSENT, PRESENT, Attendance, RollDraft
from nytte.models.audit import AuditEvent, AuditNote
from nytte.models.base import Base
from nytte.models.codes import CodeValue
from nytte.models.data_version import DataVersion
from nytte.models.org import ClosingDay, Municipality, Region, Team, Unit
from nytte.models.people import WEEKDAY_COLUMNS, Participant, Referral, display_name
from nytte.models.screening import ConsultationAttachment, PrecedentImport, RuleSetVersion
from nytte.models.tasks import Consultation, MunicipalPolicy, Screening, Task

__all__ = [
    "ABSENT",
    "PRESENT",
    "WEEKDAY_COLUMNS",
    "Attendance",
    "AuditEvent",
    "AuditNote",
    "Base",
    "ClosingDay",
    "CodeValue",
    "Consultation",
    "ConsultationAttachment",
    "DataVersion",
    "MunicipalPolicy",
    "Municipality",
    "Participant",
    "PrecedentImport",
    "Referral",
    "Region",
    "RollDraft",
    "RuleSetVersion",
    "Screening",
    "Task",
    "Team",
    "Unit",
    "display_name",
]
