"""How the pages write dates, durations and codes: the Indonesian way, in the right timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, g, has_request_context

from sikd.core import clock
from sikd.core.i18n import country_name, format_angka, format_tanggal, rupiah
from sikd.core.plain import plain_basis
from sikd.tenancy.models import TIMEZONES

TYPE_LABELS = {
    "KSDD": "Kerja Sama Daerah dengan Daerah Lain",
    "KSDPK": "Kerja Sama Daerah dengan Pihak Ketiga",
    "KSDPL": "Kerja Sama Daerah dengan Pemerintah Daerah di Luar Negeri",
    "KSDLL": "Kerja Sama Daerah dengan Lembaga di Luar Negeri",
}
SUBTYPE_LABELS = {
    "wajib": "Wajib",
    "sukarela": "Sukarela",
    "pelayanan_publik": "Pelayanan publik",
    "pengelolaan_aset": "Pengelolaan aset",
    "investasi": "Investasi",
    "lainnya": "Lainnya",
    "kota_kembar": "Kota/provinsi kembar (bersaudara)",
    "penerusan": "Penerusan kerja sama Pemerintah Pusat",
}
STATUS_LABELS = {"berjalan": "Berjalan", "selesai": "Selesai", "ditolak": "Ditolak"}
FLAG_LABELS = {"dormant": "tidak aktif"}
OUTCOME_LABELS = {
    "forwarded": "diteruskan",
    "returned": "dikembalikan",
    "routed_directly": "diajukan langsung",
    "decided": "diputuskan",
}
EVENT_KIND_LABELS = {
    "start": "Prakarsa dicatat",
    "advance": "Dilanjutkan",
    "return": "Dikembalikan",
    "refuse": "Dihentikan",
    "decide": "Diputuskan",
    "expire": "Tenggat lewat",
    "import": "Diimpor dari berkas kerja sama lama",
}
EXPIRY_LABELS = {
    "route_direct": "diajukan langsung karena tenggat Gubernur habis",
    "deemed_approved": "dianggap disetujui karena tenggat habis",
    "expire": "ditandai karena tenggat lewat",
}
UNIT_LABELS = {"hari": "hari", "hari_kerja": "hari kerja", "bulan": "bulan", "tahun": "tahun"}
ON_EXPIRY_LABELS = {
    "deemed_approved": "dianggap disetujui",
    "route_direct": "diajukan langsung ke Kemendagri",
    "remind": "pengingat",
    "expire": "ditandai tidak aktif",
}
DEADLINE_STATUS_LABELS = {
    "open": "berjalan",
    "closed": "selesai",
    "fired": "dijalankan sistem",
    "obsolete": "tidak berlaku lagi",
}
PARTNER_KINDS = {
    "KSDD": [("pemerintah_daerah", "Pemerintah daerah lain (provinsi/kabupaten/kota)")],
    "KSDPK": [
        ("badan_usaha", "Badan usaha"),
        ("perseorangan", "Perseorangan"),
        ("organisasi_kemasyarakatan", "Organisasi kemasyarakatan"),
        ("lembaga_pendidikan", "Lembaga pendidikan"),
    ],
    "KSDPL": [("pemerintah_daerah", "Pemerintah daerah di luar negeri")],
    "KSDLL": [
        ("organisasi_internasional", "Organisasi internasional"),
        ("lembaga_nonprofit", "Lembaga nonprofit"),
        ("mitra_pembangunan", "Mitra pembangunan"),
        ("lembaga_lainnya", "Lembaga luar negeri lainnya"),
    ],
}
PRAKARSA_ORIGINS = [
    ("daerah", "Pemerintah daerah sendiri (dari hasil pemetaan)"),
    ("mitra_luar_negeri", "Mitra luar negeri secara langsung"),
    ("melalui_kemendagri", "Mitra melalui Kementerian Dalam Negeri"),
    ("melalui_kemlu", "Mitra melalui Kementerian Luar Negeri"),
    ("mitra", "Mitra dalam negeri (pihak ketiga atau daerah lain)"),
]


def humanize(code: str | None) -> str:
    """``surat_permohonan_dprd`` → ``Surat permohonan dprd`` for codes without a label."""
    if not code:
        return ""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _get(obj, key: str):
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def deadline_span(amount: int | None, unit: str | None, starts: str | None) -> str:
    """``0 hari`` from ``loi.masa_berlaku_sampai`` → ``pada tanggal «masa berlaku sampai» di
    dokumen LoI``; ``5 hari`` from entering the stage → ``5 hari sejak tahap dimulai``."""
    unit_text = UNIT_LABELS.get(unit or "", humanize(unit))
    span = f"{amount} {unit_text}"
    if not starts or starts == "entered":
        return f"{span} sejak tahap dimulai"
    kind, _, name = starts.partition(".")
    kind_text = {"loi": "LoI"}.get(kind) or humanize(kind)
    where = f"tanggal «{humanize(name).lower()}» di dokumen {kind_text}" if name else humanize(kind)
    return f"pada {where}" if not amount else f"{span} setelah {where}"


def _zone(tz_code: str | None) -> ZoneInfo:
    return ZoneInfo(TIMEZONES.get(tz_code or "WIB", "Asia/Jakarta"))


def viewer_tz() -> str:
    """The signed-in viewer's timezone (WIB without one); worked out once per request and
    viewer (a list writes a date per row)."""
    from flask_login import current_user

    if not has_request_context():
        return "WIB"
    user = current_user._get_current_object()
    known = g.get("_sikd_viewer_tz")
    if known is not None and known[0] is user:
        return known[1]
    tz = user.tenant.timezone if getattr(user, "is_authenticated", False) else "WIB"
    g._sikd_viewer_tz = (user, tz)
    return tz


def tanggal(value: date | datetime | str | None, tz_code: str | None = None) -> str:
    """``22 November 2026``; an instant is first put into the viewer's (or given) timezone;
    an ISO date (or instant) string as the API schemas carry it is read first."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(_zone(tz_code or viewer_tz()))
    return format_tanggal(value)


