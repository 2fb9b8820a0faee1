"""Test only: on PYTHONPATH of the servers a test starts, Python imports this file at start-up.
With LEERCOACH_TEST_RAISE_IN_HANDOFF=1, storing a hulpvraag raises an exception whose message
quotes the question and the contact, as a careless action or a library error might; the
action (actions/handoff.py) does not catch it. Nothing in the project's code knows about it."""

import os

if os.environ.get("LEERCOACH_TEST_RAISE_IN_HANDOFF") == "1":
    try:
        from leercoach.handoff import store
    except ImportError:  # a process without the project on its path
        store = None

    def _save(channel, question, contact, *limits):
        raise RuntimeError(f"could not store {question!r} for {contact!r}")

    if store is not None:
        store.save = _save
