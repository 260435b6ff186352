"""Validation of rule files: every error names file, path and an Indonesian reason."""

from __future__ import annotations

import shutil

import pytest
import yaml

from sikd.rules import RulebookInvalid, check_file, effective_rulebook, load_rulebook_file
from sikd.rules.loader import RULES_DIR


@pytest.fixture
def rules(tmp_path):
    shutil.copy(RULES_DIR / "national.yaml", tmp_path / "national.yaml")
    shutil.copy(RULES_DIR / "32.75.yaml", tmp_path / "32.75.yaml")
    return tmp_path


def national_with(rules, change):
    data = load_rulebook_file(rules / "national.yaml")
    change(data)
    (rules / "national.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return check_file(rules / "national.yaml")


def stage(data, pid, sid):
    return next(s for s in data["processes"][pid]["stages"] if s["id"] == sid)


def paths(errors):
    return {e.path for e in errors}


def test_unknown_key_is_named_with_its_path(rules):
    errors = national_with(
        rules, lambda d: stage(d, "luar_negeri", "persetujuan_dprd").update(tenggat=3)
    )
    assert len(errors) == 1
    assert errors[0].path == "processes.luar_negeri.stages[7].tenggat"
    assert "tidak dikenal" in errors[0].reason
    assert str(errors[0]).startswith(str(rules / "national.yaml") + ": processes.luar_negeri")


def test_dangling_action_target(rules):
    def change(d):
        stage(d, "luar_negeri", "prakarsa")["actions"][1]["to"] = "tidak_ada"

    errors = national_with(rules, change)
    assert "processes.luar_negeri.stages[0].actions[1].to" in paths(errors)
    assert any("tidak_ada" in e.reason for e in errors)


def test_unknown_role_and_document_kind(rules):
    def change(d):
        s = stage(d, "luar_negeri", "persetujuan_dprd")
        s["roles"] = ["ketua_dprd"]
        s["actions"][0]["requires_documents"] = ["surat_ajaib"]

    errors = national_with(rules, change)
    assert {
        "processes.luar_negeri.stages[7].roles[0]",
        "processes.luar_negeri.stages[7].actions[0].requires_documents[0]",
    } <= paths(errors)


def test_return_must_go_back_and_refuse_must_end(rules):
    def change(d):
        s = stage(d, "luar_negeri", "telaah_rencana")
        s["actions"][1]["to"] = "pelaksanaan"  # a return that jumps forward
        stage(d, "luar_negeri", "persetujuan_dprd")["actions"][1]["to"] = (
            "penyampaian_rencana"  # refuse to a stage
        )

    errors = national_with(rules, change)
    reasons = {e.path: e.reason for e in errors}
    assert "sebelumnya" in reasons["processes.luar_negeri.stages[6].actions[1].to"]
    assert "tahap akhir" in reasons["processes.luar_negeri.stages[7].actions[1].to"]


def test_unreachable_stage_and_cycle_without_exit(rules):
    def change(d):
        stages = d["processes"]["pemetaan"]["stages"]
        # evaluasi_pemetaan can now only go back to berlaku, which only goes to evaluasi: no way out
        stage(d, "pemetaan", "evaluasi_pemetaan")["actions"] = [
            stage(d, "pemetaan", "evaluasi_pemetaan")["actions"][0]
        ]
        stages.append(
            {
                "id": "yatim",
                "label": "Tahap yatim",
                "roles": ["tkksd"],
                "basis": "PERWAL57 Pasal 20",
                "actions": [
                    {
                        "id": "x",
                        "label": "X",
                        "kind": "advance",
                        "to": "diganti",
                        "basis": "PERWAL57 Pasal 20",
                    }
                ],
            }
        )

    errors = national_with(rules, change)
    reasons = [e.reason for e in errors]
    assert any("tidak dapat dicapai" in r and "yatim" in r for r in reasons)
    assert any("tidak ada jalan ke tahap akhir" in r and "berlaku" in r for r in reasons)


def test_basis_must_name_a_declared_regulation(rules):
    def change(d):
        stage(d, "ksdd", "persiapan")["basis"] = "PP28 Pasal 1"
        d["document_kinds"]["loi"]["checks"][0]["basis"] = ""

    errors = national_with(rules, change)
    reasons = {e.path: e.reason for e in errors}
    changed = load_rulebook_file(rules / "national.yaml")["processes"]["ksdd"]["stages"]
    index = [s["id"] for s in changed].index("persiapan")
    assert "PP28" in reasons[f"processes.ksdd.stages[{index}].basis"]
    assert "wajib" in reasons["document_kinds.loi.checks[0].basis"]


def test_deadline_action_must_exist_on_the_stage(rules):
    errors = national_with(
        rules,
        lambda d: stage(d, "luar_negeri", "persetujuan_dprd")["deadline"].update(action="setuju"),
    )
    assert [e.path for e in errors] == ["processes.luar_negeri.stages[7].deadline.action"]


def test_yaml_syntax_error_is_reported_not_raised(rules):
    (rules / "national.yaml").write_text("id: national\nprocesses: [\n")
    errors = check_file(rules / "national.yaml")
    assert len(errors) == 1 and "YAML tidak sah" in errors[0].reason and "baris" in errors[0].path


def test_effective_rulebook_raises_with_all_errors(rules):
    national_with(rules, lambda d: stage(d, "luar_negeri", "prakarsa").update(roles=["bupati"]))
    with pytest.raises(RulebookInvalid) as exc:
        effective_rulebook("32.75", rules)
    assert exc.value.errors and "bupati" in exc.value.errors[0].reason


def test_variant_dangling_references(rules):
    data = load_rulebook_file(rules / "32.75.yaml")
    data["processes"]["luar_negeri"]["stages"]["persetujuan_dewan"] = {"basis": "PERWAL57 Pasal 65"}
    added = {
        "id": "tambahan",
        "label": "Tahap tambahan",
        "roles": ["tkksd"],
        "basis": "PERWAL57 Pasal 61",
        "actions": [
            {
                "id": "lanjut",
                "label": "Lanjut",
                "kind": "advance",
                "to": "pernyataan_kehendak",
                "basis": "PERWAL57 Pasal 61",
            }
        ],
    }
    data["processes"]["luar_negeri"]["stages_add"] = [{"after": "penjajakn", "stage": added}]
    (rules / "32.75.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    errors = check_file(rules / "32.75.yaml")
    assert {
        "processes.luar_negeri.stages.persetujuan_dewan",
        "processes.luar_negeri.stages_add[0].after",
    } <= paths(errors)
