"""``sikd rules …`` and ``sikd calendar …``: work from files only, no database needed."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from sikd.core.config import REPO_ROOT
from sikd.workflow.rulebook import LEVEL_SHORT, Rulebook

from .calendar import UNITS, WorkingCalendar
from .loader import RULES_DIR, MergedRulebook, check_all, check_file, effective_rulebook
from .meaning import deadlines_of
from .policy import describe_deadline, display_rule
from .schemas import RulebookInvalid

REGIONS_CSV = REPO_ROOT / "tenants" / "regions.csv"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str
    parent_code: str
    timezone: str


def read_regions(path: Path = REGIONS_CSV) -> dict[str, Region]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            row["code"]: Region(
                row["code"], row["name"], row["kind"], row.get("parent_code") or "", row["timezone"]
            )
            for row in csv.DictReader(fh)
        }


def _region_or_fail(code: str, regions_csv: Path) -> Region:
    regions = read_regions(regions_csv)
    if code not in regions:
        raise click.ClickException(
            f"Kode wilayah {code!r} tidak ada di {regions_csv.name}; "
            "gunakan kode Kemendagri seperti 32.75 atau 33.72."
        )
    return regions[code]


def _load(code: str, rules_dir: Path) -> MergedRulebook:
    try:
        return effective_rulebook(code, rules_dir)
    except RulebookInvalid as exc:
        lines = "\n".join(str(e) for e in exc.errors)
        raise click.ClickException(
            f"Aturan untuk {code} tidak sah; perbaiki dahulu:\n{lines}"
        ) from exc


def _roles_text(stage: Mapping[str, Any]) -> str:
    level = LEVEL_SHORT.get(stage.get("level", "own"), stage.get("level", "own"))
    return f"{', '.join(stage['roles'])} @ {level}"


def _deadline_text(stage: Mapping[str, Any]) -> str:
    parts = []
    for d in deadlines_of(stage):
        text = describe_deadline(d)
        if d.get("starts", "entered") != "entered":
            text += f" sejak {d['starts']}"
        parts.append(f"{text} ({d['on_expiry']})")
    return "; ".join(parts) or "-"


def stage_rows(merged: MergedRulebook) -> list[tuple[str, ...]]:
    """(proses, tahap, pelaku, tenggat, sumber, dasar hukum) for every stage of the rulebook."""
    rows = []
    for pid, stage in Rulebook(merged.data).walk():
        key = f"processes.{pid}.stages.{stage['id']}"
        source = merged.source_of(key)
        deadlines = deadlines_of(stage)
        if deadlines:
            dsource = merged.source_of(f"{key}.deadline")
            if dsource != source:
                source = f"{source}; tenggat: {dsource}"
            basis = "; ".join(merged.render_basis(d["basis"]) for d in deadlines)
        else:
            basis = merged.render_basis(stage["basis"])
        rows.append((pid, stage["id"], _roles_text(stage), _deadline_text(stage), source, basis))
    return rows


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    widths[-1] = len(headers[-1])  # the last column (basis) is left ragged
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(out)


_rules_dir_option = click.option(
    "--rules-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=RULES_DIR,
    show_default=True,
    help="Folder berkas aturan.",
)
_regions_option = click.option(
    "--regions",
    "regions_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    default=REGIONS_CSV,
    show_default=True,
    help="Daftar wilayah (code,name,kind,parent_code,timezone).",
)


# Further checks of data that must fit the rules (the demo stories), registered by the ``sikd``
# command so this package does not import the features above it.
EXTRA_CHECKS: list[Callable[[Path], list]] = []


@click.group(name="rules", help="Periksa dan tampilkan aturan kerja sama (tenants/rules).")
def rules_cli() -> None:
    pass


@rules_cli.command(
    "check",
    help="Periksa berkas aturan; tanpa FILE: semua berkas di folder aturan, lalu cerita demo "
    "(tenants/demo) terhadap aturan tersebut.",
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@_rules_dir_option
def rules_check(files: tuple[Path, ...], rules_dir: Path) -> None:
    errors = []
    if files:
        for f in files:
            errors.extend(check_file(f, rules_dir if f.name != "national.yaml" else None))
    else:
        errors = check_all(rules_dir)
        for extra in EXTRA_CHECKS if not errors else ():
            errors.extend(extra(rules_dir))
    for e in errors:
        click.echo(str(e))
    if errors:
        click.echo(f"{len(errors)} kesalahan ditemukan; perbaiki lalu jalankan ulang.", err=True)
        raise SystemExit(1)
    click.echo("Semua aturan sah.")


@rules_cli.command("show", help="Tampilkan aturan yang berlaku bagi satu daerah (kode wilayah).")
@click.argument("code")
@_rules_dir_option
@_regions_option
def rules_show(code: str, rules_dir: Path, regions_csv: Path) -> None:
    region = _region_or_fail(code, regions_csv)
    merged = _load(code, rules_dir)
    click.echo(f"Aturan untuk {region.code} {region.name} ({region.kind}, {region.timezone})")
    click.echo(f"Rantai: {' → '.join(merged.chain)}; versi {merged.content_hash[:12]}")
    click.echo("")
    headers = ("proses", "tahap", "pelaku (peran @ tingkat)", "tenggat", "sumber", "dasar hukum")
    click.echo(_table(headers, stage_rows(merged)))


@rules_cli.command(
    "diff", help="Tampilkan hanya yang diubah varian daerah terhadap aturan nasional."
)
@click.argument("code")
@_rules_dir_option
@_regions_option
def rules_diff(code: str, rules_dir: Path, regions_csv: Path) -> None:
    region = _region_or_fail(code, regions_csv)
    merged = _load(code, rules_dir)
    if len(merged.chain) == 1:
        click.echo(f"{region.code} {region.name} memakai aturan nasional tanpa perubahan.")
        return
    click.echo(f"Perubahan untuk {region.code} {region.name} ({' → '.join(merged.chain)}):")
    for change in merged.changes:
        click.echo(f"[{change.source}] {display_rule(change.key)}: {change.description}")


@click.group(name="calendar", help="Kalender hari kerja (libur nasional dan cuti bersama).")
def calendar_cli() -> None:
    pass


@calendar_cli.command("add-days", help="Tanggal jatuh tempo: DATE ditambah N hari/hari kerja.")
@click.argument("start", metavar="DATE")
@click.argument("n", type=click.IntRange(min=0))
@click.option("--kind", type=click.Choice(UNITS), default="hari_kerja", show_default=True)
@click.option("--tenant", help="Kode wilayah (menentukan zona waktu yang dicetak).")
@click.option("--no-cuti-bersama", is_flag=True, help="Hitung cuti bersama sebagai hari kerja.")
@_regions_option
def calendar_add_days(
    start: str, n: int, kind: str, tenant: str | None, no_cuti_bersama: bool, regions_csv: Path
) -> None:
    try:
        start_date = date.fromisoformat(start)
    except ValueError as exc:
        raise click.BadParameter(
            "Tulis tanggal dengan format TTTT-BB-HH, misalnya 2026-03-16.", param_hint="DATE"
        ) from exc
    if tenant:
        region = _region_or_fail(tenant, regions_csv)
        click.echo(f"{region.code} {region.name} ({region.timezone})", err=True)
    cal = WorkingCalendar(cuti_bersama=not no_cuti_bersama)
    click.echo(cal.add_days(start_date, n, kind).isoformat())


# --- the operator's override table (needs the database) --------------------------------------


@calendar_cli.group("override")
def override_cli() -> None:
    """Pengecualian kalender kerja yang dicatat operator (dengan keputusan dasarnya)."""


@override_cli.command("add")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option(
    "--libur/--masuk", "is_holiday", required=True, help="Jadikan hari libur, atau hari kerja"
)
@click.option(
    "--dasar", "decree", required=True, help="Keputusan yang menjadi dasarnya, mis. SKB 3 Menteri"
)
@with_appcontext
def override_add(day, is_holiday: bool, decree: str) -> None:
    from sikd.rules.overrides import set_override

    try:
        row = set_override(day.date(), is_holiday, decree)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    kind = "libur" if row.is_holiday else "hari kerja"
    click.echo(f"{row.day.isoformat()} dicatat sebagai {kind} ({row.decree}).")


@override_cli.command("list")
@with_appcontext
def override_list() -> None:
    from sikd.rules.overrides import load_overrides

    rows = load_overrides()
    if not rows:
        click.echo("Belum ada pengecualian.")
    for day, is_holiday, decree in sorted(rows):
        click.echo(f"{day.isoformat()}\t{'libur' if is_holiday else 'hari kerja'}\t{decree}")


@override_cli.command("remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@with_appcontext
def override_remove(day) -> None:
    from sikd.rules.overrides import remove_override

    if not remove_override(day.date()):
        raise click.ClickException(f"Tidak ada pengecualian pada {day.date().isoformat()}.")
    click.echo(f"Pengecualian {day.date().isoformat()} dihapus.")
