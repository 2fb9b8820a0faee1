"""Every change Leercoach makes to Rasa's own behaviour, in one register.

Two kinds of entry:
- a **patch** puts a function of ours in the place of one of Rasa's (``install()`` does it);
- a **subclass** overrides one of Rasa's methods in a class config.yml or the endpoints file names
  (Rasa itself loads it; nothing to install), usually a private one Rasa may change at will.

Each entry pins the source of the Rasa code it replaces (sha256 of ``inspect.getsource`` as of
Rasa 3.6.21) and names the test that shows ours does what Rasa's does. ``install()`` refuses to
start, with one line naming the entry, when Rasa's version or a pinned source differs: the
override was written against code that is no longer there. ``install()`` is called once at each
process start that needs it (leercoach.run.rasa_cli, benchmarks.timed_rasa, tests/conftest.py),
never on import.

``python -m leercoach.rasa_overrides`` prints docs/rasa-overrides.md.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

RASA_VERSION = "3.6.21"
REGISTER_FILE = "leercoach/rasa_overrides.py"


class RasaChanged(SystemExit):
    """Rasa is not the Rasa an override was written for: refuse to start (one line, exit 1)."""


@dataclass(frozen=True)
class Override:
    replaces: str  # Rasa's function: module.Class.function
    by: str  # ours: module.function (a patch) or module.Class.function (a subclass)
    why: str  # the figure it buys or the promise it keeps
    test: str  # tests/...py::test_name: ours against Rasa's own code
    sha256: str  # of Rasa's source, as of RASA_VERSION
    patch: bool = True  # False: a subclass Rasa loads itself; install() only checks the source

    @property
    def kind(self) -> str:
        return "patch" if self.patch else "subclass"


_ACTION_CALLS = "leercoach.dialogue.action_calls"
_TRACKERS = "leercoach.dialogue.trackers"
_POLICY = "leercoach.dialogue.policies.RecentRulePolicy"
_REMOTE = "rasa.core.actions.action.RemoteAction"
_TRACKER = "rasa.shared.core.trackers.DialogueStateTracker"
_FAILSAFE = "rasa.core.tracker_store.FailSafeTrackerStore"
_SQL_STORE = "rasa.core.tracker_store.SQLTrackerStore"
_RULES = "rasa.core.policies.rule_policy.RulePolicy"
_DIALOGUE_TESTS = "tests/leercoach/dialogue"

REGISTER: Tuple[Override, ...] = (
    Override(
        f"{_REMOTE}._action_call_format",
        f"{_ACTION_CALLS}._action_call_format",
        "An action call carries the last 10 user turns, not the whole conversation (700 kB after 200 turns).",
        f"{_DIALOGUE_TESTS}/test_action_calls.py::test_the_call_differs_from_rasas_only_by_the_older_events",
        "428795b944f22edba142d278ec47a30098975b01463ba337ec447dade52a0492",
    ),
    Override(
        f"{_REMOTE}._validate_action_result",
        f"{_ACTION_CALLS}._validate_action_result",
        "The response schema is checked by a validator built once: 17 ms of the Rasa server per call.",
        f"{_DIALOGUE_TESTS}/test_action_calls.py::test_a_broken_response_is_refused_with_rasas_message",
        "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
    ),
    Override(
        f"{_REMOTE}.run",
        f"{_ACTION_CALLS}._run",
        "Every call carries the action secret; a failed call gives the Dutch error line and logs no value.",
        f"{_DIALOGUE_TESTS}/test_action_call_failures.py::test_a_failed_call_gives_the_friendly_line_and_logs_no_value",
        "ccabf6f1160d527a157fad5bd285ce69e8221b1bcad23f8a61499b4360a1c17e",
    ),
    Override(
        f"{_TRACKER}.applied_events",
        f"{_TRACKERS}.applied_events",
        "Walks only the events added since the last call: 13.5 ms to 1.3 ms at turns 161-200.",
        f"{_DIALOGUE_TESTS}/test_trackers.py::test_applied_events_match_rasas_at_every_step_of_a_growing_conversation",
        "764d5065ea9997d613c1984d9357370f9ae32d31ca21346086f16c54f0487aae",
    ),
    Override(
        f"{_TRACKER}.copy",
        f"{_TRACKERS}.tracker_copy",
        "Spares the copy _run_action makes for an action that cannot change the tracker (5.6 ms to 1.0 ms).",
        f"{_DIALOGUE_TESTS}/test_trackers.py::test_an_action_server_reply_is_the_same_without_copying_the_conversation",
        "dfa48dca9f355ad1b42c625bc6f6370bafe83514ed17a77904ed64c67bf07285",
    ),
    Override(
        "rasa.core.processor.MessageProcessor._run_action",
        f"{_TRACKERS}._run_action",
        "Marks the tracker copy to spare (no predicted events, a read-only action); otherwise Rasa's.",
        f"{_DIALOGUE_TESTS}/test_trackers.py::test_events_a_policy_predicted_still_go_on_a_copy_first",
        "6d383d0179ef1187639887289168959a5a82f94e6949e4e27bb83b2165094995",
    ),
    Override(
        "rasa.core.processor.copy",
        f"{_TRACKERS}.DEBUG_LOG_COPY",
        "Its deep copies, made only for debug log lines, only with debug on: 0.1 ms (a reply) to 0.9 ms (a plan) an action.",
        f"{_DIALOGUE_TESTS}/test_trackers.py::test_the_processor_copies_only_for_debug_log_lines",
        "2e90cea1e01e1931f56e6f13f359b92e1bd34a0a676914c95e2754a050b541ca",
    ),
    Override(
        f"{_FAILSAFE}.on_tracker_store_error",
        "leercoach.channels.guard.refuse_turn",
        'A tracker store that cannot save ends the turn ("try again") instead of keeping it in memory.',
        "tests/leercoach/channels/test_guard.py::test_a_tracker_store_error_ends_the_turn_instead_of_starting_over",
        "6faca7ba72b36da4594c789a1ee9d86ea185a8785a1e0543199b63bf02937e12",
    ),
    Override(
        f"{_FAILSAFE}.on_tracker_store_retrieve_error",
        "leercoach.channels.guard.refuse_turn",
        "A tracker store that cannot be read ends the turn instead of starting the conversation over.",
        "tests/leercoach/channels/test_guard.py::test_a_tracker_store_error_ends_the_turn_instead_of_starting_over",
        "162b49564c52ab49f2be6a40ed56d11564e6607fdcd6975d44e678f69ca6ce9d",
    ),
    Override(
        f"{_RULES}._prediction_states",
        f"{_POLICY}._prediction_states",
        "The rules see only the states they can reach, so a prediction does not grow with the conversation.",
        f"{_DIALOGUE_TESTS}/test_policies.py::test_the_rules_found_are_rulepolicys_for_every_state",
        "ed9b82bed2f26ad7a0de61709e02339983912bece614191089c3adba60cf1452",
        patch=False,
    ),
    Override(
        f"{_RULES}._rule_key_to_state",
        f"{_POLICY}._rule_key_to_state",
        "Rule keys parsed once at load instead of once per rule, state and prediction.",
        f"{_DIALOGUE_TESTS}/test_policies.py::test_the_rules_found_are_rulepolicys_for_every_state",
        "b91b949bbccbff0bdd67604e957b8884becef48ebc634c655c01bb5e6e93677e",
        patch=False,
    ),
    Override(
        f"{_RULES}._get_possible_keys",
        f"{_POLICY}._get_possible_keys",
        "Only the rules whose last turn can match are checked, each only as far back as it is long.",
        f"{_DIALOGUE_TESTS}/test_policies.py::test_the_rules_found_are_rulepolicys_for_every_state",
        "2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936",
        patch=False,
    ),
    Override(
        f"{_SQL_STORE}._retrieve",
        "leercoach.dialogue.tracker_store.FastSQLMixin._retrieve",
        "A conversation just answered is reused when its rows did not change; reads select only `data`.",
        f"{_DIALOGUE_TESTS}/test_fast_tracker_store.py::test_another_servers_turn_is_read_from_the_database",
        "c8adbf6f4b61ddd1124690944ebdf2ebc82d0723bd07c6704caab0b80120a0ef",
        patch=False,
    ),
    Override(
        f"{_SQL_STORE}._additional_events",
        "leercoach.dialogue.tracker_store.FastSQLMixin._additional_events",
        "The events to save are known from the read: no COUNT with a subquery on every save.",
        f"{_DIALOGUE_TESTS}/test_fast_tracker_store.py::test_a_conversation_survives_a_restart_and_continues_without_duplicates",
        "d22f99eb863acb07afee63d9fe3a04ca8464251e67a43eb7d36c2d65ffc1653f",
        patch=False,
    ),
    Override(
        f"{_SQL_STORE}.save",
        "leercoach.privacy.tracker_store.PrivateSQLTrackerStore.save",
        "Stores redacted rows only, carries out erasure, and inserts a turn's rows in one statement.",
        f"{_DIALOGUE_TESTS}/test_fast_tracker_store.py::test_the_same_rows_as_rasas_own_store",
        "57165e46eab3de0866e77f03df0bf7fd5eac2c1de617ed431b934c9a4edfeef6",
        patch=False,
    ),
    Override(
        "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier._create_X",
        "leercoach.nlp.intent_classifier.LogisticRegressionClassifier._create_X",
        "A message's sparse row used as it is, the weights kept in column order: 9 of the NLU's 17 ms.",
        "tests/leercoach/nlp/test_intent_classifier.py::test_every_message_gets_rasas_ranking_after_training_and_after_loading",
        "6f50b5eef8a879c4831f2062655abbc8a614391380875bdbcef02a42edb83292",
        patch=False,
    ),
    Override(
        "rasa.nlu.utils.spacy_utils.SpacyNLP.load_model",
        "leercoach.nlp.tokens.SpacyNLP.load_model",
        "The NLU gets spaCy's tokens only (~3 ms of ~9 ms), the same on every build of the pipeline.",
        "tests/leercoach/nlp/test_tokens.py::test_the_tokens_are_the_full_pipelines",
        "2e68d488b5c7a4f00b35fbb91810c3aa04f12a30eca9ad88b5d1963a2d7ad525",
        patch=False,
    ),
    Override(
        "rasa.core.lock_store.LockStore._acquire_lock",
        "leercoach.run.lock_store.PatientRedisLockStore._acquire_lock",
        "A waiting message keeps its ticket alive, so a server that died mid-turn does not hang the next.",
        "tests/leercoach/run/test_lock_store.py::test_the_patient_lock_store_handles_it_when_the_dead_ticket_expires",
        "ead2fff373291c24619f2a2b53453f64ed2975ed68f53dce0e56041061356f05",
        patch=False,
    ),
    Override(
        "rasa_sdk.endpoint.create_app",
        "leercoach.run.action_server.answer_failures_plainly",
        "The action server answers a failed action with a bare 500, not rasa-sdk's copy of the request.",
        "tests/leercoach/run/test_action_server.py::test_a_failed_action_answers_a_bare_500_and_logs_no_value",
        "4f0ea292cb96d1f8d16a8fd42502dddc8c20d8242c72bf0b95f4c259b5e40952",
        patch=False,
    ),
)


def resolve(dotted: str) -> Tuple[Any, str, Any]:
    """(owner, attribute name, value) of `module[.Class].name`; the owner is a module or class."""
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1], getattr(owner, parts[-1])
    raise ImportError(f"no module in {dotted}")


# Rasa's functions as they were before install() replaced them (install() fills it).
_ORIGINALS: Dict[str, Any] = {}


def _ours(entry: Override) -> Any:
    return resolve(entry.by)[2]


def rasas_own(entry: Override) -> Any:
    """Rasa's function (or, for the copy module swap, the module) behind `entry`."""
    current = resolve(entry.replaces)[2]
    if entry.patch and inspect.unwrap(current) is _ours(entry):
        return _ORIGINALS[entry.replaces]
    return current


