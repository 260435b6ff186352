"""Demo cooperations for ``make run`` (sikd.demo_data): a living system, written through the
services, with real PDFs, the Gubernur fallback and the DPRD's deemed approval."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from sikd.audit.services import verify_chain
from sikd.cooperations.models import Cooperation, StageEvent
from sikd.core.extensions import db
from sikd.core.storage import get_storage
from sikd.demo import DEMO_DAERAH, seed_demo_accounts, seed_demo_cooperations
from sikd.documents.models import Document, DocumentVersion
from sikd.notifications.models import Notification
from sikd.routing.models import RoutingHop
from sikd.rules import effective_rulebook
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant
from sikd.tenancy.scope import system_scope

# What the demo must show as a current stage, grouped as a newcomer would name it.
CURRENT_STAGE_GROUPS = {
    "prakarsa": {"prakarsa"},
    "penjajakan": {"penjajakan"},
    "tanggapan Menteri": {"tanggapan_menteri", "koordinasi_kemlu"},
    "LoI": {"pernyataan_kehendak"},
    "rencana": {"penyusunan_rencana", "telaah_rencana", "penyampaian_rencana"},
    "di DPRD": {"persetujuan_dprd"},
    "di Gubernur": {"rencana_di_gubernur", "naskah_di_gubernur", "laporan_di_gubernur"},
    "verifikasi Kemendagri": {"verifikasi_rencana"},
    "naskah": {"penyusunan_naskah", "pembahasan_naskah"},
    "di Kemlu": {"penelaahan_kemlu"},
    "persetujuan": {"persetujuan_menteri"},
    "ditandatangani": {"rencana_penandatanganan", "penandatanganan", "penerbitan_salinan"},
    "pelaksanaan": {"pelaksanaan"},
}


@pytest.fixture
def seeded(app_ctx):
    seed_demo_accounts("kata-sandi-demo-uji-1")
    started = time.monotonic()
    summary = seed_demo_cooperations(strict=True)
    summary.elapsed = time.monotonic() - started
    return summary


def _all(query):
    with system_scope():
        rows = db.session.execute(query).all()
        db.session.commit()
    return rows


def test_demo_cooperations_tell_every_stage_with_real_documents_and_fallbacks(seeded, app_ctx):
    summary = seeded
    assert summary.error is None
    print(f"\nseed_demo_cooperations: {summary.elapsed:.1f} s, {summary.documents} dokumen")

    coops = _all(select(Cooperation, Tenant.code).join(Tenant, Tenant.id == Cooperation.tenant_id))
    assert len(coops) >= 18
    assert {code for _, code in coops} == set(DEMO_DAERAH)
    assert summary.cooperations == len(coops)
    foreign = [c for c, _ in coops if c.process == "luar_negeri"]
    assert {c.type for c, _ in coops} >= {"KSDPL", "KSDLL", "KSDD", "KSDPK"}
    assert all(c.partner_country and len(c.partner_country) == 2 for c in foreign)

    # every stage of the luar_negeri process up to pelaksanaan is somebody's current stage…
    current = {c.stage for c in foreign}
    for group, stages in CURRENT_STAGE_GROUPS.items():
        assert current & stages, f"tidak ada kerja sama pada tahap {group}"
    # …and every one of them was passed through by some cooperation (Bekasi's variant included)
    stages = [
        s["id"] for s in effective_rulebook("32.75").as_dict()["processes"]["luar_negeri"]["stages"]
    ]
    upto = stages[: stages.index("pelaksanaan") + 1]
    visited = {row[0] for row in _all(select(StageEvent.to_stage).distinct())}
    assert set(upto) <= visited, set(upto) - visited

    # one returned for revision, one refused, one dormant (LoI lapsed without a Rencana)
    assert any(c.status == "ditolak" for c, _ in coops)
    assert any(
        e.kind in ("return", "decide") and e.action == "pertimbangan_perbaiki"
        for (e,) in _all(select(StageEvent))
    )
    dormant = [c for c in foreign if "dormant" in (c.flags or [])]
    assert dormant and all(c.stage == "penyusunan_rencana" for c in dormant)

    # the Gubernur's silence routed one straight to Kemendagri (Perwal Bekasi 57/2023 Pasal 66(3))
    direct = [h for (h,) in _all(select(RoutingHop).where(RoutingHop.outcome == "routed_directly"))]
    assert len(direct) == 1  # and no other deadline ran out by accident
    assert any("Pasal 66(3)" in h.basis or "DOMAIN §4" in h.basis for h in direct)
    # the DPRD's silence was deemed approval
    deemed = _all(select(StageEvent).where(StageEvent.expiry == "deemed_approved"))
    assert len(deemed) == 1 and deemed[0][0].to_stage == "penyampaian_rencana"

    # a cooperation in pelaksanaan with an RKT and an annual report accepted by Kemendagri
    kinds_by_coop: dict[int, set[str]] = {}
    for doc, _version in _all(
        select(Document, DocumentVersion).join(
            DocumentVersion, DocumentVersion.id == Document.current_version_id
        )
    ):
        kinds_by_coop.setdefault(doc.cooperation_id, set()).add(doc.kind)
    assert any(
        c.stage == "pelaksanaan"
        and {"rencana_kegiatan_tahunan", "laporan_tahunan", "salinan_naskah"}
        <= kinds_by_coop.get(c.id, set())
        for c in foreign
    )

    # every attached document is a stored PDF
    versions = [v for (v,) in _all(select(DocumentVersion))]
    assert len(versions) >= summary.documents > 50
    storage = get_storage()
    for version in versions:
        stream = storage.open(version.storage_key, version.storage_version_id)
        try:
            assert stream.read(5) == b"%PDF-", version.filename
        finally:
            stream.close()
        assert version.content_type == "application/pdf"

    # history spreads over the past ~18 months and ends before now; the clock is restored
    starts = [c.created_at for c, _ in coops]
    from sikd.core import clock

    now = clock.now()
    assert "sikd_clock" not in app_ctx.extensions
    assert (now - min(starts)).days >= 450
    assert max(e.at for (e,) in _all(select(StageEvent))) <= now

    # the audit chain holds for every tenant the demo wrote to
    tenants = {code for _, code in coops} | {"32", "33", KEMENDAGRI, KEMLU}
    for code in tenants:
        tenant = db.session.scalar(select(Tenant).where(Tenant.code == code))
        with system_scope():
            report = verify_chain(tenant.id)
            db.session.commit()
        assert report.ok, (code, report)

    # the history's notifications are kept but not mailed out at the first start
    from sikd.core.jobs import get_queue

    assert get_queue("notifications").count == 0
    notes = _all(select(Notification.email_status).distinct())
    assert notes and {status for (status,) in notes} == {"dilewati"}

    # Kabupaten Bogor got its own demo accounts, with the password returned
    assert summary.password and len(summary.password) >= 10
    assert {a.tenant_code for a in summary.accounts} == {"32.01"}
    assert any(line.startswith("kepala-daerah.3201@") for line in summary.account_lines())

    # running it again adds nothing
    def counts():
        with system_scope():
            out = (
                db.session.scalar(select(func.count()).select_from(Cooperation)),
                db.session.scalar(select(func.count()).select_from(StageEvent)),
                db.session.scalar(select(func.count()).select_from(DocumentVersion)),
            )
            db.session.commit()
        return out

    before = counts()
    again = seed_demo_cooperations(strict=True)
    assert again.skipped and again.cooperations == 0 and not again.accounts
    assert counts() == before
