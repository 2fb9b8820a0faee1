"""The widget protocol and the widget's default texts have one home (leercoach.widget.protocol,
the content files); the script is served with them and holds no copy of its own."""

import json
import re
import threading
import urllib.request

import pytest

from leercoach import content
from leercoach.widget import protocol
from leercoach.widget.server import SCRIPT_FILE, DemoSite, make_server, served_script, welcome_text

SOURCE = SCRIPT_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served():
    server = make_server("127.0.0.1", 0, DemoSite("http://localhost:5005"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/widget/leercoach-widget.js"
    with urllib.request.urlopen(url, timeout=5) as response:
        yield response.read().decode("utf-8")
    server.shutdown()
    server.server_close()


def served_values(script: str) -> dict:
    return json.loads(re.search(r"^  var SERVED = (\{.*\});$", script, re.MULTILINE).group(1))


def test_the_script_is_served_with_the_protocol(served):
    sent = served_values(served)["protocol"]
    assert sent == protocol.browser_protocol()
    assert sent["payloadKey"] == "leercoach" and sent["kinds"]["handoffForm"] == "handoff_form"
    assert sent["handoff"]["contactKey"] == "handoff_contact" and sent["handoff"]["metadataMaxChars"] == 400


def test_the_script_is_served_with_its_texts_from_the_content_files(served):
    strings = served_values(served)["strings"]
    assert strings["welcome"] == welcome_text()
    assert strings["privacyText"] == content.privacy_text("short", **_text_values())
    assert strings["planTools"] == "Je plan bewaren" == content.widget_texts()["planTools"]
    assert set(content.widget_texts()) <= set(strings)


def _text_values():
    from leercoach import settings

    return settings.text_values()


@pytest.mark.parametrize(
    "value",
    [
        protocol.PAYLOAD_KEY,
        protocol.PLAN,
        protocol.HANDOFF_FORM,
        protocol.FEEDBACK_OFFER,
        protocol.FEEDBACK_RECEIVED,
        protocol.CONVERSATION_ERASED,
        protocol.CONVERSATION_EXPORT,
        protocol.HANDOFF_CONTACT_KEY,
        protocol.HANDOFF_CONSENT_KEY,
        protocol.HANDOFF_PAYLOAD,
    ],
)
def test_the_script_has_no_copy_of_a_protocol_value(value):
    assert not re.search(rf"""["']{re.escape(value)}["']""", SOURCE)
    if "_" in value or value == protocol.PAYLOAD_KEY:  # nor as a property or a key
        assert not re.search(rf"\.{value}\b(?!-)|\b{value}\s*:", SOURCE)


def test_the_script_has_no_copy_of_a_limit():
    assert str(protocol.HANDOFF_METADATA_MAX_CHARS) not in SOURCE
    assert "< 5 " not in SOURCE and "|| 200" not in SOURCE


def test_the_script_has_no_copy_of_the_texts_from_the_content_files():
    for text in (
        welcome_text(),
        content.privacy_text("short", **_text_values()),
        *content.widget_texts().values(),
    ):
        assert f'"{text}"' not in SOURCE and (len(text) < 20 or text not in SOURCE)
    for name in ("welcome", "privacyText", *content.widget_texts()):
        assert not re.search(rf"^\s+{name}:", SOURCE, re.MULTILINE), f"{name} is a default of the script"


def test_the_served_values_cannot_end_the_script_tag():
    script = served_script("a\n  var SERVED = {};\nb", {"x": "</script><script>alert(1)</script>\u2028"})
    assert "</script>" not in script and "\u2028" not in script
    assert served_values(script) == {"x": "</script><script>alert(1)</script>\u2028"}


def test_the_python_side_reads_the_protocol():
    from actions import handoff, privacy
    from leercoach.answering import feedback
    from leercoach.channels import rest
    from leercoach.handoff import contact
    from leercoach.privacy import erasure

    assert rest.RestInput.name() == protocol.WIDGET_CHANNEL
    assert feedback.WIDGET_CHANNELS == (protocol.WIDGET_CHANNEL,)
    assert handoff.FORM_CHANNELS == privacy.DOWNLOAD_CHANNELS == {protocol.WIDGET_CHANNEL}
    assert erasure.erasure_payload() == {protocol.PAYLOAD_KEY: protocol.CONVERSATION_ERASED}
    assert (contact.METADATA_CONTACT, contact.METADATA_CONSENT) == ("handoff_contact", "handoff_consent")
    assert rest.HANDOFF_PAYLOAD == protocol.HANDOFF_PAYLOAD
