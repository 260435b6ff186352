"""Value objects the workflow engine takes and returns. All frozen, all free of I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Who holds a stage (``level`` in tenants/rules/FORMAT.md).
STAGE_LEVELS = ("own", "provinsi", "kemendagri", "kemlu", "partner")
#: Who may act: a stage level, or the system acting on an expired deadline.
ACTOR_LEVELS = (*STAGE_LEVELS, "system")
INITIATOR_KINDS = ("provinsi", "kabupaten", "kota")
ACTION_KINDS = ("advance", "return", "refuse", "decide")
HOP_OUTCOMES = ("forwarded", "returned", "routed_directly", "decided")
EXPIRY_KINDS = ("deemed_approved", "route_direct", "remind", "expire")

#: Stable refusal codes (the API returns them; the web layer maps ``stale_state`` to 409).
REFUSAL_CODES = (
    "role_not_allowed",
    "wrong_level",
    "missing_documents",
    "missing_inputs",
    "invalid_inputs",
    "unknown_action",
    "unknown_process",
    "terminal",
    "stale_state",
    "condition_not_met",
    "reason_required",
    "signature_required",
)


class RulebookError(ValueError):
    """The merged rulebook itself is inconsistent (a bug in rule data, not a user error)."""


@dataclass(frozen=True)
class SignatureFact:
    """The electronic-signature check of the current version of one attached document."""

    kind: str  # document kind
    status: str  # sah | tidak_ditandatangani | berubah | tidak_dikenal | kedaluwarsa | ...
    roles: frozenset[str] = frozenset()  # roles the valid signer holds in the initiating tenant
    detail: str = ""  # the Indonesian result ("dokumen berubah setelah ditandatangani")


@dataclass(frozen=True)
class CooperationState:
    """What the engine needs to know about one cooperation; the caller loads it from the DB."""

    type: str  # KSDD | KSDPK | KSDPL | KSDLL
    subtype: str
    initiator_kind: str  # provinsi | kabupaten | kota
    process: str  # process id in the rulebook
    stage: str  # current stage id, or a terminal id
    facts: frozenset[str] = frozenset()  # boolean facts recorded true (membebani_masyarakat, ...)
    documents: frozenset[str] = frozenset()  # document kinds attached (current versions)
    flags: frozenset[str] = frozenset()  # e.g. "dormant"
    version: int = 0  # optimistic-lock counter
    signatures: tuple[SignatureFact, ...] = ()  # checks of attached documents' signatures
    approvals: frozenset[str] = frozenset()  # sides approved so far at a ``parallel`` stage


@dataclass(frozen=True)
class Actor:
    """The acting user as the engine sees it: roles held in its tenant and the tenant's level
    relative to the cooperation (``own`` = the initiating daerah, ``provinsi`` = its parent
    provinsi, ``kemendagri``, ``kemlu``, ``partner``) or ``system``. The caller works out the
    level from the tenant relation; the engine never looks at tenants."""

    roles: frozenset[str]
    level: str


SYSTEM_ACTOR = Actor(roles=frozenset({"system"}), level="system")


@dataclass(frozen=True)
class Reminder:
    before: int
    unit: str


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline to open. The caller computes the due instant from ``starts`` (``entered``: the
    moment the stage was entered; otherwise a ``<document kind>.<date field>`` reference) with its
    working-day calendar, and stores it with the stage so that expiry can be re-checked."""

    stage: str
    amount: int
    unit: str  # hari | hari_kerja | bulan | tahun
    starts: str
    on_expiry: str  # deemed_approved | route_direct | remind | expire
    action: str | None
    reminders: tuple[Reminder, ...]
    basis: str
    flag: str | None = None  # for on_expiry == expire: the flag set (default "dormant")


@dataclass(frozen=True)
class Hop:
    """A change of holder between two levels (DOMAIN §4)."""

    from_level: str
    to_level: str
    outcome: str  # forwarded | returned | routed_directly | decided
    basis: str


@dataclass(frozen=True)
class SkippedStage:
    stage: str
    reason: str  # Indonesian sentence, cites the basis
    basis: str


@dataclass(frozen=True)
class Decision:
    """What the caller must write in one transaction (state, deadlines, audit, outbox)."""

    process: str
    from_stage: str | None  # None for start()
    to_stage: str  # the stage actually landed on (after skips), or a terminal id
    action: str | None  # None for start() and for expiry flags
    kind: str  # advance | return | refuse | decide | start | expire
    hop: Hop | None
    deadlines_to_close: tuple[str, ...]  # stage ids whose open deadlines are closed
    deadlines_to_open: tuple[DeadlineSpec, ...]
    skipped_stages: tuple[SkippedStage, ...]
    basis: str
    flags_added: frozenset[str]
    notify_levels: tuple[str, ...]
    inputs: dict[str, Any]  # validated and normalised
    new_version: int
    actor_level: str
    expiry: str | None = None  # deemed_approved | route_direct | expire when taken on expiry
    terminal: bool = False
    approvals_added: frozenset[str] = frozenset()  # one side's approval at a ``parallel`` stage


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str  # Indonesian: what is missing, what to do, the basis
    missing: tuple[str, ...] = ()  # codes/names (document kinds, input names, role codes)
    basis: str = ""


@dataclass(frozen=True)
class InputSpec:
    name: str
    label: str
    type: str
    required: bool
    choices: tuple[str, ...] = ()
    basis: str = ""


@dataclass(frozen=True)
class ActionInfo:
    """One action the actor may take now (see :func:`available_actions`)."""

    id: str
    label: str
    kind: str
    to: str  # the action's target as written
    lands_on: str  # where the cooperation will land after skips
    to_level: str
    inputs: tuple[InputSpec, ...]
    reason_required: bool
    missing_documents: tuple[str, ...]
    ready: bool  # True when nothing is missing (inputs are still the caller's to fill)
    basis: str
    roles: tuple[str, ...] = field(default=())
