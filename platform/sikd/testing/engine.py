"""The pure workflow engine on a fixture rulebook (``engine_rulebook.yaml`` next to this
module): actors per level, sample inputs, one step at a time. No database, no clock."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from sikd.workflow import (
    ActionInfo,
    Actor,
    CooperationState,
    Decision,
    InputSpec,
    apply,
    available_actions,
    decide,
    initial_state,
    start,
)

FIXTURE = Path(__file__).parent / "engine_rulebook.yaml"

#: the path of a kota-kembar cooperation from prakarsa to the first annual report (fixture)
KOTA_PATH = [
    ("prakarsa", "catat_prakarsa"),
    ("penjajakan", "ajukan_tanggapan"),
    ("tanggapan_menteri", "berikan_tanggapan"),
    ("loi", "tandatangani_loi"),
    ("rencana", "ajukan_rencana"),
    ("persetujuan_dprd", "setujui"),
    ("penyampaian_rencana", "sampaikan_rencana"),
    ("rencana_gubernur", "teruskan"),
    ("verifikasi", "pertimbangan_lanjut"),
    ("naskah", "sampaikan_naskah"),
    ("naskah_gubernur", "teruskan"),
    ("pembahasan", "kirim_ke_kemlu"),
    ("konfirmasi_kemlu", "terbitkan_surat_konfirmasi"),
    ("persetujuan_menteri", "setujui"),
    ("penandatanganan", "serahkan_naskah_asli"),
    ("penerbitan_salinan", "terbitkan_salinan"),
    ("pelaksanaan", "sampaikan_laporan"),
    ("laporan_gubernur", "teruskan"),
    ("laporan_kemendagri", "terima_laporan"),
]

#: every role a user at that level could hold in the fixture
LEVEL_ROLES = {
    "own": frozenset({"opd", "tkksd", "kepala_daerah", "sekretariat_dprd"}),
    "provinsi": frozenset({"gubernur_verifier"}),
    "kemendagri": frozenset({"sekjen_verifier", "sekjen_leader"}),
    "kemlu": frozenset({"kemlu_reviewer"}),
    "partner": frozenset(),
}


def load_fixture() -> dict:
    with FIXTURE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def actor(level: str, *roles: str) -> Actor:
    return Actor(roles=frozenset(roles) if roles else LEVEL_ROLES[level], level=level)


def sample_value(spec: InputSpec) -> Any:
    return {
        "text": "Kota Bekasi",
        "longtext": "Uraian lengkap.",
        "date": "2024-03-01",
        "integer": 3,
        "money": "1500000",
        "list": ["kunjungan langsung"],
    }.get(spec.type, spec.choices[0] if spec.choices else "x")


def fill(info: ActionInfo) -> dict[str, Any]:
    return {s.name: sample_value(s) for s in info.inputs}


def begin(rb: dict, type: str, subtype: str, kind: str, facts=()) -> CooperationState:
    d = start(rb, type, subtype, kind, facts)
    assert isinstance(d, Decision), d
    return initial_state(d, type, subtype, kind, facts)


def take(
    rb: dict, state: CooperationState, action: str, level: str | None = None
) -> tuple[CooperationState, Decision]:
    """Take ``action`` as a fully-roled user of the stage's level, attaching what is missing
    first (as the caller's upload step would) and filling every input."""
    stage_level = next(
        s["level"] for s in rb["processes"][state.process]["stages"] if s["id"] == state.stage
    )
    who = actor(level or stage_level)
    info = next(a for a in available_actions(rb, state, who) if a.id == action)
    state = replace(state, documents=state.documents | set(info.missing_documents))
    d = decide(rb, state, action, who, fill(info), expected_version=state.version)
    assert isinstance(d, Decision), d
    return apply(state, d), d
