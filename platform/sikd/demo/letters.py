"""The demo's letters (with a nomor surat), rendered by the product's own letter templates."""

from __future__ import annotations

from datetime import date
from typing import Any

from sikd.accounts.models import User
from sikd.cooperations.models import Cooperation
from sikd.core.i18n import format_tanggal
from sikd.documents.rendering import render_letter
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant
from sikd.tenancy.scope import tenant_scope
from sikd.tenancy.services import get_tenant

from .content import perihal as _perihal
from .content import tempat
from .documents import CENTRAL_SIGNERS
from .documents import kop as _kop_of
from .errors import DemoDataError
from .stories import Story


def _nomor(tenant: Tenant, year: int, series: str = "kerma") -> str:
    from sikd.documents.issuing import format_nomor_surat, next_letter_number

    with tenant_scope(tenant.id):
        n = next_letter_number(tenant.id, year, series)
    if series == "dprd":
        return f"000.7/{n:03d}/DPRD-{tenant.code}/{year}"
    return format_nomor_surat(tenant.code, n, year)


class _Letter:
    """What every demo letter of one story knows: who sends it, to whom, through whom."""

    def __init__(self, story: Story, kind: str, coop: Cooperation, today: date, action: str | None):
        self.story, self.kind, self.today, self.action = story, kind, today, action
        self.owner = coop.tenant
        self.provinsi = self.owner.parent
        self.kemendagri = get_tenant(KEMENDAGRI)
        self.kemlu = get_tenant(KEMLU)
        self.daerah = f"Pemerintah {self.owner.name}"
        self.kd = dict(story.home.kepala_daerah)
        self.melalui = (
            f"Gubernur {self.provinsi.name}" if self.provinsi and self.owner.is_kabkota else None
        )
        self.ke_mendagri = "Menteri Dalam Negeri c.q. Sekretaris Jenderal Kementerian Dalam Negeri"
        self.tembusan = [f"Gubernur {self.provinsi.name}"] if self.provinsi else []
        self.tembusan.append(f"Ketua DPRD {self.owner.name}")
        self.perihal = _perihal(kind, story, today)
        self.base: dict[str, Any] = {
            "tanggal": today,
            "judul": story.data.title,
            "mitra": story.partner_full,
            "daerah": self.daerah,
            "perihal": self.perihal,
        }
        self.issuer, self.letter_kind, self.series = self.owner, kind, "kerma"

    def ref(self, k: str) -> dict[str, Any]:
        nomor, tanggal = self.story.letters.get(k, (None, None))
        return {"rujukan_nomor": nomor, "rujukan_tanggal": tanggal}


def _surat_permohonan_dprd(ctx: _Letter) -> dict[str, Any]:
    return {
        "tujuan": f"Ketua Dewan Perwakilan Rakyat Daerah {ctx.owner.name}",
        "di": tempat(ctx.story),
        "penandatangan": ctx.kd,
        "lampiran": "2 (dua) berkas",
    }


def _surat_persetujuan_dprd(ctx: _Letter) -> dict[str, Any]:
    ctx.letter_kind, ctx.series = "surat_permohonan_dprd", "dprd"
    sent = ctx.story.letters.get("surat_permohonan_dprd")
    return {
        "tujuan": ctx.story.home.kepala_daerah["jabatan"],
        "di": tempat(ctx.story),
        "kop": _kop_of(ctx.owner, ctx.story, dprd=True),
        "penandatangan": {
            "jabatan": f"Ketua DPRD {ctx.owner.name}",
            "nama": ctx.story.home.ketua_dprd,
        },
        "isi": [
            (
                f"Menindaklanjuti surat Saudara Nomor {sent[0]} tanggal {format_tanggal(sent[1])}"
                if sent
                else "Menindaklanjuti surat Saudara"
            )
            + f" perihal permohonan persetujuan DPRD atas rencana kerja sama {ctx.story.data.title} dengan {ctx.story.partner_full}, DPRD telah membahasnya dalam rapat paripurna.",
            "Berdasarkan hasil rapat paripurna tersebut, DPRD menyatakan menyetujui rencana kerja sama dimaksud untuk ditindaklanjuti sesuai ketentuan peraturan perundang-undangan.",
            "Demikian disampaikan untuk dipergunakan sebagaimana mestinya.",
        ],
    }


def _surat_penyampaian_rencana(ctx: _Letter) -> dict[str, Any]:
    return {
        "tujuan": ctx.ke_mendagri,
        "melalui": ctx.melalui,
        "di": "Jakarta",
        "penandatangan": ctx.kd,
        "tembusan": ctx.tembusan,
        "lampiran": "3 (tiga) berkas",
    }