def tanggal_waktu(value: datetime | None, tz_code: str | None = None) -> str:
    """``22 November 2026 pukul 14.30 WIB``."""
    if value is None:
        return "-"
    tz_code = tz_code or viewer_tz()
    local = value.astimezone(_zone(tz_code))
    return f"{format_tanggal(local)} pukul {local:%H.%M} {tz_code}"


def cal():
    """The working-day calendar, built once per request."""
    if "sikd_calendar" not in g:
        from sikd.rules.overrides import working_calendar

        g.sikd_calendar = working_calendar()
    return g.sikd_calendar


@dataclass(frozen=True)
class Sisa:
    """What is left of a deadline, written as an official would say it."""

    text: str
    overdue: bool
    urgent: bool  # due today or on the next (working) day

    @property
    def css(self) -> str:
        if self.overdue:
            return "text-bg-danger"
        return "text-bg-warning" if self.urgent else "text-bg-light border"


def sisa(
    due_at: datetime | None, unit: str | None, tz_code: str | None, now: datetime | None = None
) -> Sisa | None:
    """``sisa 2 hari kerja`` / ``sisa 3 hari`` / ``berakhir hari ini`` / ``lewat 1 hari``.

    Counted on local dates in the cooperation's timezone; a ``hari_kerja`` deadline counts
    working days with the national calendar (holidays and cuti bersama), others calendar days."""
    if due_at is None:
        return None
    now = now or clock.now()
    zone = _zone(tz_code)
    today = now.astimezone(zone).date()
    due_day = due_at.astimezone(zone).date()
    working = unit == "hari_kerja"
    if now > due_at:
        days = (today - due_day).days
        if working:
            worked = cal().working_days_between(due_day, today)
            if worked >= 1:
                return Sisa(f"lewat {worked} hari kerja", True, True)
        return Sisa(f"lewat {max(days, 1)} hari", True, True)
    if due_day == today:
        return Sisa("berakhir hari ini", False, True)
    if working:
        left = cal().working_days_between(today, due_day)
        return Sisa(f"sisa {left} hari kerja", False, left <= 1)
    left = (due_day - today).days
    return Sisa(f"sisa {left} hari", False, left <= 1)


def country(code: str | None) -> str:
    if not code:
        return "-"
    name = country_name(code)
    return f"{name} ({code.upper()})" if name else code.upper()


def register_filters(bp: Blueprint) -> None:
    """Make the filters available in every template (registered with the web blueprint)."""
    from sikd.workflow.roles import role_label
    from sikd.workflow.rulebook import LEVEL_LABELS

    filters = {
        "tanggal": tanggal,
        "tanggal_waktu": tanggal_waktu,
        "negara": country,
        "rupiah": rupiah,
        "angka": format_angka,
        "humanize": humanize,
        "peran": role_label,
        "jenis": lambda c: TYPE_LABELS.get(c, c),
        "subjenis": lambda c: SUBTYPE_LABELS.get(c, humanize(c)),
        "status_ks": lambda c: STATUS_LABELS.get(c, humanize(c)),
        "penanda": lambda c: FLAG_LABELS.get(c, humanize(c)),
        "hasil_hop": lambda c: OUTCOME_LABELS.get(c, humanize(c)) if c else "sedang ditangani",
        "tingkat": lambda c: LEVEL_LABELS.get(c, humanize(c)),
        "satuan": lambda c: UNIT_LABELS.get(c, humanize(c)),
        "dasar": plain_basis,
        "rentang_tenggat": lambda d: deadline_span(
            *(_get(d, k) for k in ("amount", "unit", "starts"))
        ),
    }
    for name, fn in filters.items():
        bp.add_app_template_filter(fn, name)
    bp.add_app_template_global(sisa, "sisa")
    bp.add_app_template_global(EVENT_KIND_LABELS, "EVENT_KIND_LABELS")
    bp.add_app_template_global(EXPIRY_LABELS, "EXPIRY_LABELS")
    bp.add_app_template_global(ON_EXPIRY_LABELS, "ON_EXPIRY_LABELS")
    bp.add_app_template_global(DEADLINE_STATUS_LABELS, "DEADLINE_STATUS_LABELS")
