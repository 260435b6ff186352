"""The demo's PDFs other than letters (WeasyPrint), and who signs and files what."""

from __future__ import annotations

from datetime import date
from typing import Any

from jinja2 import Environment, select_autoescape

from sikd.core.i18n import format_tanggal
from sikd.documents.letters import kop_for_tenant
from sikd.tenancy.models import KEMENDAGRI, KEMLU, Tenant

from .content import bullets, tempat
from .stories import Story

# Who signs for the centre (fictional officials; the offices are real). The daerah's own
# officials are in their story file.
CENTRAL_SIGNERS: dict[str, dict[str, str]] = {
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
CENTRAL_ADDRESSES = {
    KEMENDAGRI: "Jalan Medan Merdeka Utara Nomor 7, Jakarta 10110",
    KEMLU: "Jalan Taman Pejambon Nomor 6, Jakarta 10110",
}

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
# Who files a document at the daerah's own stages (role code; default: TKKSD); at the
# other levels the acting user files it.
OWN_UPLOADER = {
    "kajian": "opd",
    "rencana_kerja_sama": "opd",
    "rencana_kegiatan_tahunan": "opd",
    "laporan_tahunan": "opd",
    "kerangka_acuan_kerja": "opd",
    "studi_kelayakan": "opd",
    "perjanjian_kerja_sama": "opd",
    "surat_persetujuan_dprd": "sekretariat_dprd",
    "surat_persetujuan_dprd_domestik": "sekretariat_dprd",
    "naskah_ditandatangani": "kepala_daerah",
}


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


def kop(tenant: Tenant, story: Story, dprd: bool = False) -> dict[str, str]:
    """The letterhead of ``tenant`` (the story's daerah or the centre), with its address."""
    head = kop_for_tenant(tenant)
    if tenant.code == story.code:
        head["alamat"] = story.home.address
    else:
        head["alamat"] = CENTRAL_ADDRESSES.get(tenant.code, head["alamat"])
    if dprd:
        head["pemerintah"] = f"DEWAN PERWAKILAN RAKYAT DAERAH {tenant.name.upper()}"
        head["instansi"] = "SEKRETARIAT DPRD"
        head["nama_pemerintah"] = f"DPRD {tenant.name}"
    return head


def _value(spec: dict[str, Any], value: Any) -> str:
    if spec.get("type") == "date" and value:
        return format_tanggal(date.fromisoformat(str(value)))
    if isinstance(value, list):
        return bullets([str(v) for v in value])
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
        kop=kop(tenant, story),
        rows=rows,
        tempat=tempat(story),
        tanggal=format_tanggal(today),
        signer=story.home.kepala_daerah,
    )
    return HTML(string=html).write_pdf()
