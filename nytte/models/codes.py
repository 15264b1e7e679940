"""Code lists that change with the law (benefit groups, visitation groups, absence
reasons, exit outcomes) are rows with validity dates, not enums frozen in code."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nytte.models.base import Base


class CodeValue(Base):
    __tablename__ = "code_value"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label_da: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (UniqueConstraint("list_name", "code", "valid_from"),)
