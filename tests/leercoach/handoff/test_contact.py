"""Which contacts HR gets: an e-mail address or a phone number, perhaps with a name; nothing else."""

import pytest

from leercoach.handoff.contact import clean, from_metadata


@pytest.mark.parametrize(
    "given, stored",
    [
        ("anna.devries@bedrijf.nl", "anna.devries@bedrijf.nl"),
        ("  06-12345678 ", "06-12345678"),
        ("+31 20 123 4567", "+31 20 123 4567"),
        ("Anna de Vries, 06 12345678", "Anna de Vries, 06 12345678"),
        ("bel me op\n0612345678", "bel me op 0612345678"),
        ("Zoë Öztürk: zoe@bedrijf.example", "Zoë Öztürk: zoe@bedrijf.example"),
    ],
)
def test_a_usable_contact_is_kept_as_given_with_its_spaces_tidied(given, stored):
    assert clean(given) == stored


@pytest.mark.parametrize(
    "given",
    [
        "",
        "    ",
        "Anna",  # no way to reach her
        "bel me maar",
        "1234",
        "anna@",
        "<script>alert(1)</script> anna@bedrijf.nl",
        '"><img src=x onerror=alert(1)> 0612345678',
        "anna@bedrijf.nl\u0000",
        "anna@bedrijf.nl\u202e",  # a bidi override would turn the text around on HR's screen
        "x" * 190 + " anna@bedrijf.nl",  # longer than the column
        None,
        12345678,
        {"mail": "anna@bedrijf.nl"},
    ],
)
def test_anything_else_is_refused(given):
    assert clean(given) is None


def test_the_contact_counts_only_with_the_employees_consent():
    assert from_metadata({"handoff_contact": "anna@bedrijf.nl", "handoff_consent": True}) == "anna@bedrijf.nl"
    assert from_metadata({"handoff_contact": "anna@bedrijf.nl", "handoff_consent": False}) is None
    assert from_metadata({"handoff_contact": "anna@bedrijf.nl", "handoff_consent": "true"}) is None
    assert from_metadata({"handoff_contact": "anna@bedrijf.nl"}) is None
    assert from_metadata(None) is None
    assert from_metadata({"handoff_contact": "geen contact", "handoff_consent": True}) is None
