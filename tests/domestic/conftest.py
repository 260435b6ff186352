"""Domestic cooperation tests act as people of two or three daerah at once: ``cast`` here is
:class:`sikd.testing.domestic.Cast` (``cast(code, role)`` → an API user of that daerah), not the
plugin's single-daerah cast. ``kinds`` (Kota Bekasi's document kinds) comes from the plugin."""

from __future__ import annotations

import pytest

from sikd.testing.domestic import Cast


@pytest.fixture
def cast(client, make_user):
    return Cast(client, make_user)
