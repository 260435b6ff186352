"""The demo stories (tenants/demo/*.yaml) against the rulebooks (tenants/rules/*.yaml): a drift
is reported with file, cooperation and step before anything is written, and a seeding that
fails half-way leaves no demo cooperation behind."""

from __future__ import annotations

import shutil

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import func, select

from sikd.cli import main as sikd_main
from sikd.demo import DEMO_DIR, DemoDataError, load_stories, validate_stories
from sikd.rules.loader import RULES_DIR, load_rulebook_file


def _copy_stories(tmp_path):
    target = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, target)
    return target


def _step(path, coop_id, number):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    coop = next(c for c in data["cooperations"] if c["id"] == coop_id)
    return data, coop["steps"][number - 1]


def test_shipped_stories_fit_the_shipped_rulebooks():
    assert validate_stories() == []
    stories, problems = load_stories()
    assert problems == []
    assert len(stories) == 26  # surakarta-9: signed, then silent (the dormant list's example);
    # bekasi-10: KSDLL with a lembaga nonprofit (Perwal Bekasi Pasal 76); bekasi-11: penerusan
    # with a mitra pembangunan, at the Pasal 75 attachments
    assert {s.code for s in stories} == {"32.75", "32.01", "33.72"}
    outcomes = {s.outcome for s in stories}
    # the outcomes the demo promises: from a fresh prakarsa to pelaksanaan, and one refused
    assert {"prakarsa", "penjajakan", "persetujuan_dprd", "pelaksanaan", "ditolak"} <= outcomes


def test_bogus_action_id_is_reported_with_file_cooperation_and_step(tmp_path):
    stories_dir = _copy_stories(tmp_path)
    path = stories_dir / "33.72.yaml"
    data, step = _step(path, "surakarta-3", 2)
    assert step["action"] == "lanjut_penjajakan"
    step["action"] = "lanjutkan_penjajakan_lama"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    problems = validate_stories(stories_dir)

    assert len(problems) == 1, problems
    text = str(problems[0])
    assert text.startswith(f"{path}: kerja sama surakarta-3 «Kerja Sama Revitalisasi Pasar")
    assert "langkah 2 (lanjutkan_penjajakan_lama)" in text
    assert "tindakan «lanjutkan_penjajakan_lama» tidak ada dalam aturan" in text


def test_a_step_landing_elsewhere_or_missing_a_document_is_reported(tmp_path):
    stories_dir = _copy_stories(tmp_path)
    path = stories_dir / "32.75.yaml"
    data, step = _step(path, "bekasi-1", 3)
    assert step["upload"] == ["kajian", "surat_permohonan_tanggapan"]
    step["upload"] = ["kajian"]
    data["cooperations"][1]["steps"][1]["expect"] = "pernyataan_kehendak"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    problems = [str(p) for p in validate_stories(stories_dir)]

    assert len(problems) == 2, problems
    assert "bekasi-1" in problems[0] and "langkah 3 (sepakat)" in problems[0]
    assert "surat_permohonan_tanggapan" in problems[0] and "«upload»" in problems[0]
    assert "bekasi-2" in problems[1] and "langkah 2 (lanjut_penjajakan)" in problems[1]
    assert "seharusnya «pernyataan_kehendak»" in problems[1]


def test_rules_check_reports_a_rule_change_that_breaks_the_stories(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(RULES_DIR / "32.75.yaml", rules / "32.75.yaml")
    national = load_rulebook_file(RULES_DIR / "national.yaml")
    stages = national["processes"]["luar_negeri"]["stages"]
    penjajakan = next(s for s in stages if s["id"] == "prakarsa")
    action = next(a for a in penjajakan["actions"] if a["id"] == "lanjut_penjajakan")
    action["id"] = "mulai_penjajakan"  # renamed in the rules, not in the stories
    (rules / "national.yaml").write_text(yaml.safe_dump(national, allow_unicode=True))

    result = CliRunner().invoke(sikd_main, ["rules", "check", "--rules-dir", str(rules)])

    assert result.exit_code == 1, result.output
    assert "tenants/demo/32.75.yaml: kerja sama bekasi-1" in result.output
    assert "langkah 2 (lanjut_penjajakan)" in result.output
    assert "Traceback" not in result.output
    # …and the shipped rules with the shipped stories pass
    ok = CliRunner().invoke(sikd_main, ["rules", "check"])
    assert ok.exit_code == 0 and "Semua aturan sah" in ok.output


def _count(model):
    from sikd.core.extensions import db
    from sikd.tenancy.scope import system_scope

    with system_scope():
        n = db.session.scalar(select(func.count()).select_from(model))
        db.session.commit()
    return n


def test_invalid_stories_stop_the_seeding_before_anything_is_written(app_ctx, tmp_path):
    from sikd.accounts.models import User
    from sikd.cooperations.models import Cooperation
    from sikd.demo import seed_demo_accounts, seed_demo_cooperations

    stories_dir = _copy_stories(tmp_path)
    path = stories_dir / "32.01.yaml"
    data, step = _step(path, "bogor-6", 2)
    step["action"] = "ajukan_kerangka"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    with pytest.raises(DemoDataError) as caught:
        seed_demo_cooperations(stories_dir=stories_dir)

    message = caught.value.message
    assert "tidak ada data demo kerja sama yang dibuat" in message
    assert "bogor-6" in message and "langkah 2 (ajukan_kerangka)" in message
    assert "sikd rules check" in message
    assert _count(Cooperation) == 0 and _count(User) == 0
    seed_demo_accounts("kata-sandi-demo-uji-1")  # the shipped stories are fine
    assert _count(User) > 0


def test_a_failure_half_way_leaves_no_demo_cooperation(app_ctx, monkeypatch):
    from sikd.accounts.models import User
    from sikd.cooperations.models import Cooperation, StageEvent
    from sikd.demo import play, seed_demo_accounts, seed_demo_cooperations
    from sikd.documents.models import DocumentVersion

    seed_demo_accounts("kata-sandi-demo-uji-1")
    users = _count(User)
    real_run = play.Player.run
    calls = []

    def run_then_fail(self, story, step, at):
        calls.append(step.action)
        if len(calls) == 40:
            raise DemoDataError(f"{story.label}: langkah {step.number} gagal (uji)")
        real_run(self, story, step, at)

    monkeypatch.setattr(play.Player, "run", run_then_fail)

    with pytest.raises(DemoDataError, match="gagal \\(uji\\)"):
        seed_demo_cooperations()

    assert "create" in calls and len(calls) == 40  # cooperations had been written, with PDFs
    assert _count(Cooperation) == 0
    assert _count(StageEvent) == 0 and _count(DocumentVersion) == 0
    assert _count(User) == users  # the Kabupaten Bogor accounts went with them
