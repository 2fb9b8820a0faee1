"""Settings every test run shares."""

import os

# A fixed pseudonym key for the test run (servers started by tests inherit it), so no test
# writes the local key of `make run` into the working tree.
os.environ.setdefault("LEERCOACH_PSEUDONYM_KEY", "test-only-pseudonym-key-0123456789abcdef")


def pytest_sessionstart(session):
    """The test process starts like every Rasa process of the project: with Leercoach's overrides
    of Rasa in place (leercoach.rasa_overrides), installed once, explicitly."""
    from leercoach import rasa_overrides

    rasa_overrides.install()
