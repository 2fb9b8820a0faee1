"""What the REST channel passes on of the metadata a client sends: only the hulpvraag form's contact."""

from leercoach.channels.rest import HANDOFF_PAYLOAD, handoff_metadata

FORM = {"handoff_contact": "anna@bedrijf.example", "handoff_consent": True}


def test_the_forms_two_keys_pass_with_its_payload_and_nothing_else():
    assert handoff_metadata(HANDOFF_PAYLOAD, {**FORM, "user_id": "U123", "out_channel": "D1"}) == FORM


def test_with_any_other_message_the_metadata_is_dropped():
    for text in ("hallo", "/affirm", "/handoff_contact ", "/handoff_contact{}"):
        assert handoff_metadata(text, FORM) == {}


def test_a_malformed_form_is_dropped():
    for metadata in (
        None,
        "anna@bedrijf.example",
        {"handoff_contact": "anna@bedrijf.example"},
        {"handoff_contact": ["anna"], "handoff_consent": True},
        {"handoff_contact": "x" * 401, "handoff_consent": True},
        {"handoff_contact": "anna@bedrijf.example", "handoff_consent": "ja"},
    ):
        assert handoff_metadata(HANDOFF_PAYLOAD, metadata) == {}
