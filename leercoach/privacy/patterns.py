"""Pattern detectors for the personal data that has a form: e-mail, phone, IBAN, BSN, postcode,
street address, dates that look like birth dates, staff numbers and department names.

Each detector takes the text and yields :class:`Finding` spans; overlaps are resolved in
``redaction``. Checksums decide where a form alone is ambiguous: an IBAN must pass mod-97
and a BSN the 11-check, so order numbers and other 9-digit numbers are left alone.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Sequence

# Kinds, which are also the token names: [NAAM], [E-MAIL], ...
NAAM = "NAAM"
EMAIL = "E-MAIL"
TELEFOON = "TELEFOON"
IBAN = "IBAN"
BSN = "BSN"
ADRES = "ADRES"
DATUM = "DATUM"
PERSONEELSNUMMER = "PERSONEELSNUMMER"
AFDELING = "AFDELING"
KINDS = (NAAM, EMAIL, TELEFOON, IBAN, BSN, ADRES, DATUM, PERSONEELSNUMMER, AFDELING)

# An already redacted place; never found again, so redacting twice changes nothing.
TOKEN = re.compile(r"\[(?:" + "|".join(re.escape(kind) for kind in KINDS) + r")\]")


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str
    # Higher wins an overlap; checksummed numbers beat names and loose patterns.
    priority: int = 0


# ---- e-mail ------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,24}(?![\w@])")


def emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        yield Finding(match.start(), match.end(), EMAIL, 50)


# ---- phone numbers -------------------------------------------------------------------------

# A run of digits with the separators people type: spaces, dashes, dots, slashes, brackets.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+@./-])(?:\+|00)?\(?\d[\d ().\-/\u00a0]{5,24}\d(?![\w@])")
_DATE_SHAPE = re.compile(r"\(?\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")


def _end_after_digits(candidate: str, needed: Sequence[int], skip: int = 0) -> Optional[int]:
    """Offset just after the digit that makes one of the `needed` counts, if that closes a group."""
    count, best = -skip, None
    for index, char in enumerate(candidate):
        if not char.isdigit():
            continue
        count += 1
        closes = index + 1 == len(candidate) or not candidate[index + 1].isdigit()
        if count in needed and closes:
            best = index + 1
        if count >= max(needed):
            break
    return best


def _phone_length(candidate: str) -> Optional[int]:
    """How much of the candidate is a phone number (0 or None: none of it)."""
    compact = re.sub(r"[^\d+]", "", candidate)
    if compact.startswith(("+31", "0031")):
        # Country code, then 9 digits; a "(0)" after +31 is not counted.
        skip = (4 if compact.startswith("0031") else 2) + (1 if "(0)" in candidate[:10] else 0)
        return _end_after_digits(candidate, (9,), skip=skip)
    if compact.startswith(("+", "00")):
        return _end_after_digits(candidate, range(8, 16), skip=0)
    if not compact.startswith("0") or _DATE_SHAPE.match(candidate):
        return None
    if compact.startswith(_SERVICE_PREFIXES) and candidate.lstrip("(")[:4] in _SERVICE_PREFIXES:
        return _end_after_digits(candidate, range(8, 12))
    return _end_after_digits(candidate, (10,))


def phones(text: str) -> Iterator[Finding]:
    """Dutch mobile and landline numbers (06, 0xx, +31, 0031, "(0)"), service numbers, and
    international numbers written with + or 00."""
    for match in _PHONE_CANDIDATE.finditer(text):
        start, candidate = match.start(), match.group()
        length = _phone_length(candidate)
        if length and candidate.startswith("(") and ")" not in candidate[:length]:
            # "(0612345678)": the bracket is around the number, not around an area code.
            start, candidate = start + 1, candidate[1:]
            length = _phone_length(candidate)
        if length:
            yield Finding(start, start + length, TELEFOON, 40)


# ---- IBAN ----------------------------------------------------------------------------------

_IBAN_LENGTHS = {
    "NL": 18,
    "BE": 16,
    "DE": 22,
    "FR": 27,
    "ES": 24,
    "GB": 22,
    "LU": 20,
    "IT": 27,
    "PL": 28,
    "AT": 20,
    "CH": 21,
    "PT": 25,
    "IE": 22,
    "DK": 18,
    "SE": 24,
    "NO": 15,
    "FI": 18,
    "TR": 26,
}
_IBAN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){11,32}")


def iban_is_valid(compact: str) -> bool:
    """The ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97."""
    compact = compact.upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    expected = _IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def ibans(text: str) -> Iterator[Finding]:
    for match in _IBAN_CANDIDATE.finditer(text):
        candidate = match.group()
        # The candidate may run into the next words; the longest valid prefix that ends at
        # a group boundary is the IBAN.
        for end in range(len(candidate), 14, -1):
            if end < len(candidate) and candidate[end].isalnum():
                continue
            if iban_is_valid(re.sub(r"[ \-]", "", candidate[:end])):
                yield Finding(match.start(), match.start() + end, IBAN, 90)
                break


# ---- BSN -----------------------------------------------------------------------------------

_BSN_CANDIDATE = re.compile(
    r"(?<![\w.,\-/+])(\d{9}|\d{3}[. ]\d{3}[. ]\d{3}|\d{4}[. ]\d{2}[. ]\d{3})(?![\w\-/+]|[.,]\d)"
)


def bsn_is_valid(digits: str) -> bool:
    """The 11-check ('elfproef') of a burgerservicenummer: 9 digits, weights 9..2 and -1."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def bsns(text: str) -> Iterator[Finding]:
    for match in _BSN_CANDIDATE.finditer(text):
        if bsn_is_valid(re.sub(r"\D", "", match.group())):
            yield Finding(match.start(), match.end(), BSN, 80)


