import pytest

from leercoach.privacy.redaction import _Configured

SETTINGS = ("LEERCOACH_STAFF_NUMBER_PATTERN", "LEERCOACH_DEPARTMENTS")


@pytest.fixture(autouse=True)
def default_settings(monkeypatch):
    """Every test starts from the default staff number pattern and no departments."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    _Configured.reset()
    yield
    _Configured.reset()


@pytest.fixture
def configured(monkeypatch):
    """configured(LEERCOACH_DEPARTMENTS="Inkoop"): set the redaction settings; others default."""
    def configure(**values):
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        _Configured.reset()
    return configure
