"""Demo cooperations, so a newcomer's first ``make run`` shows a living system.

About twenty cooperations of Kota Bekasi (32.75), Kabupaten Bogor (32.01) and Kota Surakarta
(33.72), written through the real service layer as the real users would have: each step is
taken by the user whose role the rulebook names, at a past instant (``sikd.clock.FixedClock``),
with the documents the step needs rendered as PDF (letters by :func:`render_letter`, the other
documents by WeasyPrint) and filed through :func:`store_upload` with structured fields that
satisfy the rulebook. The deadline fallbacks happen for real: the deadline sweep runs at the
instant the law's time has run out (Gubernur silent for 5 days, DPRD silent for 45 hari kerja).

All steps of all cooperations are executed in one chronological order over the past ~18 months,
so every deadline sweep sees the world as it was at that instant. Nothing here bypasses the
services; the only direct write is marking the historical notifications as not e-mailed.

Called by ``sikd serve`` (:mod:`sikd.devserver`) on an empty embedded database, after the demo
accounts exist; does nothing when any cooperation exists.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, select_autoescape
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from sikd import clock
from sikd.accounts.models import User
from sikd.workflow.roles import ROLES
from sikd.accounts.services import create_user, generate_password
from sikd.cooperations import services as svc
from sikd.cooperations.models import Cooperation, Notification
from sikd.demo import DemoAccount, demo_email
from sikd.documents.indonesian import format_tanggal
from sikd.documents.letters import kop_for_tenant, render_letter
from sikd.extensions import db
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant
from sikd.tenancy.scope import system_scope, tenant_scope
from sikd.tenancy.services import get_tenant

log = logging.getLogger(__name__)

BEKASI, BOGOR, SURAKARTA = "32.75", "32.01", "33.72"
DEMO_DAERAH = (BEKASI, BOGOR, SURAKARTA)
WIB = ZoneInfo("Asia/Jakarta")

BOGOR_UNIT = "Dinas Kebudayaan dan Pariwisata"
COUNTRY_NAMES = {
    "JP": "Jepang",
    "KR": "Korea Selatan",
    "NL": "Belanda",
    "AU": "Australia",
    "DE": "Jerman",
    "TH": "Thailand",
    "VN": "Vietnam",
    "SG": "Singapura",
    "FR": "Prancis",
}
OBJEK_LABELS = {
    "iptek": "pengembangan ilmu pengetahuan dan teknologi",
    "pertukaran_budaya": "pertukaran budaya",
    "kemampuan_teknis_manajemen": "peningkatan kemampuan teknis dan manajemen pemerintahan",
    "promosi_potensi_daerah": "promosi potensi daerah",
    "olahraga": "olahraga",
    "lainnya": "bidang lain sesuai peraturan perundang-undangan",
}

# Who signs for whom (fictional officials; the offices are real).
SIGNERS: dict[str, dict[str, str]] = {
    BEKASI: {"jabatan": "Wali Kota Bekasi", "nama": "H. Ahmad Surya Permana, S.E., M.M."},
    BOGOR: {"jabatan": "Bupati Bogor", "nama": "Drs. H. Bambang Wiratmaja, M.Si."},
    SURAKARTA: {"jabatan": "Wali Kota Surakarta", "nama": "Ir. Hadi Prasetyo Nugroho, M.T."},
    KEMENDAGRI: {
        "atas_nama": "a.n. Menteri Dalam Negeri",
        "jabatan": "Sekretaris Jenderal",
        "nama": "Dr. Ir. Sutrisno Adiwibowo, M.Si.",
        "pangkat": "Pembina Utama",
        "nip": "19680412 199303 1 004",
    },
    KEMLU: {
        "atas_nama": "a.n. Menteri Luar Negeri",
        "jabatan": "Direktur Jenderal Hukum dan Perjanjian Internasional",
        "nama": "Ratna Kusumawardhani, S.H., LL.M.",
    },
}
DPRD_CHAIRS = {
    BEKASI: "H. Saifuddin Anwar, S.Ag.",
    BOGOR: "Hj. Rini Marliani, S.E.",
    SURAKARTA: "Budi Santoso Wibisono, S.H.",
}
ADDRESSES = {
    BEKASI: "Jalan Jenderal Ahmad Yani Nomor 1, Bekasi 17141",
    BOGOR: "Jalan Tegar Beriman, Cibinong, Bogor 16914",
    SURAKARTA: "Jalan Jenderal Sudirman Nomor 2, Surakarta 57111",
    KEMENDAGRI: "Jalan Medan Merdeka Utara Nomor 7, Jakarta 10110",
    KEMLU: "Jalan Taman Pejambon Nomor 6, Jakarta 10110",
}


class DemoDataError(RuntimeError):
    """A demo story could not be told as written (a step was refused or landed elsewhere)."""


@dataclass
class DemoSummary:
    """What :func:`seed_demo_cooperations` did."""

    skipped: bool = False
    cooperations: int = 0
    by_tenant: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    seconds: float = 0.0
    accounts: list[DemoAccount] = field(default_factory=list)
    password: str | None = None  # of the Kabupaten Bogor accounts created now
    error: str | None = None

    def account_lines(self) -> list[str]:
        """Lines in the format of ``var/demo_accounts.txt`` for the accounts created here."""
        lines = [f"{a.email}\t{a.role}\t{a.tenant_name}" for a in self.accounts]
        if self.password and self.accounts:
            lines.append(f"Kata sandi akun demo Kabupaten Bogor: {self.password}")
        return lines


# --------------------------------------------------------------------------------------
# Stories: what happens to one cooperation, step by step, with gaps in days


@dataclass
class Theme:
    """The substance of one cooperation, from which its documents are written."""

    opd: str
    latar: str
    tujuan: str
    sasaran: str
    lingkup: list[str]
    kegiatan: list[str]
    pembiayaan: str
    potensi: str
    manfaat: str
    pemetaan_ref: str | None = None


@dataclass
class Op:
    gap: int | Callable[[date], date]  # days after the previous step, or the date itself
    who: str | None  # opd, tkksd, kd, dprd, gub, sekjen, menteri, kemlu; None for the system
    action: str  # create, sweep, or the rulebook action id
    inputs: dict[str, Any] = field(default_factory=dict)
    mark: str | None = None  # name of a milestone other steps refer to (its date)
    expect: str | None = None  # the stage the step must land on
    hour: float = 9.0
    at: datetime | None = None


@dataclass
class Story:
    code: str
    data: svc.NewCooperation
    theme: Theme
    start_days_ago: int | None = None
    end_days_ago: int | None = None
    ops: list[Op] = field(default_factory=list)
    coop_id: int | None = None
    dates: dict[str, date] = field(default_factory=dict)
    letters: dict[str, tuple[str, date]] = field(default_factory=dict)

    def step(self, gap: int | Callable[[date], date], who: str | None, action: str, **kw: Any):
        inputs = kw.pop("inputs", {})
        self.ops.append(Op(gap, who, action, inputs, **kw))
        return self

    @property
    def partner_full(self) -> str:
        country = COUNTRY_NAMES.get(self.data.partner_country or "", "")
        return f"{self.data.partner_name}, {country}" if country else self.data.partner_name


def _weekday(d: date, backwards: bool = False) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=-1 if backwards else 1)
    return d


def _instant(d: date, hour: float) -> datetime:
    h, m = int(hour), int(round((hour - int(hour)) * 60))
    return datetime(d.year, d.month, d.day, h, m, tzinfo=WIB).astimezone(UTC)


def place(story: Story, now: datetime) -> None:
    """Give every step of ``story`` its instant (working days, office hours, WIB)."""
    today = now.astimezone(WIB).date()
    if story.end_days_ago is not None:
        day = _weekday(today - timedelta(days=story.end_days_ago), backwards=True)
        days = []
        for op in reversed(story.ops):
            if callable(op.gap):
                raise DemoDataError(
                    "langkah bertanggal tetap hanya untuk cerita yang berjangkar awal"
                )
            days.append(day)
            day = _weekday(day - timedelta(days=op.gap), backwards=True)
        days.reverse()
    else:
        day = _weekday(today - timedelta(days=story.start_days_ago or 0))
        days, prev = [], None
        for op in story.ops:
            if prev is not None:
                target = op.gap(prev) if callable(op.gap) else prev + timedelta(days=op.gap)
                day = _weekday(max(target, prev))
            days.append(day)
            prev = day
    last: datetime | None = None
    for op, d in zip(story.ops, days, strict=True):
        at = _instant(d, op.hour)
        if last is not None and at <= last:
            at = last + timedelta(minutes=47)
        op.at = last = at
        if op.mark:
            story.dates[op.mark] = d
    if last is not None and last >= now:
        raise DemoDataError(f"cerita '{story.data.title}' berakhir di masa depan ({last})")


def luar_negeri(
    story: Story,
    until: str,
    *,
    bekasi: bool = False,
    penerusan: bool = False,
    pace: float = 1.0,
    dprd: str = "setujui",  # setujui | deemed | tolak
    gubernur_rencana: str = "teruskan",  # teruskan | fallback | kembalikan
    verifikasi: str = "lanjut",  # lanjut | perbaiki
    annual_report: bool = False,
    rkt: bool = False,
) -> Story:
    """The KSDPL/KSDLL steps (Permendagri 25/2020 tahap 1-12) up to the stage ``until``."""

    def g(days: int) -> int:
        return max(1, round(days * pace))

    s, th = story, story.theme
    s.step(0, "opd", "create", expect="prakarsa", hour=10)
    if until == "prakarsa":
        return s
    s.step(
        g(8),
        "tkksd",
        "lanjut_penjajakan",
        inputs={
            "asal_prakarsa": "pemerintah_daerah"
            if s.data.prakarsa_origin == "daerah"
            else "mitra_luar_negeri",
            "rujukan_pemetaan": th.pemetaan_ref or "",
        },
        expect="penjajakan",
    )
    if until == "penjajakan":
        return s
    s.step(
        g(35),
        "kd",
        "sepakat",
        inputs={
            "mekanisme": [
                "Komunikasi surat-menyurat dan rapat daring",
                "Pengumpulan informasi potensi mitra",
                f"Kunjungan kerja ke {s.partner_full}",
            ]
        },
        expect="tanggapan_menteri" if bekasi else "pernyataan_kehendak",
        hour=13.5,
    )
    if until == "tanggapan_menteri":
        return s
    if bekasi:
        s.step(g(16), "sekjen", "beri_tanggapan", expect="pernyataan_kehendak", hour=14)
    if until == "pernyataan_kehendak":
        return s
    s.step(g(24), "kd", "loi_ditandatangani", expect="penyusunan_rencana", mark="loi", hour=11)
    if until == "penyusunan_rencana":
        return s
    s.step(g(30), "opd", "ajukan_telaah", expect="telaah_rencana")
    if until == "telaah_rencana":
        return s
    s.step(
        g(8),
        "tkksd",
        "ajukan_ke_dprd",
        expect="penyampaian_rencana" if penerusan else "persetujuan_dprd",
        hour=10.5,
    )
    if until == "persetujuan_dprd":
        return s
    if not penerusan:
        if dprd == "tolak":
            s.step(
                g(21),
                "dprd",
                "tolak",
                inputs={
                    "alasan": (
                        "Rapat paripurna DPRD menilai manfaat kerja sama belum sebanding dengan "
                        "beban pembiayaan APBD dan pengelolaan pasar belum menjadi prioritas RKPD."
                    )
                },
                expect="ditolak",
            )
            return s
        if dprd == "deemed":
            # 45 hari (Perwal Bekasi 57/2023 Pasal 65) or 45 hari kerja (Permendagri 25/2020)
            s.step(50 if bekasi else 95, None, "sweep", expect="penyampaian_rencana", hour=8)
        else:
            s.step(g(20), "dprd", "setujui", expect="penyampaian_rencana", hour=14)
    if until == "penyampaian_rencana":
        return s
    s.step(g(6), "kd", "sampaikan", expect="rencana_di_gubernur", mark="rencana_dikirim")
    if until == "rencana_di_gubernur":
        return s
    if gubernur_rencana == "fallback":
        s.step(6, None, "sweep", expect="verifikasi_rencana", hour=8)
    else:
        if gubernur_rencana == "kembalikan":
            s.step(
                2,
                "gub",
                "kembalikan",
                inputs={
                    "alasan": (
                        "Surat penyampaian belum melampirkan persetujuan DPRD yang telah "
                        "ditandatangani; mohon dilengkapi."
                    )
                },
                expect="penyampaian_rencana",
            )
            s.step(4, "kd", "sampaikan", expect="rencana_di_gubernur", hour=10)
        s.step(
            2,
            "gub",
            "teruskan",
            inputs={
                "catatan": "Telah diverifikasi Biro Pemerintahan dan Otonomi Daerah; lengkap dan sesuai."
            },
            expect="verifikasi_rencana",
            hour=15,
        )
    if until == "verifikasi_rencana":
        return s
    if verifikasi == "perbaiki":
        s.step(
            g(21),
            "sekjen",
            "pertimbangan_perbaiki",
            inputs={
                "alasan": (
                    "Sumber pembiayaan dan pembagian peran para pihak dalam Rencana Kerja Sama "
                    "belum dirinci per tahun; sasaran agar dibuat terukur."
                )
            },
            expect="penyusunan_rencana",
        )
        return s
    s.step(g(21), "sekjen", "pertimbangan_lanjut", expect="penyusunan_naskah", mark="pertimbangan")
    if until == "penyusunan_naskah":
        return s
    s.step(g(28), "kd", "sampaikan", expect="naskah_di_gubernur", hour=10)
    if until == "naskah_di_gubernur":
        return s
    s.step(
        2,
        "gub",
        "teruskan",
        inputs={"catatan": "Rancangan Naskah telah diperiksa; diteruskan tanpa catatan."},
        expect="pembahasan_naskah",
        hour=14.5,
    )
    if until == "pembahasan_naskah":
        return s
    s.step(g(22), "sekjen", "kirim_ke_kemlu", expect="penelaahan_kemlu", mark="rapat")
    if until == "penelaahan_kemlu":
        return s
    s.step(g(15), "kemlu", "terbitkan_surat_konfirmasi", expect="persetujuan_menteri")
    if until == "persetujuan_menteri":
        return s
    s.step(g(10), "menteri", "setujui", expect="rencana_penandatanganan", hour=15.5)
    if until == "rencana_penandatanganan":
        return s
    s.step(
        g(6),
        "kd",
        "laporkan_rencana",
        inputs={
            "rencana_tempat": lambda st: st.dates.get("tempat_ttd", _tempat(st.code)),
            "rencana_tanggal": lambda st: (
                st.dates.get("ttd") or clock.now().date() + timedelta(days=21)
            ).isoformat(),
        },
        expect="penandatanganan",
    )
    if until == "penandatanganan":
        return s
    s.step(g(21), "kd", "kirim_naskah_asli", expect="penerbitan_salinan", mark="ttd", hour=16)
    if until == "penerbitan_salinan":
        return s
    s.step(g(12), "sekjen", "terbitkan_salinan", expect="pelaksanaan", hour=11)
    if rkt:
        s.step(g(14), "opd", "upload:rencana_kegiatan_tahunan", expect="pelaksanaan")
    if annual_report:

        def first_week_of_january(prev: date) -> date:
            return date(prev.year + 1, 1, 5)

        s.step(first_week_of_january, "kd", "ajukan_laporan_tahunan", expect="laporan_di_gubernur")
        s.step(
            2,
            "gub",
            "teruskan",
            inputs={
                "catatan": "Laporan tahunan diteruskan; agar kegiatan tahun berjalan dipercepat."
            },
            expect="laporan_di_kemendagri",
        )
        s.step(12, "sekjen", "terima", expect="pelaksanaan", hour=10)
    return s


def _tempat(code: str) -> str:
    return {BEKASI: "Bekasi", BOGOR: "Cibinong", SURAKARTA: "Surakarta"}.get(code, "Jakarta")


# --------------------------------------------------------------------------------------
# The cast


FOREIGN_PERSYARATAN = {
    "KSDPL": [
        "hubungan_diplomatik",
        "urusan_pemerintahan_daerah",
        "kesetaraan_status",
        "tanpa_kantor_perwakilan",
        "tidak_mencampuri_urusan",
        "sesuai_rencana_pembangunan",
        "hibah_sesuai_ketentuan",
        "iptek_dapat_dialihkan",
        "saling_melengkapi",
        "hubungan_antarmasyarakat",
    ],
}
FOREIGN_PERSYARATAN["KSDLL"] = [
    p
    for p in FOREIGN_PERSYARATAN["KSDPL"]
    if p not in ("kesetaraan_status", "saling_melengkapi", "hubungan_antarmasyarakat")
]


def _new(
    type_: str,
    subtype: str,
    title: str,
    partner: str,
    partner_kind: str,
    country: str | None,
    objek: list[str],
    *,
    origin: str = "daerah",
    facts: list[str] | None = None,
    cost: int | None = None,
    benefit: str | None = None,
    pemetaan_ref: str | None = None,
) -> svc.NewCooperation:
    return svc.NewCooperation(
        type=type_,
        subtype=subtype,
        title=title,
        partner_name=partner,
        partner_kind=partner_kind,
        partner_country=country,
        objek=objek,
        persyaratan=list(FOREIGN_PERSYARATAN.get(type_, [])),
        prakarsa_origin=origin,
        pemetaan_ref=pemetaan_ref,
        facts=facts or [],
        estimated_cost=cost,
        benefit_note=benefit,
    )


def stories() -> list[Story]:
    """The demo cooperations. Days are counted back from today."""
    out: list[Story] = []

    def add(story: Story) -> Story:
        out.append(story)
        return story

    # ---------------------------------------------------------------- Kota Bekasi (32.75)
    pemetaan_bekasi = "Keputusan Wali Kota Bekasi tentang Daftar Rencana Program dan Kegiatan Kerja Sama Daerah Tahun 2025"
    b1 = add(
        Story(
            BEKASI,
            _new(
                "KSDPL",
                "kota_kembar",
                "Kota Bersaudara Kota Bekasi dan Kota Hamamatsu di Bidang Pengelolaan Air Bersih dan Pendidikan Vokasi",
                "Pemerintah Kota Hamamatsu",
                "pemerintah_daerah",
                "JP",
                ["iptek", "kemampuan_teknis_manajemen", "pertukaran_budaya"],
                cost=2_350_000_000,
                benefit="Penurunan kehilangan air PDAM dan 120 lulusan SMK bersertifikat per tahun.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            Theme(
                opd="Dinas Pendidikan Kota Bekasi",
                latar="Tingkat kehilangan air pada jaringan perpipaan Kota Bekasi masih di atas 30 persen dan lulusan SMK belum sepenuhnya terserap industri manufaktur di kawasan Bekasi. Kota Hamamatsu dikenal dengan manajemen air dan pendidikan kejuruan berbasis industri.",
                tujuan="Meningkatkan kapasitas teknis pengelolaan air bersih dan mutu pendidikan vokasi melalui alih pengetahuan antara kedua kota.",
                sasaran="Kehilangan air turun menjadi 25 persen pada 2029; 120 lulusan SMK per tahun memperoleh sertifikat kompetensi.",
                lingkup=[
                    "Pelatihan teknis pengendalian kehilangan air bagi Perumda Tirta Patriot",
                    "Magang guru dan siswa SMK di industri mitra",
                    "Pertukaran budaya pelajar dan festival kota bersaudara",
                ],
                kegiatan=[
                    "Lokakarya pengendalian kehilangan air (Maret)",
                    "Magang 20 guru SMK di Hamamatsu (Juli-Agustus)",
                    "Festival Budaya Bekasi-Hamamatsu (November)",
                ],
                pembiayaan="APBD Kota Bekasi melalui DPA Dinas Pendidikan dan Bagian Kerja Sama; biaya perjalanan dan akomodasi pihak mitra ditanggung Kota Hamamatsu.",
                potensi="Kawasan industri manufaktur, 54 SMK negeri dan swasta, Perumda Tirta Patriot dengan 180.000 sambungan.",
                manfaat="Efisiensi layanan air minum, lulusan vokasi siap kerja, dan promosi budaya Kota Bekasi.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            start_days_ago=560,
        )
    )
    luar_negeri(b1, "pelaksanaan", bekasi=True, pace=0.6, rkt=True, annual_report=True)

    b2 = add(
        Story(
            BEKASI,
            _new(
                "KSDPL",
                "kota_kembar",
                "Kota Bersaudara Kota Bekasi dan Kota Suwon di Bidang Kota Cerdas dan Pelayanan Publik",
                "Pemerintah Kota Suwon",
                "pemerintah_daerah",
                "KR",
                ["iptek", "kemampuan_teknis_manajemen"],
                cost=1_200_000_000,
                benefit="Pusat komando layanan publik terpadu dan 200 ASN terlatih.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            Theme(
                opd="Dinas Komunikasi, Informatika, Statistik dan Persandian Kota Bekasi",
                latar="Layanan pengaduan dan pemantauan kota di Kota Bekasi masih tersebar di banyak aplikasi. Kota Suwon telah mengoperasikan pusat kendali kota terpadu selama lebih dari sepuluh tahun.",
                tujuan="Membangun kapasitas pengelolaan kota cerdas dan integrasi layanan publik digital.",
                sasaran="Satu pusat komando terpadu beroperasi pada 2027 dan 200 ASN mengikuti pelatihan.",
                lingkup=[
                    "Alih pengetahuan tata kelola pusat kendali kota",
                    "Pelatihan ASN di bidang analitik data",
                    "Pertukaran kunjungan pejabat dan tenaga ahli",
                ],
                kegiatan=["Pelatihan analitik data", "Kunjungan teknis ke Suwon"],
                pembiayaan="APBD Kota Bekasi; tenaga ahli dan bahan pelatihan dari Kota Suwon.",
                potensi="Jaringan serat optik kota, 12 kecamatan dengan layanan daring, pusat data daerah.",
                manfaat="Pelayanan publik lebih cepat dan keputusan berbasis data.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            start_days_ago=330,
        )
    )
    luar_negeri(b2, "penyusunan_naskah", bekasi=True, pace=0.8, gubernur_rencana="fallback")

    b3 = add(
        Story(
            BEKASI,
            _new(
                "KSDLL",
                "lainnya",
                "Kerja Sama Pengelolaan Banjir dan Drainase Perkotaan Kota Bekasi dengan Rijnmond Institute for Urban Water Management",
                "Rijnmond Institute for Urban Water Management",
                "lembaga_lainnya",
                "NL",
                ["iptek", "kemampuan_teknis_manajemen"],
                origin="mitra_luar_negeri",
                cost=850_000_000,
                benefit="Rencana induk drainase mutakhir untuk 12 kecamatan.",
            ),
            Theme(
                opd="Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi Kota Bekasi",
                latar="Genangan dan banjir berulang di sepanjang Kali Bekasi dan saluran primer kota; lembaga mitra memiliki pengalaman panjang dalam pemodelan hidrologi delta perkotaan.",
                tujuan="Menyusun rencana induk drainase berbasis pemodelan dan meningkatkan kemampuan teknis aparatur.",
                sasaran="Rencana induk drainase tersusun pada 2027; 30 tenaga teknis terlatih pemodelan hidrologi.",
                lingkup=[
                    "Pemodelan hidrologi dan hidraulika",
                    "Pelatihan tenaga teknis",
                    "Kajian kolam retensi",
                ],
                kegiatan=["Survei lapangan", "Pelatihan pemodelan"],
                pembiayaan="APBD Kota Bekasi dan hibah teknis lembaga mitra sesuai peraturan perundang-undangan.",
                potensi="Data curah hujan dan peta genangan 2020-2025, 9 kolam retensi eksisting.",
                manfaat="Berkurangnya kawasan tergenang dan kerugian ekonomi warga.",
            ),
            end_days_ago=9,
        )
    )
    luar_negeri(b3, "tanggapan_menteri", bekasi=True)

    b4 = add(
        Story(
            BEKASI,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kota Bekasi dan City of Parramatta tentang Pengembangan UMKM dan Promosi Investasi",
                "City of Parramatta Council",
                "pemerintah_daerah",
                "AU",
                ["promosi_potensi_daerah", "kemampuan_teknis_manajemen"],
                cost=640_000_000,
                benefit="Akses pasar ekspor bagi 50 UMKM dan misi dagang tahunan.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            Theme(
                opd="Dinas Koperasi dan Usaha Kecil Menengah Kota Bekasi",
                latar="UMKM olahan pangan dan kriya Kota Bekasi memerlukan akses pasar ekspor; Parramatta memiliki komunitas diaspora dan jaringan importir yang luas.",
                tujuan="Memperluas pasar UMKM dan menarik investasi ke Kota Bekasi.",
                sasaran="50 UMKM terkurasi ekspor dan satu misi dagang per tahun.",
                lingkup=["Kurasi dan pendampingan UMKM", "Misi dagang", "Promosi investasi"],
                kegiatan=["Kurasi produk", "Misi dagang ke Sydney"],
                pembiayaan="APBD Kota Bekasi; fasilitas pameran dari City of Parramatta.",
                potensi="Lebih dari 200.000 UMKM terdata, sentra kriya dan olahan pangan.",
                manfaat="Peningkatan ekspor dan lapangan kerja.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            end_days_ago=6,
        )
    )
    luar_negeri(b4, "penelaahan_kemlu", bekasi=True, pace=0.8)

    b5 = add(
        Story(
            BEKASI,
            _new(
                "KSDPL",
                "kota_kembar",
                "Kota Bersaudara Kota Bekasi dan Kota Gelsenkirchen di Bidang Energi Terbarukan",
                "Stadt Gelsenkirchen",
                "pemerintah_daerah",
                "DE",
                ["iptek", "olahraga"],
                cost=900_000_000,
                benefit="Panel surya atap di 40 gedung pemerintah.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            Theme(
                opd="Dinas Lingkungan Hidup Kota Bekasi",
                latar="Konsumsi listrik gedung pemerintah Kota Bekasi tinggi; Gelsenkirchen bertransformasi dari kota batu bara menjadi kota energi surya.",
                tujuan="Alih teknologi energi terbarukan dan pertukaran olahraga sepak bola usia muda.",
                sasaran="40 gedung pemerintah memasang panel surya atap.",
                lingkup=["Alih teknologi panel surya", "Pertukaran klub sepak bola usia muda"],
                kegiatan=["Studi kelayakan panel surya", "Turnamen persahabatan"],
                pembiayaan="APBD Kota Bekasi dan dukungan teknis mitra.",
                potensi="Atap gedung pemerintah seluas 60.000 m2; 35 sekolah sepak bola.",
                manfaat="Penghematan belanja listrik dan pembinaan olahraga.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            start_days_ago=505,
        )
    )
    luar_negeri(b5, "penyusunan_rencana", bekasi=True)  # LoI lapsed, no Rencana: dormant

    b6 = add(
        Story(
            BEKASI,
            _new(
                "KSDD",
                "wajib",
                "Kerja Sama Penanganan Banjir Daerah Aliran Sungai Kali Bekasi (Cileungsi-Cikeas) antara Kota Bekasi dan Kabupaten Bogor",
                "Pemerintah Kabupaten Bogor",
                "pemerintah_daerah",
                None,
                [],
                origin="daerah",
                cost=4_500_000_000,
                benefit="Sistem peringatan dini banjir bersama dan normalisasi 12 km alur sungai.",
            ),
            Theme(
                opd="Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi Kota Bekasi",
                latar="Banjir di Kota Bekasi dipengaruhi debit Sungai Cileungsi dan Cikeas yang berhulu di Kabupaten Bogor; penanganannya menimbulkan eksternalitas lintas daerah.",
                tujuan="Menangani banjir DAS Kali Bekasi secara terpadu dari hulu ke hilir.",
                sasaran="Sistem peringatan dini bersama beroperasi dan 12 km alur sungai dinormalisasi.",
                lingkup=["Sistem peringatan dini", "Normalisasi alur", "Penataan sempadan sungai"],
                kegiatan=["Pemasangan pos duga air", "Normalisasi alur"],
                pembiayaan="APBD Kota Bekasi dan APBD Kabupaten Bogor secara proporsional.",
                potensi="Pos duga air eksisting dan data banjir 2016-2025.",
                manfaat="Berkurangnya genangan di 7 kecamatan hilir.",
            ),
            end_days_ago=11,
        )
    )
    b6.step(0, "opd", "create", expect="persiapan", hour=10)
    b6.step(9, "opd", "ajukan_kak", expect="kajian_tkksd")
    b6.step(12, "tkksd", "setujui", expect="penawaran", hour=14)
    b6.step(10, "kd", "kirim_penawaran", expect="tanggapan_mitra")

    b7 = add(
        Story(
            BEKASI,
            _new(
                "KSDPK",
                "pelayanan_publik",
                "Kerja Sama Penyediaan dan Pemeliharaan Penerangan Jalan Umum Hemat Energi (LED) Kota Bekasi",
                "PT Cahaya Terang Nusantara",
                "badan_usaha",
                None,
                [],
                cost=18_000_000_000,
                benefit="Penghematan rekening listrik PJU sekitar 45 persen per tahun.",
            ),
            Theme(
                opd="Dinas Perhubungan Kota Bekasi",
                latar="Sebagian besar dari 48.000 titik PJU Kota Bekasi masih memakai lampu konvensional dengan biaya listrik tinggi.",
                tujuan="Mengganti dan memelihara PJU dengan lampu LED melalui skema kerja sama dengan badan usaha.",
                sasaran="30.000 titik PJU LED terpasang dalam 2 tahun.",
                lingkup=["Penggantian lampu", "Pemeliharaan", "Sistem pemantauan daring"],
                kegiatan=["Penggantian tahap I 10.000 titik", "Pemantauan daring"],
                pembiayaan="Investasi badan usaha, dibayar dari penghematan rekening listrik sesuai PKS.",
                potensi="48.000 titik PJU dan data rekening listrik 2022-2025.",
                manfaat="Penghematan energi dan jalan lebih terang.",
            ),
            start_days_ago=300,
        )
    )
    b7.step(0, "opd", "create", expect="persiapan", hour=10)
    b7.step(14, "opd", "ajukan_kak", expect="kajian_tkksd")
    b7.step(15, "tkksd", "setujui", expect="penawaran")
    b7.step(7, "kd", "kirim_penawaran", expect="tanggapan_mitra")
    b7.step(20, "tkksd", "diterima", expect="penyusunan_kesepakatan")
    b7.step(25, "tkksd", "disepakati", expect="penandatanganan_kesepakatan")
    b7.step(
        10,
        "kd",
        "tandatangani",
        inputs={"tanggal_penandatanganan": lambda st: st.dates["kb"].isoformat()},
        expect="penyusunan_pks",
        mark="kb",
    )
    b7.step(30, "opd", "ajukan_pembahasan", expect="pembahasan_pks")
    b7.step(14, "tkksd", "disepakati", expect="penandatanganan_pks")
    b7.step(
        10,
        "kd",
        "tandatangani",
        inputs={
            "penandatangan": "kepala_daerah",
            "tanggal_penandatanganan": lambda st: st.dates["pks"].isoformat(),
        },
        expect="penatausahaan",
        mark="pks",
    )
    b7.step(5, "tkksd", "catat", expect="pelaksanaan")

    b8 = add(
        Story(
            BEKASI,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kota Bekasi dan Kota Chiang Mai di Bidang Pertukaran Budaya dan Ekonomi Kreatif",
                "Chiang Mai Municipality",
                "pemerintah_daerah",
                "TH",
                ["pertukaran_budaya", "promosi_potensi_daerah"],
                cost=480_000_000,
                benefit="Misi budaya tahunan dan inkubasi 30 pelaku ekonomi kreatif.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            Theme(
                opd="Dinas Pariwisata dan Kebudayaan Kota Bekasi",
                latar="Ekonomi kreatif Kota Bekasi tumbuh pesat; Chiang Mai adalah kota kreatif UNESCO di bidang kriya dan seni rakyat.",
                tujuan="Memperkuat ekonomi kreatif dan pertukaran budaya antarwarga.",
                sasaran="30 pelaku ekonomi kreatif terinkubasi dan satu misi budaya per tahun.",
                lingkup=["Misi budaya", "Inkubasi ekonomi kreatif", "Promosi wisata"],
                kegiatan=["Misi budaya", "Lokakarya kriya"],
                pembiayaan="APBD Kota Bekasi dan kontribusi mitra.",
                potensi="Sanggar seni Betawi, 14 komunitas kriya, gedung kesenian kota.",
                manfaat="Peningkatan kunjungan wisata dan pendapatan pelaku kreatif.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            end_days_ago=12,
        )
    )
    luar_negeri(b8, "persetujuan_dprd", bekasi=True, pace=0.7)

    b9 = add(
        Story(
            BEKASI,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kota Bekasi dan Gemeente Rotterdam tentang Pengelolaan Sampah Berbasis Ekonomi Sirkular",
                "Gemeente Rotterdam",
                "pemerintah_daerah",
                "NL",
                ["iptek", "kemampuan_teknis_manajemen"],
                cost=1_100_000_000,
                benefit="Pengurangan sampah ke TPA Sumur Batu hingga 20 persen.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            Theme(
                opd="Dinas Lingkungan Hidup Kota Bekasi",
                latar="TPA Sumur Batu mendekati batas kapasitas.",
                tujuan="Alih pengetahuan ekonomi sirkular dalam pengelolaan sampah.",
                sasaran="Sampah ke TPA berkurang 20 persen.",
                lingkup=["Bank sampah", "Pengolahan organik"],
                kegiatan=["Studi banding"],
                pembiayaan="APBD Kota Bekasi.",
                potensi="1.200 bank sampah.",
                manfaat="Umur TPA lebih panjang.",
                pemetaan_ref=pemetaan_bekasi,
            ),
            end_days_ago=3,
        )
    )
    luar_negeri(b9, "prakarsa", bekasi=True)

    # ---------------------------------------------------------------- Kabupaten Bogor (32.01)
    pemetaan_bogor = "Keputusan Bupati Bogor tentang Daftar Rencana Program dan Kegiatan Kerja Sama Daerah Tahun 2025"
    g1 = add(
        Story(
            BOGOR,
            _new(
                "KSDPL",
                "kota_kembar",
                "Kabupaten Bersaudara Kabupaten Bogor dan Kota Kakegawa di Bidang Agroindustri Teh dan Pariwisata",
                "Pemerintah Kota Kakegawa, Prefektur Shizuoka",
                "pemerintah_daerah",
                "JP",
                ["iptek", "promosi_potensi_daerah", "pertukaran_budaya"],
                cost=1_450_000_000,
                benefit="Produktivitas kebun teh rakyat naik dan paket wisata agro bersama.",
                pemetaan_ref=pemetaan_bogor,
            ),
            Theme(
                opd="Dinas Tanaman Pangan, Hortikultura dan Perkebunan Kabupaten Bogor",
                latar="Kebun teh rakyat di kawasan Puncak menghadapi produktivitas rendah; Kakegawa adalah sentra teh hijau dengan teknologi pascapanen maju.",
                tujuan="Meningkatkan produktivitas dan nilai tambah teh rakyat serta promosi wisata agro.",
                sasaran="Produktivitas teh rakyat naik 20 persen dan dua paket wisata agro bersama.",
                lingkup=[
                    "Alih teknologi pascapanen teh",
                    "Promosi wisata agro",
                    "Pertukaran pelajar",
                ],
                kegiatan=["Pelatihan pascapanen", "Pertukaran pelajar SMK pertanian"],
                pembiayaan="APBD Kabupaten Bogor; pelatih dan peralatan demonstrasi dari Kota Kakegawa.",
                potensi="Kebun teh rakyat 1.800 ha di Kecamatan Cisarua dan Megamendung.",
                manfaat="Pendapatan petani teh meningkat dan kunjungan wisata bertambah.",
                pemetaan_ref=pemetaan_bogor,
            ),
            end_days_ago=2,
        )
    )
    luar_negeri(g1, "naskah_di_gubernur", pace=0.8)

    g2 = add(
        Story(
            BOGOR,
            _new(
                "KSDLL",
                "penerusan",
                "Penerusan Kerja Sama Pemerintah Pusat: Rehabilitasi Hutan dan Agroforestri Hulu DAS Ciliwung bersama Korea Green Growth Partnership Agency",
                "Korea Green Growth Partnership Agency",
                "mitra_pembangunan",
                "KR",
                ["iptek", "lainnya"],
                origin="melalui_kemendagri",
                cost=3_200_000_000,
                benefit="500 ha lahan kritis hulu Ciliwung direhabilitasi.",
            ),
            Theme(
                opd="Dinas Lingkungan Hidup Kabupaten Bogor",
                latar="Lahan kritis di hulu DAS Ciliwung meningkatkan risiko banjir hilir; kerja sama ini meneruskan program kerja sama Pemerintah Pusat dengan mitra pembangunan.",
                tujuan="Merehabilitasi lahan kritis dan mengembangkan agroforestri bersama masyarakat.",
                sasaran="500 ha lahan kritis direhabilitasi dan 20 kelompok tani hutan terbina.",
                lingkup=[
                    "Penanaman agroforestri",
                    "Pembinaan kelompok tani hutan",
                    "Pemantauan tutupan lahan",
                ],
                kegiatan=["Penanaman tahap I", "Sekolah lapang agroforestri"],
                pembiayaan="Hibah mitra pembangunan melalui Pemerintah Pusat dan dana pendamping APBD Kabupaten Bogor.",
                potensi="Data lahan kritis 2024 dan 20 kelompok tani hutan.",
                manfaat="Risiko banjir berkurang dan pendapatan petani hutan meningkat.",
            ),
            end_days_ago=15,
        )
    )
    luar_negeri(g2, "verifikasi_rencana", penerusan=True, pace=0.7)

    g3 = add(
        Story(
            BOGOR,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kabupaten Bogor dan Gemeente Westland di Bidang Hortikultura Rumah Kaca",
                "Gemeente Westland",
                "pemerintah_daerah",
                "NL",
                ["iptek", "kemampuan_teknis_manajemen"],
                cost=2_100_000_000,
                benefit="Percontohan rumah kaca dan 300 petani hortikultura terlatih.",
                pemetaan_ref=pemetaan_bogor,
            ),
            Theme(
                opd="Dinas Tanaman Pangan, Hortikultura dan Perkebunan Kabupaten Bogor",
                latar="Kabupaten Bogor adalah pemasok sayuran Jabodetabek namun produktivitas hortikultura masih rendah; Westland adalah pusat hortikultura rumah kaca dunia.",
                tujuan="Alih teknologi hortikultura rumah kaca dan penguatan kelembagaan petani.",
                sasaran="Tiga rumah kaca percontohan dan 300 petani terlatih.",
                lingkup=["Rumah kaca percontohan", "Pelatihan petani", "Kemitraan pemasaran"],
                kegiatan=[
                    "Pembangunan rumah kaca percontohan di Kecamatan Pacet (triwulan II)",
                    "Pelatihan 100 petani per tahun",
                    "Temu bisnis dengan pasar modern",
                ],
                pembiayaan="APBD Kabupaten Bogor; tenaga ahli dari Gemeente Westland.",
                potensi="Sentra sayuran di 8 kecamatan dataran tinggi.",
                manfaat="Pendapatan petani naik dan pasokan sayuran lebih stabil.",
                pemetaan_ref=pemetaan_bogor,
            ),
            start_days_ago=400,
        )
    )
    luar_negeri(g3, "pelaksanaan", pace=0.8, rkt=True)

    g4 = add(
        Story(
            BOGOR,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kabupaten Bogor dan Toowoomba Regional Council di Bidang Pendidikan Vokasi Pertanian",
                "Toowoomba Regional Council",
                "pemerintah_daerah",
                "AU",
                ["kemampuan_teknis_manajemen", "iptek"],
                cost=720_000_000,
                benefit="Kurikulum vokasi pertanian bersama untuk 6 SMK.",
                pemetaan_ref=pemetaan_bogor,
            ),
            Theme(
                opd="Dinas Pendidikan Kabupaten Bogor",
                latar="SMK pertanian di Kabupaten Bogor memerlukan kurikulum berbasis industri.",
                tujuan="Mengembangkan kurikulum dan magang vokasi pertanian.",
                sasaran="6 SMK menerapkan kurikulum bersama.",
                lingkup=["Kurikulum", "Magang guru"],
                kegiatan=["Lokakarya kurikulum"],
                pembiayaan="APBD Kabupaten Bogor.",
                potensi="11 SMK pertanian.",
                manfaat="Lulusan siap kerja di agribisnis.",
                pemetaan_ref=pemetaan_bogor,
            ),
            end_days_ago=20,
        )
    )
    luar_negeri(g4, "pernyataan_kehendak")

    g5 = add(
        Story(
            BOGOR,
            _new(
                "KSDPL",
                "kota_kembar",
                "Kabupaten Bersaudara Kabupaten Bogor dan Yangpyeong-gun di Bidang Pariwisata Alam dan Pertanian Organik",
                "Pemerintah Yangpyeong-gun, Provinsi Gyeonggi",
                "pemerintah_daerah",
                "KR",
                ["promosi_potensi_daerah", "pertukaran_budaya"],
                origin="mitra_luar_negeri",
                cost=500_000_000,
                benefit="Paket wisata alam bersama dan sertifikasi organik.",
            ),
            Theme(
                opd="Dinas Kebudayaan dan Pariwisata Kabupaten Bogor",
                latar="Yangpyeong-gun menyampaikan minat kerja sama melalui Kedutaan Besar Republik Indonesia di Seoul.",
                tujuan="Menjajaki kerja sama pariwisata alam dan pertanian organik.",
                sasaran="Kesepakatan ruang lingkup kerja sama.",
                lingkup=["Pariwisata alam", "Pertanian organik"],
                kegiatan=["Kunjungan penjajakan"],
                pembiayaan="APBD Kabupaten Bogor.",
                potensi="Kawasan wisata alam Puncak dan Sentul.",
                manfaat="Kunjungan wisata mancanegara.",
            ),
            end_days_ago=25,
        )
    )
    luar_negeri(g5, "penjajakan")

    g6 = add(
        Story(
            BOGOR,
            _new(
                "KSDD",
                "sukarela",
                "Kerja Sama Pengelolaan Terpadu Kawasan Wisata Puncak antara Kabupaten Bogor dan Kabupaten Cianjur",
                "Pemerintah Kabupaten Cianjur",
                "pemerintah_daerah",
                None,
                [],
                cost=1_300_000_000,
                benefit="Manajemen lalu lintas dan promosi wisata Puncak bersama.",
            ),
            Theme(
                opd="Dinas Kebudayaan dan Pariwisata Kabupaten Bogor",
                latar="Kawasan Puncak berada di dua kabupaten; kemacetan dan promosi wisata perlu ditangani bersama.",
                tujuan="Pengelolaan kawasan wisata Puncak secara terpadu.",
                sasaran="Satu kalender wisata dan rekayasa lalu lintas bersama.",
                lingkup=["Promosi wisata", "Rekayasa lalu lintas akhir pekan"],
                kegiatan=["Rapat koordinasi"],
                pembiayaan="APBD kedua kabupaten.",
                potensi="Destinasi wisata Puncak.",
                manfaat="Kunjungan wisata lebih nyaman.",
            ),
            end_days_ago=30,
        )
    )
    g6.step(0, "opd", "create", expect="persiapan", hour=10)
    g6.step(12, "opd", "ajukan_kak", expect="kajian_tkksd")

    # ---------------------------------------------------------------- Kota Surakarta (33.72)
    pemetaan_solo = "Keputusan Wali Kota Surakarta tentang Daftar Rencana Program dan Kegiatan Kerja Sama Daerah Tahun 2025"
    s1 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDPL",
                "kota_kembar",
                "Kota Bersaudara Kota Surakarta dan Kota Kanazawa di Bidang Kriya, Batik, dan Pelestarian Kota Pusaka",
                "Pemerintah Kota Kanazawa",
                "pemerintah_daerah",
                "JP",
                ["pertukaran_budaya", "promosi_potensi_daerah", "iptek"],
                cost=1_750_000_000,
                benefit="Pusat kriya bersama dan 60 perajin batik mengikuti residensi.",
                pemetaan_ref=pemetaan_solo,
            ),
            Theme(
                opd="Dinas Kebudayaan Kota Surakarta",
                latar="Surakarta dan Kanazawa sama-sama kota pusaka dengan tradisi kriya yang kuat (batik dan kerajinan pernis emas).",
                tujuan="Pelestarian kota pusaka dan pengembangan kriya melalui pertukaran seniman dan tenaga ahli.",
                sasaran="60 perajin mengikuti residensi dan satu pameran bersama per tahun.",
                lingkup=[
                    "Residensi perajin",
                    "Pelestarian bangunan cagar budaya",
                    "Pameran bersama",
                ],
                kegiatan=["Residensi perajin", "Pameran Solo-Kanazawa"],
                pembiayaan="APBD Kota Surakarta; biaya residensi di Kanazawa ditanggung mitra.",
                potensi="Kampung Batik Laweyan dan Kauman, 70 bangunan cagar budaya.",
                manfaat="Nilai tambah produk kriya dan kunjungan wisata budaya.",
                pemetaan_ref=pemetaan_solo,
            ),
            start_days_ago=370,
        )
    )
    luar_negeri(s1, "pembahasan_naskah", pace=0.8, dprd="deemed")

    s2 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kota Surakarta dan Kota Hue di Bidang Pelestarian Kawasan Keraton dan Pariwisata Budaya",
                "Komite Rakyat Kota Hue",
                "pemerintah_daerah",
                "VN",
                ["pertukaran_budaya", "promosi_potensi_daerah"],
                cost=980_000_000,
                benefit="Rencana pengelolaan kawasan keraton dan paket wisata dua kota keraton.",
                pemetaan_ref=pemetaan_solo,
            ),
            Theme(
                opd="Dinas Pariwisata Kota Surakarta",
                latar="Kota Hue mengelola kompleks istana warisan dunia; Surakarta memiliki Keraton Kasunanan dan Pura Mangkunegaran.",
                tujuan="Pertukaran pengetahuan pengelolaan kawasan keraton dan promosi wisata budaya.",
                sasaran="Rencana pengelolaan kawasan keraton tersusun dan paket wisata bersama dipasarkan.",
                lingkup=[
                    "Pengelolaan kawasan bersejarah",
                    "Promosi wisata budaya",
                    "Pertukaran seniman",
                ],
                kegiatan=["Lokakarya pengelolaan kawasan", "Festival keraton"],
                pembiayaan="APBD Kota Surakarta dan kontribusi mitra.",
                potensi="Keraton Kasunanan, Pura Mangkunegaran, festival budaya tahunan.",
                manfaat="Kunjungan wisata budaya meningkat.",
                pemetaan_ref=pemetaan_solo,
            ),
            end_days_ago=5,
        )
    )
    luar_negeri(s2, "persetujuan_menteri", pace=0.7, gubernur_rencana="kembalikan")

    s3 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDLL",
                "lainnya",
                "Kerja Sama Revitalisasi Pasar Tradisional Kota Surakarta dengan Asian Urban Markets Foundation",
                "Asian Urban Markets Foundation",
                "lembaga_lainnya",
                "SG",
                ["kemampuan_teknis_manajemen", "lainnya"],
                origin="mitra_luar_negeri",
                cost=2_600_000_000,
                benefit="Empat pasar tradisional direvitalisasi.",
            ),
            Theme(
                opd="Dinas Perdagangan Kota Surakarta",
                latar="Lembaga mitra menawarkan pendampingan manajemen pasar tradisional.",
                tujuan="Revitalisasi manajemen pasar tradisional.",
                sasaran="Empat pasar tradisional menerapkan manajemen modern.",
                lingkup=["Manajemen pasar", "Digitalisasi retribusi"],
                kegiatan=["Pendampingan manajemen"],
                pembiayaan="APBD Kota Surakarta dan kontribusi lembaga mitra.",
                potensi="44 pasar tradisional.",
                manfaat="Pasar lebih tertata.",
            ),
            end_days_ago=95,
        )
    )
    luar_negeri(s3, "ditolak", dprd="tolak", pace=0.7)

    s4 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDPL",
                "kota_kembar",
                "Kota Bersaudara Kota Surakarta dan Kota Leiden di Bidang Pendidikan Tinggi dan Arsip Sejarah",
                "Gemeente Leiden",
                "pemerintah_daerah",
                "NL",
                ["iptek", "pertukaran_budaya"],
                cost=830_000_000,
                benefit="Digitalisasi arsip sejarah kota dan beasiswa riset.",
                pemetaan_ref=pemetaan_solo,
            ),
            Theme(
                opd="Dinas Perpustakaan dan Kearsipan Kota Surakarta",
                latar="Banyak arsip sejarah Surakarta tersimpan di lembaga di Leiden.",
                tujuan="Digitalisasi dan akses bersama arsip sejarah serta kerja sama pendidikan tinggi.",
                sasaran="10.000 lembar arsip terdigitalisasi.",
                lingkup=["Digitalisasi arsip", "Beasiswa riset", "Pameran sejarah"],
                kegiatan=["Digitalisasi tahap I"],
                pembiayaan="APBD Kota Surakarta dan dukungan mitra.",
                potensi="Arsip kota dan perguruan tinggi di Surakarta.",
                manfaat="Akses publik terhadap sejarah kota.",
                pemetaan_ref=pemetaan_solo,
            ),
            end_days_ago=18,
        )
    )
    luar_negeri(s4, "verifikasi_perbaiki", pace=0.7, verifikasi="perbaiki")

    s5 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kota Surakarta dan Kota Jeonju di Bidang Industri Kreatif Batik dan Kuliner",
                "Pemerintah Kota Jeonju",
                "pemerintah_daerah",
                "KR",
                ["promosi_potensi_daerah", "pertukaran_budaya"],
                cost=760_000_000,
                benefit="Promosi batik dan kuliner Solo di pasar Korea.",
                pemetaan_ref=pemetaan_solo,
            ),
            Theme(
                opd="Dinas Koperasi, Usaha Kecil dan Menengah, dan Perindustrian Kota Surakarta",
                latar="Jeonju adalah kota kreatif gastronomi UNESCO; Surakarta kuat di batik dan kuliner.",
                tujuan="Pengembangan industri kreatif batik dan kuliner.",
                sasaran="40 UMKM batik dan kuliner mengikuti pameran di Jeonju.",
                lingkup=["Pameran bersama", "Pelatihan desain", "Festival kuliner"],
                kegiatan=["Festival kuliner"],
                pembiayaan="APBD Kota Surakarta.",
                potensi="Sentra batik dan 300 UMKM kuliner.",
                manfaat="Pasar ekspor baru.",
                pemetaan_ref=pemetaan_solo,
            ),
            end_days_ago=1,
        )
    )
    luar_negeri(s5, "rencana_di_gubernur", pace=0.7)

    s6 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDPK",
                "investasi",
                "Kerja Sama Pengolahan Sampah menjadi Energi Listrik di TPA Putri Cempo Kota Surakarta",
                "PT Energi Bersih Bengawan",
                "badan_usaha",
                None,
                [],
                cost=0,
                benefit="Pengolahan 450 ton sampah per hari dan listrik 5 MW.",
            ),
            Theme(
                opd="Dinas Lingkungan Hidup Kota Surakarta",
                latar="TPA Putri Cempo menampung lebih dari 1 juta ton sampah lama.",
                tujuan="Pengolahan sampah menjadi energi listrik melalui investasi badan usaha.",
                sasaran="450 ton sampah per hari terolah.",
                lingkup=["Pembangunan fasilitas", "Pengoperasian", "Penjualan listrik"],
                kegiatan=["Konstruksi"],
                pembiayaan="Investasi badan usaha; daerah membayar biaya layanan pengolahan sampah sesuai PKS.",
                potensi="Timbulan sampah 450 ton per hari.",
                manfaat="Berkurangnya timbunan sampah dan energi terbarukan.",
            ),
            end_days_ago=20,
        )
    )
    s6.step(0, "opd", "create", expect="persiapan", hour=10)
    s6.step(18, "opd", "ajukan_kak", expect="kajian_tkksd")
    s6.step(20, "tkksd", "setujui", expect="penawaran")
    s6.step(8, "kd", "kirim_penawaran", expect="tanggapan_mitra")
    s6.step(25, "tkksd", "diterima", expect="penyusunan_kesepakatan")
    s6.step(30, "tkksd", "disepakati", expect="penandatanganan_kesepakatan")
    s6.step(
        12,
        "kd",
        "tandatangani",
        inputs={"tanggal_penandatanganan": lambda st: st.dates["kb"].isoformat()},
        expect="penyusunan_pks",
        mark="kb",
    )
    s6.step(35, "opd", "ajukan_pembahasan", expect="pembahasan_pks")

    s7 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDLL",
                "lainnya",
                "Kerja Sama Riset Pengelolaan Kota Pusaka Kota Surakarta dengan Institut Français d'Urbanisme Patrimonial",
                "Institut Français d'Urbanisme Patrimonial",
                "lembaga_lainnya",
                "FR",
                ["iptek", "kemampuan_teknis_manajemen"],
                cost=560_000_000,
                benefit="Pedoman desain kawasan cagar budaya dan 15 ASN terlatih.",
                pemetaan_ref=pemetaan_solo,
            ),
            Theme(
                opd="Dinas Pekerjaan Umum dan Penataan Ruang Kota Surakarta",
                latar="Penataan kawasan cagar budaya memerlukan pedoman desain yang teruji.",
                tujuan="Riset bersama dan pedoman desain kawasan pusaka.",
                sasaran="Pedoman desain kawasan pusaka ditetapkan.",
                lingkup=["Riset bersama", "Pelatihan ASN"],
                kegiatan=["Riset lapangan"],
                pembiayaan="APBD Kota Surakarta dan dana riset lembaga mitra.",
                potensi="Kawasan Keraton, Laweyan, dan Kauman.",
                manfaat="Kawasan pusaka tertata.",
                pemetaan_ref=pemetaan_solo,
            ),
            end_days_ago=4,
        )
    )
    luar_negeri(s7, "telaah_rencana", pace=0.7)

    s8 = add(
        Story(
            SURAKARTA,
            _new(
                "KSDPL",
                "lainnya",
                "Kerja Sama Kota Surakarta dan Kota Chiang Rai di Bidang Olahraga dan Pariwisata Sport Tourism",
                "Chiang Rai Municipality",
                "pemerintah_daerah",
                "TH",
                ["olahraga", "promosi_potensi_daerah"],
                cost=690_000_000,
                benefit="Lomba lari internasional bersama dan pertukaran atlet muda.",
                pemetaan_ref=pemetaan_solo,
            ),
            Theme(
                opd="Dinas Pemuda dan Olahraga Kota Surakarta",
                latar="Surakarta rutin menyelenggarakan lomba lari internasional; Chiang Rai mengembangkan sport tourism.",
                tujuan="Pengembangan sport tourism dan pembinaan atlet muda.",
                sasaran="Satu ajang olahraga bersama per tahun.",
                lingkup=["Ajang olahraga bersama", "Pertukaran atlet dan pelatih"],
                kegiatan=["Solo-Chiang Rai Run"],
                pembiayaan="APBD Kota Surakarta dan sponsor.",
                potensi="Stadion Manahan dan komunitas lari.",
                manfaat="Kunjungan wisata olahraga.",
                pemetaan_ref=pemetaan_solo,
            ),
            end_days_ago=7,
        )
    )
    luar_negeri(s8, "penerbitan_salinan", pace=0.6)
    return out


# --------------------------------------------------------------------------------------
# Documents: structured contents and their PDF


SURAT_KINDS = {
    "surat_permohonan_dprd",
    "surat_persetujuan_dprd",
    "surat_penyampaian_rencana",
    "surat_pertimbangan",
    "surat_penyampaian_naskah",
    "surat_konfirmasi",
    "surat_persetujuan_menteri",
    "salinan_naskah",
    "surat_permohonan_tanggapan",
    "surat_tanggapan_menteri",
    "surat_penawaran",
    "surat_persetujuan_dprd_domestik",
}
OWN_UPLOADER = {
    "kajian": "opd",
    "rencana_kerja_sama": "opd",
    "rencana_kegiatan_tahunan": "opd",
    "laporan_tahunan": "opd",
    "kerangka_acuan_kerja": "opd",
    "studi_kelayakan": "opd",
    "perjanjian_kerja_sama": "opd",
    "surat_persetujuan_dprd": "dprd",
    "surat_persetujuan_dprd_domestik": "dprd",
    "naskah_ditandatangani": "kd",
}


def _one_year(d: date) -> date:
    try:
        return d.replace(year=d.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28) - timedelta(days=1)


def _years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n) - timedelta(days=1)
    except ValueError:
        return d.replace(year=d.year + n, day=28) - timedelta(days=1)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def _daerah(story: Story, tenant: Tenant) -> str:
    return f"Pemerintah {tenant.name}"


def document_fields(kind: str, story: Story, tenant: Tenant, today: date) -> dict[str, Any]:
    """Contents of one document of ``story``, every field the rulebooks may ask for."""
    th, d = story.theme, story.data
    daerah = _daerah(story, tenant)
    mitra = story.partner_full
    objek = ", ".join(OBJEK_LABELS[o] for o in d.objek) or "pelayanan publik"
    lingkup = _bullets(th.lingkup)
    ttd = story.dates.get("ttd") or today + timedelta(days=150)
    loi_date = story.dates.get("loi") or today
    if kind == "kajian":
        return {
            "judul": f"Kajian Hasil Penjajakan {d.title}",
            "ringkasan": f"{th.latar} {th.tujuan} Objek kerja sama: {objek}. Penjajakan menyimpulkan kerja sama layak dilanjutkan ke Pernyataan Kehendak.",
            "latar_belakang": th.latar,
            "maksud_tujuan": th.tujuan,
            "pemetaan_potensi": th.potensi,
            "manfaat": th.manfaat,
            "kesimpulan": f"Kerja sama dengan {mitra} sejalan dengan RPJMD dan layak dilanjutkan dengan penandatanganan Pernyataan Kehendak Kerja Sama.",
        }
    if kind == "loi":
        return {
            "judul": f"Pernyataan Kehendak Kerja Sama (Letter of Intent) {d.title}",
            "subjek": f"{daerah} dan {mitra}",
            "maksud_tujuan": th.tujuan,
            "ruang_lingkup": lingkup,
            "tempat_penandatanganan": _tempat(story.code)
            if d.partner_country is None
            else f"{_tempat(story.code)} (ditandatangani secara sirkuler)",
            "tanggal_penandatanganan": today.isoformat(),
            "masa_berlaku_sampai": _one_year(today).isoformat(),
        }
    if kind == "rencana_kerja_sama":
        start = ttd
        return {
            "subjek": f"{daerah} dan {mitra}",
            "latar_belakang": th.latar,
            "maksud_tujuan_sasaran": f"{th.tujuan} Sasaran: {th.sasaran}",
            "objek": d.objek[0] if d.objek else "lainnya",
            "ruang_lingkup": lingkup,
            "sumber_pembiayaan": th.pembiayaan,
            "jangka_waktu_mulai": start.isoformat(),
            "jangka_waktu_selesai": _years(start, 5).isoformat(),
        }
    if kind == "naskah":
        return {
            "judul": f"Naskah Kerja Sama {d.title}",
            "subjek": f"{daerah} dan {mitra}",
            "maksud_tujuan": th.tujuan,
            "ruang_lingkup": lingkup,
            "pelaksanaan": f"Dilaksanakan oleh {th.opd} bersama unit kerja mitra berdasarkan Rencana Kegiatan Tahunan.",
            "pembiayaan": th.pembiayaan,
            "kelompok_kerja_bersama": "Para pihak membentuk kelompok kerja bersama yang bertemu sekurang-kurangnya sekali setahun untuk menyusun dan mengevaluasi Rencana Kegiatan Tahunan.",
            "penyelesaian_perselisihan": "Perselisihan diselesaikan secara damai melalui musyawarah dan konsultasi para pihak.",
            "amandemen": "Naskah dapat diubah atas persetujuan tertulis para pihak.",
            "masa_berlaku_perpanjangan_pengakhiran": "Berlaku lima tahun sejak ditandatangani; dapat diperpanjang atau diakhiri atas persetujuan para pihak; permohonan perpanjangan diajukan paling lambat enam bulan sebelum berakhir.",
            "tanggal_mulai_berlaku": ttd.isoformat(),
            "tanggal_berakhir": _years(ttd, 5).isoformat(),
            "tempat_penandatanganan": _tempat(story.code),
            "tanggal_penandatanganan": ttd.isoformat(),
        }
    if kind == "naskah_ditandatangani":
        return {
            "tanggal_penandatanganan": today.isoformat(),
            "tempat_penandatanganan": _tempat(story.code),
        }
    if kind == "berita_acara_pembahasan":
        return {
            "tanggal_rapat": today.isoformat(),
            "peserta": [
                "Sekretariat Jenderal Kementerian Dalam Negeri",
                "Direktorat Jenderal Hukum dan Perjanjian Internasional, Kementerian Luar Negeri",
                "Kementerian/lembaga terkait",
                f"Pemerintah Provinsi {tenant.parent.name if tenant.parent else tenant.name}",
                daerah,
            ],
            "hasil": f"Rapat menyepakati rancangan Naskah Kerja Sama {d.title} dengan penyempurnaan redaksional pada pasal ruang lingkup; rancangan disampaikan kepada Kementerian Luar Negeri untuk penelaahan.",
        }
    if kind == "rencana_kegiatan_tahunan":
        return {
            "tahun": today.year if today.month < 10 else today.year + 1,
            "uraian_kegiatan": _bullets(th.kegiatan),
            "peran_para_pihak": f"{daerah} menyiapkan peserta, tempat, dan pendanaan kegiatan di dalam negeri; {mitra} menyediakan tenaga ahli dan fasilitas di negaranya.",
            "hasil_yang_diharapkan": th.sasaran,
            "rencana_pembiayaan": th.pembiayaan,
        }
    if kind == "laporan_tahunan":
        year = today.year - 1
        return {
            "tahun": year,
            "judul": f"Laporan Tahunan {year} {d.title}",
            "latar_belakang": th.latar,
            "maksud_tujuan_sasaran": f"{th.tujuan} Sasaran: {th.sasaran}",
            "ruang_lingkup": lingkup,
            "perkembangan_hasil": f"Naskah ditandatangani pada {format_tanggal(ttd)}; kelompok kerja bersama telah dibentuk dan Rencana Kegiatan Tahunan disusun.",
            "penerima_manfaat": th.manfaat,
            "pendanaan": th.pembiayaan,
            "hambatan_tantangan": "Penyesuaian jadwal kegiatan dengan siklus anggaran kedua pihak.",
            "analisis_tindak_lanjut": "Kegiatan tahun berjalan dipercepat dan dievaluasi setiap semester.",
        }
    if kind == "kerangka_acuan_kerja":
        return {
            "judul": f"Kerangka Acuan Kerja {d.title}",
            "program_kegiatan": _bullets(th.lingkup),
            "dasar_pemetaan": th.pemetaan_ref or "Rencana Pembangunan Jangka Menengah Daerah",
        }
    if kind == "studi_kelayakan":
        return {
            "judul": f"Studi Kelayakan {d.title}",
            "kesimpulan": f"{th.latar} Secara teknis, ekonomi, dan hukum kerja sama dengan pihak ketiga layak dilaksanakan. {th.manfaat}",
        }
    if kind == "kesepakatan_bersama":
        start = story.dates.get("kb") or today
        return {
            "judul": f"Kesepakatan Bersama {d.title}",
            "isi": f"Para pihak sepakat bekerja sama dalam: {', '.join(th.lingkup)}. {th.pembiayaan}",
            "tanggal_mulai_berlaku": start.isoformat(),
            "tanggal_berakhir": _years(start, 5).isoformat(),
        }
    if kind == "perjanjian_kerja_sama":
        start = story.dates.get("pks") or today + timedelta(days=30)
        return {
            "judul": f"Perjanjian Kerja Sama {d.title}",
            "hak_kewajiban": f"{daerah} menyediakan lokasi, data, dan perizinan; {d.partner_name} membiayai, membangun, dan mengoperasikan. {th.pembiayaan}",
            "tanggal_mulai_berlaku": start.isoformat(),
            "tanggal_berakhir": _years(start, 5).isoformat(),
        }
    return {"perihal": _perihal(kind, story, loi_date)}


def _perihal(kind: str, story: Story, loi_date: date) -> str:
    t = story.data.title
    return {
        "surat_permohonan_dprd": f"Permohonan Persetujuan DPRD atas Rencana Kerja Sama {t}",
        "surat_persetujuan_dprd": f"Persetujuan DPRD atas Rencana Kerja Sama {t}",
        "surat_persetujuan_dprd_domestik": f"Persetujuan DPRD atas Rencana Kerja Sama {t}",
        "surat_penyampaian_rencana": f"Penyampaian Rencana Kerja Sama {t}",
        "surat_pertimbangan": f"Pertimbangan atas Rencana Kerja Sama {t}",
        "surat_penyampaian_naskah": f"Penyampaian Rancangan Naskah Kerja Sama {t}",
        "surat_konfirmasi": f"Konfirmasi atas Rancangan Naskah Kerja Sama {t}",
        "surat_persetujuan_menteri": f"Persetujuan atas Naskah Kerja Sama {t}",
        "salinan_naskah": f"Penyampaian Salinan Naskah Kerja Sama {t}",
        "surat_permohonan_tanggapan": f"Permohonan Tanggapan atas Kajian Rencana Kerja Sama {t}",
        "surat_tanggapan_menteri": f"Tanggapan atas Rencana Kerja Sama {t}",
        "surat_penawaran": f"Penawaran Kerja Sama {t}",
    }.get(kind, t)


_DOC_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_DOC_TEMPLATE = _DOC_ENV.from_string(
    """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
