"""What every channel hands Rasa: the pseudonym, the redacted text, and the notice to show."""

import pytest

from leercoach import content
from leercoach.privacy.boundary import incoming
from leercoach.privacy.pseudonym import pseudonym


def test_a_message_with_a_phone_number_is_redacted_and_the_employee_told():
    message = incoming("rest", "browser-1", "Bel me op 06-12345678 over de cursus")
    assert message.sender_id == pseudonym("rest", "browser-1")
    assert "06-12345678" not in message.text and "[TELEFOON]" in message.text
    assert message.notice == content.pii_notice(["TELEFOON"])


def test_a_message_without_personal_data_is_passed_on_as_it_is():
    message = incoming("slack", "U0123", "Hoe kan ik in januari leren presenteren?")
    assert message.text == "Hoe kan ik in januari leren presenteren?" and message.notice is None


def test_button_payloads_survive():
    payload = '/route_feedback{"route":"route_werkplekleren","feedback":"fit"}'
    assert incoming("rest", "b", payload).text == payload


@pytest.mark.parametrize(
    "kinds, named",
    [
        (["TELEFOON"], "een telefoonnummer"),
        (["NAAM", "TELEFOON"], "een naam en een telefoonnummer"),
        (["NAAM", "ADRES", "BSN", "NAAM"], "een naam, een adres en een BSN"),
    ],
)
def test_the_notice_names_what_was_removed(kinds, named):
    assert f"bevatte {named}." in content.pii_notice(kinds)
