"""A tenant's rules as layers: national → provinsi (Pergub) → own (Perwal/Perbup/Pergub).

Each daerah layer is its published variant from the database (``RulebookVersion`` rows with
``variant_yaml``) when one is effective on the day, else its shipped file in ``tenants/rules``,
else nothing. A provinsi's layer applies to every kab/kota beneath it, under their own; the
same override policy holds at each step, so a kab/kota cannot loosen its provinsi's rule either.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from sikd.core.extensions import db
from sikd.rules.loader import (
    NATIONAL,
    RULES_DIR,
    MergedRulebook,
    RulebookInvalid,
    RuleError,
    effective_rulebook,
    load_rulebook_file,
    merge_variant,
)
from sikd.rules.models import RulebookVersion
from sikd.tenancy.models import Tenant

PUBLISHED = "variant_upload"  # the source of a RulebookVersion that carries a variant


@dataclass
class Layer:
    code: str
    name: str
    variant: dict[str, Any]
    origin: str  # "published" | "file"
    version_id: int | None = None
    effective_from: str | None = None

    @property
    def key(self) -> tuple:
        return (self.code, self.origin, self.version_id, self.effective_from)


def parse_variant(text: str) -> dict[str, Any]:
    """YAML text → plain data (dates as strings), like :func:`load_rulebook_file`."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def published_version(tenant_id: int, on: date) -> RulebookVersion | None:
    """The tenant's own variant in force on ``on`` (the latest effective published one)."""
    return db.session.scalar(
        select(RulebookVersion)
        .where(
            RulebookVersion.tenant_id == tenant_id,
            RulebookVersion.source == PUBLISHED,
            RulebookVersion.variant_yaml.is_not(None),
            RulebookVersion.effective_from <= on,
        )
        .order_by(RulebookVersion.effective_from.desc(), RulebookVersion.id.desc())
        .limit(1)
    )


def layer_of(tenant: Tenant, on: date, rules_dir: Path = RULES_DIR) -> Layer | None:
    row = published_version(tenant.id, on)
    if row is not None:
        return Layer(
            tenant.code,
            tenant.name,
            parse_variant(row.variant_yaml or ""),
            "published",
            row.id,
            row.effective_from.isoformat(),
        )
    path = rules_dir / f"{tenant.code}.yaml"
    if path.exists():
        data = load_rulebook_file(path)
        return Layer(tenant.code, tenant.name, data, "file", None, data.get("effective_from"))
    return None


def chain_tenants(tenant: Tenant) -> list[Tenant]:
    """The daerah whose rules bind ``tenant``: its provinsi (for a kab/kota), then itself."""
    if tenant.parent is not None and tenant.parent.kind == "provinsi":
        return [tenant.parent, tenant]
    return [tenant]


def layers_for(tenant: Tenant, on: date, rules_dir: Path = RULES_DIR) -> list[Layer]:
    if not tenant.is_daerah:
        return []
    return [
        layer for t in chain_tenants(tenant) if (layer := layer_of(t, on, rules_dir)) is not None
    ]


def merge_onto(base: MergedRulebook, layer: Layer) -> tuple[MergedRulebook, list[RuleError]]:
    """Apply one layer; its ``id`` and ``extends`` follow the tenant chain, not the text."""
    variant = copy.deepcopy(layer.variant)
    if isinstance(variant, dict):
        variant["id"] = layer.code
        variant["extends"] = base.chain[-1]
    return merge_variant(base, variant, layer.name)


_CACHE: dict[tuple, MergedRulebook] = {}


def merge_layers(code: str, layers: list[Layer], rules_dir: Path = RULES_DIR) -> MergedRulebook:
    """national + ``layers``; raises :class:`RulebookInvalid` with every error of a layer."""
    key = (code, str(rules_dir), tuple(layer.key for layer in layers))
    if key not in _CACHE:
        merged = effective_rulebook(NATIONAL, rules_dir)
        for layer in layers:
            merged, errors = merge_onto(merged, layer)
            if errors:
                raise RulebookInvalid(errors)
        merged.tenant_code = code
        merged.data["id"] = code
        _CACHE[key] = merged
    return copy.deepcopy(_CACHE[key])


def without_conflicts(variant: dict[str, Any], errors: list[RuleError]) -> dict[str, Any]:
    """``variant`` minus the patch entries the errors point at (a stage's ``deadline`` that a
    newer provinsi rule made too long, …): the rest of the daerah's own rules still apply."""
    out = copy.deepcopy(variant)
    for e in errors:
        keys = [k for k in e.path.replace("[", ".").replace("]", "").split(".") if k]
        node: Any = out
        trail: list[tuple[Any, Any]] = []
        for k in keys:
            k2: Any = int(k) if k.isdigit() and isinstance(node, list) else k
            if (
                isinstance(node, dict)
                and k2 in node
                or isinstance(node, list)
                and (isinstance(k2, int) and k2 < len(node))
            ):
                trail.append((node, k2))
                node = node[k2]
            else:
                break
        if len(trail) >= 3:  # never drop a whole process or the variant's head
            parent, key = trail[-1]
            if isinstance(parent, dict):
                parent.pop(key, None)
    return out


def effective_for(
    tenant: Tenant, on: date, rules_dir: Path = RULES_DIR
) -> tuple[MergedRulebook, list[Layer]]:
    """The tenant's merged rulebook on ``on``. Where its own published variant no longer fits
    under a newer provinsi rule, the provinsi rule stands (the Pergub binds the kab/kota) and
    the rest of its own rules still apply."""
    layers = layers_for(tenant, on, rules_dir)
    try:
        return merge_layers(tenant.code, layers, rules_dir), layers
    except RulebookInvalid as exc:
        if len(layers) < 2:
            raise
        own = layers[-1]
        trimmed = Layer(
            own.code,
            own.name,
            without_conflicts(own.variant, exc.errors),
            own.origin,
            own.version_id,
            own.effective_from,
        )
        try:
            return merge_layers(tenant.code, [*layers[:-1], trimmed], rules_dir), [
                *layers[:-1],
                trimmed,
            ]
        except RulebookInvalid:
            return merge_layers(tenant.code, layers[:-1], rules_dir), layers[:-1]
