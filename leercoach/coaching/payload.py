"""Entity values from button payloads, checked: a payload can also be typed by hand.

`/route_feedback{"route": "x"}` or `/inform{"time_per_week": [1, 2]}` arrive as an intent with
whatever entities were typed. An action takes a value only when it is one it offered; anything
else (an unknown key, a list, a number, a huge string) counts as no value, so the action gives
its normal answer for "not understood" instead of an error or a plan entry.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional


def entity_value(entities: List[Mapping[str, Any]], name: str, allowed: Iterable[str]) -> Optional[str]:
    """The value of the first entity ``name`` if it is one of ``allowed``, else None."""
    allowed = set(allowed)
    for entity in entities or []:
        if not isinstance(entity, Mapping) or entity.get("entity") != name:
            continue
        value = entity.get("value")
        if isinstance(value, str) and value in allowed:
            return value
    return None
