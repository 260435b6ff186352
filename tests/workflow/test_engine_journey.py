"""Whole journeys through the KSDPL/KSDLL process (DOMAIN §3-4) on the fixture rulebook."""

from __future__ import annotations

import pytest

from sikd.testing.engine import KOTA_PATH, begin, load_fixture, take
from sikd.workflow import (
    SYSTEM_ACTOR,
    DeadlineSpec,
    Decision,
    apply,
    decide,
    is_valid_state,
    on_deadline_expired,
    start,
)

GUBERNUR_STAGES = {"rencana_gubernur", "naskah_gubernur", "laporan_gubernur"}


@pytest.fixture(scope="module")
def rb() -> dict:
    return load_fixture()


def run(rb, state, path):
    visited, hops, decisions = [], [], []
    for stage, action in path:
        assert state.stage == stage
        visited.append(stage)
        state, d = take(rb, state, action)
        decisions.append(d)
        assert is_valid_state(rb, state)
        if d.hop:
            hops.append((d.hop.from_level, d.hop.to_level, d.hop.outcome))
    return state, visited, hops, decisions


def test_ksdpl_kota_kembar_full_journey_for_a_kota_routes_via_gubernur_kemendagri_kemlu(rb):
    """PMDN25 tahap 1-12; PERWAL57 Pasal 57-81: every stage in order, via the Gubernur."""
    state = begin(rb, "KSDPL", "kota_kembar", "kota")
    state, visited, hops, decisions = run(rb, state, KOTA_PATH)
    assert visited == [s for s, _ in KOTA_PATH]
    assert state.stage == "pelaksanaan"
    assert state.version == 1 + len(KOTA_PATH)
    assert hops == [
        ("own", "kemendagri", "forwarded"),  # permohonan tanggapan, Pasal 61
        ("kemendagri", "own", "decided"),
        ("own", "provinsi", "forwarded"),  # rencana to the Gubernur, Pasal 66(2)
        ("provinsi", "kemendagri", "forwarded"),
        ("kemendagri", "own", "decided"),  # pertimbangan, Pasal 67
        ("own", "provinsi", "forwarded"),  # naskah to the Gubernur, Pasal 68(2)
        ("provinsi", "kemendagri", "forwarded"),
        ("kemendagri", "kemlu", "forwarded"),  # PMDN25 tahap 9
        ("kemlu", "kemendagri", "forwarded"),  # surat konfirmasi
        ("kemendagri", "own", "decided"),  # surat persetujuan, Pasal 70
        ("own", "kemendagri", "forwarded"),  # naskah asli, Pasal 71(2)
        ("kemendagri", "own", "decided"),  # salinan, Pasal 71(3)
        ("own", "provinsi", "forwarded"),  # laporan via Gubernur, Pasal 80(1)
        ("provinsi", "kemendagri", "forwarded"),
        ("kemendagri", "own", "decided"),
    ]
    assert all(not d.skipped_stages for d in decisions)
    # the Gubernur is told when Kemendagri's decision returns to its kota (DOMAIN §4)
    back = [d for d in decisions if d.hop and d.hop.from_level == "kemendagri"]
    assert all("provinsi" in d.notify_levels for d in back if d.hop.to_level == "own")


def test_ksdpl_full_journey_for_a_provinsi_skips_gubernur_stages(rb):
    """DOMAIN §4: a provinsi's own submissions go straight to Kemendagri."""
    state = begin(rb, "KSDPL", "lainnya", "provinsi")
    path = [(s, a) for s, a in KOTA_PATH if s not in GUBERNUR_STAGES]
    state, visited, hops, decisions = run(rb, state, path)
    assert state.stage == "pelaksanaan"
    assert not GUBERNUR_STAGES & set(visited)
    assert "provinsi" not in {lv for h in hops for lv in h[:2]}
    skipped = [s.stage for d in decisions for s in d.skipped_stages]
    assert skipped == ["rencana_gubernur", "naskah_gubernur", "laporan_gubernur"]
    by_action = {d.from_stage: d for d in decisions}
    assert by_action["penyampaian_rencana"].to_stage == "verifikasi"
    assert by_action["penyampaian_rencana"].hop.to_level == "kemendagri"
    assert "pemerintah provinsi" in by_action["naskah"].skipped_stages[0].reason
    # no Gubernur deadline is ever opened for a provinsi initiator
    opened = {spec.stage for d in decisions for spec in d.deadlines_to_open}
    assert not opened & GUBERNUR_STAGES