# ---- postcodes and street addresses --------------------------------------------------------

# 1234 AB, 1234AB, 1234ab; with a space and lower case only after the word "postcode"
# ("2025 is" and "1000 en" are not postcodes). SA, SD and SS are never issued.
_POSTCODE = re.compile(r"(?<![\w-])[1-9]\d{3}(?:[A-Za-z]{2}|\u0020?[A-Z]{2})(?!\w)(?<!SA)(?<!SD)(?<!SS)")
_POSTCODE_AFTER_WORD = re.compile(r"(?i)(?<=postcode)(?:\s*(?:is|:))?\s*([1-9]\d{3}\s?[a-z]{2})(?!\w)")
_STREET_SUFFIXES = (
    "straat|laan|weg|plein|gracht|kade|singel|dijk|dreef|pad|hof|steeg|markt|park|baan|"
    "plantsoen|wal|haven|boulevard|allee"
)
_HOUSE_NUMBER = r"[ ]\d{1,4}(?:[ ]?[a-zA-Z](?!\w))?(?:[-/]\d{1,4})?(?![\w]|[.,]\d)"
# Kerkstraat 12, Van Goghstraat 3a, Prins Hendrikkade 12-2: a capitalised street name.
_STREET = re.compile(
    r"(?<![\w-])(?:(?:[A-Z][\w'’]{0,30}|\d{1,2}e)[ \-](?:(?:[A-Z][\w'’]{0,30}|van|de|der|den|het|'t|ter|ten)[ \-]){0,3})?"
    r"([A-Z][\w'’]{1,40}?(?:" + _STREET_SUFFIXES + r"))" + _HOUSE_NUMBER
)
# After "ik woon (op)", "mijn adres is": also a street without a suffix (Markt 3, Lange
# Voorhout 9) and a street typed in lower case (dorpsstraat 5).
_ADDRESS_AFTER_WORDS = re.compile(
    r"(?i:\bwoon|\bwonen|\bwoont|\bwoonachtig|\badres(?:\s+is)?:?|\bverhuisd\s+naar)"
    r"\s+(?i:(?:op|aan|in|naar|te)\s+)?(?:de\s+)?"
    r"((?:[A-Z][\w'’]{0,30}[ \t](?:(?:van|de|der|den|het|'t|ter|ten)[ \t]){0,2}){0,3}"
    r"(?:[A-Z][\w'’]{0,30}|[a-z][\w'’]{0,40}?(?:" + _STREET_SUFFIXES + r"))" + _HOUSE_NUMBER + ")"
)


def addresses(text: str, not_streets: frozenset = frozenset()) -> Iterator[Finding]:
    """Postcodes and street + house number. `not_streets`: words with a street suffix that are
    not streets (loopbaan, leerpad), in lower case."""
    for match in _POSTCODE.finditer(text):
        yield Finding(match.start(), match.end(), ADRES, 30)
    for match in _POSTCODE_AFTER_WORD.finditer(text):
        yield Finding(match.start(1), match.end(1), ADRES, 30)
    for match in _STREET.finditer(text):
        if match.group(1).lower() not in not_streets:
            yield Finding(match.start(), match.end(), ADRES, 30)
    for match in _ADDRESS_AFTER_WORDS.finditer(text):
        yield Finding(match.start(1), match.end(1), ADRES, 30)


