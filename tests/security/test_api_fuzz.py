"""Schema-driven fuzzing of the JSON API: every operation in /api/v1/openapi.json, driven by
schemathesis in-process (WSGI) with a bearer token of a demo-like Bekasi TKKSD user.

Two promises are held here: no input a client can send makes the server answer 5xx, and every
answer matches what the OpenAPI document says (status code declared, content type, body schema).
A client generated from the document therefore works against the server.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from sikd.accounts.services import issue_token
from sikd.core.extensions import db
from sikd.rules import effective_rulebook
from sikd.testing import TEST_PASSWORD, ApiUser

# Examples per operation and mode: once with ids the fuzzer invents (nearly all unknown: 404,
# or out of range), once with the ids of the cooperation, document and version that exist.
MAX_EXAMPLES = {"random": 8, "real": 20}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class FuzzTarget:
    app: object
    user: object
    ids: dict[str, int]

    def headers(self) -> dict[str, str]:
        """A fresh token each time: the fuzzer may revoke the one it was given (a DELETE of
        /auth/tokens/{id} with a small id), which would turn everything after into 401."""
        with self.app.app_context():
            raw, _ = issue_token(self.user)
            db.session.commit()
        # identity: schemathesis reads the bytes as sent; compression is tested elsewhere
        return {"Authorization": f"Bearer {raw}", "Accept-Encoding": "identity"}


@pytest.fixture
def fuzz_target(app, client, make_user):
    """A TKKSD of Kota Bekasi holding one cooperation with one uploaded document."""
    from sikd.testing.journeys import SISTER_CITY

    user = make_user("32.75", ["tkksd"])
    tkksd = ApiUser(client, user, TEST_PASSWORD)
    created = tkksd.post("/api/v1/cooperations", json=SISTER_CITY)
    assert created.status_code == 201, created.get_json()
    cid = created.get_json()["id"]
    kinds = effective_rulebook("32.75").as_dict()["document_kinds"]
    uploaded = tkksd.upload(cid, "kajian", kinds, date.today())
    assert uploaded.status_code == 201, uploaded.get_json()
    doc = uploaded.get_json()
    ids = {"coop_id": cid, "doc_id": doc["id"], "version_id": doc["current_version_id"]}
    return FuzzTarget(app, user, ids)


def _fuzz(operation, mode, target: FuzzTarget, real: bool, failures: dict) -> int:
    path_ids = {
        p.name: target.ids[p.name] for p in operation.path_parameters if p.name in target.ids
    }
    if real and not path_ids:
        return 0
    headers = target.headers()
    calls = []

    @given(
        case=operation.as_strategy(generation_mode=mode, path_parameters=path_ids if real else None)
    )
    @settings(
        max_examples=MAX_EXAMPLES["real" if real else "random"],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        calls.append(1)
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, FailureGroup) as exc:  # noqa: BLE001 - reported together below
            name = f"{operation.label} [{mode.value}{', real ids' if real else ''}]"
            failures.setdefault(name, str(exc)[:3000])

    with contextlib.suppress(Unsatisfiable):  # negative mode, nothing to break: no inputs
        run()
    return len(calls)


def test_no_server_error_and_every_answer_as_documented(app, fuzz_target):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    labels, calls = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for real in (False, True):
                calls += _fuzz(operation, mode, fuzz_target, real, failures)
    print(f"\nfuzz: {len(labels)} operations, {calls} requests")
    assert len(labels) >= 20, labels
    assert not failures, "\n\n".join(f"== {k}\n{v}" for k, v in failures.items())
