"""Platform ids become keyed pseudonyms: stable, unlinkable without the key, never the raw id."""

import os
import stat

import pytest

from leercoach.privacy import pseudonym as module


@pytest.fixture(autouse=True)
def fresh_key_cache():
    module._key.cache_clear()
    yield
    module._key.cache_clear()


def test_same_user_gets_the_same_conversation_id_on_every_server():
    assert module.pseudonym("slack", "U012ABCDEF") == module.pseudonym("slack", "U012ABCDEF")


def test_the_id_is_hex_and_does_not_contain_the_platform_id():
    conversation = module.pseudonym("slack", "U012ABCDEF")
    assert len(conversation) == 32 and int(conversation, 16) >= 0
    assert "U012ABCDEF".lower() not in conversation


def test_channels_and_users_get_different_ids():
    ids = {module.pseudonym(c, u) for c in ("rest", "slack", "teams") for u in ("U1", "U2", "29:abc")}
    assert len(ids) == 9


def test_another_key_gives_other_ids(monkeypatch):
    before = module.pseudonym("teams", "29:1abc")
    monkeypatch.setenv(module.KEY_VARIABLE, "another-key-of-at-least-thirty-two-chars!")
    module._key.cache_clear()
    assert module.pseudonym("teams", "29:1abc") != before


def test_production_refuses_to_start_without_a_key(monkeypatch):
    monkeypatch.delenv(module.KEY_VARIABLE, raising=False)
    with pytest.raises(module.MissingKeyError, match="LEERCOACH_PSEUDONYM_KEY"):
        module.require_configured_key()


def test_a_short_key_is_refused(monkeypatch):
    monkeypatch.setenv(module.KEY_VARIABLE, "kort")
    with pytest.raises(module.MissingKeyError, match="te kort"):
        module.require_configured_key()


def test_without_key_and_without_local_key_nothing_is_pseudonymised(monkeypatch, tmp_path):
    monkeypatch.delenv(module.KEY_VARIABLE, raising=False)
    monkeypatch.setattr(module, "LOCAL_KEY_FILE", tmp_path / "pseudonym.key")
    with pytest.raises(module.MissingKeyError, match="make run"):
        module.pseudonym("rest", "browser-id")


def test_first_run_key_is_made_once_private_and_then_used(monkeypatch, tmp_path):
    monkeypatch.delenv(module.KEY_VARIABLE, raising=False)
    key_file = tmp_path / ".leercoach" / "pseudonym.key"
    monkeypatch.setattr(module, "LOCAL_KEY_FILE", key_file)
    module.ensure_local_key(key_file)
    first = key_file.read_text()
    module.ensure_local_key(key_file)  # a second start keeps it: otherwise every id would change
    assert key_file.read_text() == first and len(first.strip()) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert module.pseudonym("rest", "x") == module.pseudonym("rest", "x")
