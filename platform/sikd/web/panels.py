"""Panels that a feature adds to another feature's page, without the page importing it.

The cooperation detail page shows the documents panel, but documents sit above cooperations in
the layering (they are filed on a cooperation); so the documents feature registers a function
that adds its part of the page's context, and the page asks every registered panel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_detail_panels: list[Callable[[Any], dict[str, Any]]] = []


def detail_panel(fn: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    """Register ``fn(coop) -> context`` for the cooperation detail page."""
    if fn not in _detail_panels:
        _detail_panels.append(fn)
    return fn


def detail_panels_context(coop: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in _detail_panels:
        context.update(panel(coop))
    return context


# The public register's page of one cooperation (no login) shows what other features publish
# for it (the documents a tenant marked public), likewise without the register importing them.
_public_panels: list[Callable[[int], dict[str, Any]]] = []


def public_panel(fn: Callable[[int], dict[str, Any]]) -> Callable[[int], dict[str, Any]]:
    """Register ``fn(coop_id) -> context`` for the public page of a listed cooperation; it runs
    in the system scope and must return only what may leave the building."""
    if fn not in _public_panels:
        _public_panels.append(fn)
    return fn


def public_panels_context(coop_id: int) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for panel in _public_panels:
        context.update(panel(coop_id))
    return context
