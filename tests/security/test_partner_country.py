"""A foreign partner comes from a real country Indonesia can cooperate with.

Permendagri 25/2020 (seed 001_f4378aa716062151) lists *hubungan diplomatik* among the
persyaratan of KSDPL/KSDLL, and Perwal Bekasi 57/2023 Pasal 51 ayat (1) huruf a restates it: the
partner's country must be an ISO 3166-1 country with which Indonesia has diplomatic relations.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sikd.cooperations.models import Cooperation
from sikd.core.extensions import db
from sikd.core.i18n import country_name, find_countries
from sikd.tenancy.scope import system_scope
from sikd.testing.journeys import SISTER_CITY


def _count() -> int:
    with system_scope():
        n = db.session.scalar(select(func.count()).select_from(Cooperation))
        db.session.commit()
    return n


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("XX", "bukan kode negara ISO 3166-1"),  # the outside test's probe: no such country
        ("IL", "tidak memiliki hubungan diplomatik"),  # a country without relations
        ("ID", "tidak boleh berasal dari Indonesia"),  # not foreign at all
    ],
)
def test_partner_country_outside_diplomatic_relations_is_refused_pasal_51(api, app_ctx, code, says):
    tkksd = api("32.75", "tkksd")
    before = _count()
    answer = tkksd.post("/api/v1/cooperations", json=dict(SISTER_CITY, partner_country=code))
    assert answer.status_code == 422
    body = answer.get_json()
    assert says in " ".join(body["errors"]["partner_country"])
    assert _count() == before  # nothing written


def test_a_real_partner_country_is_accepted_and_named_in_indonesian(api, app_ctx):
    tkksd = api("32.75", "tkksd")
    answer = tkksd.post("/api/v1/cooperations", json=dict(SISTER_CITY, partner_country="jp"))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["partner_country"] == "JP"
    assert country_name("JP") == "Jepang"
    assert ("JP", "Jepang") in find_countries("Jepang")  # the picker finds it by its name
    assert not [c for c, _ in find_countries("Israel") if c == "IL"]
