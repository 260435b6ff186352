"""`sikd rules …` and `sikd calendar …` work from files alone, without a database."""

from __future__ import annotations

import shutil

import yaml
from click.testing import CliRunner

from sikd.rules.cli import calendar_cli, rules_cli
from sikd.rules.loader import RULES_DIR, load_rulebook_file


def run(group, *args):
    return CliRunner().invoke(group, list(args))


def row(output, stage):
    lines = [
        line
        for line in output.splitlines()
        if line.startswith("luar_negeri") and f" {stage} " in line
    ]
    assert len(lines) == 1, output
    return lines[0]


def test_group_names():
    assert rules_cli.name == "rules" and calendar_cli.name == "calendar"


def test_check_all_shipped_files_passes():
    result = run(rules_cli, "check")
    assert result.exit_code == 0, result.output
    assert "Semua aturan sah" in result.output


def test_check_reports_file_path_reason_and_exits_1(tmp_path):
    shutil.copy(RULES_DIR / "national.yaml", tmp_path / "national.yaml")
    data = load_rulebook_file(RULES_DIR / "32.75.yaml")
    data["processes"]["luar_negeri"]["stages"]["persetujuan_dprd"]["deadline"]["amount"] = 60
    bad = tmp_path / "32.75.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    result = run(rules_cli, "check", str(bad), "--rules-dir", str(tmp_path))
    assert result.exit_code == 1
    assert f"{bad}: processes.luar_negeri.stages.persetujuan_dprd.deadline: " in result.stdout
    assert "Permendagri 25/2020" in result.stdout
    assert "Traceback" not in result.output


def test_show_surakarta_dprd_row_is_national_45_hari_kerja():
    result = run(rules_cli, "show", "33.72")
    assert result.exit_code == 0, result.output
    assert "Kota Surakarta" in result.output
    line = row(result.output, "persetujuan_dprd")
    assert "45 hari kerja" in line and "Permendagri 25/2020 tahap 5" in line
    assert "sekretariat_dprd @ daerah sendiri" in line and "national" in line


def test_show_bekasi_dprd_row_is_45_hari_perwal_pasal_65():
    result = run(rules_cli, "show", "32.75")
    assert result.exit_code == 0, result.output
    line = row(result.output, "persetujuan_dprd")
    assert "45 hari " in line and "hari kerja" not in line
    assert "Perwal Bekasi 57/2023 Pasal 65" in line and "32.75" in line
    assert "sekjen_verifier @ Kemendagri" in row(result.output, "tanggapan_menteri")


def test_show_unknown_code_says_what_to_do():
    result = run(rules_cli, "show", "99.99")
    assert result.exit_code != 0 and "kode Kemendagri" in result.output


def test_diff_lists_only_variant_changes():
    result = run(rules_cli, "diff", "32.75")
    assert result.exit_code == 0, result.output
    assert "luar_negeri.persetujuan_dprd.deadline" in result.output
    assert "45 hari kerja" in result.output and "→ 45 hari" in result.output
    assert "luar_negeri.penjajakan.requires_documents" in result.output  # Pasal 61(2) huruf a
    assert "prakarsa" not in result.output
    assert all(line.startswith("[32.75]") for line in result.output.splitlines()[1:])


def test_diff_without_variant():
    result = run(rules_cli, "diff", "33.72")
    assert result.exit_code == 0 and "tanpa perubahan" in result.output


def test_calendar_add_days_prints_iso_due_date():
    result = run(
        calendar_cli, "add-days", "2026-03-16", "5", "--kind", "hari_kerja", "--tenant", "32.75"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2026-03-30"
    off = run(
        calendar_cli, "add-days", "2026-03-16", "5", "--kind", "hari_kerja", "--no-cuti-bersama"
    )
    assert off.stdout.strip() == "2026-03-24"
    assert (
        run(calendar_cli, "add-days", "2026-03-16", "5", "--kind", "hari").stdout.strip()
        == "2026-03-21"
    )


def test_calendar_bad_date_is_explained():
    result = run(calendar_cli, "add-days", "16-03-2026", "5")
    assert result.exit_code == 2 and "TTTT-BB-HH" in result.output
