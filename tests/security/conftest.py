"""Fixtures of the security tests: the cast of API users (Kota Bekasi, the levels above, Kemlu)."""

from __future__ import annotations

import pytest

from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser
from sikd.testing.journeys import journey_people


@pytest.fixture
def kinds(app_ctx):
    return effective_rulebook("32.75").as_dict()["document_kinds"]


@pytest.fixture
def cast(client, make_user):
    """Kota Bekasi's people, the levels above it, and Kemlu."""

    gubernur = ApiUser(client, make_user("32", ["gubernur_verifier"]), TEST_PASSWORD)
    return {**journey_people(client, make_user), "gubernur": gubernur}
