"""The law as data: rulebooks in ``tenants/rules``, merged per tenant, and the working-day calendar.

Public API (see ``tenants/rules/FORMAT.md`` for the file format)::

    effective_rulebook(tenant_code, rules_dir=RULES_DIR) -> MergedRulebook
    MergedRulebook.as_dict() / .content_hash / .source_of(key) / .render_basis(basis)
    content_hash(merged) -> str
    load_rulebook_file(path) -> dict
    check_file(path) / check_all(rules_dir) -> list[RuleError]
    RulebookInvalid(errors), RuleError(file, path, reason)
    WorkingCalendar(cuti_bersama=True, overrides=()).add_days / .due_instant / .version
"""

from .calendar import WorkingCalendar
from .loader import (
    RULES_DIR,
    Change,
    MergedRulebook,
    check_all,
    check_file,
    content_hash,
    effective_rulebook,
    load_rulebook_file,
    render_basis,
)
from .meaning import validate_rulebook
from .schemas import RulebookInvalid, RuleError

__all__ = [
    "RULES_DIR",
    "Change",
    "MergedRulebook",
    "RuleError",
    "RulebookInvalid",
    "WorkingCalendar",
    "check_all",
    "check_file",
    "content_hash",
    "effective_rulebook",
    "load_rulebook_file",
    "render_basis",
    "validate_rulebook",
]
