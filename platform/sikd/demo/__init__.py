"""Demo data for a newcomer's first ``make run``: accounts, and cooperations told as stories.

The stories are data (``tenants/demo/<kode wilayah>.yaml``, format in
``tenants/demo/FORMAT.md``); this package is the mechanism:

* :mod:`.accounts` — the demo accounts (one per role and instansi);
* :mod:`.stories` — reading the story files;
* :mod:`.validate` — every story walked through the pure workflow engine on its daerah's
  rulebook (also run by ``sikd rules check``);
* :mod:`.schedule` — the past instant of every step, in one chronological order;
* :mod:`.play` — each step through the real services by the real demo user;
* :mod:`.content`, :mod:`.documents`, :mod:`.letters` — the PDFs filed on the way;
* :mod:`.seed` — all of it in one transaction: every cooperation, or none.
"""

from __future__ import annotations

from .accounts import DemoAccount, database_has_users, demo_email, seed_demo_accounts
from .errors import DemoDataError, StoryProblem
from .seed import DemoSummary, seed_demo_cooperations
from .stories import DEMO_DIR, demo_daerah, load_stories
from .validate import validate_stories

DEMO_DAERAH = demo_daerah()

__all__ = [
    "DEMO_DAERAH",
    "DEMO_DIR",
    "DemoAccount",
    "DemoDataError",
    "DemoSummary",
    "StoryProblem",
    "database_has_users",
    "demo_email",
    "load_stories",
    "seed_demo_accounts",
    "seed_demo_cooperations",
    "validate_stories",
]
