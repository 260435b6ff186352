"""Structured contents checked against rulebook document kinds, and Indonesian dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sikd.core.i18n import (
    format_hari_tanggal,
    format_tanggal,
    jumlah_dengan_terbilang,
    terbilang,
)
from sikd.documents.contents import (
    ContentsRefused,
    add_span,
    build_contents_schema,
    validate_contents,
)

LOI = {
    "label": "Pernyataan Kehendak Kerja Sama (LoI)",
    "basis": "PMDN25 tahap 3",
    "fields": [
        {"name": "judul", "label": "Judul", "type": "text", "required": True},
        {"name": "subjek", "label": "Subjek kerja sama", "type": "text", "required": True},
        {"name": "ruang_lingkup", "label": "Ruang lingkup", "type": "list", "required": True},
        {
            "name": "tanggal_penandatanganan",
            "label": "Tanggal penandatanganan",
            "type": "date",
            "required": True,
        },
        {
            "name": "masa_berlaku_sampai",
            "label": "Masa berlaku sampai",
            "type": "date",
            "required": True,
        },
        {"name": "tempat_penandatanganan", "label": "Tempat penandatanganan", "type": "text"},
    ],
    "checks": [
        {
            "check": "max_span",
            "from": "tanggal_penandatanganan",
            "to": "masa_berlaku_sampai",
            "amount": 1,
            "unit": "tahun",
            "basis": "PERWAL57 Pasal 62(3)",
        }
    ],
}

NASKAH = {
    "label": "Naskah Kerja Sama",
    "fields": [
        {"name": "judul", "label": "Judul", "type": "text", "required": True},
        {
            "name": "tanggal_mulai",
            "label": "Tanggal mulai berlaku",
            "type": "date",
            "required": True,
        },
        {"name": "tanggal_berakhir", "label": "Tanggal berakhir", "type": "date", "required": True},
        {"name": "pembiayaan", "label": "Pembiayaan", "type": "money"},
        {
            "name": "bentuk",
            "label": "Bentuk kerja sama",
            "type": "choice",
            "choices": ["kota_kembar", "lainnya"],
        },
        {"name": "jumlah_kegiatan", "label": "Jumlah kegiatan", "type": "integer"},
        {"name": "pelaksanaan", "label": "Pelaksanaan", "type": "longtext"},
    ],
    "checks": [
        {
            "check": "max_span",
            "from": "tanggal_mulai",
            "to": "tanggal_berakhir",
            "amount": 5,
            "unit": "tahun",
            "basis": "PERWAL57 Pasal 78(1)",
        }
    ],
}
REGULATIONS = {"PERWAL57": "Peraturan Wali Kota Bekasi Nomor 57 Tahun 2023"}


def loi(**over):
    data = {
        "judul": "Kerja Sama Kota Bersaudara Bekasi–Xiamen",
        "subjek": "Pemerintah Kota Bekasi dan Pemerintah Kota Xiamen",
        "ruang_lingkup": ["pertukaran budaya", "pendidikan"],
        "tanggal_penandatanganan": "2026-11-22",
        "masa_berlaku_sampai": "2027-11-22",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_valid_loi_is_returned_json_ready():
    out = validate_contents(LOI, loi())
    assert out["masa_berlaku_sampai"] == "2027-11-22"
    assert out["ruang_lingkup"] == ["pertukaran budaya", "pendidikan"]


def test_loi_valid_more_than_one_year_is_refused_perwal57_pasal_62_ayat_3():
    with pytest.raises(ContentsRefused) as err:
        validate_contents(LOI, loi(masa_berlaku_sampai="2027-11-23"), REGULATIONS)
    msg = err.value.message
    assert "Masa berlaku sampai paling lama 1 tahun sejak Tanggal penandatanganan" in msg
    assert "Peraturan Wali Kota Bekasi Nomor 57 Tahun 2023 Pasal 62(3)" in msg
    assert "22 November 2027" in msg  # says what to do
    assert list(err.value.errors) == ["masa_berlaku_sampai"]


def test_loi_validity_ending_before_signing_is_refused():
    with pytest.raises(ContentsRefused) as err:
        validate_contents(LOI, loi(masa_berlaku_sampai="2026-11-01"))
    assert "tidak boleh sebelum Tanggal penandatanganan" in err.value.message


def test_cooperation_term_over_five_years_is_refused_perwal57_pasal_78_ayat_1():
    ok = {"judul": "Naskah", "tanggal_mulai": "2027-01-01", "tanggal_berakhir": "2032-01-01"}
    assert validate_contents(NASKAH, ok)["tanggal_berakhir"] == "2032-01-01"
    with pytest.raises(ContentsRefused) as err:
        validate_contents(NASKAH, ok | {"tanggal_berakhir": "2032-01-02"}, REGULATIONS)
    assert "paling lama 5 tahun" in err.value.message
    assert "Pasal 78(1)" in err.value.message


PERPANJANGAN = {
    "label": "Surat permohonan perpanjangan",
    "fields": [
        {"name": "tanggal_surat", "label": "Tanggal surat", "type": "date", "required": True},
        {
            "name": "tanggal_berakhir_kerja_sama",
            "label": "Tanggal berakhirnya kerja sama",
            "type": "date",
            "required": True,
        },
    ],
    "checks": [
        {
            "check": "min_span",
            "from": "tanggal_surat",
            "to": "tanggal_berakhir_kerja_sama",
            "amount": 6,
            "unit": "bulan",
            "basis": "PERWAL57 Pasal 78(3)",
        }
    ],
}


def test_extension_request_later_than_six_months_before_the_end_is_refused_pasal_78_ayat_3():
    end = {"tanggal_berakhir_kerja_sama": "2027-11-22"}
    assert validate_contents(PERPANJANGAN, end | {"tanggal_surat": "2027-05-22"})
    with pytest.raises(ContentsRefused) as err:
        validate_contents(PERPANJANGAN, end | {"tanggal_surat": "2027-05-23"}, REGULATIONS)
    assert err.value.message == (
        "Tanggal surat paling lambat 6 bulan sebelum Tanggal berakhirnya kerja sama "
        "(Peraturan Wali Kota Bekasi Nomor 57 Tahun 2023 Pasal 78(3)), "
        "yaitu paling lambat 22 Mei 2027."
    )


def test_missing_required_items_are_named_by_their_labels():
    with pytest.raises(ContentsRefused) as err:
        validate_contents(LOI, {"judul": "  ", "tanggal_penandatanganan": "2026-11-22"})
    msg = err.value.message
    assert msg.startswith("Isian wajib belum diisi: ")
    for label in ("Judul", "Subjek kerja sama", "Ruang lingkup", "Masa berlaku sampai"):
        assert label in msg
    assert "Tanggal penandatanganan," not in msg
    assert "Lengkapi lalu simpan lagi." in msg


def test_wrong_types_and_unknown_items_are_refused_in_indonesian():
    data = {
        "judul": "N",
        "tanggal_mulai": "22/11/2026",
        "tanggal_berakhir": "2027-01-01",
        "pembiayaan": "banyak",
        "bentuk": "aliansi",
        "jumlah_kegiatan": "tiga",
        "catatan_rahasia": "x",
    }
    with pytest.raises(ContentsRefused) as err:
        validate_contents(NASKAH, data)
    errors = err.value.errors
    assert errors["tanggal_mulai"] == ["Tanggal mulai berlaku harus berupa tanggal (TTTT-BB-HH)."]
    assert errors["pembiayaan"] == ["Pembiayaan harus berupa jumlah uang (angka)."]
    assert errors["bentuk"] == ["Bentuk kerja sama harus salah satu dari: kota_kembar, lainnya."]
    assert errors["jumlah_kegiatan"] == ["Jumlah kegiatan harus berupa bilangan bulat."]
    assert "tidak dikenal" in errors["catatan_rahasia"][0]


def test_money_is_kept_as_an_exact_decimal_string():
    ok = {"judul": "N", "tanggal_mulai": "2027-01-01", "tanggal_berakhir": "2028-01-01"}
    assert validate_contents(NASKAH, ok | {"pembiayaan": "1500000000.5"})["pembiayaan"] == (
        "1500000000.50"
    )


def test_schema_refuses_unknown_rule_shapes():
    with pytest.raises(ValueError, match="unknown field type"):
        build_contents_schema({"fields": [{"name": "x", "type": "gambar"}]})
    with pytest.raises(ValueError, match="unknown field"):
        build_contents_schema(
            {
                "fields": [{"name": "a", "type": "date"}],
                "checks": [
                    {"check": "max_span", "from": "a", "to": "b", "amount": 1, "unit": "tahun"}
                ],
            }  # fmt: skip
        )


def test_span_arithmetic_clamps_month_ends():
    assert add_span(date(2028, 2, 29), 1, "tahun") == date(2029, 2, 28)
    assert add_span(date(2026, 1, 31), 1, "bulan") == date(2026, 2, 28)
    assert add_span(date(2026, 11, 22), 45, "hari") == date(2027, 1, 6)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_loi_valid_exactly_one_year_is_always_accepted(signed):
    end = add_span(signed, 1, "tahun")
    data = loi(tanggal_penandatanganan=signed.isoformat(), masa_berlaku_sampai=end.isoformat())
    assert validate_contents(LOI, data)["masa_berlaku_sampai"] == end.isoformat()


def test_against_the_national_rulebook_when_present():
    path = Path(__file__).resolve().parents[2] / "tenants" / "rules" / "national.yaml"
    if not path.exists():
        pytest.skip("tenants/rules/national.yaml belum ada")
    import yaml

    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, kind in rules.get("document_kinds", {}).items():
        schema = build_contents_schema(kind, rules.get("regulations"))
        assert schema is not None, name
    loi_kind = rules["document_kinds"].get("loi")
    if loi_kind is None:
        pytest.skip("rulebook has no loi kind yet")
    with pytest.raises(ContentsRefused):
        validate_contents(loi_kind, {})


# -- Indonesian -------------------------------------------------------------------------


def test_format_tanggal_in_indonesian():
    assert format_tanggal(date(2026, 11, 22)) == "22 November 2026"
    assert format_tanggal(date(2027, 1, 1)) == "1 Januari 2027"
    assert format_hari_tanggal(date(2026, 11, 22)) == "Minggu, 22 November 2026"
    assert format_hari_tanggal(date(2026, 8, 17)) == "Senin, 17 Agustus 2026"


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (11, "sebelas"),
        (12, "dua belas"),
        (45, "empat puluh lima"),
        (100, "seratus"),
        (111, "seratus sebelas"),
        (1000, "seribu"),
        (2026, "dua ribu dua puluh enam"),
        (1_500_000, "satu juta lima ratus ribu"),
    ],
)
def test_terbilang(n, words):
    assert terbilang(n) == words


def test_term_written_with_words():
    assert jumlah_dengan_terbilang(45, "hari kerja") == "45 (empat puluh lima) hari kerja"
