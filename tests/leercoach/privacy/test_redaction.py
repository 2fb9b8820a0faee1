"""The redaction, kind by kind: what an employee types and what is kept of it."""

import pytest

from leercoach.privacy.redaction import Redaction, redact


def redacted(text):
    return redact(text).text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik ben Jan de Vries.", "Ik ben [NAAM]."),
        ("ik ben jan en ik werk hier net", "ik ben [NAAM] en ik werk hier net"),
        ("ik heet fatima el amrani", "ik heet [NAAM]"),
        ("mijn collega pieter de boer wil ook mee", "mijn collega [NAAM] wil ook mee"),
        ("samen met sanne wil ik leren", "samen met [NAAM] wil ik leren"),
        ("Ik heb een afspraak met Anouk van der Berg.", "Ik heb een afspraak met [NAAM]."),
        (
            "Mijn leidinggevende Wojciech Kowalski vindt het goed.",
            "Mijn leidinggevende [NAAM] vindt het goed.",
        ),
        ("Priya Ramanathan en Mohammed Yilmaz doen mee.", "[NAAM] en [NAAM] doen mee."),
        ("Mark belt je morgen terug.", "[NAAM] belt je morgen terug."),
        ("Groetjes, Kees", "Groetjes, [NAAM]"),
        ("Dank je wel Lisa!", "Dank je wel [NAAM]!"),
    ],
)
def test_names_become_naam(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mark je agenda voor de training.",
        "Wil je me helpen met een plan?",
        "Ben je een bot?",
        "Kan ik in januari beginnen?",
        "Jan-met-de-pet mag ook meedoen.",
        "Ik doe Werkplekleren en Samen leren.",
        "Zelfstudie past bij mij.",
        "Mentorschap en coaching lijkt me leuk.",
        "Events en Vrijwilligerswerk klinken goed.",
        "We werken met Teams, Excel en Slack.",
        "Ik wil groeien als teamleider.",
        "voor max 2 uur per week",
    ],
)
def test_words_that_look_like_names_survive(text):
    assert redact(text) == Redaction(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail me op jan.de.vries@acme.nl", "mail me op [E-MAIL]"),
        ("Mijn mail: p.jansen+hr@sub.bedrijf.co.uk!", "Mijn mail: [E-MAIL]!"),
    ],
)
def test_email_addresses(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "06 12 34 56 78",
        "0612345678",
        "+31 6 12345678",
        "+31612345678",
        "0031 6 12 34 56 78",
        "+31 (0)20 123 4567",
        "(020) 123 45 67",
        "020-1234567",
        "010 - 123 45 67",
        "0800-1234",
        "+32 470 12 34 56",
    ],
)
def test_phone_numbers_in_every_notation(number):
    assert redacted(f"bel me op {number} als het kan") == "bel me op [TELEFOON] als het kan"


