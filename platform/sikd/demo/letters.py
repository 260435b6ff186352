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


def letter(
    story: Story, kind: str, coop: Cooperation, user: User, today: date, action: str | None
) -> tuple[dict[str, Any], bytes]:
    """Fields and PDF of the letter ``kind`` of ``story``, numbered in its issuer's register.

    ``action`` is the step the letter is filed for (a pertimbangan differs by it)."""
    owner = coop.tenant
    provinsi = owner.parent
    kemendagri = get_tenant(KEMENDAGRI)
    kemlu = get_tenant(KEMLU)
    daerah = f"Pemerintah {owner.name}"
    kd = dict(story.home.kepala_daerah)
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
            "di": tempat(story),
            "penandatangan": kd,
            "lampiran": "2 (dua) berkas",
        }
    elif kind in ("surat_persetujuan_dprd", "surat_persetujuan_dprd_domestik"):
        letter_kind, series = "surat_permohonan_dprd", "dprd"
        sent = story.letters.get("surat_permohonan_dprd")
        extra = {
            "tujuan": story.home.kepala_daerah["jabatan"],
            "di": tempat(story),
            "kop": _kop_of(owner, story, dprd=True),
            "penandatangan": {
                "jabatan": f"Ketua DPRD {owner.name}",
                "nama": story.home.ketua_dprd,
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
            "tujuan": story.home.kepala_daerah["jabatan"],
            "di": tempat(story),
            "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
            "catatan": isi_tanggapan,
            **ref("surat_permohonan_tanggapan"),
            "rujukan_perihal": _perihal("surat_permohonan_tanggapan", story, today),
        }
        base["isi_tanggapan"] = isi_tanggapan
    elif kind == "surat_pertimbangan":
        issuer, letter_kind = kemendagri, "pertimbangan_sekjen"
        perbaiki = action == "pertimbangan_perbaiki"
        extra = {
            "tujuan": story.home.kepala_daerah["jabatan"],
            "melalui": melalui,
            "di": tempat(story),
            "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
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
            "penandatangan": CENTRAL_SIGNERS[KEMLU],
            **ref("surat_penyampaian_naskah"),
            "rujukan_perihal": _perihal("surat_penyampaian_naskah", story, today),
        }
    elif kind == "surat_persetujuan_menteri":
        issuer, letter_kind = kemendagri, "surat_persetujuan_mendagri"
        extra = {
            "tujuan": story.home.kepala_daerah["jabatan"],
            "di": tempat(story),
            "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
            "tembusan": [*tembusan[:-1], "Menteri Luar Negeri"],
            **ref("surat_penyampaian_naskah"),
            "rujukan_perihal": _perihal("surat_penyampaian_naskah", story, today),
        }
    elif kind == "salinan_naskah":
        issuer, letter_kind = kemendagri, "surat_persetujuan_mendagri"
        extra = {
            "tujuan": story.home.kepala_daerah["jabatan"],
            "di": tempat(story),
            "penandatangan": CENTRAL_SIGNERS[KEMENDAGRI],
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
    nomor = _nomor(issuer, today.year, series)
    context = (
        base | {"nomor": nomor, "kop": extra.pop("kop", None) or _kop_of(issuer, story)} | extra
    )
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
