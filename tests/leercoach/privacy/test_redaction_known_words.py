"""Capitalised words that name nobody stay as they are (issue 17): employers, public bodies,
places, tools, English sentences; a person's name next to them is still removed."""

import pytest

from leercoach.privacy.redaction import Redaction, redact


@pytest.mark.parametrize(
    "text",
    [
        # The four messages of issue 17 that the redaction changed.
        "Can you help me in English?",
        "Ik werk bij Philips in Eindhoven.",
        "Ik doe vrijwilligerswerk bij het Rode Kruis.",
        "Ik werk bij de Gemeente Den Haag.",
    ],
)
def test_the_clean_messages_of_issue_17_stay_as_they_are(text):
    assert redact(text) == Redaction(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jan de Vries van Philips komt ons team helpen.", "[NAAM] van Philips komt ons team helpen."),
        ("mail Sanne Bakker bij de Gemeente Den Haag", "mail [NAAM] bij de Gemeente Den Haag"),
        ("Kan ik Lisa Hermans van het Rode Kruis vragen?", "Kan ik [NAAM] van het Rode Kruis vragen?"),
        ("Hi, this is Mark from Philips.", "Hi, this is [NAAM] from Philips."),
    ],
)
def test_a_name_next_to_an_employer_is_removed_and_the_employer_kept(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # "Can" is an English word in an English message, a Turkish first name in a Dutch one.
        ("Can Yilmaz werkt bij ASML.", "[NAAM] werkt bij ASML."),
        (
            "My manager Sarah Miller wants me to take a course.",
            "My manager [NAAM] wants me to take a course.",
        ),
        # A tool that is a first name too starts a name when a surname follows it.
        ("Ik heb Miro Bakker gesproken.", "Ik heb [NAAM] gesproken."),
        # "Jong" (of "de Jong") is in deduce's care-provider list too, and still a name.
        ("Mijn collega Marine de Jong doet ook mee.", "Mijn collega [NAAM] doet ook mee."),
        # Before a tail word ("College") a name is an organisation; the person before it is not.
        ("Sanne Bakker van het Nova College helpt ons.", "[NAAM] van het Nova College helpt ons."),
        ("Anna+Tim willen samen leren.", "[NAAM]+[NAAM] willen samen leren."),
        # A known place is where someone lives after "ik woon in".
        ("ik woon in Den Bosch", "ik woon in [ADRES]"),
    ],
)
def test_names_and_places_of_residence_are_still_caught_among_known_words(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "May I ask something about the budget?",
        "Will there be a training in May?",
        "Trello of Miro, wat werkt beter voor een leergroep?",
        "Ik werk in het Jeroen Bosch Ziekenhuis.",
        "Ik ben BHV'er en doe vrijwilligerswerk bij het Leger des Heils.",
        "Ik heb Duolingo gebruikt voor mijn Spaans.",
        "De Roos van Leary hebben we in de training gehad.",
    ],
)
def test_english_words_tools_hospitals_roles_and_languages_stay(text):
    assert redact(text) == Redaction(text)


def test_a_practice_called_after_its_practitioner_loses_the_name():
    assert "Bakker" not in redact("Ik ga naar Fysiotherapie Bakker.").text


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb mijn mbo gedaan aan het Nova College in Haarlem.",
        "Ik werk bij Kuipers Installatietechniek in Hengelo.",
        "Ik werk voor Kuehne+Nagel in Venlo.",
        "De Luchtmacht en de Marine leiden zelf hun technici op.",
        "Lean Yellow Belt is een goede eerste stap.",
    ],
)
def test_organisations_before_a_tail_word_brands_and_the_armed_forces_stay(text):
    assert redact(text) == Redaction(text)