# ---- dates that look like birth dates ------------------------------------------------------

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sept|sep|okt|nov|dec"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:(?:19|20)\d{2}|'?\d{2})"
_NUMERIC_DATE = re.compile(
    rf"(?<![\w.\-/])({_DAY})([-/.])({_MONTH})\2((?:19|20)\d{{2}}|'?\d{{2}})(?![\w]|[.\-/]\d)"
)
_ISO_DATE = re.compile(rf"(?<![\w.\-/])((?:19|20)\d{{2}})-({_MONTH})-({_DAY})(?![\w]|[.\-/]\d)")
_TEXT_DATE = re.compile(
    rf"(?i)(?<![\w.\-/])({_DAY})(?:e|ste|de)?[ \-]({_MONTHS})\.?(?:[ \-]({_YEAR}))?(?![\w]|[.\-/]\d)"
)
_DAY_MONTH = re.compile(rf"(?<![\w.\-/])({_DAY})[-/]({_MONTH})(?![\w]|[.\-/]\d)")
_BIRTH_CONTEXT = re.compile(
    r"(?i)\b(?:geboren|geb\.?|geboortedatum|geboortedag|verjaardag|jarig|born|birthday|"
    r"date of birth|dob)\b"
)
# Someone born in the last 15 years is not an employee: a full date that old or older looks
# like a birth date. Course and meeting dates (recent or ahead) stay readable.
MIN_AGE_YEARS = 15


def _full_year(year: str, today: datetime.date) -> int:
    year = year.lstrip("'")
    if len(year) == 4:
        return int(year)
    century = 2000 if int(year) <= today.year % 100 else 1900
    return century + int(year)


def _birth_context_before(text: str, start: int) -> bool:
    return bool(_BIRTH_CONTEXT.search(text, max(0, start - 40), start))


def dates(text: str, today: Optional[datetime.date] = None) -> Iterator[Finding]:
    """Dates with a year at least MIN_AGE_YEARS back, and any date after words like 'geboren'."""
    today = today or datetime.date.today()
    latest_birth_year = today.year - MIN_AGE_YEARS

    def found(match: re.Match, year: Optional[str]) -> Iterator[Finding]:
        birth_like = year is not None and _full_year(year, today) <= latest_birth_year
        if birth_like or _birth_context_before(text, match.start()):
            yield Finding(match.start(), match.end(), DATUM, 35)

    for match in _NUMERIC_DATE.finditer(text):
        # "1.2.80" is a version number, not a date; two-digit years need - or /.
        if match.group(2) == "." and len(match.group(4).lstrip("'")) == 2:
            continue
        yield from found(match, match.group(4))
    for match in _ISO_DATE.finditer(text):
        yield from found(match, match.group(1))
    for match in _TEXT_DATE.finditer(text):
        yield from found(match, match.group(3))
    for match in _DAY_MONTH.finditer(text):
        if _birth_context_before(text, match.start()):
            yield Finding(match.start(), match.end(), DATUM, 35)


# ---- staff numbers and departments ---------------------------------------------------------

_STAFF_NUMBER_AFTER_WORD = re.compile(
    r"(?i)\b(?:personeelsnummer|personeelsnr|pers\.?\s?nr|medewerkersnummer|medewerkernummer|"
    r"werknemersnummer|personeels\s?nummer)\.?\s*(?:is|:)?\s*([A-Za-z]{0,3}-?\d[\w\-]{2,15})(?!\w)"
)


def staff_numbers(text: str, pattern: re.Pattern[str]) -> Iterator[Finding]:
    """The company's format (a setting), and any code right after the word 'personeelsnummer'."""
    for match in pattern.finditer(text):
        if match.end() > match.start():
            yield Finding(match.start(), match.end(), PERSONEELSNUMMER, 60)
    for match in _STAFF_NUMBER_AFTER_WORD.finditer(text):
        yield Finding(match.start(1), match.end(1), PERSONEELSNUMMER, 60)


def department_pattern(names: Iterable[str]) -> Optional[re.Pattern[str]]:
    """One pattern for the configured department names: whole words, any case, any spacing."""
    alternatives = sorted({name.strip() for name in names if name.strip()}, key=len, reverse=True)
    if not alternatives:
        return None
    body = "|".join(r"\s+".join(map(re.escape, name.split())) for name in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def departments(text: str, pattern: Optional[re.Pattern[str]]) -> Iterator[Finding]:
    if pattern is not None:
        for match in pattern.finditer(text):
            yield Finding(match.start(), match.end(), AFDELING, 20)
