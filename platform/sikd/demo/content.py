"""What the demo documents say: every field the rulebooks may ask for, from a story's theme."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sikd.core.i18n import format_tanggal
from sikd.tenancy.models import Tenant

from .stories import Story

OBJEK_LABELS = {
    "iptek": "pengembangan ilmu pengetahuan dan teknologi",
    "pertukaran_budaya": "pertukaran budaya",
    "kemampuan_teknis_manajemen": "peningkatan kemampuan teknis dan manajemen pemerintahan",
    "promosi_potensi_daerah": "promosi potensi daerah",
    "olahraga": "olahraga",
    "lainnya": "bidang lain sesuai peraturan perundang-undangan",
}

# Who signs for whom (fictional officials; the offices are real).


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


def bullets(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def tempat(story: Story) -> str:
    return story.home.place


class _Doc:
    """What the demo documents of one story draw on."""

    def __init__(self, story: Story, tenant: Tenant, today: date) -> None:
        self.th, self.d, self.story, self.tenant, self.today = (
            story.theme,
            story.data,
            story,
            tenant,
            today,
        )
        self.daerah = f"Pemerintah {tenant.name}"
        self.mitra = story.partner_full
        self.objek = ", ".join(OBJEK_LABELS[o] for o in story.data.objek) or "pelayanan publik"
        self.lingkup = bullets(story.theme.lingkup)
        self.ttd = story.dates.get("ttd") or today + timedelta(days=150)
        self.loi_date = story.dates.get("loi") or today


def document_fields(kind: str, story: Story, tenant: Tenant, today: date) -> dict[str, Any]:
    """Contents of one document of ``story``, every field the rulebooks may ask for."""
    doc = _Doc(story, tenant, today)
    fields = _preparation_fields(kind, doc) or _agreement_fields(kind, doc)
    return fields or {"perihal": perihal(kind, story, doc.loi_date)}


def _unpack(doc: _Doc):
    return (
        doc.th,
        doc.d,
        doc.daerah,
        doc.mitra,
        doc.objek,
        doc.lingkup,
        doc.ttd,
        doc.story,
        doc.tenant,
        doc.today,
    )


def _preparation_fields(kind: str, doc: _Doc) -> dict[str, Any] | None:
    """Penjajakan to signing: kajian, LoI, rencana, naskah, berita acara."""
    th, d, daerah, mitra, objek, lingkup, ttd, story, tenant, today = _unpack(doc)
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
    if kind == "surat_tanggapan_kemlu":  # PMDN25 tahap 3: koordinasi with Menlu before the LoI
        return {
            "nomor_surat": f"B-{story.coop_id or 0:04d}/KS/{today.year}",
            "tanggal_surat": today.isoformat(),
            "isi_tanggapan": f"Kementerian Luar Negeri tidak berkeberatan atas rencana Pernyataan Kehendak dengan {mitra}.",
        }
    if kind == "loi":
        return {
            "judul": f"Pernyataan Kehendak Kerja Sama (Letter of Intent) {d.title}",
            "subjek": f"{daerah} dan {mitra}",
            "maksud_tujuan": th.tujuan,
            "ruang_lingkup": lingkup,
            "tempat_penandatanganan": tempat(story)
            if d.partner_country is None
            else f"{tempat(story)} (ditandatangani secara sirkuler)",
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
            "tempat_penandatanganan": tempat(story),
            "tanggal_penandatanganan": ttd.isoformat(),
        }
    if kind == "naskah_ditandatangani":
        return {
            "tanggal_penandatanganan": today.isoformat(),
            "tempat_penandatanganan": tempat(story),
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
    return None


def _agreement_fields(kind: str, doc: _Doc) -> dict[str, Any] | None:
    """After signing, and the domestic agreements: plans, reports, KAK, KB, PKS."""
    th, d, daerah, mitra, objek, lingkup, ttd, story, tenant, today = _unpack(doc)
    if kind == "rencana_kegiatan_tahunan":
        return {
            "tahun": today.year if today.month < 10 else today.year + 1,
            "uraian_kegiatan": bullets(th.kegiatan),
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
            "program_kegiatan": bullets(th.lingkup),
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
    return None


def perihal(kind: str, story: Story, loi_date: date) -> str:
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