@pytest.mark.parametrize(
    "text",
    ["werktijden 09.00-17.00 uur", "3 uur per week", "versie 3.6.21", "het is 2024-2025", "toestel 1234"],
)
def test_numbers_that_are_no_phone_numbers_survive(text):
    assert redacted(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("NL91 ABNA 0417 1643 00 is mijn rekening", "[IBAN] is mijn rekening"),
        ("iban nl91abna0417164300", "iban [IBAN]"),
        ("BE68 5390 0754 7034", "[IBAN]"),
        ("NL91ABNA0417164301 (typo)", "NL91ABNA0417164301 (typo)"),  # fails mod-97
    ],
)
def test_iban_with_mod_97_check(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mijn bsn is 111222333", "mijn bsn is [BSN]"),
        ("BSN: 123.456.782", "BSN: [BSN]"),
        ("bsn 1234 56 782", "bsn [BSN]"),
        ("ordernummer 123456789", "ordernummer 123456789"),  # fails the 11-check
        ("ticket 987654321", "ticket 987654321"),
    ],
)
def test_bsn_only_when_it_passes_the_11_check(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ik woon op de Dorpsstraat 5a in Zwolle.", "Ik woon op de [ADRES]."),
        ("Kerkstraat 12, 3511 AB Utrecht", "[ADRES]"),
        ("mijn postcode is 3511 ab", "mijn postcode is [ADRES]"),
        ("Ik woon in Amersfoort.", "Ik woon in [ADRES]."),
        ("mijn adres is dorpsstraat 5", "mijn adres is [ADRES]"),
        ("in 2025 is het zover", "in 2025 is het zover"),
        ("Best wel lastig", "Best wel lastig"),  # Best is a town, but not here
        ("mijn loopbaan 2 keer omgegooid", "mijn loopbaan 2 keer omgegooid"),
    ],
)
def test_postcodes_and_addresses(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Geboren op 3 april 1988.", "Geboren op [DATUM]."),
        ("geb. 12-03-85", "geb. [DATUM]"),
        ("geboortedatum 1985-03-12", "geboortedatum [DATUM]"),
        ("ik ben jarig op 12 maart", "ik ben jarig op [DATUM]"),
        ("sinds 01-02-1980", "sinds [DATUM]"),  # a date that old looks like a birth date
        ("De cursus begint op 3 april 2027.", "De cursus begint op 3 april 2027."),
        ("Kan ik in januari beginnen?", "Kan ik in januari beginnen?"),
        ("in 1998 begonnen", "in 1998 begonnen"),
    ],
)
def test_dates_that_look_like_birth_dates(text, expected):
    assert redacted(text) == expected


def test_staff_numbers_default_pattern_and_after_the_word(configured):
    configured()
    assert redacted("mijn nummer is P123456") == "mijn nummer is [PERSONEELSNUMMER]"
    assert redacted("personeelsnummer: 45678") == "personeelsnummer: [PERSONEELSNUMMER]"
    assert redacted("P12 en P12345678") == "P12 en P12345678"


def test_staff_number_pattern_is_a_setting(configured):
    configured(LEERCOACH_STAFF_NUMBER_PATTERN=r"EMP-\d{4}")
    assert redacted("ik ben EMP-1234") == "ik ben [PERSONEELSNUMMER]"
    assert redacted("P123456") == "P123456"


def test_an_invalid_staff_number_pattern_is_a_clear_error(configured):
    configured(LEERCOACH_STAFF_NUMBER_PATTERN="P(")
    with pytest.raises(ValueError, match="LEERCOACH_STAFF_NUMBER_PATTERN"):
        redact("hallo")


def test_departments_from_the_setting(configured):
    configured(LEERCOACH_DEPARTMENTS="Inkoop, Team Noord,ICT")
    assert redacted("ik werk bij inkoop en team  noord") == "ik werk bij [AFDELING] en [AFDELING]"
    assert redacted("de inkoopafdeling") == "de inkoopafdeling"
    configured()
    assert redacted("ik werk bij inkoop") == "ik werk bij inkoop"


def test_kinds_in_order_of_first_appearance_each_once():
    result = redact("Ik ben Jan, bel 06-12345678 of mail jan@acme.nl; Piet weet het ook.")
    assert result.kinds == ("NAAM", "TELEFOON", "E-MAIL")
    assert result.changed
    assert result.text == "Ik ben [NAAM], bel [TELEFOON] of mail [E-MAIL]; [NAAM] weet het ook."


@pytest.mark.parametrize(
    "payload",
    [
        '/inform{"time_per_week":"1_3"}',
        '/route_feedback{"route":"route_werkplekleren","feedback":"fits"}',
        "/kenmerk_kennis_delen",
        '/inform{"budget":"yes","certificate":"no"}',
    ],
)
def test_button_payloads_are_kept_byte_for_byte(payload):
    assert redact(payload) == Redaction(payload)


def test_redacting_twice_changes_nothing():
    once = redact("Ik ben Jan de Vries, P123456, NL91 ABNA 0417 1643 00, geb. 3-4-1988, Kerkstraat 1")
    twice = redact(once.text)
    assert twice.text == once.text
    assert not twice.changed
