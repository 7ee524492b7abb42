from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from workstation.errors import WorkstationError
from workstation.validation import (
    FieldValueError,
    age_on,
    check_division_code,
    check_uscc,
    mask_id,
    mask_phone,
    normalize_phone,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_int,
    parse_money,
)

# --- resident ID numbers -------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "birth", "gender", "area_known"),
    [
        ("11010519491231002X", date(1949, 12, 31), "F", True),
        ("34052419800101001X", date(1980, 1, 1), "M", False),  # abolished area code
        ("340822195803150022", date(1958, 3, 15), "F", True),
        ("340822198807093516", date(1988, 7, 9), "M", True),
    ],
)
def test_valid_id_numbers_are_read(number, birth, gender, area_known):
    info = parse_id_number(number)
    assert info.number == number
    assert info.birth_date == birth
    assert info.gender == gender
    assert info.area_known is area_known


def test_lowercase_x_and_separators_are_normalized():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"
    assert parse_id_number(" 340822 19580315 0022 ").number == "340822195803150022"
    assert parse_id_number("３４０８２２１９５８０３１５００２２").number == "340822195803150022"


def test_the_briefs_340822195803150027_has_a_wrong_check_digit():
    # Check digit for 34082219580315002 is 2, so ...0027 is a typo for ...0022.
    with pytest.raises(FieldValueError) as exc:
        parse_id_number("340822195803150027")
    assert exc.value.code == "id_checksum"
    assert exc.value.messages == {"zh_CN": "校验位不正确", "en": "the check digit is wrong"}


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_length"),
        ("110105491231002", "id_length"),  # first-generation 15-digit number
        ("1101051949123100211", "id_length"),
        ("11010519491231002A", "id_format"),
        ("X10105194912310021", "id_format"),
        ("110105194912310021", "id_checksum"),
        ("340822198002300012", "id_birth_date"),  # 30 February, valid check digit
        ("34082220990101001X", "id_future_birth"),  # valid check digit, born 2099
        ("340822180001010018", "id_birth_date"),  # check digit valid, year 1800
    ],
)
def test_invalid_id_numbers_are_refused_with_a_code(number, code):
    with pytest.raises(FieldValueError) as exc:
        parse_id_number(number)
    assert exc.value.code == code


def test_field_value_error_is_a_workstation_error_with_both_languages():
    with pytest.raises(FieldValueError) as exc:
        parse_id_number("123")
    err = exc.value
    assert isinstance(err, WorkstationError) and isinstance(err, ValueError)
    assert "18" in err.messages["zh_CN"] and "18" in err.messages["en"]


def test_leap_day_birth_is_accepted():
    assert parse_id_number("340822200002290010").birth_date == date(2000, 2, 29)


# --- phones --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13905561234", "13905561234"),
        ("+86 139 0556 1234", "13905561234"),
        ("0086-139-0556-1234", "13905561234"),
        ("+8613905561234", "13905561234"),
        ("１３９０５５６１２３４", "13905561234"),
        ("0556-5123456", "0556-5123456"),
        ("05565123456", "0556-5123456"),
        ("(0556) 512 3456", "0556-5123456"),
        ("010-62345678", "010-62345678"),
        ("02187654321", "021-87654321"),
        ("+86 556 5123456", "0556-5123456"),
    ],
)
def test_phone_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["12905561234", "1390556123", "139055612345", "0556-123", "5123456", "abc", "", "0556-0123456"],
)
def test_invalid_phone_numbers_are_refused(raw):
    with pytest.raises(FieldValueError) as exc:
        normalize_phone(raw)
    assert exc.value.code == "phone_invalid"


# --- USCC and division codes ---------------------------------------------------


def test_uscc_valid_invalid_and_normalized():
    assert check_uscc("91110108551385082Q") == ("91110108551385082Q", True)
    assert check_uscc(" 9111 0108 5513 8508 2q ") == ("91110108551385082Q", True)
    assert check_uscc("91110108551385082A") == ("91110108551385082A", False)
    # Village collective economic organisations start with a letter.
    assert check_uscc("N2340822MA2TX00013") == ("N2340822MA2TX00013", True)