def test_ksdll_penerusan_skips_persetujuan_dprd_pasal_64(rb):
    """PERWAL57 Pasal 64(1): only KSDPL and KSDLL-lainnya need DPRD approval."""
    state = begin(rb, "KSDLL", "penerusan", "kota")
    for stage, action in KOTA_PATH[:4]:
        state, _ = take(rb, state, action)
        assert stage
    state, d = take(rb, state, "ajukan_rencana")
    assert d.to_stage == "penyampaian_rencana"
    assert [s.stage for s in d.skipped_stages] == ["persetujuan_dprd"]
    reason = d.skipped_stages[0].reason
    assert "penerusan" in reason and "Pasal 64" in reason
    assert not any(spec.stage == "persetujuan_dprd" for spec in d.deadlines_to_open)


@pytest.mark.parametrize("subtype", ["lainnya"])
def test_ksdll_lainnya_needs_persetujuan_dprd_pasal_64_ayat_1_b(rb, subtype):
    """PERWAL57 Pasal 64(1) huruf b."""
    state = begin(rb, "KSDLL", subtype, "kabupaten")
    for _, action in KOTA_PATH[:4]:
        state, _ = take(rb, state, action)
    state, d = take(rb, state, "ajukan_rencana")
    assert d.to_stage == "persetujuan_dprd" and not d.skipped_stages


def at_stage(rb, kind, stage, type="KSDPL", subtype="kota_kembar"):
    state = begin(rb, type, subtype, kind)
    for s, action in KOTA_PATH:
        if s == stage:
            return state
        state, last = take(rb, state, action)
    raise AssertionError(stage)


def test_dprd_silence_is_deemed_approval_pasal_65_ayat_3(rb):
    """PERWAL57 Pasal 65(3); PMDN25 tahap 5: no answer within the term = approved."""
    state = at_stage(rb, "kota", "rencana")
    state, entering = take(rb, state, "ajukan_rencana")
    [spec] = entering.deadlines_to_open
    assert (spec.stage, spec.amount, spec.unit, spec.on_expiry, spec.starts) == (
        "persetujuan_dprd",
        45,
        "hari",
        "deemed_approved",
        "entered",
    )
    assert [r.before for r in spec.reminders] == [5, 1]
    # no surat persetujuan DPRD exists on silence: the system's action does not need one
    d = on_deadline_expired(rb, state, spec)
    assert isinstance(d, Decision)
    assert d.action == "setujui" and d.actor_level == "system" and d.expiry == "deemed_approved"
    assert d.to_stage == "penyampaian_rencana"  # the Kepala Daerah continues, Pasal 65(4)
    assert "Pasal 65(3)" in d.basis
    assert d.deadlines_to_close == ("persetujuan_dprd",)
    after = apply(state, d)
    assert after.version == state.version + 1
    # idempotent: the deadline fired again on the moved cooperation does nothing
    assert on_deadline_expired(rb, after, spec) is None


def test_gubernur_silence_routes_rencana_directly_pasal_66_ayat_3(rb):
    """PERWAL57 Pasal 66(3): after 5 days without forwarding, straight to Kemendagri."""
    state = at_stage(rb, "kota", "penyampaian_rencana")
    state, entering = take(rb, state, "sampaikan_rencana")
    [spec] = entering.deadlines_to_open
    assert (spec.stage, spec.amount, spec.unit, spec.on_expiry, spec.action) == (
        "rencana_gubernur",
        5,
        "hari",
        "route_direct",
        "teruskan",
    )
    d = on_deadline_expired(rb, state, spec)
    assert d.to_stage == "verifikasi"
    assert d.hop.outcome == "routed_directly"
    assert (d.hop.from_level, d.hop.to_level) == ("provinsi", "kemendagri")
    assert d.hop.basis == "PERWAL57 Pasal 66(3)" == d.basis
    assert "provinsi" in d.notify_levels and "kemendagri" in d.notify_levels
    assert d.deadlines_to_close == ("rencana_gubernur",)


def test_gubernur_silence_routes_naskah_directly_pasal_68_ayat_3(rb):
    """PERWAL57 Pasal 68(3)."""
    state = at_stage(rb, "kabupaten", "naskah")
    state, entering = take(rb, state, "sampaikan_naskah")
    [spec] = entering.deadlines_to_open
    d = on_deadline_expired(rb, state, spec)
    assert d.to_stage == "pembahasan"
    assert d.hop.outcome == "routed_directly" and d.hop.basis == "PERWAL57 Pasal 68(3)"


def test_gubernur_forwarding_in_time_closes_the_5_day_deadline_pasal_66_ayat_2(rb):
    """PERWAL57 Pasal 66(2): forwarded by the Gubernur, the fallback deadline closes."""
    state = at_stage(rb, "kota", "rencana_gubernur")
    spec = DeadlineSpec(
        "rencana_gubernur", 5, "hari", "entered", "route_direct", "teruskan", (), ""
    )
    state, d = take(rb, state, "teruskan")
    assert d.hop.outcome == "forwarded" and d.deadlines_to_close == ("rencana_gubernur",)
    assert on_deadline_expired(rb, state, spec) is None  # stale expiry: no move


