"""Nothing asked twice: the contents of a document to file, offered from what the case
already knows (the wizard's answers, the documents filed before). The user only checks and
corrects; a value offered is never stored unless the form is sent."""

from __future__ import annotations

from typing import Any

from sikd.cooperations.models import Cooperation
from sikd.cooperations.state import current_documents

# a field of a later document that says what an earlier one's field said under another name
SAME_AS = {"maksud_tujuan_sasaran": "maksud_tujuan"}
# what one document says that a later one repeats (a letter's own words never are)
COPIED = {
    "judul",
    "subjek",
    "latar_belakang",
    "maksud_tujuan",
    "ruang_lingkup",
    "manfaat",
    "sumber_pembiayaan",
    "jangka_waktu_mulai",
    "jangka_waktu_selesai",
}

# the subject line of letters the daerah receives, from the case
PERIHAL = {
    "surat_persetujuan_dprd": "Persetujuan DPRD atas Rencana Kerja Sama {judul}",
    "surat_permohonan_tanggapan": "Permohonan Tanggapan atas Rencana Kerja Sama {judul}",
}


def _place(coop: Cooperation) -> str:
    name = coop.tenant.name
    for prefix in ("Kota ", "Kabupaten "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def document_prefill(
    coop: Cooperation, kinds: dict[str, Any], objek_labels: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """``{kind: {field: value}}`` for every document kind of the rulebook."""
    filed: dict[str, Any] = {}
    for doc in current_documents(coop):
        version = doc.current_version
        for name, value in ((version.fields if version else None) or {}).items():
            if name in COPIED and value not in (None, "", []):
                filed.setdefault(name, value)
    objek = list(coop.objek or ())
    known: dict[str, Any] = {
        "judul": coop.title,
        "subjek": f"Pemerintah {coop.tenant.name} dan {coop.partner_name}",
        "manfaat": coop.benefit_note,
        "tempat_penandatanganan": _place(coop),
        "ruang_lingkup": "\n".join(objek_labels.get(o, o) for o in objek) or None,
    }
    out: dict[str, dict[str, Any]] = {}
    for code, kind in kinds.items():
        values: dict[str, Any] = {}
        for spec in kind.get("fields") or ():
            name = spec["name"]
            value = filed.get(name) or filed.get(SAME_AS.get(name, "")) or known.get(name)
            if name in ("judul", "subjek"):  # the case's own title and parties come first
                value = known.get(name) or value
            if name == "objek" and objek:
                choices = spec.get("choices") or ()
                value = next((o for o in objek if not choices or o in choices), None)
            if name == "perihal" and code in PERIHAL:
                value = PERIHAL[code].format(judul=coop.title)
            if value not in (None, "", []):
                values[name] = value
        out[code] = values
    return out
