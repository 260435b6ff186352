"""Which regulation governs DPRD approval of a KSDLL penerusan: Permendagri 25/2020 (tahap 5:
"Kerja Sama Luar Negeri harus memperoleh persetujuan DPRD") governs the national rules, so every
KSDPL/KSDLL needs it; Perwal Bekasi 57/2023 Pasal 64(1) exempts penerusan, so only Bekasi's
variant does, carrying that basis — and a variant may loosen a national rule only so, with its
own regulation's words, listed in the README."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sikd.rules import check_file, effective_rulebook, load_rulebook_file
from sikd.rules.loader import RULES_DIR
from sikd.testing.engine import begin, take

README = Path(__file__).resolve().parents[2] / "README.md"
TO_DPRD = [
    "lanjut_penjajakan",
    "sepakat",
    "beri_tanggapan",
    "beri_tanggapan_kemlu",
    "loi_ditandatangani",
    "ajukan_telaah",
    "ajukan_ke_dprd",
]


def after_telaah(code: str, subtype: str) -> str:
    rb = effective_rulebook(code).as_dict()
    state = begin(rb, "KSDLL", subtype, "kota")
    for action in TO_DPRD:
        state, _ = take(rb, state, action)
    return state.stage


@pytest.mark.parametrize(
    ("code", "subtype", "stage"),
    [
        ("33.72", "penerusan", "persetujuan_dprd"),  # national rules: PMDN25 tahap 5
        ("33.72", "lainnya", "persetujuan_dprd"),
        ("32.75", "penerusan", "penyampaian_rencana"),  # Perwal Bekasi Pasal 64(1)
        ("32.75", "lainnya", "persetujuan_dprd"),
    ],
)
def test_dprd_for_ksdll_penerusan_pmdn25_tahap_5_and_bekasi_pasal_64(code, subtype, stage):
    assert after_telaah(code, subtype) == stage


def test_bekasi_exception_carries_its_basis_and_is_listed_in_readme():
    readme = README.read_text(encoding="utf-8")
    listed = 0
    for path in sorted(RULES_DIR.glob("*.yaml")):
        if path.stem == "national":
            continue
        data = load_rulebook_file(path)
        for pid, proc in (data.get("processes") or {}).items():
            for sid, patch in (proc.get("stages") or {}).items():
                exc = (patch or {}).get("pengecualian")
                if not exc:
                    continue
                assert any(key in exc["basis"] for key in data["regulations"]), (path, sid)
                row = next((line for line in readme.splitlines() if f"`{pid}.{sid}`" in line), "")
                assert path.stem in row and exc["basis"] in row, (path.stem, pid, sid)
                listed += 1
    assert listed >= 1
    # `sikd rules diff 32.75` shows the exception with its basis
    diff = [c for c in effective_rulebook("32.75").changes if c.key.endswith("pengecualian")]
    assert [(c.source, "Pasal 64(1)" in c.description) for c in diff] == [("32.75", True)]


@pytest.fixture
def rules(tmp_path):
    shutil.copy(RULES_DIR / "national.yaml", tmp_path / "national.yaml")
    shutil.copy(RULES_DIR / "32.75.yaml", tmp_path / "32.75.yaml")
    return tmp_path


def bekasi_dprd(rules, change) -> list:
    data = load_rulebook_file(rules / "32.75.yaml")
    change(data["processes"]["luar_negeri"]["stages"]["persetujuan_dprd"])
    (rules / "32.75.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return check_file(rules / "32.75.yaml")


def test_shipped_exception_is_accepted(rules):
    assert bekasi_dprd(rules, lambda stage: None) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.pop("pengecualian"),  # no words of its own regulation
        lambda s: s["pengecualian"].update(basis="PMDN25 tahap 5"),  # not its own regulation
        lambda s: s.update(when={"subtypes": ["kota_kembar"]}),  # more than Pasal 64 excepts
    ],
    ids=["without_exception", "national_basis", "beyond_the_exception"],
)
def test_a_variant_never_loosens_a_national_rule_without_its_own_words(rules, change):
    errors = bekasi_dprd(rules, change)
    assert errors and errors[0].path.endswith("persetujuan_dprd.when")
    assert "dilonggarkan" in errors[0].reason


def test_ksdll_nonprofit_needs_izin_and_signed_annual_plan_perwal_pasal_76():
    """Perwal Bekasi 57/2023 Pasal 74(1) huruf b, 76(2)-(3): a KSDLL with a lembaga nonprofit
    berbadan hukum di luar negeri needs the partner's Izin Prinsip and Izin Operasional and the
    signed rencana kerja tahunan before the Rencana goes on; the documents are required by the
    stage (the engine's document requirement), for that partner only."""
    from sikd.cooperations.partners import initial_facts
    from sikd.testing.engine import actor, fill
    from sikd.workflow import available_actions, decide
    from sikd.workflow.types import Refusal

    facts = initial_facts("KSDLL", "melalui_kemendagri", [], "lembaga_nonprofit")
    assert facts == ["mitra_nonprofit"]
    assert initial_facts("KSDLL", "melalui_kemendagri", [], "lembaga_lainnya") == []
    assert initial_facts("KSDPL", "daerah", [], "lembaga_nonprofit") == []

    rb = effective_rulebook("32.75").as_dict()
    state = begin(rb, "KSDLL", "penerusan", "kota", facts)
    for action in TO_DPRD:
        state, _ = take(rb, state, action)
    assert state.stage == "kelengkapan_nonprofit"
    who = actor("own")
    info = next(a for a in available_actions(rb, state, who) if a.id == "nonprofit_lengkap")
    assert set(info.missing_documents) == {
        "izin_lembaga_nonprofit",
        "rencana_kerja_tahunan_nonprofit",
    }
    refused = decide(
        rb, state, "nonprofit_lengkap", who, fill(info), expected_version=state.version
    )
    assert isinstance(refused, Refusal) and "Pasal 76" in str(refused.basis or refused.message)
    state, _ = take(rb, state, "nonprofit_lengkap")
    assert state.stage == "penyampaian_rencana"  # DPRD passed over for penerusan (Pasal 64(1))
    # another KSDLL partner, or a daerah on national rules: no such stage
    assert after_telaah("32.75", "lainnya") == "persetujuan_dprd"
    national = effective_rulebook("33.72").as_dict()
    state = begin(national, "KSDLL", "penerusan", "kota", facts)
    for action in TO_DPRD:
        state, _ = take(national, state, action)
    assert state.stage == "persetujuan_dprd"


def test_ksdll_penerusan_with_an_international_partner_attaches_pasal_75_2():
    """Perwal Bekasi 57/2023 Pasal 73-75: a KSDLL penerusan with an organisasi internasional or
    a mitra pembangunan luar negeri (74(1) huruf a, c) sends its Rencana Kerja Sama to the
    Menteri with the pemetaan potensi dan kebutuhan Daerah, the kerangka acuan and the surat
    pernyataan kesediaan (75(2) huruf a, b, d); without them the Rencana does not go on. A
    lembaga nonprofit (Pasal 76) and a penerusan on national rules have no such stage."""
    from sikd.cooperations.partners import initial_facts
    from sikd.testing.engine import actor, fill
    from sikd.workflow import available_actions, decide
    from sikd.workflow.types import Refusal

    for kind in ("organisasi_internasional", "mitra_pembangunan"):
        assert initial_facts("KSDLL", "melalui_kemendagri", [], kind) == ["mitra_internasional"]
    facts = initial_facts("KSDLL", "melalui_kemendagri", [], "organisasi_internasional")

    rb = effective_rulebook("32.75").as_dict()
    state = begin(rb, "KSDLL", "penerusan", "kota", facts)
    for action in TO_DPRD:
        state, _ = take(rb, state, action)
    assert state.stage == "lampiran_penerusan"
    who = actor("own")
    info = next(a for a in available_actions(rb, state, who) if a.id == "lampiran_lengkap")
    assert set(info.missing_documents) == {
        "pemetaan_potensi_kebutuhan",
        "kerangka_acuan_kerja",
        "surat_pernyataan_kesediaan",
    }
    refused = decide(rb, state, "lampiran_lengkap", who, fill(info), expected_version=state.version)
    assert isinstance(refused, Refusal) and "Pasal 75" in str(refused.basis or refused.message)
    state, _ = take(rb, state, "lampiran_lengkap")
    # the nonprofit requirements do not apply; DPRD passed over for penerusan (Pasal 64(1))
    assert state.stage == "penyampaian_rencana"

    nonprofit = initial_facts("KSDLL", "melalui_kemendagri", [], "lembaga_nonprofit")
    state = begin(rb, "KSDLL", "penerusan", "kota", nonprofit)
    for action in TO_DPRD:
        state, _ = take(rb, state, action)
    assert state.stage == "kelengkapan_nonprofit"

    national = effective_rulebook("33.72").as_dict()
    state = begin(national, "KSDLL", "penerusan", "kota", facts)
    for action in TO_DPRD:
        state, _ = take(national, state, action)
    assert state.stage == "persetujuan_dprd"
