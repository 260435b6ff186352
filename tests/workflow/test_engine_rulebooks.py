"""The engine over the real rulebooks in tenants/rules (national, and Kota Bekasi merged).

These walk the rule data written by the rules engineer, so they name stages only through the
rulebook itself: the walker always takes the action that moves furthest-least forward.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from sikd.testing.engine import fill
from sikd.workflow import (
    Actor,
    Decision,
    apply,
    available_actions,
    check_rulebook,
    decide,
    initial_state,
    is_valid_state,
    on_deadline_expired,
    start,
)

RULES = Path(__file__).resolve().parents[2] / "tenants" / "rules"


def _national() -> dict:
    path = RULES / "national.yaml"
    if not path.exists():
        pytest.skip("tenants/rules/national.yaml belum ada")
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _bekasi() -> dict:
    try:
        import sikd.rules.loader as loader
    except Exception as exc:  # noqa: BLE001 - the loader's own tests report its failures
        pytest.skip(f"sikd.rules.loader belum dapat diimpor: {exc!r}")
    if not hasattr(loader, "effective_rulebook"):
        pytest.skip("sikd.rules.loader.effective_rulebook belum ada")
    try:
        return loader.effective_rulebook("32.75").as_dict()
    except FileNotFoundError:
        pytest.skip("tenants/rules/32.75.yaml belum ada")


@pytest.fixture(params=["national", "32.75"], scope="module")
def rb(request) -> dict:
    return _national() if request.param == "national" else _bekasi()


def _roles(rb: dict, level: str) -> frozenset[str]:
    return frozenset(
        r
        for proc in rb["processes"].values()
        for s in proc["stages"]
        if s.get("level", "own") == level
        for r in [*(s.get("roles") or ()), *(r for a in s["actions"] for r in a.get("roles") or ())]
    )


def _level(rb, state) -> str:
    proc = rb["processes"][state.process]
    return next(s["level"] for s in proc["stages"] if s["id"] == state.stage)


def walk(rb: dict, type: str, subtype: str, kind: str, facts=()):
    """Forward through the process to the first return to pelaksanaan after a report."""
    d = start(rb, type, subtype, kind, facts)
    assert isinstance(d, Decision), d
    state = initial_state(d, type, subtype, kind, facts)
    order = [s["id"] for s in rb["processes"][state.process]["stages"]]
    decisions = [d]
    for _ in range(60):
        level = _level(rb, state)
        who = Actor(_roles(rb, level), level)
        options = [a for a in available_actions(rb, state, who) if a.kind in ("advance", "decide")]
        here = order.index(state.stage)
        forward = [a for a in options if a.lands_on in order and order.index(a.lands_on) > here]
        info = min(forward, key=lambda a: order.index(a.lands_on)) if forward else options[0]
        state = replace(state, documents=state.documents | set(info.missing_documents))
        d = decide(rb, state, info.id, who, fill(info), expected_version=state.version)
        assert isinstance(d, Decision), d
        decisions.append(d)
        state = apply(state, d)
        assert is_valid_state(rb, state)
        if not forward and state.stage == "pelaksanaan":
            return state, decisions
    raise AssertionError("walk did not come back to pelaksanaan")


def hops(decisions):
    return [(d.hop.from_level, d.hop.to_level) for d in decisions if d.hop]


def test_rulebook_is_runnable(rb):
    assert check_rulebook(rb) == []


def test_kota_kembar_of_a_kota_routes_up_and_back_pmdn25_tahap_6_to_10(rb):
    """PMDN25 tahap 6-10; PERWAL57 Pasal 66-70: kota → Gubernur → Kemendagri → Kemlu → back."""
    state, decisions = walk(rb, "KSDPL", "kota_kembar", "kota")
    chain = hops(decisions)
    window = [
        ("own", "provinsi"),
        ("provinsi", "kemendagri"),
        ("kemendagri", "kemlu"),
        ("kemlu", "kemendagri"),
        ("kemendagri", "own"),
    ]
    assert any(chain[i : i + 5] == window for i in range(len(chain))), chain
    assert state.version == len(decisions)


def test_provinsi_initiator_never_passes_a_gubernur_stage(rb):
    """DOMAIN §4: a provinsi's own submissions go straight to Kemendagri."""
    _, decisions = walk(rb, "KSDPL", "lainnya", "provinsi")
    assert all("provinsi" not in h for h in hops(decisions))
    # (Bekasi's stages for a KSDLL with a lembaga nonprofit, Perwal Pasal 76, and for a penerusan
    # with an international partner, Pasal 75, are passed over for every other cooperation, for
    # their own reason)
    own_reasons = ("kelengkapan_nonprofit", "lampiran_penerusan")
    skipped = [s for d in decisions for s in d.skipped_stages if s.stage not in own_reasons]
    assert len(skipped) >= 2  # at least rencana and naskah at the Gubernur (Pasal 66, 68)
    assert all("provinsi" in s.reason for s in skipped)


