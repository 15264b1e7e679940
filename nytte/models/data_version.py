"""One counter per data area, bumped in the transaction that changes the area.

Page caches carry these counters in their keys (pages/_ui/cache.py), so a write on
one server process shows on every other process's pages on their next rerun."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nytte.models.base import Base


class DataVersion(Base):
    __tablename__ = "data_version"

    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
