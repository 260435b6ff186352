"""The OpenAPI document describes the API as it answers (so a client generated from it works),
and its Swagger UI loads nothing from the internet."""

from __future__ import annotations

import re

import pytest

NO_BODY = {("delete", "/api/v1/auth/tokens/{token_id}")}  # 204


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def _methods(path_item: dict):
    return [
        (m, op) for m, op in path_item.items() if m in ("get", "post", "put", "delete", "patch")
    ]


def test_the_error_body_is_declared_as_it_is_sent(spec, client):
    error = spec["components"]["schemas"]["ErrorOut"]
    assert error["properties"]["code"]["type"] == "string"
    assert {"code", "message", "hint", "errors", "missing", "basis", "state"} <= set(
        error["properties"]
    )
    assert set(error["required"]) == {"code", "message"}
    sent = client.get("/api/v1/inbox").get_json()  # not signed in
    assert set(sent) <= set(error["properties"]) and isinstance(sent["code"], str)
    for path, operations in spec["paths"].items():
        for method, op in _methods(operations):
            default = _resolve(spec, op["responses"]["default"])
            schema = default["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


def test_every_operation_declares_its_success_body(spec):
    operations = [(m, p, op) for p, ops in spec["paths"].items() for m, op in _methods(ops)]
    assert len(operations) >= 20
    for method, path, op in operations:
        success = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        assert success, (method, path)
        if (method, path) in NO_BODY:
            continue
        for code, response in success.items():
            content = _resolve(spec, response).get("content") or {}
            assert content, (method, path, code)
            assert all(c.get("schema") for c in content.values()), (method, path, code)
        if method != "get" and path != "/api/v1/auth/tokens":
            assert "401" in op["responses"], (method, path)


def test_the_upload_is_declared_as_multipart_with_its_fields(spec):
    body = spec["paths"]["/api/v1/cooperations/{coop_id}/documents"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert set(schema["required"]) == {"kind", "file"}
    assert {"fields", "document_id"} <= set(schema["properties"])


def test_ids_are_declared_within_the_postgresql_integer_range(spec):
    params = spec["paths"]["/api/v1/cooperations/{coop_id}"]["parameters"]
    coop_id = next(p for p in params if p["name"] == "coop_id")
    assert coop_id["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_swagger_ui_is_served_from_the_package_not_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    for asset in re.findall(r"""(?:src|href)="([^"]+)""", html):
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.get_data()) > 1000, asset
    assert client.get("/api/v1/docs/assets/../../../etc/passwd").status_code == 404