def _surat_penyampaian_naskah(ctx: _Letter) -> dict[str, Any]:
    return {
        "tujuan": ctx.ke_mendagri,
        "melalui": ctx.melalui,
        "di": "Jakarta",
        "penandatangan": ctx.kd,
        "tembusan": ctx.tembusan,
        "lampiran": "1 (satu) berkas",
        **ctx.ref("surat_pertimbangan"),
    }


def _surat_permohonan_tanggapan(ctx: _Letter) -> dict[str, Any]:
    ctx.letter_kind = "surat_penyampaian_rencana"
    return {
        "tujuan": ctx.ke_mendagri,
        "di": "Jakarta",
        "penandatangan": ctx.kd,
        "tembusan": ctx.tembusan,
        "lampiran": "1 (satu) berkas kajian",
        "isi": [
            f"Dalam rangka rencana kerja sama {ctx.story.data.title} dengan {ctx.story.partner_full}, Pemerintah {ctx.owner.name} telah melaksanakan penjajakan dan menyusun kajian sebagaimana terlampir.",
            "Sesuai ketentuan Pasal 61 Peraturan Wali Kota Bekasi Nomor 57 Tahun 2023, sebelum Pernyataan Kehendak Kerja Sama ditandatangani kami mohon tanggapan tertulis Menteri Dalam Negeri melalui Sekretaris Jenderal.",
            "Demikian kami sampaikan. Atas perhatian Bapak, kami ucapkan terima kasih.",
        ],
    }


def _surat_tanggapan_menteri(ctx: _Letter) -> dict[str, Any]:
    ctx.issuer, ctx.letter_kind = ctx.kemendagri, "tanggapan_sekjen"
    isi_tanggapan = (
        f"Pada prinsipnya Kementerian Dalam Negeri tidak berkeberatan atas rencana kerja sama "
        f"dengan {ctx.story.partner_full}, dengan catatan agar ruang lingkup dirinci per bidang dan "
        "pembiayaan dialokasikan dalam APBD sesuai ketentuan."
    )
    ctx.base["isi_tanggapan"] = isi_tanggapan
    return {
        "tujuan": ctx.story.home.kepala_daerah["jabatan"],
        "di": tempat(ctx.story),
        "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
        "catatan": isi_tanggapan,
        **ctx.ref("surat_permohonan_tanggapan"),
        "rujukan_perihal": _perihal("surat_permohonan_tanggapan", ctx.story, ctx.today),
    }


def _surat_pertimbangan(ctx: _Letter) -> dict[str, Any]:
    ctx.issuer, ctx.letter_kind = ctx.kemendagri, "pertimbangan_sekjen"
    perbaiki = ctx.action == "pertimbangan_perbaiki"
    return {
        "tujuan": ctx.story.home.kepala_daerah["jabatan"],
        "melalui": ctx.melalui,
        "di": tempat(ctx.story),
        "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
        "keputusan": "perbaiki" if perbaiki else "lanjut",
        "catatan": (
            "Sumber pembiayaan dan pembagian peran para pihak agar dirinci per tahun; sasaran agar terukur."
            if perbaiki
            else "Rancangan Naskah agar memuat pembentukan kelompok kerja bersama."
        ),
        "tembusan": ctx.tembusan,
        **ctx.ref("surat_penyampaian_rencana"),
        "rujukan_perihal": _perihal("surat_penyampaian_rencana", ctx.story, ctx.today),
    }


def _surat_konfirmasi(ctx: _Letter) -> dict[str, Any]:
    ctx.issuer, ctx.letter_kind = ctx.kemlu, "surat_konfirmasi_kemlu"
    return {
        "tujuan": ctx.ke_mendagri,
        "di": "Jakarta",
        "penandatangan": CENTRAL_SIGNERS[KEMLU],
        **ctx.ref("surat_penyampaian_naskah"),
        "rujukan_perihal": _perihal("surat_penyampaian_naskah", ctx.story, ctx.today),
    }


def _surat_persetujuan_menteri(ctx: _Letter) -> dict[str, Any]:
    ctx.issuer, ctx.letter_kind = ctx.kemendagri, "surat_persetujuan_mendagri"
    return {
        "tujuan": ctx.story.home.kepala_daerah["jabatan"],
        "di": tempat(ctx.story),
        "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
        "tembusan": [*ctx.tembusan[:-1], "Menteri Luar Negeri"],
        **ctx.ref("surat_penyampaian_naskah"),
        "rujukan_perihal": _perihal("surat_penyampaian_naskah", ctx.story, ctx.today),
    }


