"""The shipped rulebooks (national.yaml, 32.75.yaml): valid, every rule with a basis, key Pasal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sikd.rules import (
    WorkingCalendar,
    check_all,
    content_hash,
    effective_rulebook,
    load_rulebook_file,
)
from sikd.rules.loader import RULES_DIR, normalize
from sikd.rules.meaning import deadlines_of, rule_nodes
from sikd.workflow.rulebook import REGULATION_TOKEN


def holds(cond: dict | None, type: str, subtype: str, initiator: str, facts: set[str]) -> bool:
    """FORMAT.md Condition semantics: all given keys must hold."""
    cond = cond or {}
    return (
        ("types" not in cond or type in cond["types"])
        and ("subtypes" not in cond or subtype in cond["subtypes"])
        and ("initiator_kinds" not in cond or initiator in cond["initiator_kinds"])
        and ("any_fact" not in cond or bool(facts & set(cond["any_fact"])))
        and ("all_facts" not in cond or set(cond["all_facts"]) <= facts)
    )


@pytest.fixture(scope="module")
def national():
    return effective_rulebook("33.72")  # Kota Surakarta: no variant file, national rules only


@pytest.fixture(scope="module")
def bekasi():
    return effective_rulebook("32.75")


def test_shipped_rule_files_have_no_errors():
    assert check_all(RULES_DIR) == []


@pytest.mark.parametrize("name", ["national.yaml", "32.75.yaml"])
def test_every_shipped_rule_has_a_basis_with_a_known_regulation(name):
    """Every rule (stage, action, deadline, document kind, field, check, persyaratan, objek)
    carries a non-empty basis whose regulation keys are declared."""
    regulations = dict(load_rulebook_file(RULES_DIR / "national.yaml")["regulations"])
    raw = normalize(load_rulebook_file(RULES_DIR / name))
    regulations.update(raw.get("regulations") or {})
    if name == "national.yaml":
        nodes = rule_nodes(raw)
    else:  # a variant: its added kinds, fields, stages, actions and deadlines
        nodes = []
        for kind, patch in raw["document_kinds"].items():
            nodes.append((f"document_kinds.{kind}", patch))
            for i, f in enumerate(patch.get("fields", []) + patch.get("fields_add", [])):
                nodes.append((f"document_kinds.{kind}.fields[{i}]", f))
        for pid, pp in raw["processes"].items():
            for i, add in enumerate(pp.get("stages_add", [])):
                nodes.append((f"processes.{pid}.stages_add[{i}]", add["stage"]))
                nodes += [(f"…{a['id']}", a) for a in add["stage"]["actions"]]
            for sid, sp in pp.get("stages", {}).items():
                nodes += [(f"processes.{pid}.stages.{sid}.deadline", d) for d in deadlines_of(sp)]
                nodes += [
                    (f"processes.{pid}.stages.{sid}.deadlines_add", d)
                    for d in sp.get("deadlines_add", [])
                ]
    assert len(nodes) > 20
    for path, node in nodes:
        basis = node.get("basis", "")
        assert basis.strip(), f"{name}: {path} tanpa dasar hukum"
        keys = REGULATION_TOKEN.findall(basis)
        assert keys, f"{name}: {path}: {basis!r} tidak menyebut peraturan"
        assert set(keys) <= set(regulations), f"{name}: {path}: {keys}"


def test_merged_rulebook_rules_all_have_basis(bekasi):
    for path, node in rule_nodes(bekasi.as_dict()):
        assert REGULATION_TOKEN.search(node.get("basis", "")), path


def test_dprd_45_hari_kerja_deemed_approved_national_pmdn25_tahap_5(national):
    d = national.stage("luar_negeri", "persetujuan_dprd")["deadline"]
    assert (d["amount"], d["unit"], d["on_expiry"], d["action"]) == (
        45,
        "hari_kerja",
        "deemed_approved",
        "setujui",
    )
    assert d["basis"] == "PMDN25 tahap 5"
    assert "Permendagri 25/2020" in national.render_basis(d["basis"])


def test_dprd_45_hari_bekasi_pasal_65(bekasi):
    d = bekasi.stage("luar_negeri", "persetujuan_dprd")["deadline"]
    assert (d["amount"], d["unit"], d["on_expiry"]) == (45, "hari", "deemed_approved")
    assert "Pasal 65" in d["basis"]
    assert bekasi.source_of("processes.luar_negeri.stages.persetujuan_dprd.deadline") == "32.75"
    assert bekasi.source_of("processes.luar_negeri.stages.persetujuan_dprd") == "national"


def test_dprd_for_ksdll_penerusan_national_yes_bekasi_no_pasal_64(national, bekasi):
    """PMDN25 tahap 5 nationally (every KSDPL/KSDLL); only Perwal Bekasi Pasal 64(1) exempts
    penerusan, in Bekasi's variant."""
    stage = national.stage("luar_negeri", "persetujuan_dprd")
    assert "PMDN25 tahap 5" in stage["basis"] and "Pasal 64" not in stage["basis"]
    assert stage["skip_to"] == "penyampaian_rencana"
    assert holds(stage["when"], "KSDLL", "penerusan", "kota", set())
    local = bekasi.stage("luar_negeri", "persetujuan_dprd")
    assert "Pasal 64" in local["basis"]
    assert not holds(local["when"], "KSDLL", "penerusan", "kota", set())
    for type, subtype in [("KSDPL", "kota_kembar"), ("KSDPL", "lainnya"), ("KSDLL", "lainnya")]:
        assert holds(stage["when"], type, subtype, "kota", set())
        assert holds(local["when"], type, subtype, "kota", set())


