"""The supervision phases of Permendagri 23/2009 Pasal 4 and the KSDPK selection criteria of
Perwal Kota Bekasi 57/2023 Pasal 39(2) are rulebook data (tenants/rules/national.yaml), so a
variant sees them in its merged rulebook and may add to them."""

from __future__ import annotations

import shutil

import pytest
import yaml

from sikd.rules import check_file, effective_rulebook, load_rulebook_file
from sikd.rules.loader import RULES_DIR
from sikd.rules.vocabulary import SUPERVISION_PHASES


@pytest.fixture
def rules(tmp_path):
    shutil.copy(RULES_DIR / "national.yaml", tmp_path / "national.yaml")
    shutil.copy(RULES_DIR / "32.75.yaml", tmp_path / "32.75.yaml")
    return tmp_path


def _bekasi_with(rules, stages: dict):
    data = load_rulebook_file(rules / "32.75.yaml")
    data.setdefault("processes", {}).setdefault("ksdpk", {})["stages"] = stages
    (rules / "32.75.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return check_file(rules / "32.75.yaml")


def test_every_domestic_stage_names_its_supervision_phase_pmdn23_pasal_4():
    """Permendagri 23/2009 Pasal 4: penjajakan, negosiasi, penandatanganan, pelaksanaan and
    pengakhiran; each KSDD/KSDPK stage of the shipped rulebooks says which it belongs to."""
    for code in ("32.75", "33.72"):
        book = effective_rulebook(code).as_dict()
        for pid in ("ksdd", "ksdpk"):
            phases = {s["id"]: s.get("pengawasan_tahap") for s in book["processes"][pid]["stages"]}
            assert all(p in SUPERVISION_PHASES for p in phases.values()), (pid, phases)
            assert phases["pelaksanaan"] == "pelaksanaan"
            assert phases["pengakhiran"] == "pengakhiran"
            assert phases["persetujuan_dprd"] == "negosiasi"
            assert phases["penandatanganan_pks"] == "penandatanganan"
            assert phases["penawaran"] == "penjajakan"


def test_selection_criteria_are_the_three_of_pasal_39_2_and_a_variant_may_add(rules):
    """Perwal 57/2023 Pasal 39(2) huruf a-c: bonafiditas, pengalaman, komitmen; a variant may
    add a criterion of its own (never one that exists), and may re-phase a stage."""
    stage = effective_rulebook("32.75").stage("ksdpk", "pemilihan_mitra")
    assert [c["id"] for c in stage["kriteria_pemilihan"]] == [
        "bonafiditas",
        "pengalaman",
        "komitmen",
    ]
    assert all("39(2)" in c["basis"] for c in stage["kriteria_pemilihan"])

    added = {
        "id": "kemampuan_keuangan",
        "label": "Kemampuan keuangan",
        "basis": "PERWAL57 Pasal 39",
    }
    assert _bekasi_with(rules, {"pemilihan_mitra": {"kriteria_pemilihan_add": [added]}}) == []
    merged = effective_rulebook("32.75", rules).stage("ksdpk", "pemilihan_mitra")
    assert [c["id"] for c in merged["kriteria_pemilihan"]][-1] == "kemampuan_keuangan"

    twice = {"id": "komitmen", "label": "Komitmen", "basis": "PERWAL57 Pasal 39"}
    errors = _bekasi_with(rules, {"pemilihan_mitra": {"kriteria_pemilihan_add": [twice]}})
    assert errors and "sudah ada" in errors[0].reason
    elsewhere = _bekasi_with(rules, {"penawaran": {"kriteria_pemilihan_add": [added]}})
    assert elsewhere and "tidak memilih calon mitra" in elsewhere[0].reason
    assert _bekasi_with(rules, {"penawaran": {"pengawasan_tahap": "negosiasi"}}) == []
    assert effective_rulebook("32.75", rules).stage("ksdpk", "penawaran")["pengawasan_tahap"] == (
        "negosiasi"
    )