def _salinan_naskah(ctx: _Letter) -> dict[str, Any]:
    ctx.issuer, ctx.letter_kind = ctx.kemendagri, "surat_persetujuan_mendagri"
    return {
        "tujuan": ctx.story.home.kepala_daerah["jabatan"],
        "di": tempat(ctx.story),
        "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
        "lampiran": "1 (satu) salinan naskah",
        "isi": [
            f"Naskah asli Kerja Sama {ctx.story.data.title} antara {ctx.daerah} dan {ctx.story.partner_full} yang telah ditandatangani telah kami terima.",
            "Bersama ini kami sampaikan salinan naskah tersebut untuk disimpan dan dijadikan dasar pelaksanaan kerja sama. Saudara diminta menyusun Rencana Kegiatan Tahunan dan menyampaikan laporan pelaksanaan setiap tahun melalui Gubernur.",
            "Demikian disampaikan untuk dilaksanakan.",
        ],
    }


def _surat_penawaran(ctx: _Letter) -> dict[str, Any]:
    ctx.letter_kind = "surat_penyampaian_rencana"
    partner_head = (
        f"Bupati {ctx.story.data.partner_name.removeprefix('Pemerintah Kabupaten ')}"
        if ctx.story.data.type == "KSDD"
        else f"Direktur Utama {ctx.story.data.partner_name}"
    )
    return {
        "tujuan": partner_head,
        "di": "Tempat",
        "penandatangan": ctx.kd,
        "lampiran": "1 (satu) berkas Kerangka Acuan Kerja",
        "isi": [
            f"Dalam rangka {ctx.story.theme.tujuan[0].lower()}{ctx.story.theme.tujuan[1:]} Pemerintah {ctx.owner.name} bermaksud menawarkan kerja sama {ctx.story.data.title}.",
            "Bersama ini kami lampirkan Kerangka Acuan Kerja sebagai bahan pertimbangan. Kami mengharapkan tanggapan Saudara untuk selanjutnya membahas rancangan Kesepakatan Bersama.",
            "Demikian kami sampaikan. Atas perhatian dan kerja samanya, kami ucapkan terima kasih.",
        ],
    }


_BUILDERS = {
    "surat_permohonan_dprd": _surat_permohonan_dprd,
    "surat_persetujuan_dprd": _surat_persetujuan_dprd,
    "surat_persetujuan_dprd_domestik": _surat_persetujuan_dprd,
    "surat_penyampaian_rencana": _surat_penyampaian_rencana,
    "surat_penyampaian_naskah": _surat_penyampaian_naskah,
    "surat_permohonan_tanggapan": _surat_permohonan_tanggapan,
    "surat_tanggapan_menteri": _surat_tanggapan_menteri,
    "surat_pertimbangan": _surat_pertimbangan,
    "surat_konfirmasi": _surat_konfirmasi,
    "surat_persetujuan_menteri": _surat_persetujuan_menteri,
    "salinan_naskah": _salinan_naskah,
    "surat_penawaran": _surat_penawaran,
}


def letter(
    story: Story, kind: str, coop: Cooperation, user: User, today: date, action: str | None
) -> tuple[dict[str, Any], bytes]:
    """Fields and PDF of the letter ``kind`` of ``story``, numbered in its issuer's register.

    ``action`` is the step the letter is filed for (a pertimbangan differs by it)."""
    build = _BUILDERS.get(kind)
    if build is None:
        raise DemoDataError(f"tidak ada surat untuk jenis {kind}")
    ctx = _Letter(story, kind, coop, today, action)
    extra = build(ctx)
    nomor = _nomor(ctx.issuer, today.year, ctx.series)
    context = (
        ctx.base
        | {"nomor": nomor, "kop": extra.pop("kop", None) or _kop_of(ctx.issuer, story)}
        | extra
    )
    context.pop("isi_tanggapan", None)
    pdf = render_letter(ctx.letter_kind, context, "pdf")
    story.letters[kind] = (nomor, today)
    fields = {
        "nomor_surat": nomor,
        "tanggal_surat": today.isoformat(),
        "perihal": ctx.perihal,
        "isi_tanggapan": ctx.base.get("isi_tanggapan"),
    }
    return {k: v for k, v in fields.items() if v is not None}, pdf
