"""Property tests: random walks through the process never leave the law's state space.

Random actors pick among :func:`available_actions`, interleaved with random deadline expiries
(current and stale ones) and document uploads. After every step: the state is valid, versions
strictly increase, a hop is recorded exactly when the holder level changes, and a stage is
only ever skipped when its ``when`` is false (PERWAL57 Pasal 64) or it is a Gubernur stage of a
provinsi initiator (DOMAIN §4) — checked here by an evaluator independent of the engine.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sikd.testing.engine import fill, load_fixture
from sikd.workflow import (
    REFUSAL_CODES,
    Actor,
    Decision,
    Refusal,
    apply,
    available_actions,
    decide,
    initial_state,
    is_valid_state,
    on_deadline_expired,
    start,
)

FACTS = ("membebani_masyarakat", "belum_dianggarkan", "mitra_nonprofit")
NATIONAL = Path(__file__).resolve().parents[2] / "tenants" / "rules" / "national.yaml"


@functools.cache
def _load(name: str) -> dict:
    """The rulebook under test; the real ones are skipped until their authors ship them."""
    if name == "fixture":
        return load_fixture()
    if name == "national":
        if not NATIONAL.exists():
            pytest.skip("tenants/rules/national.yaml belum ada")
        with NATIONAL.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    try:  # the merged Kota Bekasi rulebook, once the rules loader exists
        from sikd.rules.loader import effective_rulebook
    except Exception as exc:  # noqa: BLE001 - the loader's own tests report its failures
        pytest.skip(f"sikd.rules.loader belum dapat diimpor: {exc!r}")
    try:
        return effective_rulebook(name).as_dict()
    except FileNotFoundError:
        pytest.skip(f"tenants/rules/{name}.yaml belum ada")


def level_of(proc: dict, sid: str) -> str:
    for s in proc["stages"]:
        if s["id"] == sid:
            return s.get("level", "own")
    return (proc["terminals"].get(sid) or {}).get("level", "own")


def independent_applies(stage: dict, type: str, subtype: str, kind: str, facts) -> bool:
    """A second, literal reading of FORMAT.md's Condition, for cross-checking skips."""
    if stage.get("level") == "provinsi" and kind == "provinsi":
        return False
    when = stage.get("when") or {}
    ok = True
    if "types" in when:
        ok &= type in when["types"]
    if "subtypes" in when:
        ok &= subtype in when["subtypes"]
    if "initiator_kinds" in when:
        ok &= kind in when["initiator_kinds"]
    if "any_fact" in when:
        ok &= any(f in facts for f in when["any_fact"])
    if "all_facts" in when:
        ok &= all(f in facts for f in when["all_facts"])
    return ok


def roles_by_level(rb: dict) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    for proc in rb["processes"].values():
        for s in proc["stages"]:
            bucket = out.setdefault(s.get("level", "own"), set())
            bucket.update(s.get("roles") or ())
            for a in s.get("actions") or ():
                bucket.update(a.get("roles") or ())
    return {lv: sorted(r) for lv, r in out.items()}


def cooperation_kinds(rb: dict) -> list[tuple[str, str]]:
    return sorted(
        (a["type"], sub)
        for proc in rb["processes"].values()
        for a in proc.get("applies_to") or ()
        for sub in a["subtypes"]
    )


def check_decision(rb, state, d: Decision) -> None:
    proc = rb["processes"][state.process]
    assert d.new_version == state.version + 1
    assert d.from_stage == state.stage
    for skipped in d.skipped_stages:
        stage = next(s for s in proc["stages"] if s["id"] == skipped.stage)
        assert not independent_applies(
            stage, state.type, state.subtype, state.initiator_kind, state.facts
        ), f"{skipped.stage} skipped although it applies"
        assert skipped.reason.startswith("Tahap «")
    if d.kind != "expire":
        changed = level_of(proc, d.from_stage) != level_of(proc, d.to_stage)
        assert (d.hop is not None) == changed
        if d.hop:
            assert d.hop.outcome in ("forwarded", "returned", "routed_directly", "decided")
            assert d.hop.from_level == level_of(proc, d.from_stage)
    if d.to_stage not in proc["terminals"]:
        landed = next(s for s in proc["stages"] if s["id"] == d.to_stage)
        assert independent_applies(
            landed, state.type, state.subtype, state.initiator_kind, state.facts
        )
    assert all(spec.stage == d.to_stage for spec in d.deadlines_to_open)


