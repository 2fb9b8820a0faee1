import pytest

from leercoach.answering.references import list_position


@pytest.mark.parametrize(
    "text, expected",
    [
        ("de tweede", 2),
        ("nummer 3", 3),
        ("die laatste", 7),
        ("de 2e", 2),
        ("3", 3),
        ("Vijfde graag!", 5),
        ("de voorlaatste", 6),
        ("die bovenste", 1),
        ("nr. 4 aub", 4),
        ("de zevende", 7),
        ("vertel iets", None),
    ],
)
def test_positions_in_a_list_of_seven(text, expected):
    assert list_position(text, 7) == expected
