"""The load client: simulated employees talking to Rasa's REST channel, as the widget does.

One asyncio process with aiohttp (already a Rasa dependency): a few hundred concurrent
conversations cost it little CPU, which matters on a 2-core machine where the client competes
with the servers it measures. Locust would add gevent and Flask beside Rasa's pins.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import aiohttp
import yaml

CONVERSATIONS = Path(__file__).with_name("conversations.yml")
REQUEST_TIMEOUT_S = 60


def scripts(bot: str) -> Dict[str, list]:
    """The conversations for `bot` ('leercoach' or 'stock'), by name."""
    return yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))[bot]


@dataclass
class Scenario:
    """Who talks how much: `users` conversations at once, each `turns` messages long
    (None: the whole script), `think_s` seconds on average between a reply and the next
    message, all users starting within `ramp_s`. Bounded by `duration_s` (for back-to-back
    users: they start a new conversation until then) and by `deadline_s`."""

    users: int
    turns: Optional[int] = None
    think_s: float = 0.0
    ramp_s: float = 0.0
    duration_s: Optional[float] = None
    deadline_s: float = 600.0
    seed: int = 11

    @property
    def name(self) -> str:
        if self.think_s:
            return f"{self.users} employees × {self.turns} turns, ~{self.think_s:.0f} s think time"
        return f"{self.users} users back-to-back"


@dataclass
class Results:
    latencies_s: List[float] = field(default_factory=list)
    errors: int = 0
    empty_replies: int = 0
    script_mismatches: int = 0
    error_kinds: Dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    conversations: int = 0

    @property
    def messages(self) -> int:
        return len(self.latencies_s) + self.errors

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def percentile(self, p: float) -> Optional[float]:
        ordered = sorted(self.latencies_s)
        if not ordered:
            return None
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def summary(self) -> dict:
        def ms(value):
            return None if value is None else round(value * 1000, 1)

        return {
            "messages": self.messages,
            "conversations": self.conversations,
            "msg_per_s": round(self.messages / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "p50_ms": ms(self.percentile(50)),
            "p95_ms": ms(self.percentile(95)),
            "p99_ms": ms(self.percentile(99)),
            "errors": self.errors,
            "error_kinds": dict(self.error_kinds),
            "empty_replies": self.empty_replies,
            "script_mismatches": self.script_mismatches,
            "elapsed_s": round(self.elapsed_s, 1),
        }


def _payload_for(step, last_reply: List[dict], results: Results) -> str:
    if isinstance(step, str):
        return step
    title = step["click"]
    for message in last_reply:
        for button in message.get("buttons") or ():
            if button.get("title") == title:
                return button["payload"]
    results.script_mismatches += 1
    return title


async def _send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str, results: Results
) -> List[dict]:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            if response.status != 200:
                results.error(f"HTTP {response.status}")
                return []
    except asyncio.TimeoutError:
        results.error("timeout")
        return []
    except (aiohttp.ClientError, ValueError) as problem:
        results.error(type(problem).__name__)
        return []
    results.latencies_s.append(time.perf_counter() - started)
    replies = body if isinstance(body, list) else []
    if not any(r.get("text") or r.get("buttons") or r.get("image") for r in replies):
        results.empty_replies += 1
    return replies


async def _employee(
    index: int,
    scenario: Scenario,
    conversations: Sequence[list],
    url: str,
    results: Results,
    stop_at: float,
) -> None:
    rng = random.Random(scenario.seed * 100_003 + index)
    await asyncio.sleep(rng.uniform(0, scenario.ramp_s))
    number = 0
    while True:
        script = conversations[(index + number) % len(conversations)]
        steps = script[: scenario.turns] if scenario.turns else script
        sender = f"bench-{uuid.uuid4().hex}"
        results.conversations += 1
        reply: List[dict] = []
        # Each conversation is another employee's browser: its own keep-alive connection, as the
        # widget has. One pool shared by all conversations would keep the first connections for
        # the whole run, and with several server workers that fixes which worker serves whom.
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
            for turn, step in enumerate(steps):
                if time.monotonic() >= stop_at:
                    return
                if turn and scenario.think_s:
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * scenario.think_s)
                reply = await _send(session, url, sender, _payload_for(step, reply, results), results)
        number += 1
        if scenario.duration_s is None or time.monotonic() >= stop_at:
            return


async def _run(scenario: Scenario, base_url: str, conversations: Sequence[list]) -> Results:
    results = Results()
    url = f"{base_url}/webhooks/rest/webhook"
    bound = scenario.duration_s if scenario.duration_s is not None else scenario.deadline_s
    started = time.monotonic()
    stop_at = started + min(bound, scenario.deadline_s)
    await asyncio.gather(
        *(_employee(i, scenario, conversations, url, results, stop_at) for i in range(scenario.users))
    )
    results.elapsed_s = time.monotonic() - started
    return results


def run(scenario: Scenario, base_url: str, bot: str) -> Results:
    """Plays `scenario` against the Rasa server at `base_url`; every user gets the scripts of
    `bot` in turn, each conversation under a new sender id."""
    return asyncio.run(_run(scenario, base_url, list(scripts(bot).values())))
