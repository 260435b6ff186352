"""Fixtures of the security tests: the cast of API users (Kota Bekasi, the levels above, Kemlu)."""

from __future__ import annotations

import pytest

from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser


@pytest.fixture
def kinds(app_ctx):
    return effective_rulebook("32.75").as_dict()["document_kinds"]


@pytest.fixture
def cast(client, make_user):
    """Kota Bekasi's people, the levels above it, and Kemlu."""

    def api(code, role):
        return ApiUser(client, make_user(code, [role]), TEST_PASSWORD)

    return {
        "opd": api("32.75", "opd"),
        "tkksd": api("32.75", "tkksd"),
        "walikota": api("32.75", "kepala_daerah"),
        "dprd": api("32.75", "sekretariat_dprd"),
        "gubernur": api("32", "gubernur_verifier"),
        "sekjen": api("KEMENDAGRI", "sekjen_verifier"),
        "kemlu": api("KEMLU", "kemlu_reviewer"),
    }
