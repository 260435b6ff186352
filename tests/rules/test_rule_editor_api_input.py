"""The rule editor's API reads its bodies through the same schemas as the rest of the API: a
wrong value is refused before anything is stored, in Indonesian, naming the field by its label;
an unknown field is refused rather than silently ignored; the operations are in the OpenAPI
document with their answers (multipart upload of the Perwal PDF, the YAML export)."""

from __future__ import annotations

import re

ENGLISH = re.compile(r"Length must|Not a valid|Missing data|Unknown field|Must be one of")


def refused(response, field: str, *words: str) -> str:
    assert response.status_code == 422, (response.status_code, response.get_json())
    body = response.get_json()
    assert field in body["errors"], body
    text = " ".join(body["errors"][field])
    assert not ENGLISH.search(text), text
    for word in words:
        assert word in text, text
    return text


def test_editor_bodies_are_refused_in_indonesian_naming_the_field(cast):
    admin = cast("33.72").api("tenant_admin")
    assert admin.post("/api/v1/rules/draft").status_code == 201
    before = admin.get("/api/v1/rules/draft").get_json()["variant"]

    edits = "/api/v1/rules/draft/edits"
    tighten = {"op": "tighten_deadline", "process": "luar_negeri", "stage": "rencana_di_gubernur"}
    refused(admin.post(edits, json={**tighten, "amount": "tiga"}), "amount", "Jumlah", "bulat")
    refused(admin.post(edits, json={**tighten, "amount": 3, "unit": "pekan"}), "unit", "Satuan")
    refused(admin.post(edits, json={"op": "hapus_semua"}), "op", "Jenis perubahan")
    label = "x" * 301
    refused(admin.post(edits, json={"op": "regulation", "label": label}), "label", "300")
    refused(
        admin.post(edits, json={"op": "regulation", "perintah": "x"}), "perintah", "tidak dikenal"
    )
    basis = {"regulation": "PERWALSKA2026", "pasal": 7}
    refused(admin.post(edits, json={**tighten, "basis": basis}), "basis.pasal", "Pasal")
    row = {"name": "nomor", "label": "Nomor", "required": "ya"}
    kind = {"op": "add_document_kind", "code": "telaah", "fields": [row]}
    refused(admin.post(edits, json=kind), "fields.0.required", "Isian wajib")

    propose = admin.post("/api/v1/rules/draft/propose", json={"effective_from": "besok"})
    refused(propose, "effective_from", "Tanggal mulai berlaku", "TTTT-BB-HH")
    back = admin.post("/api/v1/rules/draft/return", json={"reason": ""})
    refused(back, "reason", "Alasan pengembalian")
    put = admin.client.put("/api/v1/rules/draft", json={"variant": "x"}, headers=admin.headers)
    refused(put, "variant", "Varian aturan")
    refused(admin.post("/api/v1/rules/draft/import", json={"yaml": ""}), "yaml", "YAML")
    missing = admin.post("/api/v1/rules/draft/basis-document", data={})
    refused(missing, "file")

    assert admin.get("/api/v1/rules/draft").get_json()["variant"] == before  # nothing stored


def test_the_editor_operations_are_documented_with_their_answers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    edit = paths["/api/v1/rules/draft/edits"]["post"]
    body = edit["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/EditBody"}
    assert spec["components"]["schemas"]["EditBody"]["additionalProperties"] is False
    assert {"200", "401", "403", "404", "409", "422"} <= set(edit["responses"])
    upload = paths["/api/v1/rules/draft/basis-document"]["post"]["requestBody"]
    form = upload["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == {"type": "string", "format": "binary"}
    export = paths["/api/v1/rules/variant/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"application/yaml"}
    publish = paths["/api/v1/rules/draft/publish"]["post"]["responses"]["201"]
    assert publish["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RulebookVersionOut"
    }
