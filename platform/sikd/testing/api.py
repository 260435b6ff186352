"""Drives cooperations through the HTTP API the way the users in the acceptance tests do."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fill_fields(kind: dict, today: date) -> dict:
    """Structured contents that satisfy the rulebook's fields and checks."""
    values = {}
    for f in kind.get("fields") or ():
        name, typ = f["name"], f["type"]
        if typ == "date":
            if any(w in name for w in ("sampai", "berakhir", "selesai")):
                values[name] = (today + timedelta(days=300)).isoformat()
            else:
                values[name] = today.isoformat()
        elif typ == "integer":
            values[name] = today.year
        elif typ == "money":
            values[name] = 1000000
        elif typ == "choice":
            values[name] = (f.get("choices") or ["lainnya"])[0]
        elif typ == "list":
            values[name] = ["Butir pertama"]
        else:
            values[name] = f"Isi {f.get('label', name)}"
    return values


class ApiUser:
    def __init__(self, client, user, password: str):
        self.client, self.user = client, user
        response = client.post(
            "/api/v1/auth/tokens", json={"email": user.email, "password": password}
        )
        assert response.status_code == 201, response.get_json()
        self.headers = {"Authorization": f"Bearer {response.get_json()['token']}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, **kw):
        return self.client.post(path, headers=self.headers, **kw)

    def upload(
        self,
        coop_id: int,
        kind: str,
        kinds: dict,
        today: date,
        filename: str = "dokumen.pdf",
        content: bytes = PDF,
        fields: dict | None = None,
    ):
        data = {
            "kind": kind,
            "fields": json.dumps(fields if fields is not None else fill_fields(kinds[kind], today)),
            "file": (io.BytesIO(content), filename),
        }
        return self.post(
            f"/api/v1/cooperations/{coop_id}/documents",
            data=data,
            content_type="multipart/form-data",
        )

    def actions(self, coop_id: int) -> dict:
        response = self.get(f"/api/v1/cooperations/{coop_id}/actions")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def act(
        self,
        coop_id: int,
        action: str,
        kinds: dict,
        today: date,
        inputs: dict | None = None,
        expect: int = 200,
    ):
        """Upload what the action still misses, fill its required inputs, take it."""
        listing = self.actions(coop_id)
        info = next((a for a in listing["actions"] if a["id"] == action), None)
        assert info is not None, (
            f"{self.user.email} cannot {action}; may: {[a['id'] for a in listing['actions']]}"
        )
        for kind in info["missing_documents"]:
            up = self.upload(coop_id, kind, kinds, today)
            assert up.status_code == 201, up.get_json()
        values = dict(inputs or {})
        for spec in info["inputs"]:
            if spec["required"] and spec["name"] not in values:
                values[spec["name"]] = fill_fields({"fields": [spec]}, today)[spec["name"]]
        if info["reason_required"] and "alasan" not in values:
            values["alasan"] = "Mohon dilengkapi sesuai ketentuan."
        response = self.post(
            f"/api/v1/cooperations/{coop_id}/actions/{action}",
            json={"inputs": values, "expected_version": listing["version"]},
        )
        assert response.status_code == expect, response.get_json()
        return response.get_json()
