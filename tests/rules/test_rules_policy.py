"""The override policy: a variant may tighten, never loosen, the rules above it."""

from __future__ import annotations

import shutil

import pytest
import yaml

from sikd.rules import check_file, effective_rulebook, load_rulebook_file
from sikd.rules.loader import RULES_DIR
from sikd.rules.policy import deadline_not_longer, order_preserved


@pytest.fixture
def rules(tmp_path):
    shutil.copy(RULES_DIR / "national.yaml", tmp_path / "national.yaml")
    shutil.copy(RULES_DIR / "32.75.yaml", tmp_path / "32.75.yaml")
    return tmp_path


def bekasi_with(rules, change):
    data = load_rulebook_file(rules / "32.75.yaml")
    change(data)
    (rules / "32.75.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return check_file(rules / "32.75.yaml")


def ln_stages(data):
    return data["processes"]["luar_negeri"]["stages"]


def test_lengthening_dprd_deadline_refused_with_national_rule_and_basis(rules):
    """Permendagri 25/2020 tahap 5 sets 45 hari kerja; 60 hari in a copy of 32.75.yaml is refused."""
    errors = bekasi_with(
        rules, lambda d: ln_stages(d)["persetujuan_dprd"]["deadline"].update(amount=60)
    )
    assert len(errors) == 1
    e = errors[0]
    assert e.path == "processes.luar_negeri.stages.persetujuan_dprd.deadline"
    assert "luar_negeri.persetujuan_dprd.deadline" in e.reason
    assert "Permendagri 25/2020" in e.reason
    assert "60 hari" in e.reason and "45 hari kerja" in e.reason


def test_tightening_is_accepted(rules):
    def change(d):
        ln_stages(d)["persetujuan_dprd"]["deadline"].update(amount=30, unit="hari_kerja")
        ln_stages(d)["rencana_di_gubernur"]["deadline"].update(amount=3)

    assert bekasi_with(rules, change) == []
    merged = effective_rulebook("32.75", rules)
    assert merged.stage("luar_negeri", "persetujuan_dprd")["deadline"]["amount"] == 30


def test_changing_what_happens_on_expiry_is_refused(rules):
    def change(d):
        deadline = ln_stages(d)["persetujuan_dprd"]["deadline"]
        deadline["on_expiry"] = "remind"
        del deadline["action"]

    errors = bekasi_with(rules, change)
    assert any(e.path.endswith("deadline.on_expiry") for e in errors)


def test_dropping_a_national_stage_is_refused(rules):
    errors = bekasi_with(rules, lambda d: ln_stages(d).update(persetujuan_dprd=None))
    assert errors[0].path == "processes.luar_negeri.stages.persetujuan_dprd"
    assert "menghapus" in errors[0].reason and "Permendagri 25/2020" in errors[0].reason


def test_locked_stage_is_refused(rules):
    errors = bekasi_with(
        rules, lambda d: ln_stages(d).update(verifikasi_rencana={"label": "Verifikasi kilat"})
    )
    assert "terkunci" in errors[0].reason and "luar_negeri.verifikasi_rencana" in errors[0].reason


def test_changing_who_acts_is_refused(rules):
    errors = bekasi_with(rules, lambda d: ln_stages(d)["persetujuan_dprd"].update(roles=["tkksd"]))
    assert errors[0].path == "processes.luar_negeri.stages.persetujuan_dprd.roles"


def test_loosening_a_condition_is_refused_pasal_64(rules):
    """KSDLL lainnya needs DPRD approval (PERWAL57 Pasal 64(1)); a variant may not drop it."""
    errors = bekasi_with(
        rules, lambda d: ln_stages(d)["persetujuan_dprd"].update(when={"subtypes": ["kota_kembar"]})
    )
    assert errors[0].path.endswith("persetujuan_dprd.when") and "dilonggarkan" in errors[0].reason


def test_widening_a_condition_is_accepted(rules):
    assert (
        bekasi_with(
            rules,
            lambda d: ln_stages(d)["persetujuan_dprd"].update(
                when={"subtypes": ["kota_kembar", "lainnya", "penerusan"]}
            ),
        )
        == []
    )


def test_new_automatic_pass_through_on_a_national_stage_is_refused(rules):
    errors = bekasi_with(
        rules,
        lambda d: ln_stages(d).update(
            telaah_rencana={
                "deadline": {
                    "amount": 10,
                    "unit": "hari",
                    "on_expiry": "deemed_approved",
                    "action": "ajukan_ke_dprd",
                    "basis": "PERWAL57 Pasal 63",
                }
            }
        ),
    )
    assert errors and "remind atau expire" in errors[0].reason


def test_inserting_after_a_locked_stage_is_refused(rules):
    def change(d):
        d["processes"]["luar_negeri"]["stages_add"] = [
            {
                "after": "verifikasi_rencana",
                "stage": {
                    "id": "tambahan",
                    "label": "Tahap tambahan",
                    "roles": ["tkksd"],
                    "basis": "PERWAL57 Pasal 67",
                    "actions": [
                        {
                            "id": "lanjut",
                            "label": "Lanjut",
                            "kind": "advance",
                            "to": "penyusunan_naskah",
                            "basis": "PERWAL57 Pasal 67",
                        }
                    ],
                },
            }
        ]

    errors = bekasi_with(rules, change)
    assert any("terkunci" in e.reason for e in errors)


def test_fields_may_be_added_but_not_replaced(rules):
    errors = bekasi_with(
        rules,
        lambda d: d["document_kinds"].update(loi={"fields": [], "basis": "PERWAL57 Pasal 62"}),
    )
    assert errors[0].path == "document_kinds.loi.fields" and "fields_add" in errors[0].reason


def test_provinsi_variant_sits_between_national_and_kota(rules):
    (rules / "32.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "32",
                "extends": "national",
                "title": "Pergub Jawa Barat (uji)",
                "regulations": {"PERGUB1": "Pergub Jabar 1/2024 (uji)"},
                "processes": {
                    "luar_negeri": {
                        "stages": {
                            "persetujuan_dprd": {
                                "deadline": {
                                    "amount": 45,
                                    "unit": "hari_kerja",
                                    "on_expiry": "deemed_approved",
                                    "action": "setujui",
                                    "basis": "PERGUB1 Pasal 1",
                                }
                            }
                        }
                    }
                },
            }
        )
    )
    # 32.75 still says extends: national, but a provinsi file now exists
    errors = check_file(rules / "32.75.yaml")
    assert any(e.path == "extends" for e in errors)
    bekasi_with(rules, lambda d: d.update(extends="32"))
    merged = effective_rulebook("32.75", rules)
    assert merged.chain == ["national", "32", "32.75"]
    # Bekasi's 45 hari is measured against Jawa Barat's rule, no longer the national one
    assert merged.stage("luar_negeri", "persetujuan_dprd")["deadline"]["unit"] == "hari"
    assert merged.source_of("processes.luar_negeri.stages.persetujuan_dprd.deadline") == "32.75"
    bekasi_with(
        rules,
        lambda d: d["processes"]["luar_negeri"]["stages"]["persetujuan_dprd"]["deadline"].update(
            amount=60
        ),
    )
    errors = check_file(rules / "32.75.yaml")
    assert "aturan 32 luar_negeri.persetujuan_dprd.deadline" in errors[0].reason


def test_45_hari_is_not_longer_than_45_hari_kerja_but_60_hari_is():
    base = {"amount": 45, "unit": "hari_kerja"}
    assert deadline_not_longer(base, {"amount": 45, "unit": "hari"})
    assert not deadline_not_longer(base, {"amount": 60, "unit": "hari"})
    assert not deadline_not_longer(
        {"amount": 45, "unit": "hari"}, {"amount": 45, "unit": "hari_kerja"}
    )
    assert deadline_not_longer({"amount": 1, "unit": "tahun"}, {"amount": 12, "unit": "bulan"})
    assert not deadline_not_longer({"amount": 1, "unit": "bulan"}, {"amount": 31, "unit": "hari"})
    assert deadline_not_longer({"amount": 40, "unit": "hari_kerja"}, {"amount": 30, "unit": "hari"})


def test_stage_order_must_be_preserved():
    assert order_preserved(["a", "b", "c"], ["a", "x", "b", "c"])
    assert not order_preserved(["a", "b", "c"], ["a", "c", "b"])
    assert not order_preserved(["a", "b", "c"], ["a", "c"])