def test_gubernur_routing_only_for_kabupaten_kota_with_5_hari_fallback(national):
    """DOMAIN §4: stages 6, 8 and the annual report go via the Gubernur, direct after 5 days."""
    for sid, kemendagri in [
        ("rencana_di_gubernur", "verifikasi_rencana"),
        ("naskah_di_gubernur", "pembahasan_naskah"),
        ("laporan_di_gubernur", "laporan_di_kemendagri"),
    ]:
        stage = national.stage("luar_negeri", sid)
        assert stage["level"] == "provinsi" and stage["roles"] == ["gubernur_verifier"]
        assert stage["skip_to"] == kemendagri
        assert national.stage("luar_negeri", kemendagri)["level"] == "kemendagri"
        assert holds(stage["when"], "KSDPL", "lainnya", "kabupaten", set())
        assert not holds(stage["when"], "KSDPL", "lainnya", "provinsi", set())
        d = stage["deadline"]
        assert (d["amount"], d["unit"], d["on_expiry"], d["action"]) == (
            5,
            "hari",
            "route_direct",
            "teruskan",
        )
        actions = {a["id"]: a for a in stage["actions"]}
        assert actions["teruskan"]["hop_outcome"] == "forwarded"
        assert actions["kembalikan"]["kind"] == "return"


def test_gubernur_5_hari_bekasi_pasal_66_ayat_3_and_68_ayat_3(bekasi):
    assert (
        bekasi.stage("luar_negeri", "rencana_di_gubernur")["deadline"]["basis"]
        == "PERWAL57 Pasal 66(3)"
    )
    assert (
        bekasi.stage("luar_negeri", "naskah_di_gubernur")["deadline"]["basis"]
        == "PERWAL57 Pasal 68(3)"
    )
    for sid in ("rencana_di_gubernur", "naskah_di_gubernur"):
        d = bekasi.stage("luar_negeri", sid)["deadline"]
        assert (d["amount"], d["unit"], d["on_expiry"]) == (5, "hari", "route_direct")


def test_loi_masa_berlaku_at_most_1_tahun_pasal_62_ayat_3(national):
    loi = national.data["document_kinds"]["loi"]
    check = loi["checks"][0]
    assert (check["check"], check["from"], check["to"]) == (
        "max_span",
        "tanggal_penandatanganan",
        "masa_berlaku_sampai",
    )
    assert (check["amount"], check["unit"]) == (1, "tahun")
    assert "Pasal 62(3)" in check["basis"]
    names = {f["name"] for f in loi["fields"]}
    assert {"judul", "subjek", "maksud_tujuan", "ruang_lingkup", "tempat_penandatanganan"} <= names


def test_jangka_waktu_at_most_5_tahun_pasal_78_ayat_1(national):
    for kind in ("rencana_kerja_sama", "naskah"):
        checks = national.data["document_kinds"][kind]["checks"]
        assert any(
            c["check"] == "max_span"
            and (c["amount"], c["unit"]) == (5, "tahun")
            and "Pasal 78(1)" in c["basis"]
            for c in checks
        ), kind


