"""The cross-tenant matrix: every route of the app × a user of every role in a foreign tenant ×
Kota Bekasi's objects, reads and writes → 404 (403 where a role gate stands before any object),
no Bekasi content in any answer, and nothing of Bekasi changed (every row it owns, its audit
chain and the grants it gave, compared before and after each request).

The routes come from the app's ``url_map`` (cross-checked with the OpenAPI document), so a new
endpoint is in the matrix without anyone adding it. The matrix runs three times: with both
isolation layers; with row-level security bypassed (the app connects as a superuser, which
PostgreSQL never subjects to policies); and with the application filter switched off
(``owned_by`` and ``visibility_filter`` patched to ``true``). A control run with both layers off
shows that the matrix does see a leak when there is one.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pytest
from sqlalchemy import text, true
from sqlalchemy.engine import make_url

from sikd.core import clock
from sikd.testing import PDF, TEST_PASSWORD, ApiUser, fill_fields, login
from sikd.testing.security import sister_city
from sikd.testing.tenant_state import changed, fingerprint, tenant_tables

FOREIGN_TENANTS = ("33.72", "33", "KEMLU", "KEMENDAGRI")  # Surakarta, Jawa Tengah, the ministries

# Routes that address no tenant's object and would end the caller's own sign-in; the matrix
# cannot continue past them. Everything else in the url_map is exercised.
NOT_IN_MATRIX = {
    "static": "files of the app itself",
    "bootstrap.static": "files of the app itself",
    "accounts.logout": "ends the caller's own session",
    "auth.Password": "changes the caller's own password",
}
# Kemendagri holds a grant on every cooperation from its creation (create.py): for its roles the
# cooperation and what hangs on it are not foreign, so they meet Bekasi's other objects only.
# (A letter filed on the cooperation is among them: row-level security shows it to grantees; the
# app filter, stricter, to its issuer only.)
COOPERATION_BOUND = {"coop_id", "doc_id", "version_id", "action", "letter_id", "round_id"}
SECRET_TITLE = "Rahasia Bekasi Kota Kembar Contoh"  # ASCII: JSON escapes the rest
SECRET_FILE = "rahasia-bekasi-kajian.pdf"
SECRET_PD = "Dinas Rahasia Bekasi"  # a Perangkat Daerah's pemetaan recommendation


@dataclass
class World:
    bekasi_id: int
    ids: dict[str, object]
    markers: list[str]
    note_ids: list[int]
    doc_kind: str
    fields: dict
    version: int
    foreign: list  # (role, user)
    granted: set  # tenants that hold a grant on the cooperation (provinsi, Kemendagri)
    results: dict[str, list] = field(default_factory=dict)


@pytest.fixture
def world(app, client, make_user, tenant, kinds) -> World:
    """Kota Bekasi: a KSDPL one step in (stage history, hops, deadlines, notifications), its
    documents, a letter, its users and their tokens. Foreign: one user per role of the catalogue."""
    from sikd.workflow.roles import ROLES

    opd = ApiUser(client, make_user("32.75", ["opd"]), TEST_PASSWORD)
    tkksd = ApiUser(client, make_user("32.75", ["tkksd"]), TEST_PASSWORD)
    admin = make_user("32.75", ["tenant_admin"])
    today = clock.now().date()
    created = opd.post("/api/v1/cooperations", json=sister_city(SECRET_TITLE))
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    tkksd.act(cid, "lanjut_penjajakan", kinds, today)
    up = opd.upload(cid, "kajian", kinds, today, filename=SECRET_FILE)
    assert up.status_code == 201, up.get_json()
    letter = tkksd.post(
        f"/api/v1/cooperations/{cid}/letters",
        json={
            "kind": "surat_permohonan_dprd",
            "context": {
                "tujuan": "Ketua DPRD Kota Bekasi",
                "penandatangan": {"jabatan": "Wali Kota Bekasi", "nama": "Nama Wali Kota"},
            },
        },
    )
    assert letter.status_code == 202, letter.get_json()
    detail = tkksd.get(f"/api/v1/cooperations/{cid}").get_json()
    actions = tkksd.actions(cid)["actions"]
    token_items = tkksd.get("/api/v1/auth/tokens").get_json()["tokens"]
    notes = tkksd.get("/api/v1/notifications").get_json()["items"]
    assert notes, "the world needs a Bekasi notification"
    cycle = tkksd.post("/api/v1/pemetaan", json={"year": today.year})
    assert cycle.status_code == 201, cycle.get_json()
    team = [{"nama": "Anggota Tim", "jabatan": "Kepala Bidang"}]
    sub = opd.post(
        f"/api/v1/pemetaan/{cycle.get_json()['id']}/rekomendasi",
        json={"perangkat_daerah": SECRET_PD, "tim_anggota": team, "masalah": "Rahasia"},
    )
    assert sub.status_code == 201, sub.get_json()
    round_id = _monitoring_round(cid)
    doc = up.get_json()
    foreign = []
    for code, role in sorted(ROLES.items()):
        home = next(t for t in FOREIGN_TENANTS if role.allowed_on(tenant(t).kind, t))
        foreign.append((code, make_user(home, [code])))
    return World(
        bekasi_id=tenant("32.75").id,
        ids={
            "coop_id": cid,
            "doc_id": doc["id"],
            "version_id": doc["versions"][0]["id"],
            "letter_id": letter.get_json()["id"],
            "user_id": admin.id,
            "token_id": token_items[0]["id"],
            "action": actions[0]["id"] if actions else "sepakat",
            "cycle_id": cycle.get_json()["id"],
            "sub_id": sub.get_json()["id"],
            "round_id": round_id,
        },
        markers=[
            SECRET_TITLE,
            SECRET_FILE,
            detail["number"],
            letter.get_json()["nomor"],
            tkksd.user.email,
            admin.email,
            SECRET_PD,
        ],
        note_ids=[n["id"] for n in notes],
        doc_kind="kajian",
        fields=fill_fields(kinds["kajian"], today),
        version=detail["version"],
        foreign=foreign,
        granted=_granted(cid),
    )


def _monitoring_round(coop_id: int) -> int:
    """A pemantauan round of the cooperation awaiting its report (the tim's page and API)."""
    from sikd.cooperations.models import Cooperation
    from sikd.cooperations.rounds import MonitoringRound
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with system_scope():
        coop = db.session.get(Cooperation, coop_id)
        rnd = MonitoringRound(
            tenant_id=coop.tenant_id,
            cooperation_id=coop_id,
            kind="pemantauan",
            reason="diperlukan",
            scheduled_on=clock.now().date(),
            due_on=clock.now().date(),
            status="open",
            opened_at=clock.now(),
            report={"alasan": "pemantauan rahasia"},
        )
        db.session.add(rnd)
        db.session.commit()
        return rnd.id


def _granted(coop_id: int) -> set[int]:
    from sqlalchemy import select

    from sikd.cooperations.models import CooperationAccess
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with system_scope():
        return set(
            db.session.scalars(
                select(CooperationAccess.tenant_id).where(
                    CooperationAccess.cooperation_id == coop_id
                )
            )
        )


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    rule: str
    object_params: tuple[str, ...]

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")


def matrix_cases(app) -> list[Case]:
    cases = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_IN_MATRIX:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            cases.append(Case(rule.endpoint, method, rule.rule, tuple(sorted(rule.arguments))))
    return sorted(cases, key=lambda c: (c.rule, c.method))


def test_the_matrix_covers_every_route_and_every_openapi_operation(app):
    cases = matrix_cases(app)
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert set(NOT_IN_MATRIX) <= endpoints, "an exclusion names a route that no longer exists"
    covered = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", c.rule), c.method.lower()) for c in cases}
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    prefix = "/api/v1"
    for path, operations in spec["paths"].items():
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                full = path if path.startswith(prefix) else prefix + path
                assert (full, method) in covered or full.endswith(("/auth/password",)), (
                    f"{method.upper()} {full} is not in the matrix"
                )


# --- one request ---------------------------------------------------------------------------


def _path(case: Case, world: World, user, app) -> str:
    values = {}
    for name in case.object_params:
        if name in world.ids:
            values[name] = world.ids[name]
        elif case.endpoint == "download_link":  # a link made out to the caller, for Bekasi's file
            from sikd.documents.uploads import link_serializer

            with app.test_request_context():
                values[name] = link_serializer().dumps(
                    [world.ids["doc_id"], world.ids["version_id"], user.id]
                )
        else:
            values[name] = "tidak-ada-tautan-ini"
    out = case.rule
    for name, value in values.items():
        out = re.sub(rf"<(?:\w+:)?{name}>", str(value), out)
    return out


def _body(case: Case, world: World, csrf: str | None) -> dict:
    """A body that would do the write if the caller were allowed to (so a leak shows)."""
    if case.endpoint == "documents.CooperationDocuments":
        return {
            "data": {
                "kind": world.doc_kind,
                "document_id": str(world.ids["doc_id"]),
                "fields": json.dumps(world.fields),
                "file": (io.BytesIO(PDF), "tulis-silang.pdf"),
            },
            "content_type": "multipart/form-data",
        }
    if case.endpoint == "document_pages.upload":
        return {
            "data": {
                "csrf_token": csrf,
                "kind": world.doc_kind,
                "document_id": str(world.ids["doc_id"]),
                "berkas": (io.BytesIO(PDF), "tulis-silang.pdf"),
                **{
                    f"isi_{k}": "\n".join(v) if isinstance(v, list) else str(v)
                    for k, v in world.fields.items()
                },
            },
            "content_type": "multipart/form-data",
        }
    if case.api:
        payload = {
            "documents.Supersede": {"reason": "tulis silang"},
            "cooperations.TakeAction": {"inputs": {}, "expected_version": world.version},
            "documents.CooperationLetters": {"kind": "surat_permohonan_dprd", "context": {}},
            "notifications.NotificationsRead": {"ids": world.note_ids},
            "cooperations.Cooperations": sister_city("Kerja sama milik sendiri"),
        }.get(case.endpoint, {})
        return {"json": payload}
    return {"data": {"csrf_token": csrf, "alasan": "tulis silang", "ids": world.note_ids}}


@dataclass
class Caller:
    role: str
    user: object
    api: object  # a client with the bearer token
    web: object  # a client signed in through the form
    headers: dict
    csrf: str


def _callers(app, world: World, roles: set[str] | None = None) -> list[Caller]:
    out = []
    for role, user in world.foreign:
        if roles is not None and role not in roles:
            continue
        api = app.test_client()
        token = api.post(
            "/api/v1/auth/tokens", json={"email": user.email, "password": TEST_PASSWORD}
        )
        assert token.status_code == 201, token.get_json()
        web = app.test_client()
        assert login(web, user.email).status_code == 302
        page = web.get("/akun/token").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf, f"no CSRF token for {role}"
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        out.append(Caller(role, user, api, web, headers, csrf.group(1)))
    return out


def run_matrix(
    app, world: World, owner_engine, mode: str, roles: set[str] | None = None
) -> tuple[int, list[str]]:
    """Every case × every foreign caller (or those of ``roles``); returns (requests, leaks)."""
    tables = tenant_tables(owner_engine)
    cases = matrix_cases(app)
    requests, leaks = 0, []
    for caller in _callers(app, world, roles):
        granted = caller.user.tenant_id in world.granted
        markers = world.markers[4:] if granted else world.markers  # Bekasi users' e-mails
        for case in cases:
            if granted and (
                COOPERATION_BOUND & set(case.object_params) or case.endpoint == "download_link"
            ):
                continue
            path = _path(case, world, caller.user, app)
            body = _body(case, world, caller.csrf) if case.method != "GET" else {}
            client = caller.api if case.api else caller.web
            headers = caller.headers if case.api else {}
            before = fingerprint(owner_engine, world.bekasi_id, tables)
            response = client.open(path, method=case.method, headers=headers, **body)
            requests += 1
            after = fingerprint(owner_engine, world.bekasi_id, tables)
            raw_body = response.get_data()  # bytes: some routes answer with a PDF or an image
            where = f"[{mode}] {caller.role} {case.method} {path} → {response.status_code}"
            if response.status_code >= 500:
                leaks.append(f"{where}: server error")
            if case.object_params and response.status_code not in (403, 404, 410):
                leaks.append(f"{where}: expected 404 (or 403 before any object)")
            if case.method != "GET" and response.status_code == 400 and not case.api:
                leaks.append(f"{where}: refused before reaching the object (CSRF?)")
            shown = [m for m in markers if m.encode() in raw_body]
            if shown:
                leaks.append(f"{where}: shows {shown}")
            if changed(before, after):
                leaks.append(f"{where}: changed Bekasi's {changed(before, after)}")
    return requests, leaks


# --- the layers, one at a time ----------------------------------------------------------------


@contextmanager
def rls_bypassed(settings) -> Iterator[object]:
    """The same app, connected as the superuser, whom PostgreSQL never subjects to policies."""
    from sikd import create_app
    from sikd.core.extensions import db

    url = make_url(settings.database_url).set(username="postgres", password=None)
    bypass = create_app(replace(settings, database_url=url.render_as_string(hide_password=False)))
    try:
        yield bypass
    finally:
        with bypass.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def app_filter_off(monkeypatch) -> Iterator[None]:
    """``owned_by`` and ``visibility_filter`` (every app-side tenant clause) patched to ``true``."""
    from sikd.cooperations import access
    from sikd.tenancy import scope

    originals = {"owned_by": scope.owned_by, "visibility_filter": access.visibility_filter}
    with monkeypatch.context() as patch:
        for module in [m for n, m in sys.modules.items() if n.startswith("sikd")]:
            for name, original in originals.items():
                if getattr(module, name, None) is original:
                    patch.setattr(module, name, lambda *a, **k: true())
        yield


def _foreign_sees_bekasi_rows(app, world: World) -> int:
    """How many Bekasi cooperations a foreign tenant's transaction reads by SQL (RLS check)."""
    from sikd.core.extensions import db
    from sikd.tenancy.scope import tenant_scope

    stranger = world.foreign[0][1]
    with app.app_context(), tenant_scope(stranger.tenant_id):
        seen = db.session.scalar(
            text("select count(*) from cooperations where tenant_id = :t"), {"t": world.bekasi_id}
        )
        db.session.rollback()
    return seen


def _app_filter_admits_bekasi(world: World) -> bool:
    from sikd.cooperations.access import visible_query

    return "cooperation_access" not in str(visible_query())


def test_no_foreign_tenant_reaches_bekasi_with_either_layer_alone(
    app, settings, world, owner_engine, monkeypatch, capsys
):
    figures = {}
    # both layers
    assert _foreign_sees_bekasi_rows(app, world) == 0
    figures["both layers"] = run_matrix(app, world, owner_engine, "both")
    # row-level security bypassed: the app filter alone
    with rls_bypassed(settings) as bypass:
        assert _foreign_sees_bekasi_rows(bypass, world) == 1, "RLS was not bypassed"
        figures["app filter alone (RLS bypassed)"] = run_matrix(
            bypass, world, owner_engine, "rls-off"
        )
    # the app filter off: row-level security alone
    with app_filter_off(monkeypatch):
        assert _app_filter_admits_bekasi(world), "the app filter was not switched off"
        figures["RLS alone (app filter off)"] = run_matrix(app, world, owner_engine, "app-off")
    with capsys.disabled():
        for name, (requests, leaks) in figures.items():
            print(f"\ncross-tenant matrix, {name}: {requests} requests, {len(leaks)} leaks")
    leaks = [leak for _, found in figures.values() for leak in found]
    assert leaks == [], f"{len(leaks)} leaks:\n" + "\n".join(leaks[:60])


def test_with_both_layers_off_the_matrix_sees_the_leak(
    app, settings, world, owner_engine, monkeypatch
):
    """The control: were both layers gone, the same matrix reports Surakarta's TKKSD reading and
    writing Bekasi's records, so its zero above is a finding and not a blind spot."""
    with rls_bypassed(settings) as bypass, app_filter_off(monkeypatch):
        _, leaks = run_matrix(bypass, world, owner_engine, "both-off", roles={"tkksd"})
    coop = world.ids["coop_id"]
    assert any(f"GET /api/v1/cooperations/{coop} → 200" in leak for leak in leaks), leaks
    assert any(f"GET /kerja-sama/{coop} → 200" in leak and "shows" in leak for leak in leaks)
    assert any("changed Bekasi's" in leak for leak in leaks), leaks  # a download, audited