@page { size: A4; margin: 2cm 2.5cm; @bottom-center { content: "Halaman " counter(page); font-size: 9pt; } }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.4; }
.kop { text-align: center; border-bottom: 3px double #000; padding-bottom: 4pt; margin-bottom: 14pt; }
.kop .p { font-size: 13pt; font-weight: bold; } .kop .a { font-size: 9pt; }
h1 { font-size: 13pt; text-align: center; text-transform: uppercase; margin: 0 0 2pt 0; }
.sub { text-align: center; margin-bottom: 4pt; } .nomor { text-align: center; font-size: 9.5pt; margin-bottom: 14pt; }
h2 { font-size: 11pt; margin: 10pt 0 2pt 0; } p { margin: 0 0 4pt 0; text-align: justify; white-space: pre-line; }
.ttd { margin-top: 24pt; margin-left: 8.5cm; } .ttd .ruang { height: 1.8cm; } .ttd .nama { font-weight: bold; text-decoration: underline; }
table.dua { width: 100%; margin-top: 24pt; border-collapse: collapse; } table.dua td { width: 50%; vertical-align: top; padding-right: 12pt; }
table.dua td.ruang { height: 1.8cm; } table.dua td.nama { font-weight: bold; text-decoration: underline; }
.catatan { margin-top: 18pt; font-size: 8.5pt; color: #555; }
</style></head><body>
<div class="kop"><div class="p">{{ kop.pemerintah }}</div>{% if kop.instansi %}<div class="p">{{ kop.instansi }}</div>{% endif %}<div class="a">{{ kop.alamat }}</div></div>
<h1>{{ title }}</h1><div class="sub">{{ subtitle }}</div><div class="nomor">{{ nomor }}</div>
{% for label, value in rows %}<h2>{{ label }}</h2><p>{{ value }}</p>{% endfor %}
{% if mitra %}<table class="dua"><tr><td>Untuk {{ mitra }},</td><td>Untuk {{ kop.nama_pemerintah }},</td></tr>
<tr><td class="ruang"></td><td class="ruang"></td></tr><tr><td class="nama">{{ mitra_signer }}</td><td class="nama">{{ signer.nama }}</td></tr>
<tr><td></td><td>{{ signer.jabatan }}</td></tr></table>
{% else %}<div class="ttd"><div>{{ tempat }}, {{ tanggal }}</div><div>{{ signer.jabatan }},</div><div class="ruang"></div><div class="nama">{{ signer.nama }}</div></div>{% endif %}
<div class="catatan">Dokumen contoh data demo SIKD.</div>
</body></html>"""
)


def _kop(tenant: Tenant, dprd: bool = False) -> dict[str, str]:
    kop = kop_for_tenant(tenant)
    kop["alamat"] = ADDRESSES.get(tenant.code, kop["alamat"])
    if dprd:
        kop["pemerintah"] = f"DEWAN PERWAKILAN RAKYAT DAERAH {tenant.name.upper()}"
        kop["instansi"] = "SEKRETARIAT DPRD"
        kop["nama_pemerintah"] = f"DPRD {tenant.name}"
    return kop


def _value(spec: dict[str, Any], value: Any) -> str:
    if spec.get("type") == "date" and value:
        return format_tanggal(date.fromisoformat(str(value)))
    if isinstance(value, list):
        return _bullets([str(v) for v in value])
    return str(value)


TWO_PARTY = {
    "loi",
    "naskah",
    "naskah_ditandatangani",
    "kesepakatan_bersama",
    "perjanjian_kerja_sama",
    "rencana_kegiatan_tahunan",
}


def document_pdf(
    kind: str,
    label: str,
    story: Story,
    tenant: Tenant,
    spec: dict[str, Any],
    fields: dict,
    today: date,
    number: str = "",
) -> bytes:
    from weasyprint import HTML

    specs = {f["name"]: f for f in spec.get("fields") or ()}
    rows = [
        (specs[k].get("label", k), _value(specs[k], v)) for k, v in fields.items() if k in specs
    ]
    html = _DOC_TEMPLATE.render(
        title=label,
        subtitle=story.data.title,
        nomor=f"Nomor register SIKD: {number}",
        mitra=story.data.partner_name if kind in TWO_PARTY else None,
        mitra_signer="(penandatangan pihak mitra)",
        kop=_kop(tenant),
        rows=rows,
        tempat=_tempat(tenant.code),
        tanggal=format_tanggal(today),
        signer=SIGNERS.get(tenant.code, {"jabatan": f"Kepala Daerah {tenant.name}", "nama": ""}),
    )
    return HTML(string=html).write_pdf()


# --------------------------------------------------------------------------------------
# Running the stories


class Seeder:
    def __init__(self, app: Any, now: datetime) -> None:
        self.app = app
        self.now = now
        self.users: dict[tuple[str, str], User] = {}
        self.documents = 0
        self.current_action: str | None = None

    # -- people

    def user(self, code: str, role: str) -> User:
        key = (code, role)
        if key not in self.users:
            email = demo_email(code, role)
            with system_scope():
                user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                raise DemoDataError(f"akun demo {email} belum ada")
            self.users[key] = user
        return self.users[key]

    def who(self, story: Story, key: str) -> User:
        tenant = get_tenant(story.code)
        if key in ("opd", "tkksd", "dprd", "kd"):
            role = {"kd": "kepala_daerah", "dprd": "sekretariat_dprd"}.get(key, key)
            return self.user(story.code, role)
        if key == "gub":
            return self.user(tenant.parent.code, "gubernur_verifier")
        return self.user(
            KEMLU if key == "kemlu" else KEMENDAGRI,
            {"sekjen": "sekjen_verifier", "menteri": "sekjen_leader", "kemlu": "kemlu_reviewer"}[
                key
            ],
        )

    @contextmanager
    def acting(self, user: User, at: datetime) -> Iterator[User]:
        self.app.extensions["sikd_clock"] = clock.FixedClock(at)
        with tenant_scope(user.tenant_id):
            db.session.refresh(user)  # its own tenant sees it (RLS); loaded for this step
            _ = user.tenant.name
            yield user

    # -- steps

    def run(self, story: Story, op: Op) -> None:
        assert op.at is not None
        if op.action == "create":
            with self.acting(self.who(story, "opd"), op.at) as user:
                coop = svc.create_cooperation(user, story.data)
                story.coop_id = coop.id
        elif op.action == "sweep":
            self.app.extensions["sikd_clock"] = clock.FixedClock(op.at)
            svc.sweep_deadlines(op.at)
        elif op.action.startswith("upload:"):
            kind = op.action.partition(":")[2]
            self.upload(story, kind, self.who(story, op.who or "opd"), op.at)
        else:
            self.act(story, op)
        stage = self.stage_of(story)
        if op.expect and stage != op.expect:
            raise DemoDataError(
                f"'{story.data.title}': langkah {op.action} berakhir di tahap {stage}, "
                f"seharusnya {op.expect}"
            )

    def stage_of(self, story: Story) -> str:
        with system_scope():
            stage = db.session.scalar(
                select(Cooperation.stage).where(Cooperation.id == story.coop_id)
            )
            db.session.commit()
        return stage

    def act(self, story: Story, op: Op) -> None:
        actor = self.who(story, op.who or "kd")
        with self.acting(actor, op.at) as user:
            coop = svc.get_visible(story.coop_id)
            info = next((a for a in svc.available_actions(user, coop) if a.id == op.action), None)
            if info is None:
                raise DemoDataError(
                    f"'{story.data.title}': {user.email} tidak dapat {op.action} di tahap {coop.stage}"
                )
            missing = list(info.missing_documents)
            inputs = {k: (v(story) if callable(v) else v) for k, v in op.inputs.items()}
            for spec in info.inputs:
                if spec.required and spec.name not in inputs:
                    inputs[spec.name] = self._fill(spec, op.at)
            level = coop.holder_level
        for n, kind in enumerate(missing):
            uploader = self.who(story, OWN_UPLOADER.get(kind, "tkksd")) if level == "own" else actor
            self.upload(story, kind, uploader, op.at - timedelta(minutes=12 * (len(missing) - n)))
        with self.acting(actor, op.at) as user:
            coop = svc.get_visible(story.coop_id)
            try:
                svc.perform_action(user, coop.id, op.action, inputs, coop.version)
            except svc.CooperationError as exc:
                raise DemoDataError(
                    f"'{story.data.title}': {op.action} ditolak: {exc.message}"
                ) from exc

    @staticmethod
    def _fill(spec: Any, at: datetime) -> Any:
        if spec.type == "date":
            return at.astimezone(WIB).date().isoformat()
        if spec.type == "choice":
            return spec.choices[0]
        if spec.type == "list":
            return [spec.label]
        if spec.type == "integer":
            return at.year
        return spec.label

    def upload(self, story: Story, kind: str, uploader: User, at: datetime) -> None:
        from sikd.api.documents import store_upload

        today = at.astimezone(WIB).date()
        with self.acting(uploader, at) as user:
            coop = svc.get_visible(story.coop_id)
            owner = coop.tenant
            rulebook = svc.rulebook_of(coop)
            spec = (rulebook.get("document_kinds") or {})[kind]
            names = [f["name"] for f in spec.get("fields") or ()]
            if kind in SURAT_KINDS:
                fields, pdf = self.letter(story, kind, coop, user, today)
            else:
                content = document_fields(kind, story, owner, today)
                fields = {k: v for k, v in content.items() if k in names}
                pdf = document_pdf(
                    kind, spec.get("label", kind), story, owner, spec, fields, today, coop.number
                )
            fields = {k: v for k, v in fields.items() if k in names}
            try:
                store_upload(user, coop, kind, io.BytesIO(pdf), f"{kind}.pdf", fields, None)
            except Exception as exc:
                db.session.rollback()
                message = getattr(exc, "message", str(exc))
                raise DemoDataError(
                    f"'{story.data.title}': unggah {kind} ditolak: {message}"
                ) from exc
        self.documents += 1

    # -- letters

    def _nomor(self, tenant: Tenant, year: int, series: str = "kerma") -> str:
        from sikd.documents.services import format_nomor_surat, next_letter_number

        with tenant_scope(tenant.id):
            n = next_letter_number(tenant.id, year, series)
        if series == "dprd":
            return f"000.7/{n:03d}/DPRD-{tenant.code}/{year}"
        return format_nomor_surat(tenant.code, n, year)

    def letter(
        self, story: Story, kind: str, coop: Cooperation, user: User, today: date
    ) -> tuple[dict[str, Any], bytes]:
        owner = coop.tenant
        provinsi = owner.parent
        kemendagri = get_tenant(KEMENDAGRI)
        kemlu = get_tenant(KEMLU)
        daerah = f"Pemerintah {owner.name}"
        kd = dict(SIGNERS[owner.code])
        melalui = f"Gubernur {provinsi.name}" if provinsi and owner.is_kabkota else None
        ke_mendagri = "Menteri Dalam Negeri c.q. Sekretaris Jenderal Kementerian Dalam Negeri"
        tembusan = [f"Gubernur {provinsi.name}"] if provinsi else []
        tembusan.append(f"Ketua DPRD {owner.name}")

        def ref(k: str) -> dict[str, Any]:
            nomor, tanggal = story.letters.get(k, (None, None))
            return {"rujukan_nomor": nomor, "rujukan_tanggal": tanggal}

        perihal = _perihal(kind, story, today)
        base: dict[str, Any] = {
            "tanggal": today,
            "judul": story.data.title,
            "mitra": story.partner_full,
            "daerah": daerah,
            "perihal": perihal,
        }
        issuer = owner
        letter_kind = kind
        series = "kerma"
        extra: dict[str, Any] = {}
        if kind == "surat_permohonan_dprd":
            extra = {
                "tujuan": f"Ketua Dewan Perwakilan Rakyat Daerah {owner.name}",
                "di": _tempat(owner.code),
                "penandatangan": kd,
                "lampiran": "2 (dua) berkas",
            }
        elif kind in ("surat_persetujuan_dprd", "surat_persetujuan_dprd_domestik"):
            letter_kind, series = "surat_permohonan_dprd", "dprd"
            sent = story.letters.get("surat_permohonan_dprd")
            extra = {
                "tujuan": SIGNERS[owner.code]["jabatan"],
                "di": _tempat(owner.code),
                "kop": _kop(owner, dprd=True),
                "penandatangan": {
                    "jabatan": f"Ketua DPRD {owner.name}",
                    "nama": DPRD_CHAIRS[owner.code],
                },
                "isi": [
                    (
                        f"Menindaklanjuti surat Saudara Nomor {sent[0]} tanggal {format_tanggal(sent[1])}"
                        if sent
                        else "Menindaklanjuti surat Saudara"
                    )
                    + f" perihal permohonan persetujuan DPRD atas rencana kerja sama {story.data.title} dengan {story.partner_full}, DPRD telah membahasnya dalam rapat paripurna.",
                    "Berdasarkan hasil rapat paripurna tersebut, DPRD menyatakan menyetujui rencana kerja sama dimaksud untuk ditindaklanjuti sesuai ketentuan peraturan perundang-undangan.",
                    "Demikian disampaikan untuk dipergunakan sebagaimana mestinya.",
                ],
            }
        elif kind == "surat_penyampaian_rencana":
            extra = {
                "tujuan": ke_mendagri,
                "melalui": melalui,
                "di": "Jakarta",
                "penandatangan": kd,
                "tembusan": tembusan,
                "lampiran": "3 (tiga) berkas",
            }
        elif kind == "surat_penyampaian_naskah":
            extra = {
                "tujuan": ke_mendagri,
                "melalui": melalui,
                "di": "Jakarta",
                "penandatangan": kd,
                "tembusan": tembusan,
                "lampiran": "1 (satu) berkas",
                **ref("surat_pertimbangan"),
            }
        elif kind == "surat_permohonan_tanggapan":
            letter_kind = "surat_penyampaian_rencana"
            extra = {
                "tujuan": ke_mendagri,
                "di": "Jakarta",
                "penandatangan": kd,
                "tembusan": tembusan,
                "lampiran": "1 (satu) berkas kajian",
                "isi": [
                    f"Dalam rangka rencana kerja sama {story.data.title} dengan {story.partner_full}, Pemerintah {owner.name} telah melaksanakan penjajakan dan menyusun kajian sebagaimana terlampir.",
                    "Sesuai ketentuan Pasal 61 Peraturan Wali Kota Bekasi Nomor 57 Tahun 2023, sebelum Pernyataan Kehendak Kerja Sama ditandatangani kami mohon tanggapan tertulis Menteri Dalam Negeri melalui Sekretaris Jenderal.",
                    "Demikian kami sampaikan. Atas perhatian Bapak, kami ucapkan terima kasih.",
                ],
            }
        elif kind == "surat_tanggapan_menteri":
            issuer, letter_kind = kemendagri, "tanggapan_sekjen"
            isi_tanggapan = (
                f"Pada prinsipnya Kementerian Dalam Negeri tidak berkeberatan atas rencana kerja sama "
                f"dengan {story.partner_full}, dengan catatan agar ruang lingkup dirinci per bidang dan "
                "pembiayaan dialokasikan dalam APBD sesuai ketentuan."
            )
            extra = {
                "tujuan": SIGNERS[owner.code]["jabatan"],
                "di": _tempat(owner.code),
                "penandatangan": SIGNERS[KEMENDAGRI],
                "catatan": isi_tanggapan,
                **ref("surat_permohonan_tanggapan"),
                "rujukan_perihal": _perihal("surat_permohonan_tanggapan", story, today),
            }
            base["isi_tanggapan"] = isi_tanggapan
        elif kind == "surat_pertimbangan":
            issuer, letter_kind = kemendagri, "pertimbangan_sekjen"
            perbaiki = self.current_action == "pertimbangan_perbaiki"
            extra = {
                "tujuan": SIGNERS[owner.code]["jabatan"],
                "melalui": melalui,
                "di": _tempat(owner.code),
                "penandatangan": SIGNERS[KEMENDAGRI],
                "keputusan": "perbaiki" if perbaiki else "lanjut",
                "catatan": (
                    "Sumber pembiayaan dan pembagian peran para pihak agar dirinci per tahun; sasaran agar terukur."
                    if perbaiki
                    else "Rancangan Naskah agar memuat pembentukan kelompok kerja bersama."
                ),
                "tembusan": tembusan,
                **ref("surat_penyampaian_rencana"),
                "rujukan_perihal": _perihal("surat_penyampaian_rencana", story, today),
            }
        elif kind == "surat_konfirmasi":
            issuer, letter_kind = kemlu, "surat_konfirmasi_kemlu"
            extra = {
                "tujuan": ke_mendagri,
                "di": "Jakarta",
                "penandatangan": SIGNERS[KEMLU],
                **ref("surat_penyampaian_naskah"),
                "rujukan_perihal": _perihal("surat_penyampaian_naskah", story, today),
            }
        elif kind == "surat_persetujuan_menteri":
            issuer, letter_kind = kemendagri, "surat_persetujuan_mendagri"
            extra = {
                "tujuan": SIGNERS[owner.code]["jabatan"],
                "di": _tempat(owner.code),
                "penandatangan": SIGNERS[KEMENDAGRI],
                "tembusan": [*tembusan[:-1], "Menteri Luar Negeri"],
                **ref("surat_penyampaian_naskah"),
                "rujukan_perihal": _perihal("surat_penyampaian_naskah", story, today),
            }
        elif kind == "salinan_naskah":
            issuer, letter_kind = kemendagri, "surat_persetujuan_mendagri"
            extra = {
                "tujuan": SIGNERS[owner.code]["jabatan"],
                "di": _tempat(owner.code),
                "penandatangan": SIGNERS[KEMENDAGRI],
                "lampiran": "1 (satu) salinan naskah",
                "isi": [
                    f"Naskah asli Kerja Sama {story.data.title} antara {daerah} dan {story.partner_full} yang telah ditandatangani telah kami terima.",
                    "Bersama ini kami sampaikan salinan naskah tersebut untuk disimpan dan dijadikan dasar pelaksanaan kerja sama. Saudara diminta menyusun Rencana Kegiatan Tahunan dan menyampaikan laporan pelaksanaan setiap tahun melalui Gubernur.",
                    "Demikian disampaikan untuk dilaksanakan.",
                ],
            }
        elif kind == "surat_penawaran":
            letter_kind = "surat_penyampaian_rencana"
            partner_head = (
                f"Bupati {story.data.partner_name.removeprefix('Pemerintah Kabupaten ')}"
                if story.data.type == "KSDD"
                else f"Direktur Utama {story.data.partner_name}"
            )
            extra = {
                "tujuan": partner_head,
                "di": "Tempat",
                "penandatangan": kd,
                "lampiran": "1 (satu) berkas Kerangka Acuan Kerja",
                "isi": [
                    f"Dalam rangka {story.theme.tujuan[0].lower()}{story.theme.tujuan[1:]} Pemerintah {owner.name} bermaksud menawarkan kerja sama {story.data.title}.",
                    "Bersama ini kami lampirkan Kerangka Acuan Kerja sebagai bahan pertimbangan. Kami mengharapkan tanggapan Saudara untuk selanjutnya membahas rancangan Kesepakatan Bersama.",
                    "Demikian kami sampaikan. Atas perhatian dan kerja samanya, kami ucapkan terima kasih.",
                ],
            }
        else:
            raise DemoDataError(f"tidak ada surat untuk jenis {kind}")
        nomor = self._nomor(issuer, today.year, series)
        context = base | {"nomor": nomor, "kop": extra.pop("kop", None) or _kop(issuer)} | extra
        context.pop("isi_tanggapan", None)
        pdf = render_letter(letter_kind, context, "pdf")
        story.letters[kind] = (nomor, today)
        fields = {
            "nomor_surat": nomor,
            "tanggal_surat": today.isoformat(),
            "perihal": perihal,
            "isi_tanggapan": base.get("isi_tanggapan"),
        }
        return {k: v for k, v in fields.items() if v is not None}, pdf


def _drop_pending_jobs(session: Session) -> None:
    session.info.pop("sikd_pending_jobs", None)


def _ensure_bogor_accounts(password: str | None = None) -> tuple[list[DemoAccount], str | None]:
    tenant = get_tenant(BOGOR)
    created: list[DemoAccount] = []
    for role in ROLES.values():
        if not role.allowed_on(tenant.kind, tenant.code):
            continue
        email = demo_email(BOGOR, role.code)
        with system_scope():
            exists = db.session.scalar(select(User.id).where(User.email == email))
            db.session.commit()
        if exists is not None:
            continue
        password = password or generate_password()
        create_user(
            tenant,
            email,
            [role.code],
            password,
            full_name=f"{role.label} {tenant.name}",
            unit=BOGOR_UNIT if role.code == "opd" else None,
        )
        created.append(DemoAccount(BOGOR, tenant.name, role.code, email))
    return created, password


def seed_demo_cooperations(strict: bool = False, password: str | None = None) -> DemoSummary:
    """Seed the demo cooperations (inside an app context, after the demo accounts exist).

    Does nothing when any cooperation exists. The Kabupaten Bogor accounts it creates get
    ``password`` (the other demo accounts' one, when the caller has it) or a generated one,
    returned in the summary. With ``strict`` a failing story raises; without it (``make run``)
    the failure is logged and reported in the summary, so the server still starts."""
    from flask import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    t0 = time.monotonic()
    with system_scope():
        existing = db.session.scalar(select(func.count()).select_from(Cooperation))
        db.session.commit()
    if existing:
        return DemoSummary(skipped=True, seconds=time.monotonic() - t0)

    summary = DemoSummary()
    previous_clock = app.extensions.get("sikd_clock")
    now = previous_clock.now() if previous_clock is not None else datetime.now(UTC)
    event.listen(Session, "before_commit", _drop_pending_jobs)
    try:
        summary.accounts, summary.password = _ensure_bogor_accounts(password)
        seeder = Seeder(app, now)
        plan = stories()
        schedule: list[tuple[datetime, int, int, Story | None, Op]] = []
        for i, story in enumerate(plan):
            place(story, now)
            for j, op in enumerate(story.ops):
                assert op.at is not None
                schedule.append((op.at, i, j, story, op))
        # the scheduler's deadline sweep, weekly (Monday 07.00 WIB) over the whole history
        first = min(row[0] for row in schedule).astimezone(WIB).date()
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        while (instant := _instant(monday, 7.0)) < now:
            schedule.append((instant, -1, 0, None, Op(0, None, "sweep")))
            monday += timedelta(days=7)
        schedule.sort(key=lambda row: (row[0], row[1], row[2]))
        for at, _i, _j, story, op in schedule:
            seeder.current_action = op.action
            if story is None:
                app.extensions["sikd_clock"] = clock.FixedClock(at)
                svc.sweep_deadlines(at)
                continue
            seeder.run(story, op)
        # the state as the scheduler's first sweep would leave it (e.g. a lapsed LoI flagged)
        app.extensions["sikd_clock"] = clock.FixedClock(now)
        svc.sweep_deadlines(now)
        with system_scope():
            db.session.execute(
                update(Notification)
                .where(Notification.email_status == "pending")
                .values(
                    email_status="dilewati",
                    email_error="Riwayat data demo: tidak dikirim lewat surel.",
                )
            )
            db.session.commit()
        summary.documents = seeder.documents
    except Exception as exc:
        db.session.rollback()
        if strict:
            raise
        log.exception("Data demo kerja sama gagal dibuat")
        summary.error = str(exc)
    finally:
        event.remove(Session, "before_commit", _drop_pending_jobs)
        if previous_clock is None:
            app.extensions.pop("sikd_clock", None)
        else:
            app.extensions["sikd_clock"] = previous_clock
    with system_scope():
        rows = db.session.execute(
            select(Tenant.code, Cooperation.stage).join(Tenant, Tenant.id == Cooperation.tenant_id)
        ).all()
        db.session.commit()
    for code, stage in rows:
        summary.by_tenant[code] = summary.by_tenant.get(code, 0) + 1
        summary.by_stage[stage] = summary.by_stage.get(stage, 0) + 1
    summary.cooperations = len(rows)
    summary.seconds = time.monotonic() - t0
    log.info(
        "Data demo: %d kerja sama, %d dokumen, %.1f detik",
        summary.cooperations,
        summary.documents,
        summary.seconds,
    )
    return summary