def test_pertimbangan_perbaiki_returns_to_rencana_pasal_67_ayat_2_a(rb):
    """PERWAL57 Pasal 67(2) huruf a."""
    state = at_stage(rb, "kota", "verifikasi")
    state, d = take(rb, state, "pertimbangan_perbaiki")
    assert state.stage == "rencana" and d.kind == "decide"
    assert (d.hop.from_level, d.hop.to_level, d.hop.outcome) == ("kemendagri", "own", "decided")
    assert d.inputs["pertimbangan"]
    assert "Pasal 67(2) huruf a" in d.basis
    # re-entering rencana re-opens the LoI masa-berlaku watch
    assert [s.on_expiry for s in d.deadlines_to_open] == ["expire"]


def test_pertimbangan_lanjut_goes_to_naskah_pasal_67_ayat_2_b(rb):
    """PERWAL57 Pasal 67(2) huruf b."""
    state = at_stage(rb, "kota", "verifikasi")
    state, d = take(rb, state, "pertimbangan_lanjut")
    assert state.stage == "naskah" and "Pasal 67(2) huruf b" in d.basis


def test_kemlu_asks_for_changes_back_to_kemendagri_pembahasan_pmdn25_tahap_9(rb):
    """PMDN25 tahap 9: Kemlu returns the result, or asks for changes."""
    state = at_stage(rb, "kota", "konfirmasi_kemlu")
    s2, d = take(rb, state, "minta_perubahan")
    assert s2.stage == "pembahasan"
    assert (d.hop.from_level, d.hop.to_level, d.hop.outcome) == ("kemlu", "kemendagri", "returned")
    assert d.inputs["alasan"]
    s3, d = take(rb, state, "terbitkan_surat_konfirmasi")
    assert s3.stage == "persetujuan_menteri" and "surat_konfirmasi" in s3.documents


def test_loi_masa_berlaku_expiry_flags_dormant_pasal_62_ayat_3(rb):
    """PERWAL57 Pasal 62(3) + DOMAIN §8: LoI expired with no Rencana = dormant, stage stays."""
    state = at_stage(rb, "kota", "loi")
    state, d = take(rb, state, "tandatangani_loi")
    [spec] = d.deadlines_to_open
    assert spec.starts == "loi.tanggal_penandatanganan" and spec.on_expiry == "expire"
    e = on_deadline_expired(rb, state, spec)
    assert e.kind == "expire" and e.to_stage == "rencana" and e.flags_added == {"dormant"}
    state = apply(state, e)
    assert "dormant" in state.flags and state.stage == "rencana"
    assert on_deadline_expired(rb, state, spec) is None  # already flagged


def test_remind_deadline_never_moves_the_cooperation(rb):
    """PERWAL57 Pasal 80(1): the report deadline at the Gubernur only reminds."""
    state = at_stage(rb, "kota", "laporan_gubernur")
    spec = DeadlineSpec("laporan_gubernur", 5, "hari", "entered", "remind", None, (), "")
    assert on_deadline_expired(rb, state, spec) is None


def test_system_may_take_the_deadline_action_through_decide(rb):
    """The system actor acting directly gets the same routed_directly move (Pasal 66(3))."""
    state = at_stage(rb, "kota", "rencana_gubernur")
    d = decide(rb, state, "teruskan", SYSTEM_ACTOR, {})
    assert d.hop.outcome == "routed_directly" and d.basis == "PERWAL57 Pasal 66(3)"


def test_akhiri_ends_the_cooperation_pasal_79(rb):
    """PERWAL57 Pasal 79: the end names its ground."""
    state = at_stage(rb, "kota", "pelaksanaan")
    state, d = take(rb, state, "akhiri")
    assert state.stage == "selesai" and d.terminal
    assert d.inputs["dasar_pengakhiran"] == "kesepakatan_para_pihak"


def test_ksdd_dprd_only_when_burdening_pasal_27(rb):
    """PERWAL57 Pasal 27: DPRD approval only when it burdens or is not budgeted."""
    for facts, expected in [((), "pks"), (("belum_dianggarkan",), "persetujuan_dprd")]:
        state = begin(rb, "KSDD", "sukarela", "kota", facts)
        state, _ = take(rb, state, "ajukan_kak")
        state, d = take(rb, state, "tandatangani_kb")
        assert state.stage == expected
        assert bool(d.skipped_stages) == (expected == "pks")


def test_start_refuses_an_unknown_type():
    rb = load_fixture()
    r = start(rb, "KSDPL", "tidak_ada", "kota")
    assert r.code == "unknown_process" and "Pilih jenis" in r.message