@pytest.mark.parametrize("raw", ["9111010855138508", "91110108551385082QQ", "9111010855138508IQ", "91110108551385082O"])
def test_uscc_with_wrong_shape_is_refused(raw):
    with pytest.raises(FieldValueError) as exc:
        check_uscc(raw)
    assert exc.value.code == "uscc_format"


def test_division_codes():
    assert check_division_code("340822104201") == "340822104201"
    assert check_division_code("3408 2210 4201") == "340822104201"
    for raw, code in [("34082210420", "division_format"), ("34082210420a", "division_format"),
                      ("000000104201", "division_county"), ("340000000000", "division_county"),
                      ("990822104201", "division_county")]:
        with pytest.raises(FieldValueError) as exc:
            check_division_code(raw)
        assert exc.value.code == code, raw


# --- money, numbers, dates -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1,234.50", "1234.50"), ("¥1234", "1234.00"), ("￥1,234元", "1234.00"), ("0.5", "0.50"),
     (" 12 ", "12.00"), ("1234.500", "1234.50"), ("1,234,567.8", "1234567.80")],
)
def test_money_is_parsed_to_cents(raw, expected):
    value = parse_money(raw)
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [("-5", "money_negative"), ("12.345", "money_precision"), ("1,23.4", "money_format"),
     ("abc", "money_format"), ("", "money_format"), ("NaN", "money_format"), ("1e3", "money_format")],
)
def test_bad_money_is_refused(raw, code):
    with pytest.raises(FieldValueError) as exc:
        parse_money(raw)
    assert exc.value.code == code


@pytest.mark.parametrize("raw", ["2026-11-24", "2026/11/24", "2026.11.24", "2026年11月24日", "2026年11月24", "20261124", " 2026-11-24 "])
def test_dates_in_common_forms(raw):
    assert parse_date(raw) == date(2026, 11, 24)


def test_single_digit_month_and_day():
    assert parse_date("2026-1-5") == date(2026, 1, 5)


@pytest.mark.parametrize(("raw", "code"), [("2026-02-30", "date_invalid"), ("24/11/2026", "date_format"),
                                           ("2026-11/24", "date_format"), ("tomorrow", "date_format")])
def test_bad_dates(raw, code):
    with pytest.raises(FieldValueError) as exc:
        parse_date(raw)
    assert exc.value.code == code


def test_int_and_decimal():
    assert parse_int("1,234") == 1234
    assert parse_int(" -3 ") == -3
    assert parse_decimal("3.14") == Decimal("3.14")
    assert parse_decimal("-0.5") == Decimal("-0.5")
    for bad in ["12.5", "", "1e3", "三"]:
        with pytest.raises(FieldValueError):
            parse_int(bad)
    for bad in ["1.2.3", "inf", "NaN", ""]:
        with pytest.raises(FieldValueError):
            parse_decimal(bad)


# --- masks and ages ------------------------------------------------------------


def test_masks():
    assert mask_id("340822195803150022") == "3408**********0022"
    assert mask_phone("13905561234") == "139****1234"
    assert mask_phone("0556-5123456") == "0556-***3456"
    assert mask_id("1234") == "****"


def test_age_on_counts_completed_years():
    birth = date(1946, 12, 1)
    assert age_on(birth, date(2026, 11, 30)) == 79
    assert age_on(birth, date(2026, 12, 1)) == 80
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert age_on(date(2000, 2, 29), date(2026, 3, 1)) == 26


def test_validators_are_fast():
    # An import calls these once per cell; a pathological slowdown shows here.
    start = time.perf_counter()
    for _ in range(20_000):
        parse_id_number("340822195803150022")
        normalize_phone("+86 139 0556 1234")
        parse_money("1,234.50")
        parse_date("2026-11-24")
    assert time.perf_counter() - start < 2.0