def test_ksdd_dprd_only_when_burdensome_or_unbudgeted_pasal_27(national):
    stage = national.stage("ksdd", "persetujuan_dprd")
    assert "27" in stage["basis"]
    # each side's DPRD in parallel, each only when its own side is burdened
    assert stage["skip_to"] == "penyusunan_pks"
    assert set(stage["parallel"]) == {"own", "partner"}
    assert holds(
        stage["parallel"]["partner"]["when"],
        "KSDD",
        "sukarela",
        "kota",
        {"mitra_belum_dianggarkan"},
    )
    assert not holds(
        stage["parallel"]["own"]["when"], "KSDD", "sukarela", "kota", {"mitra_belum_dianggarkan"}
    )
    assert not holds(stage["when"], "KSDD", "sukarela", "kota", set())
    assert holds(stage["when"], "KSDD", "sukarela", "kota", {"membebani_masyarakat"})
    assert holds(stage["when"], "KSDD", "wajib", "kota", {"belum_dianggarkan"})


def test_ksdpk_dprd_condition_pasal_43_and_studi_kelayakan_pasal_38(national):
    stage = national.stage("ksdpk", "persetujuan_dprd")
    assert "43" in stage["basis"]
    assert not holds(stage["when"], "KSDPK", "investasi", "kota", set())
    persiapan = national.stage("ksdpk", "persiapan")
    assert all("studi_kelayakan" in a["requires_documents"] for a in persiapan["actions"])


def test_tanggapan_menteri_before_loi_pasal_61(bekasi, national):
    ids = [s["id"] for s in bekasi.data["processes"]["luar_negeri"]["stages"]]
    assert (
        ids.index("penjajakan")
        < ids.index("tanggapan_menteri")
        < ids.index("koordinasi_kemlu")
        < ids.index("pernyataan_kehendak")
    )
    sepakat = next(
        a for a in bekasi.stage("luar_negeri", "penjajakan")["actions"] if a["id"] == "sepakat"
    )
    assert sepakat["to"] == "tanggapan_menteri"
    assert {"kajian", "surat_permohonan_tanggapan"} <= set(
        bekasi.stage("luar_negeri", "penjajakan")["requires_documents"]
    )
    stage = bekasi.stage("luar_negeri", "tanggapan_menteri")
    assert (stage["level"], stage["roles"]) == ("kemendagri", ["sekjen_verifier"])
    tanggapan = next(a for a in stage["actions"] if a["kind"] == "advance")
    assert tanggapan["to"] == "koordinasi_kemlu"  # then Kemlu, PMDN25 tahap 3 (national)
    assert tanggapan["requires_documents"] == ["surat_tanggapan_menteri"]
    assert "Pasal 61" in stage["basis"]


def test_kajian_contents_bekasi_pasal_60_ayat_3(bekasi):
    names = [f["name"] for f in bekasi.data["document_kinds"]["kajian"]["fields"]]
    assert names == [
        "judul",
        "ringkasan",
        "latar_belakang",
        "maksud_tujuan",
        "pemetaan_potensi",
        "manfaat",
        "kesimpulan",
    ]


def test_annual_report_to_gubernur_by_first_week_of_january_pasal_80_ayat_2(bekasi):
    # now a yearly schedule of every daerah (rulebook ``jadwal``), no longer a stage deadline
    annual = bekasi.as_dict()["jadwal"]["laporan_tahunan"]
    assert annual["on_expiry"] == "terlambat" and "Pasal 80(2)" in annual["basis"]
    assert (annual["anchor"], annual["amount"], annual["unit"]) == ("awal_tahun", 6, "hari")
    # counted from 1 January of the next year: ends 7 January 23:59:59 local
    start = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # = 2027-01-01 00:00 WIB
    due = WorkingCalendar().due_instant(start, annual["amount"], annual["unit"], "WIB")
    assert due == datetime(2027, 1, 7, 16, 59, 59, 999999, tzinfo=UTC)  # 7 Januari 23:59:59 WIB


def test_pemantauan_and_evaluasi_every_6_bulan_pasal_85_ayat_3_and_5(bekasi, national):
    for sid, ayat in (("pemantauan", "85(3)"), ("evaluasi", "85(5)")):
        d = bekasi.stage("pengawasan", sid)["deadline"]
        assert (d["amount"], d["unit"], d["on_expiry"]) == (6, "bulan", "remind")
        assert ayat in d["basis"]
        assert "deadline" not in national.stage("pengawasan", sid)
    assert "laporan_mitra" in bekasi.stage("pengawasan", "pemantauan")["requires_documents"]


