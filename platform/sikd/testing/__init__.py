"""Testing SIKD: the pytest plugin (:mod:`.plugin`) and the helpers tests import.

A test module imports helpers from here, never from another test module::

    from sikd.testing import TEST_PASSWORD, ApiUser, login
    from sikd.testing.journeys import SISTER_CITY, to_gubernur_with_rencana

Fixtures come from the plugin (``tests/conftest.py``: ``pytest_plugins``), among them
``cast("32.75").tkksd`` (a user of every role of an instansi) and
``cooperation_at("rencana_di_gubernur", tenant="32.75")`` (a cooperation brought to that stage by
playing a demo story through the real services).
"""

from __future__ import annotations

from .api import PDF, ApiUser, fill_fields
from .fixtures import TEST_PASSWORD, login

__all__ = ["PDF", "TEST_PASSWORD", "ApiUser", "fill_fields", "login"]