def test_ksdll_penerusan_and_dprd_pmdn25_tahap_5_pasal_64(rb):
    """PMDN25 tahap 5 nationally: DPRD approves every KSDLL; PERWAL57 Pasal 64(1) exempts
    penerusan in Bekasi's variant only."""
    _, decisions = walk(rb, "KSDLL", "penerusan", "kabupaten")
    met = "persetujuan_dprd" in {d.to_stage for d in decisions}
    skipped = "persetujuan_dprd" in {s.stage for d in decisions for s in d.skipped_stages}
    assert (met, skipped) == ((True, False) if rb["id"] == "national" else (False, True))


def test_dprd_deemed_approval_and_gubernur_route_direct_pmdn25_tahap_5_pasal_66(rb):
    """PMDN25 tahap 5 (silence = approval) and PERWAL57 Pasal 66(3) (fallback to Kemendagri)."""
    d = start(rb, "KSDPL", "kota_kembar", "kota")
    state = initial_state(d, "KSDPL", "kota_kembar", "kota")
    seen = set()
    for _ in range(30):
        level = _level(rb, state)
        proc = rb["processes"][state.process]
        stage = next(s for s in proc["stages"] if s["id"] == state.stage)
        deadline = stage.get("deadline") or {}
        if isinstance(deadline, list):  # a merged stage may carry several deadlines
            deadline = next((x for x in deadline if x.get("action")), {})
        if deadline.get("on_expiry") in ("deemed_approved", "route_direct"):
            spec = next(s for s in d.deadlines_to_open if s.on_expiry == deadline["on_expiry"])
            d = on_deadline_expired(rb, state, spec)
            assert d.actor_level == "system" and d.basis == spec.basis
            if spec.on_expiry == "route_direct":
                assert d.hop.outcome == "routed_directly"
                assert d.hop.to_level == "kemendagri"
            seen.add(spec.on_expiry)
            state = apply(state, d)
            if seen == {"deemed_approved", "route_direct"}:
                return
            continue
        who = Actor(_roles(rb, level), level)
        order = [s["id"] for s in proc["stages"]]
        options = [a for a in available_actions(rb, state, who) if a.kind in ("advance", "decide")]
        forward = [a for a in options if order.index(a.lands_on) > order.index(state.stage)]
        info = min(forward, key=lambda a: order.index(a.lands_on))
        state = replace(state, documents=state.documents | set(info.missing_documents))
        d = decide(rb, state, info.id, who, fill(info))
        state = apply(state, d)
    raise AssertionError(seen)


def test_bekasi_gubernur_silence_cites_pasal_66_ayat_3_and_68_ayat_3():
    """Perwal Bekasi 57/2023 Pasal 66(3), 68(3); Pasal 61: tanggapan Menteri before the LoI."""
    rb = _bekasi()
    _, decisions = walk(rb, "KSDPL", "kota_kembar", "kota")
    assert "tanggapan_menteri" in {d.to_stage for d in decisions}
    bases = {}
    for d in decisions:
        for spec in d.deadlines_to_open:
            if spec.on_expiry == "route_direct":
                bases[spec.stage] = spec.basis
    routed = {stage: basis for stage, basis in bases.items() if "PERWAL57" in basis}
    assert "PERWAL57 Pasal 66(3)" in routed.values()
    assert "PERWAL57 Pasal 68(3)" in routed.values()
    dprd = [s for d in decisions for s in d.deadlines_to_open if s.on_expiry == "deemed_approved"]
    assert [(s.amount, s.unit) for s in dprd] == [(45, "hari")]  # PERWAL57 Pasal 65(2)