def test_matriks_evaluasi_eight_recommendations_pasal_85_ayat_6_and_7(bekasi):
    fields = {f["name"]: f for f in bekasi.data["document_kinds"]["matriks_evaluasi"]["fields"]}
    for name in (
        "dasar_perjanjian",
        "materi_evaluasi",
        "permasalahan",
        "solusi",
        "tindak_lanjut",
        "opd_penanggung_jawab",
        "keterangan",
    ):
        assert name in fields
    assert len(fields["rekomendasi"]["choices"]) == 8
    assert "mengakhiri_kerja_sama" in fields["rekomendasi"]["choices"]


def test_extension_request_goes_directly_to_kemendagri_pasal_78_ayat_3(national):
    ajukan = next(
        a
        for a in national.stage("luar_negeri", "pelaksanaan")["actions"]
        if a["id"] == "ajukan_perpanjangan"
    )
    assert national.stage("luar_negeri", ajukan["to"])["level"] == "kemendagri"
    check = national.data["document_kinds"]["surat_permohonan_perpanjangan"]["checks"][0]
    assert (check["check"], check["amount"], check["unit"]) == ("min_span", 6, "bulan")


def test_pertimbangan_perbaiki_back_to_rencana_or_lanjut_to_naskah_pmdn25_tahap_7(national):
    actions = {a["id"]: a for a in national.stage("luar_negeri", "verifikasi_rencana")["actions"]}
    assert actions["pertimbangan_perbaiki"]["to"] == "penyusunan_rencana"
    assert actions["pertimbangan_lanjut"]["to"] == "penyusunan_naskah"
    assert (
        actions["pertimbangan_perbaiki"]["kind"]
        == actions["pertimbangan_lanjut"]["kind"]
        == "decide"
    )


def test_kemlu_round_trip_surat_konfirmasi_pmdn25_tahap_9(national):
    kirim = next(
        a
        for a in national.stage("luar_negeri", "pembahasan_naskah")["actions"]
        if a["id"] == "kirim_ke_kemlu"
    )
    kemlu = national.stage("luar_negeri", kirim["to"])
    assert kemlu["level"] == "kemlu" and kemlu["roles"] == ["kemlu_reviewer"]
    actions = {a["kind"]: a for a in kemlu["actions"]}
    assert actions["advance"]["requires_documents"] == ["surat_konfirmasi"]
    assert actions["advance"]["to"] == "persetujuan_menteri"
    assert actions["return"]["to"] == "pembahasan_naskah"


def test_every_review_stage_can_return_for_revision(national):
    reviews = [
        "telaah_rencana",
        "rencana_di_gubernur",
        "verifikasi_rencana",
        "naskah_di_gubernur",
        "pembahasan_naskah",
        "penelaahan_kemlu",
        "persetujuan_menteri",
        "laporan_di_gubernur",
        "laporan_di_kemendagri",
        "perpanjangan",
    ]
    for sid in reviews:
        assert any(a["kind"] == "return" for a in national.stage("luar_negeri", sid)["actions"]), (
            sid
        )


def test_merged_shape_and_hash(bekasi, tmp_path):
    data = bekasi.as_dict()
    assert data["id"] == "32.75"
    assert set(data) == {
        "id",
        "title",
        "regulations",
        "roles",
        "objek",
        "persyaratan",
        "document_kinds",
        "processes",
        "jadwal",
    }
    data["processes"].clear()  # as_dict is a copy: the merged rulebook is untouched
    assert bekasi.data["processes"]
    assert content_hash(bekasi) == effective_rulebook("32.75").content_hash
    assert bekasi.content_hash != effective_rulebook("33.72").content_hash


def test_kab_kota_without_variant_gets_national_rules():
    merged = effective_rulebook("32.01")  # Kabupaten Bogor
    assert merged.chain == ["national"]
    assert merged.as_dict()["id"] == "32.01"


def test_objek_pasal_55_and_persyaratan_pasal_51(national):
    assert [o["code"] for o in national.data["objek"]] == [
        "iptek",
        "pertukaran_budaya",
        "kemampuan_teknis_manajemen",
        "promosi_potensi_daerah",
        "olahraga",
        "lainnya",
    ]
    by_code = {p["code"]: p for p in national.data["persyaratan"]}
    assert by_code["kesetaraan_status"]["types"] == ["KSDPL"]
    assert "hubungan_diplomatik" in by_code and "iptek_dapat_dialihkan" in by_code


def test_rules_dir_is_the_repo_tenants_folder():
    assert Path(RULES_DIR, "national.yaml").exists()
