"""`rasa run` (with Leercoach's overrides) and a stopwatch on the parts of a turn, for `make profile`.

    python -m benchmarks.timed_rasa run --model ... (the arguments of `rasa run`)

Wraps the methods Rasa 3.6 calls for every message and appends one JSON line per turn to
$LEERCOACH_TURN_TIMES: milliseconds spent in each part. With $LEERCOACH_PYINSTRUMENT set, the
whole server also runs under pyinstrument and saves its session to that file when it stops.
Only for measuring: the timings are wall time, so send one message at a time.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import json
import os
import sys
import time
from collections import defaultdict
from typing import Dict

# (module, class or None for a function, name, part): the parts of a turn, outermost first.
PARTS = (
    ("leercoach.privacy.boundary", None, "incoming", "privacy: redaction at the channel (before the turn)"),
    ("rasa.core.agent", "Agent", "handle_message", "turn"),
    ("rasa.core.processor", "MessageProcessor", "handle_message", "processor"),
    ("rasa.core.processor", "MessageProcessor", "get_tracker", "tracker store: retrieve"),
    ("rasa.core.processor", "MessageProcessor", "save_tracker", "tracker store: save"),
    ("leercoach.privacy.tracker_store", None, "redact_event", "tracker store: save: redaction"),
    ("rasa.core.processor", "MessageProcessor", "parse_message", "NLU"),
    ("rasa.core.processor", "MessageProcessor", "_predict_next_with_tracker", "policies"),
    (
        "rasa.shared.core.trackers",
        "DialogueStateTracker",
        "past_states",
        "policies: Rasa's state featurisation",
    ),
    ("leercoach.dialogue.policies", None, "recent_states", "policies: recent states only"),
    ("rasa.core.actions.action", "RemoteAction", "run", "action call"),
    ("rasa.core.actions.action", "RemoteAction", "_action_call_format", "action call: payload"),
    ("rasa.shared.core.trackers", "DialogueStateTracker", "copy", "tracker copies"),
    ("rasa.shared.core.trackers", "DialogueStateTracker", "applied_events", "applied events (any caller)"),
)

_spent: Dict[str, float] = defaultdict(float)
_turn = 0


def _wrap(owner, name: str, part: str) -> None:
    original = getattr(owner, name)
    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                _spent[part] += time.perf_counter() - started
                if part == "turn":
                    _flush()
    else:

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                _spent[part] += time.perf_counter() - started

    setattr(owner, name, timed)


def _flush() -> None:
    global _turn
    _turn += 1
    record = {"number": _turn, **{part: round(seconds * 1000, 3) for part, seconds in _spent.items()}}
    _spent.clear()
    with open(os.environ["LEERCOACH_TURN_TIMES"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def install() -> None:
    import importlib

    for module, cls, name, part in PARTS:
        owner = importlib.import_module(module)
        _wrap(owner if cls is None else getattr(owner, cls), name, part)


def _profile_whole_process(path: str) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()

    def write() -> None:  # quick, at exit: benchmarks.profile renders it afterwards
        profiler.stop()
        profiler.last_session.save(path)

    atexit.register(write)


def main() -> None:
    from leercoach import rasa_overrides

    rasa_overrides.install()  # as leercoach.run.rasa_cli does; the stopwatches wrap what it put in place
    install()
    if os.environ.get("LEERCOACH_PYINSTRUMENT"):
        _profile_whole_process(os.environ["LEERCOACH_PYINSTRUMENT"])
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
