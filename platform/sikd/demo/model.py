"""The demo's plain objects: a daerah, its cooperations' stories and their steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .errors import StoryProblem


@dataclass(frozen=True)
class Home:
    """The demo daerah itself: its officials as they sign, and where it sits."""

    code: str
    name: str
    kepala_daerah: dict[str, str]
    ketua_dprd: str
    address: str
    place: str
    opd_unit: str | None = None


@dataclass
class Theme:
    """The substance of one cooperation, from which its documents are written."""

    opd: str
    latar: str
    tujuan: str
    sasaran: str
    lingkup: list[str]
    kegiatan: list[str]
    pembiayaan: str
    potensi: str
    manfaat: str
    pemetaan_ref: str | None = None


@dataclass
class CoopData:
    """What the OPD fills in when it records the prakarsa (``NewCooperation``'s fields)."""

    type: str
    subtype: str
    title: str
    partner_name: str
    partner_kind: str
    partner_country: str | None = None
    objek: list[str] = field(default_factory=list)
    persyaratan: list[str] = field(default_factory=list)
    prakarsa_origin: str = "daerah"
    pemetaan_ref: str | None = None
    facts: list[str] = field(default_factory=list)
    estimated_cost: int | None = None
    benefit_note: str | None = None


@dataclass
class Step:
    number: int  # 1-based, for messages
    action: str  # create | sweep | upload | a rulebook action id
    gap: int = 0  # days after the previous step (working days are found by the player)
    next_year_on: str | None = None  # "MM-DD": that day of the year after the previous step
    hour: float = 9.0
    role: str | None = None
    level: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    upload: list[str] = field(default_factory=list)
    mark: str | None = None
    expect: str | None = None

    def gap_target(self, prev: date) -> date:
        if self.next_year_on:
            month, day = (int(p) for p in self.next_year_on.split("-"))
            return date(prev.year + 1, month, day)
        return prev + timedelta(days=self.gap)


@dataclass
class Story:
    file: str
    key: str
    home: Home
    data: CoopData
    theme: Theme
    outcome: str
    steps: list[Step]
    start_days_ago: int | None = None
    end_days_ago: int | None = None
    # filled while playing
    coop_id: int | None = None
    dates: dict[str, date] = field(default_factory=dict)
    letters: dict[str, tuple[str, date]] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.home.code

    @property
    def label(self) -> str:
        return f"{self.key} «{self.data.title}»"

    @property
    def partner_full(self) -> str:
        from sikd.core.i18n import country_name

        country = country_name(self.data.partner_country) or ""
        return f"{self.data.partner_name}, {country}" if country else self.data.partner_name

    def problem(self, message: str, step: Step | None = None) -> StoryProblem:
        return StoryProblem(
            self.file,
            self.label,
            step.number if step else None,
            step.action if step else "",
            message,
        )
