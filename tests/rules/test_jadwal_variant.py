"""A variant patches the schedules (``jadwal``) of the rules above it, tightening only.

The 6-month rhythm of pemantauan and evaluasi is Perwal Bekasi 57/2023 Pasal 85(3), (5) (the
second Pasal 85, Pengawasan), and the partner's half-yearly report is its Pasal 87(1); national
law (Permendagri 23/2009 Pasal 6 and 10 huruf d angka 1) requires monitoring and evaluation in the
pelaksanaan without an interval. So the national rulebook opens a round only "pada saat
diperlukan" and Bekasi's variant sets its rhythm through the jadwal patch."""

from __future__ import annotations

import shutil

import pytest
import yaml

from sikd.rules import check_file, effective_rulebook, load_rulebook_file
from sikd.rules.loader import RULES_DIR


def test_national_pemantauan_evaluasi_when_needed_pmdn23_pasal_10_huruf_d_angka_1():
    jadwal = effective_rulebook("33.72").as_dict()["jadwal"]  # Surakarta: national rules
    for kind in ("pemantauan", "evaluasi"):
        assert jadwal[kind]["anchor"] == "diperlukan", kind
        assert "PMDN23 Pasal 10 huruf d angka 1" in jadwal[kind]["basis"]
        assert "85(3)" not in jadwal[kind]["basis"] and "85(5)" not in jadwal[kind]["basis"]
    assert "laporan_mitra" not in jadwal  # Perwal Bekasi Pasal 87(1) binds Bekasi only
    assert jadwal["pemantauan"]["pengawasan"]["documents"] == ["laporan_pemantauan"]


def test_bekasi_pemantauan_6_bulan_after_signing_perwal_pasal_85_ayat_3_and_5_and_87():
    book = effective_rulebook("32.75")
    jadwal = book.as_dict()["jadwal"]
    p, e = jadwal["pemantauan"], jadwal["evaluasi"]
    assert (p["anchor"], p["amount"], p["unit"]) == ("penandatanganan", 6, "bulan")
    assert "PERWAL57 Pasal 85(2)-(3)" in p["basis"]
    assert (e["anchor"], e["amount"], e["unit"]) == ("laporan_pengawasan", 6, "bulan")
    assert "85(4)-(7)" in e["basis"]
    # Pasal 88: the attachments of the reports
    assert p["pengawasan"]["documents"] == ["laporan_pemantauan", "laporan_mitra"]
    assert p["pengawasan"]["optional_documents"] == ["berita_acara_tinjau_lokasi"]
    assert e["pengawasan"]["one_of"] == ["berita_acara_rapat", "berita_acara_tinjau_lokasi"]
    mitra = jadwal["laporan_mitra"]
    assert mitra["every"] == {"amount": 6, "unit": "bulan"} and "Pasal 87(1)" in mitra["basis"]
    # `sikd rules diff 32.75` shows each as Bekasi's, with its basis
    changed = {c.key: c for c in book.changes if c.key.startswith("jadwal.")}
    assert changed["jadwal.pemantauan.anchor"].source == "32.75"
    assert "Pasal 85(2)-(3)" in changed["jadwal.pemantauan.anchor"].description
    assert "jadwal.laporan_mitra" in changed


@pytest.fixture
def rules(tmp_path):
    shutil.copy(RULES_DIR / "national.yaml", tmp_path / "national.yaml")
    shutil.copy(RULES_DIR / "32.75.yaml", tmp_path / "32.75.yaml")
    return tmp_path


def bekasi_jadwal(rules, change) -> list:
    data = load_rulebook_file(rules / "32.75.yaml")
    change(data["jadwal"])
    (rules / "32.75.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return check_file(rules / "32.75.yaml")


def test_shipped_jadwal_patch_is_accepted(rules):
    assert bekasi_jadwal(rules, lambda j: None) == []


def test_tightening_is_accepted(rules):
    def tighten(j):
        j["laporan_tahunan"] = {"amount": 3, "reminders_add": [{"before": 30, "unit": "hari"}]}
        j["permohonan_perpanjangan"] = {"amount": 7}  # counted back: an earlier notice
        j["akhir_jangka_waktu"] = {"types_add": ["KSDD"], "label": "Akhir masa berlaku"}

    assert bekasi_jadwal(rules, tighten) == []


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda j: j.update(akhir_jangka_waktu=None), "jadwal.akhir_jangka_waktu", "menghapus"),
        (
            lambda j: j.update(laporan_tahunan={"amount": 10}),
            "laporan_tahunan.amount",
            "dilonggarkan",
        ),
        (lambda j: j.update(permohonan_perpanjangan={"amount": 3}), "amount", "dilonggarkan"),
        (
            lambda j: j.update(laporan_tahunan={"every": {"amount": 2, "unit": "tahun"}}),
            "laporan_tahunan.every",
            "jarang",
        ),
        (lambda j: j.update(laporan_tahunan={"on_expiry": "berakhir"}), "on_expiry", "Tidak boleh"),
        (lambda j: j.update(laporan_tahunan={"roles": ["opd"]}), "roles", "Tidak boleh"),
        (
            lambda j: j.update(laporan_tahunan={"anchor": "penandatanganan"}),
            "anchor",
            "Tidak boleh",
        ),
        (
            lambda j: j["evaluasi"]["pengawasan"].update(
                report_within={"amount": 2, "unit": "bulan"}
            ),
            "report_within",
            "diperpanjang",
        ),
        (
            lambda j: j["laporan_mitra"].update(on_expiry="berakhir"),
            "laporan_mitra.on_expiry",
            "mengakhiri",
        ),
        (lambda j: j.update(baru={"label": "Laporan"}), "jadwal.baru", "lengkap"),
    ],
    ids=[
        "drop",
        "longer",
        "shorter_lead",
        "rarer",
        "on_expiry",
        "roles",
        "anchor",
        "report_within",
        "new_ends",
        "new_incomplete",
    ],
)
def test_a_variant_never_loosens_or_drops_a_schedule(rules, change, path, words):
    errors = bekasi_jadwal(rules, change)
    assert errors, "the change should be refused"
    hit = [e for e in errors if path in e.path]
    assert hit and words in hit[0].reason, [(e.path, e.reason) for e in errors]
