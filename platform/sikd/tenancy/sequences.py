"""Gap-free yearly number series of a tenant (letters, cooperation numbers)."""

from __future__ import annotations

from sqlalchemy import Integer, PrimaryKeyConstraint, SmallInteger, String
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from sikd.core.extensions import db
from sikd.tenancy.models import TenantOwnedMixin


class LetterSequence(TenantOwnedMixin, db.Model):
    """Last number given in one yearly series of one tenant (table name kept from the letters)."""

    __tablename__ = "letter_sequences"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "year", "series"),)

    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    series: Mapped[str] = mapped_column(String(32), nullable=False)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


def next_number(tenant_id: int, year: int, series: str) -> int:
    """Take the next ordinal of a tenant's yearly series, in the caller's transaction.

    ``INSERT … ON CONFLICT DO UPDATE … RETURNING``: a concurrent caller waits on the row
    until this transaction ends, so numbers are consecutive, never duplicated, and a rolled
    back transaction gives its number back.
    """
    stmt = insert(LetterSequence).values(tenant_id=tenant_id, year=year, series=series, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[LetterSequence.tenant_id, LetterSequence.year, LetterSequence.series],
        set_={"last": LetterSequence.last + 1},
    ).returning(LetterSequence.last)
    return int(db.session.execute(stmt).scalar_one())
