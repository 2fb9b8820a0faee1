"""The redaction never raises, never loses text that is not personal, and never logs chat text."""

import json
import logging
import os
import random
import subprocess
import sys

import pytest

from leercoach.privacy.redaction import KINDS, detect, redact
from leercoach.settings import PROJECT_ROOT

ODD_TEXTS = [
    "",
    " ",
    "\n\n\t",
    "\x00\x01\x07\x1b[31m\x7f",
    "\ud800 eenzaam \udfff surrogaat \udbff\udc00",
    "😀👩‍💻🇳🇱 emoji en Jan 👋",
    "\u202eשלום مرحبا\u202c Piet \u200f",
    "e\u0301\u0308 combining",
    "[NAAM] [E-MAIL] [TELEFOON] [IBAN] [BSN] [ADRES] [DATUM] [PERSONEELSNUMMER] [AFDELING]",
    "[NAAM",
    "NAAM]",
    "@@@...---+++(((",
    "0" * 5000,
    "9" * 9,
    "Jan " * 300,
    "Kerkstraat " * 300,
    "x" * 100_000,
    ("Ik ben Jan de Vries en bel 06-12345678. Mark je agenda in januari. " * 1500)[:100_000],
]


def _random_texts(count=300, seed=8):
    pieces = [
        "Jan",
        "de",
        "Vries",
        "van der",
        "Berg",
        "jan",
        "ik ben",
        "mijn collega",
        "met",
        "06",
        "-",
        "12345678",
        "+31",
        "(0)",
        "20",
        " ",
        "  ",
        "\n",
        ",",
        ".",
        "@",
        "acme.nl",
        "NL91",
        "ABNA",
        "0417",
        "1643",
        "00",
        "111222333",
        "123456789",
        "3511",
        "AB",
        "Kerkstraat",
        "12",
        "geboren",
        "3",
        "april",
        "1988",
        "P123456",
        "[NAAM]",
        "[",
        "]",
        "😀",
        "\u202e",
        "\ud800",
        "\x00",
        "é",
        "Mark",
        "je",
        "januari",
        "/inform",
        '{"a":"b"}',
        "Utrecht",
        "woon in",
        "'s",
        "’",
        "postcode",
        "3511ab",
        "1-2-1980",
    ]
    rng = random.Random(seed)
    return [
        "".join(rng.choice(pieces) + rng.choice(["", " ", " ", ", "]) for _ in range(rng.randint(1, 25)))
        for _ in range(count)
    ]


CASES = ODD_TEXTS + _random_texts()


@pytest.mark.parametrize("text", CASES, ids=[f"{i}-{len(t)}chars" for i, t in enumerate(CASES)])
def test_any_string_is_redacted_without_error_and_only_personal_data_changes(text):
    result = redact(text)
    findings = detect(text)
    # Everything outside the findings is kept exactly; each finding became its token.
    pieces, position = [], 0
    for finding in findings:
        pieces += [text[position : finding.start], f"[{finding.kind}]"]
        position = finding.end
    rebuilt = "".join(pieces) + text[position:]
    assert result.text == rebuilt
    assert set(result.kinds) <= set(KINDS)
    assert result.changed == (result.text != text)
    again = redact(result.text)
    assert again.text == result.text and not again.changed


def test_a_name_reaches_no_log_and_no_output(capsys, caplog):
    caplog.set_level(logging.DEBUG)
    result = redact("Hoi, ik ben Zbigniew Brzeczyszczykiewicz van de afdeling, bel 0612345678")
    assert "Zbigniew" not in result.text and "0612345678" not in result.text
    captured = capsys.readouterr()
    for secret in ("Zbigniew", "Brzeczyszczykiewicz", "0612345678"):
        assert secret not in caplog.text
        assert secret not in captured.out + captured.err


def test_importing_deduce_leaves_logging_alone_in_a_fresh_process():
    """deduce calls logging.basicConfig(stdout, DEBUG) on import; after our import the root
    logger has no handler and its level is unchanged, so a library's debug line about a
    message prints nothing."""
    code = (
        "import json, logging\n"
        "from leercoach.privacy.redaction import redact, warm_up\n"
        "warm_up()\n"
        "text = redact('Ik ben Zbigniew Brzeczyszczykiewicz, mail z.b@acme.nl').text\n"
        "logging.getLogger('rasa.core.processor').debug('Received user message Zbigniew')\n"
        "logging.getLogger('deduce').info('Zbigniew')\n"
        "root = logging.getLogger()\n"
        "print(json.dumps({'text': text, 'handlers': len(root.handlers), 'level': root.level,\n"
        "                  'deduce': logging.getLogger('deduce').level,\n"
        "                  'docdeid': logging.getLogger('docdeid').level}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Zbigniew" not in result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["text"] == "Ik ben [NAAM], mail [E-MAIL]"
    assert report["handlers"] == 0
    assert report["level"] == logging.WARNING
    assert report["deduce"] == report["docdeid"] == logging.WARNING
    assert len(result.stdout.strip().splitlines()) == 1  # nothing printed but the report
