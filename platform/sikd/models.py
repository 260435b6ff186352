"""Imports every model so Alembic and the app see the whole schema."""

from sikd.accounts.models import ApiToken, User  # noqa: F401
from sikd.audit.models import AuditEntry  # noqa: F401
from sikd.cooperations.models import (  # noqa: F401
    Cooperation,
    CooperationAccess,
    CooperationDecision,
    Deadline,
    Notification,
    RoutingHop,
    RulebookVersion,
    StageEvent,
)
from sikd.documents.models import Document, DocumentVersion, Letter, LetterSequence  # noqa: F401
from sikd.rules.overrides import CalendarOverride  # noqa: F401
from sikd.tenancy.models import Tenant  # noqa: F401