@pytest.mark.parametrize("book", ["fixture", "national", "32.75"])
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_walks_stay_within_the_law(book, data):
    rb = _load(book)
    kinds = cooperation_kinds(rb)
    type, subtype = data.draw(st.sampled_from(kinds), label="type/subtype")
    initiator = data.draw(st.sampled_from(["provinsi", "kabupaten", "kota"]), label="initiator")
    facts = frozenset(data.draw(st.sets(st.sampled_from(FACTS)), label="facts"))
    first = start(rb, type, subtype, initiator, facts)
    assert isinstance(first, Decision)
    state = initial_state(first, type, subtype, initiator, facts)
    assert is_valid_state(rb, state)
    pool = roles_by_level(rb)
    doc_kinds = sorted(rb["document_kinds"])
    open_deadlines = {(s.stage, s.on_expiry, s.action): s for s in first.deadlines_to_open}
    seen_deadlines = dict(open_deadlines)
    versions = [state.version]

    for _ in range(data.draw(st.integers(5, 60), label="steps")):
        move = data.draw(st.sampled_from(["act", "act", "act", "expire", "attach", "poke"]))
        decision = None
        if move == "attach":
            docs = data.draw(st.sets(st.sampled_from(doc_kinds), max_size=4))
            state = replace(state, documents=state.documents | docs)
            continue
        if move == "expire":
            if not seen_deadlines:
                continue
            key = data.draw(st.sampled_from(sorted(seen_deadlines, key=str)))
            spec = seen_deadlines[key]
            decision = on_deadline_expired(rb, state, spec)
            if key not in open_deadlines:
                assert decision is None, "a closed deadline must not move the cooperation"
                continue
            if spec.on_expiry in ("deemed_approved", "route_direct"):
                assert isinstance(decision, Decision)
                assert decision.actor_level == "system"
                if spec.on_expiry == "route_direct" and decision.hop:
                    assert decision.hop.outcome == "routed_directly"
                    assert decision.hop.basis == spec.basis
            elif spec.on_expiry == "remind":
                assert decision is None
            if decision is None:
                continue
        elif move == "poke":  # any action by anyone: either a refusal or a legal decision
            level = data.draw(st.sampled_from(sorted(pool)))
            roles = frozenset(data.draw(st.sets(st.sampled_from(pool[level] or ["x"]))))
            names = sorted(
                {a["id"] for s in rb["processes"][state.process]["stages"] for a in s["actions"]}
            )
            result = decide(rb, state, data.draw(st.sampled_from(names)), Actor(roles, level), {})
            if isinstance(result, Refusal):
                assert result.code in REFUSAL_CODES and result.message
                continue
            decision = result
        else:
            level = data.draw(st.sampled_from(sorted(pool)))
            roles = frozenset(data.draw(st.sets(st.sampled_from(pool[level]), min_size=1)))
            who = Actor(roles, level)
            options = available_actions(rb, state, who)
            if not options:
                continue
            info = data.draw(st.sampled_from(options))
            if data.draw(st.booleans()):
                state = replace(state, documents=state.documents | set(info.missing_documents))
            result = decide(rb, state, info.id, who, fill(info), expected_version=state.version)
            if isinstance(result, Refusal):
                assert result.code == "missing_documents"
                assert set(result.missing) & set(info.missing_documents) - state.documents
                continue
            decision = result

        check_decision(rb, state, decision)
        for stage_id in decision.deadlines_to_close:
            for key in [k for k in open_deadlines if k[0] == stage_id]:
                del open_deadlines[key]
        for spec in decision.deadlines_to_open:
            open_deadlines[(spec.stage, spec.on_expiry, spec.action)] = spec
            seen_deadlines[(spec.stage, spec.on_expiry, spec.action)] = spec
        state = apply(state, decision)
        assert is_valid_state(rb, state)
        assert state.version > versions[-1]
        versions.append(state.version)
        if decision.terminal:
            break
