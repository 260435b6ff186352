"""Refusals: a refused action changes nothing and says, in Indonesian, what to do and why."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sikd.testing.engine import KOTA_PATH, actor, begin, load_fixture, take
from sikd.workflow import (
    REFUSAL_CODES,
    SYSTEM_ACTOR,
    Decision,
    Refusal,
    apply,
    available_actions,
    check_rulebook,
    decide,
    is_valid_state,
)


@pytest.fixture(scope="module")
def rb() -> dict:
    return load_fixture()


def at(rb, stage, kind="kota", subtype="kota_kembar"):
    state = begin(rb, "KSDPL", subtype, kind)
    for s, action in KOTA_PATH:
        if s == stage == state.stage:
            return state
        if s == state.stage:  # a provinsi initiator never stands at the Gubernur stages
            state, _ = take(rb, state, action)
    raise AssertionError(stage)


def refused(result, code) -> Refusal:
    assert isinstance(result, Refusal), result
    assert result.code == code and code in REFUSAL_CODES
    assert result.message.endswith(".")
    return result


def test_wrong_role_is_refused_naming_the_roles_pasal_65(rb):
    """PERWAL57 Pasal 65: only the Sekretariat DPRD records the DPRD decision."""
    state = at(rb, "persetujuan_dprd")
    r = refused(
        decide(rb, state, "setujui", actor("own", "opd"), {"nomor_surat": "1"}), "role_not_allowed"
    )
    assert "Sekretariat DPRD" in r.message and "Pasal 65(2)" in r.message
    assert r.missing == ("sekretariat_dprd",)


def test_wrong_level_is_refused_pasal_66_ayat_2(rb):
    """PERWAL57 Pasal 66(2): while the Gubernur holds the rencana, Kemendagri cannot act."""
    state = at(rb, "rencana_gubernur")
    r = refused(decide(rb, state, "teruskan", actor("kemendagri"), {}), "wrong_level")
    assert "Gubernur" in r.message and "Tunggu" in r.message
    # the kota itself cannot forward its own submission either
    refused(decide(rb, state, "teruskan", actor("own"), {}), "wrong_level")
    assert available_actions(rb, state, actor("kemendagri")) == []


def test_missing_documents_are_all_named_by_label_pasal_64_ayat_2(rb):
    """PERWAL57 Pasal 64(2): the request to DPRD attaches the Rencana and the signed LoI."""
    state = replace(at(rb, "rencana"), documents=frozenset())
    r = refused(decide(rb, state, "ajukan_rencana", actor("own"), {}), "missing_documents")
    assert r.missing == ("rencana_kerja_sama", "loi")
    assert "«Rencana Kerja Sama»" in r.message
    assert "«Pernyataan Kehendak Kerja Sama (LoI)»" in r.message
    assert "Lampirkan" in r.message and "Pasal 64(2)" in r.message
    [info] = [a for a in available_actions(rb, state, actor("own")) if a.id == "ajukan_rencana"]
    assert info.missing_documents == r.missing and not info.ready


def test_stage_and_action_documents_both_required_pasal_70_ayat_1(rb):
    """PERWAL57 Pasal 70(1): surat persetujuan and the final naskah, after the konfirmasi."""
    state = replace(at(rb, "persetujuan_menteri"), documents=frozenset())
    r = refused(decide(rb, state, "setujui", actor("kemendagri"), {}), "missing_documents")
    assert r.missing == ("surat_konfirmasi", "surat_persetujuan_menteri", "naskah_final")


def test_return_needs_a_reason_pasal_66_ayat_2(rb):
    """A Gubernur returning a submission gives its reasons (DOMAIN §4; PERWAL57 Pasal 66(2))."""
    state = at(rb, "rencana_gubernur")
    for blank in ({}, {"alasan": "   "}):
        r = refused(decide(rb, state, "kembalikan", actor("provinsi"), blank), "reason_required")
        assert r.missing == ("alasan",) and "«Alasan»" in r.message
    d = decide(rb, state, "kembalikan", actor("provinsi"), {"alasan": "LoI belum dilampirkan"})
    assert isinstance(d, Decision) and d.hop.outcome == "returned"
    assert d.to_stage == "penyampaian_rencana" and d.inputs == {"alasan": "LoI belum dilampirkan"}


def test_refuse_needs_a_reason_pasal_65_ayat_2(rb):
    """PERWAL57 Pasal 65(2): a DPRD rejection is recorded with its reason."""
    state = at(rb, "persetujuan_dprd")
    refused(decide(rb, state, "tolak", actor("own"), {}), "reason_required")
    d = decide(rb, state, "tolak", actor("own"), {"alasan": "Membebani APBD"})
    assert d.to_stage == "ditolak" and d.terminal


def test_missing_and_invalid_inputs_pasal_65_ayat_2(rb):
    """PERWAL57 Pasal 65(2): the DPRD decision is a letter with a number and a date."""
    state = at(rb, "persetujuan_dprd")
    who = actor("own", "sekretariat_dprd")
    r = refused(decide(rb, state, "setujui", who, {"nomor_surat": ""}), "missing_inputs")
    assert r.missing == ("nomor_surat", "tanggal_surat")
    assert "«Nomor surat persetujuan»" in r.message
    r = refused(
        decide(rb, state, "setujui", who, {"nomor_surat": "17", "tanggal_surat": "31/12/2024"}),
        "invalid_inputs",
    )
    assert r.missing == ("tanggal_surat",) and "TTTT-BB-HH" in r.message
    r = refused(
        decide(rb, state, "setujui", who, {"nomor_surat": "17", "tanggal_surat": "2024-02-30"}),
        "invalid_inputs",
    )


def test_choice_input_outside_the_list_is_refused_pasal_58_ayat_1(rb):
    """PERWAL57 Pasal 58(1): prakarsa comes from one of three origins."""
    state = begin(rb, "KSDPL", "kota_kembar", "kota")
    r = refused(
        decide(rb, state, "catat_prakarsa", actor("own"), {"asal_prakarsa": "swasta"}),
        "invalid_inputs",
    )
    assert "melalui_menteri" in r.message


def test_stale_version_is_refused(rb):
    state = at(rb, "rencana_gubernur")
    r = refused(
        decide(rb, state, "teruskan", actor("provinsi"), {}, expected_version=state.version - 1),
        "stale_state",
    )
    assert "Muat ulang" in r.message
    assert isinstance(
        decide(rb, state, "teruskan", actor("provinsi"), {}, expected_version=state.version),
        Decision,
    )


def test_terminal_accepts_no_action(rb):
    state = replace(at(rb, "persetujuan_dprd"), stage="ditolak")
    assert is_valid_state(rb, state)
    r = refused(decide(rb, state, "setujui", actor("own"), {}), "terminal")
    assert "«Ditolak»" in r.message
    assert available_actions(rb, state, actor("own")) == []


def test_unknown_action_lists_the_available_ones(rb):
    state = at(rb, "verifikasi")
    r = refused(decide(rb, state, "setujui", actor("kemendagri"), {}), "unknown_action")
    assert "Pertimbangan: perbaiki Rencana Kerja Sama" in r.message


def test_system_actor_only_takes_deadline_actions(rb):
    state = at(rb, "verifikasi")
    r = refused(decide(rb, state, "pertimbangan_lanjut", SYSTEM_ACTOR, {}), "role_not_allowed")
    assert "tenggat" in r.message
    assert available_actions(rb, state, SYSTEM_ACTOR) == []


def test_action_condition_not_met():
    """An action ``when`` (engine extension) refuses with condition_not_met."""
    rb = load_fixture()
    stage = next(s for s in rb["processes"]["luar_negeri"]["stages"] if s["id"] == "pelaksanaan")
    akhiri = next(a for a in stage["actions"] if a["id"] == "akhiri")
    akhiri["when"] = {"types": ["KSDLL"]}
    assert check_rulebook(rb) == []
    state = at(rb, "pelaksanaan")
    r = refused(
        decide(rb, state, "akhiri", actor("own"), {"dasar_pengakhiran": "tujuan_tercapai"}),
        "condition_not_met",
    )
    assert "KSDPL" in r.message and "Pasal 79" in r.message
    assert "akhiri" not in {a.id for a in available_actions(rb, state, actor("own"))}


def test_available_actions_respects_roles(rb):
    """PERWAL57 Pasal 67 / PMDN25 tahap 7: the verifier gives pertimbangan, the leader refuses."""
    state = at(rb, "verifikasi")
    verifier = {a.id for a in available_actions(rb, state, actor("kemendagri", "sekjen_verifier"))}
    leader = {a.id for a in available_actions(rb, state, actor("kemendagri", "sekjen_leader"))}
    assert verifier == {"pertimbangan_perbaiki", "pertimbangan_lanjut"}
    assert leader == {"tolak"}
    [tolak] = available_actions(rb, state, actor("kemendagri", "sekjen_leader"))
    assert tolak.reason_required and tolak.inputs[0].name == "alasan"
    assert tolak.lands_on == "ditolak" and tolak.to_level == "own"


def test_rulebook_check_finds_broken_references():
    rb = load_fixture()
    stages = rb["processes"]["luar_negeri"]["stages"]
    stages[0]["actions"][0]["to"] = "tidak_ada"
    del stages[5]["skip_to"]
    problems = check_rulebook(rb)
    assert any("tidak_ada" in p for p in problems)
    assert any("when tanpa skip_to" in p for p in problems)


def test_provinsi_level_stage_without_when_is_still_skipped_for_a_provinsi():
    """DOMAIN §4 / FORMAT.md: ``level: provinsi`` means the parent provinsi; a provinsi
    initiator has none, so the stage is passed over along its forwarding action."""
    rb = load_fixture()
    stage = next(
        s for s in rb["processes"]["luar_negeri"]["stages"] if s["id"] == "naskah_gubernur"
    )
    del stage["when"], stage["skip_to"]
    assert check_rulebook(rb) == []
    state = at(rb, "naskah", kind="provinsi")
    state, d = take(rb, state, "sampaikan_naskah")
    assert state.stage == "pembahasan"
    assert [s.stage for s in d.skipped_stages] == ["naskah_gubernur"]
    assert "pemerintah provinsi" in d.skipped_stages[0].reason


def test_kemendagri_refusal_goes_home_and_tells_the_gubernur_pasal_56(rb):
    """PERWAL57 Pasal 56: no cooperation without the Government's approval; the refusal goes
    back to the kota and its Gubernur sees it (DOMAIN §4)."""
    state = at(rb, "verifikasi")
    d = decide(rb, state, "tolak", actor("kemendagri"), {"alasan": "Tidak sesuai RPJMN"})
    assert d.terminal and d.to_stage == "ditolak"
    assert (d.hop.from_level, d.hop.to_level, d.hop.outcome) == ("kemendagri", "own", "decided")
    assert set(d.notify_levels) == {"own", "kemendagri", "provinsi"}


def test_apply_rejects_a_decision_made_for_another_state(rb):
    state = at(rb, "verifikasi")
    state = replace(state, documents=state.documents | {"surat_pertimbangan"})
    d = decide(rb, state, "pertimbangan_lanjut", actor("kemendagri"), {})
    moved = apply(state, d)
    with pytest.raises(ValueError, match="keputusan dibuat untuk tahap"):
        apply(moved, d)


def test_rulebook_check_finds_a_stage_no_action_leads_to():
    """A stage added after another (FORMAT.md stages_add) must also be pointed to."""
    rb = load_fixture()
    proc = rb["processes"]["luar_negeri"]
    proc["stages"].insert(2, {"id": "sisipan", "level": "own", "roles": ["opd"], "actions": []})
    assert check_rulebook(rb) == ["luar_negeri.sisipan: tahap tidak dapat dicapai dari 'prakarsa'"]


def test_required_list_of_blanks_counts_as_missing_pasal_59_ayat_2(rb):
    """PERWAL57 Pasal 59(2): the penjajakan mechanism used must be named."""
    state = replace(at(rb, "penjajakan"), documents=frozenset({"kajian"}))
    r = refused(
        decide(rb, state, "ajukan_tanggapan", actor("own"), {"mekanisme_penjajakan": [" "]}),
        "missing_inputs",
    )
    assert r.missing == ("mekanisme_penjajakan",)
    d = decide(
        rb, state, "ajukan_tanggapan", actor("own"), {"mekanisme_penjajakan": [" kunjungan "]}
    )
    assert d.inputs == {"mekanisme_penjajakan": ["kunjungan"]}
