"""Imports every model so Alembic and the app see the whole schema."""

from sikd.accounts.models import ApiToken, User  # noqa: F401
from sikd.audit.models import AuditEntry  # noqa: F401
from sikd.cooperations.disputes import Dispute  # noqa: F401
from sikd.cooperations.domestic_models import (  # noqa: F401
    CandidateScore,
    SelectionRecord,
    SupervisionNote,
    SupervisionReport,
)
from sikd.cooperations.models import (  # noqa: F401
    Cooperation,
    CooperationAccess,
    CooperationDecision,
    StageEvent,
)
from sikd.cooperations.rounds import MonitoringRound  # noqa: F401
from sikd.deadlines.models import Deadline  # noqa: F401
from sikd.documents.letterhead import Letterhead  # noqa: F401
from sikd.documents.models import Document, DocumentVersion, Letter  # noqa: F401
from sikd.notifications.models import Notification  # noqa: F401
from sikd.pemetaan.models import (  # noqa: F401
    PemetaanCycle,
    PemetaanItem,
    PemetaanLink,
    PemetaanSubmission,
)
from sikd.register.models import (  # noqa: F401
    CooperationBudget,
    ImportedRow,
    ImportMapping,
    PublicSettings,
    RegisterImport,
)
from sikd.routing.models import RoutingHop  # noqa: F401
from sikd.rules.models import RulebookVersion, VariantDraft  # noqa: F401
from sikd.rules.overrides import CalendarOverride  # noqa: F401
from sikd.tenancy.models import Tenant  # noqa: F401
from sikd.tenancy.sequences import LetterSequence  # noqa: F401
