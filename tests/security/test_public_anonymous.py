"""What an anonymous visitor reaches: the public register only, and of it only what a daerah
published. Every GET route of the app (from its ``url_map``, so a new one is in without anyone
adding it) is asked without a login, with the ids of Kota Bekasi's cooperation still being
prepared and of its document, which Bekasi marked public: nothing of it shows, a route naming
an object answers 404 or asks for a login, and the public document routes answer 404 because
the cooperation is not in the public register (documents are public only there)."""

from __future__ import annotations

import re

from sikd.core import clock
from sikd.testing.security import create

SECRET_TITLE = "Rahasia Bekasi Persiapan Kota Kembar"
SECRET_FILE = "rahasia-bekasi-kajian-publik.pdf"
NOT_ASKED = {"static", "bootstrap.static", "accounts.logout"}


def test_anonymous_gets_nothing_of_a_cooperation_not_in_the_public_register(app, cast, kinds):
    cid = create(cast, SECRET_TITLE)
    up = cast["opd"].upload(cid, "kajian", kinds, clock.now().date(), filename=SECRET_FILE)
    assert up.status_code == 201, up.get_json()
    doc = up.get_json()
    tkksd = cast["tkksd"]
    marked = tkksd.client.put(
        f"/api/v1/cooperations/{cid}/documents/{doc['id']}/public",
        headers=tkksd.headers,
        json={"public": True},
    )
    assert marked.status_code == 200 and marked.get_json()["public"] is True
    number = tkksd.get(f"/api/v1/cooperations/{cid}").get_json()["number"]
    ids = {"coop_id": cid, "doc_id": doc["id"], "version_id": doc["versions"][0]["id"]}
    markers = [SECRET_TITLE, SECRET_FILE, number, doc["versions"][0]["sha256"]]

    anonymous = app.test_client()
    problems, asked = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_ASKED or "GET" not in rule.methods:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(ids.get(name, "1")), path)
        response = anonymous.get(path)
        asked += 1
        where = f"GET {path} → {response.status_code}"
        body = response.get_data()
        if shown := [m for m in markers if m.encode() in body]:
            problems.append(f"{where}: shows {shown}")
        if response.status_code >= 500:
            problems.append(f"{where}: server error")
        if rule.arguments and response.status_code not in (302, 401, 404):
            problems.append(f"{where}: expected 404 or a login")
        if path.startswith("/publik/") and rule.arguments and response.status_code != 404:
            problems.append(f"{where}: not in the public register, so 404")
    assert asked > 50
    assert problems == [], "\n".join(problems)
