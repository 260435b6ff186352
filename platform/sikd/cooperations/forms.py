"""Reading the pages' forms into what the service layer takes.

The forms are built from data (an action's inputs, a document kind's fields), so they are
plain HTML forms read here rather than WTForms classes; CSRF is checked for every POST in
``accounts.views``. Every reader returns what the user typed as well, so a refused form is
shown again with nothing lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from sikd.cooperations.create import NewCooperation
from sikd.cooperations.models import FOREIGN_TYPES, TYPES
from sikd.core.i18n import country_names, find_countries
from sikd.workflow.types import InputSpec

LIST_TYPES = ("list",)


def country_code(text: str) -> tuple[str | None, str | None]:
    """(ISO code, None) for what a user typed in the country picker: the Indonesian name
    ("Jepang", or "Jepang (JP)" as the list offers it), a unique part of it, or the code;
    (None, message) when it matches no country or several."""
    raw = (text or "").strip()
    if not raw:
        return None, None
    if raw.endswith(")") and "(" in raw:
        raw = raw.rsplit("(", 1)[1].rstrip(")").strip() or raw
    names = country_names()
    if len(raw) == 2 and raw.upper() in names:
        return raw.upper(), None
    exact = [code for code, name in names.items() if name.lower() == raw.lower()]
    if exact:
        return exact[0], None
    found = find_countries(raw)
    if len(found) == 1:
        return found[0][0], None
    if found:
        listed = ", ".join(f"{name} ({code})" for code, name in found[:6])
        return (
            None,
            f"«{raw}» cocok dengan beberapa negara: {listed}. Pilih salah satu dari daftar.",
        )
    return None, (
        f"Negara «{raw}» tidak ditemukan. Ketik nama negara dalam bahasa Indonesia, "
        "mis. Jepang, lalu pilih dari daftar."
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def action_inputs(specs: tuple[InputSpec, ...] | list[InputSpec], form: MultiDict) -> dict:
    """The action's inputs from the form; a list is written one item per line."""
    values: dict[str, Any] = {}
    for spec in specs:
        raw = form.get(spec.name, "")
        if spec.type in LIST_TYPES:
            items = _lines(raw)
            if items:
                values[spec.name] = items
        elif raw.strip():
            values[spec.name] = raw.strip()
    return values


def document_fields(kind: dict[str, Any], form: MultiDict) -> dict[str, Any]:
    """Structured contents of a document from the upload form (field names as in the rulebook)."""
    values: dict[str, Any] = {}
    for spec in kind.get("fields") or ():
        name = spec["name"]
        raw = form.get(f"isi_{name}", "")
        if spec.get("type") in LIST_TYPES:
            items = _lines(raw)
            if items:
                values[name] = items
        elif raw.strip():
            values[name] = raw.strip()
    return values


@dataclass
class CreateForm:
    """The create wizard's steps, read from one form (every step's values travel along)."""

    values: MultiDict
    errors: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def getlist(self, name: str) -> list[str]:
        return self.values.getlist(name)

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def read_create_form(
    form: MultiDict, rulebook: dict[str, Any]
) -> tuple[CreateForm, NewCooperation]:
    """Checks what the page itself can check (a step left empty); the service checks the law."""
    f = CreateForm(MultiDict(form))
    coop_type = f.get("type")
    if coop_type not in TYPES:
        f.error("type", "Pilih jenis kerja sama pada langkah 1.")
    from sikd.rules.vocabulary import COOPERATION_SUBTYPES

    subtype = f.get("subtype")
    if coop_type in TYPES and subtype not in COOPERATION_SUBTYPES[coop_type]:
        f.error("subtype", "Pilih subjenis yang sesuai dengan jenis kerja sama pada langkah 2.")
    if len(f.get("title").strip()) < 3:
        f.error("title", "Isi judul kerja sama (paling sedikit 3 huruf) pada langkah 2.")
    partner_code = f.get("partner_tenant_code").strip() if coop_type == "KSDD" else ""
    if len(f.get("partner_name").strip()) < 2 and not partner_code:
        f.error(
            "partner_name", "Isi nama mitra kerja sama (atau pilih daerah mitra) pada langkah 2."
        )
    if not f.get("partner_kind"):
        f.error("partner_kind", "Pilih bentuk mitra pada langkah 2.")
    origin = f.get("prakarsa_origin") or "daerah"
    from sikd.web.filters import PRAKARSA_ORIGINS

    if origin not in {code for code, _ in PRAKARSA_ORIGINS}:
        f.error("prakarsa_origin", "Pilih asal prakarsa pada langkah 4.")
    cost_raw = f.get("estimated_cost").replace(".", "").replace(" ", "")
    cost = None
    if cost_raw:
        if cost_raw.isdigit():
            cost = int(cost_raw)
        else:
            f.error("estimated_cost", "Tulis perkiraan biaya dengan angka saja, mis. 150000000.")
    foreign = coop_type in FOREIGN_TYPES
    if foreign and not f.getlist("objek"):
        f.error("objek", "Pilih minimal satu objek kerja sama pada langkah 3.")
    persyaratan = f.getlist("persyaratan")
    if foreign and f.get("persyaratan_semua") == "1":
        from sikd.workflow.rulebook import Rulebook

        persyaratan = [p["code"] for p in Rulebook(rulebook).persyaratan(coop_type)]
    elif foreign and not persyaratan:
        f.error(
            "persyaratan",
            "Nyatakan pada langkah 3 bahwa semua persyaratan terpenuhi (centang pernyataannya). "
            "Bila ada yang belum terpenuhi, kerja sama ini belum dapat diprakarsai.",
        )
    country, problem = country_code(f.get("partner_country"))
    if foreign and problem:
        f.error("partner_country", problem)
    elif foreign and not country:
        f.error("partner_country", "Pilih negara mitra pada langkah 2: ketik mis. Jepang.")
    data = NewCooperation(
        type=coop_type,
        subtype=subtype,
        title=f.get("title").strip(),
        partner_name=f.get("partner_name").strip(),
        partner_kind=f.get("partner_kind"),
        partner_country=country if foreign else None,
        objek=f.getlist("objek") if foreign else [],
        persyaratan=persyaratan if foreign else [],
        prakarsa_origin=origin,
        pemetaan_ref=f.get("pemetaan_ref").strip() or None,
        facts=[x for x in f.getlist("facts") if x],
        estimated_cost=cost,
        benefit_note=f.get("benefit_note").strip() or None,
        partner_tenant_code=partner_code or None,
    )
    return f, data