def copy_calls_source(module_source: str) -> str:
    """The calls of a module that use its `copy` module: each whole outer call (Rasa's
    structlogger.debug lines), one a line, and how many `copy.` uses the module has in all."""
    tree = ast.parse(module_source)
    outer = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and any(_uses_copy(arg) for arg in _arguments(node))
    ]
    uses = sum(_is_copy_attribute(node) for node in ast.walk(tree))
    segments = [ast.get_source_segment(module_source, node) or "" for node in outer]
    return "\n".join([*segments, f"copy uses: {uses}"])


def _arguments(call: ast.Call) -> List[ast.AST]:
    return [*call.args, *(keyword.value for keyword in call.keywords)]


def _uses_copy(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _is_copy_attribute(node.func)


def _is_copy_attribute(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "copy"


def rasa_source(entry: Override) -> str:
    own = rasas_own(entry)
    if inspect.ismodule(own):  # a module swapped inside another: pin the calls that use it
        owner = resolve(entry.replaces)[0]
        return copy_calls_source(inspect.getsource(owner))
    return inspect.getsource(own)


def source_sha256(entry: Override) -> str:
    return hashlib.sha256(rasa_source(entry).encode("utf-8")).hexdigest()


def _refuse(what: str) -> None:
    raise RasaChanged(f"leercoach: {what}; see {REGISTER_FILE}.")


def check() -> None:
    """Refuses (RasaChanged, one line naming the entry) unless Rasa is the Rasa of the register."""
    import rasa

    if rasa.__version__ != RASA_VERSION:
        _refuse(
            f"Rasa {rasa.__version__} is installed, but the {len(REGISTER)} overrides of Rasa's code "
            f"(the first: {REGISTER[0].replaces}) were written for Rasa {RASA_VERSION}"
        )
    for entry in REGISTER:
        found = source_sha256(entry)
        if found != entry.sha256:
            _refuse(
                f"{entry.replaces} is not the code {entry.by} was written for "
                f"(source sha256 {found[:12]}, registered {entry.sha256[:12]})"
            )


def install() -> None:
    """Checks Rasa (check()), then puts every patch in place; a second call changes nothing."""
    check()
    for entry in REGISTER:
        if not entry.patch:
            continue
        owner, name, current = resolve(entry.replaces)
        ours = _ours(entry)
        if inspect.unwrap(current) is ours:
            continue
        _ORIGINALS.setdefault(entry.replaces, current)
        setattr(owner, name, ours)


def installed() -> bool:
    """Is every patch in place?"""
    return all(
        inspect.unwrap(resolve(entry.replaces)[2]) is _ours(entry) for entry in REGISTER if entry.patch
    )


def require_installed() -> None:
    """For the channels' start: refuse a Rasa server started without install() (a plain `rasa run`
    would run without the guard and the cheaper calls)."""
    if not installed():
        raise RasaChanged(
            "leercoach: Rasa was started without Leercoach's overrides: start it with "
            f"`python -m leercoach.run.rasa_cli run ...` instead of `rasa run ...`; see {REGISTER_FILE}."
        )


def markdown() -> str:
    """docs/rasa-overrides.md (a test checks the file against this)."""
    lines = [
        "# Rasa overrides",
        "",
        f"Generated by `python -m leercoach.rasa_overrides` from `{REGISTER_FILE}`; do not edit by hand.",
        "",
        f"Every change Leercoach makes to the behaviour of Rasa {RASA_VERSION} (and rasa-sdk). A *patch*",
        "puts our function in the place of Rasa's; `install()` does that once, explicitly, at every",
        "process start that needs it: `python -m leercoach.run.rasa_cli` (every `rasa run`, `rasa shell`,",
        "`rasa train` and `rasa test` of the launcher, the cluster, the evaluation and the Kubernetes",
        "manifest), `benchmarks.timed_rasa` (`make profile`) and `tests/conftest.py`. Importing a Leercoach",
        "module changes nothing. A *subclass* is named in config.yml, an endpoints file or the action",
        "server and overrides one of Rasa's methods; Rasa loads it itself.",
        "",
        "`install()` first checks Rasa's version and the sha256 of the source of every function listed",
        "here (`inspect.getsource`; for the `copy` swap, the processor's calls that use `copy`), and",
        "refuses to start with one line naming the entry when one differs. After an upgrade of Rasa:",
        "read the new source, check the override (and its test) against it, then update the hash.",
        "",
        "| Replaces | By | Kind | Why | Test | Source sha256 |",
        "|---|---|---|---|---|---|",
    ]
    for entry in REGISTER:
        cells = [
            f"`{entry.replaces}`",
            f"`{entry.by}`",
            entry.kind,
            entry.why.replace("|", "\\|"),
            f"`{entry.test}`",
            f"`{entry.sha256[:16]}`",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
