"""Imports every model so Alembic and the app see the whole schema."""

from sikd.accounts.models import User  # noqa: F401
from sikd.audit.models import AuditEntry  # noqa: F401
from sikd.tenancy.models import Tenant  # noqa: F401
