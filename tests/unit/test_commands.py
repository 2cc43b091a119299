"""Command inputs at the edges: every bad input names the field and the rule."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from pdsa_engine.aggregates.values import Region
from pdsa_engine.commands import invalid_input_from, parse, parse_id
from pdsa_engine.commands.cohorts import Enrol, SetQuota
from pdsa_engine.commands.cpr import find_cpr_number
from pdsa_engine.commands.cycles import AmendCycle, PlanCycle
from pdsa_engine.commands.people import AddPerson
from pdsa_engine.commands.projects import (
    AddDriver,
    AddMeasure,
    CreateProject,
    FreezeBaseline,
    RecordData,
    ScoreProgress,
    SetAim,
)
from pdsa_engine.commands.signoffs import DecideSignOff
from pdsa_engine.commands.spc import AnalyseSeries, split_list
from pdsa_engine.commands.text import forbidden_character, forbidden_character_rule, json_escaped, visible
from pdsa_engine.commands.types import ID_RULE
from pdsa_engine.errors import InvalidInput, PatientIdentifierFound

PROJECT = str(uuid4())


def rejected(model: type, data: dict[str, object]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse(model, data)
    return caught.value


def test_an_empty_title_names_the_field() -> None:
    error = rejected(CreateProject, {"cohort": str(uuid4()), "participant": "p@x.dk", "title": "  ", "problem": "x",
                                     "sponsor": "s@x.dk", "coach": "c@x.dk"})
    assert error.field == "title" and "at least 1 character" in error.message


def test_a_progress_score_off_the_scale_is_refused_and_a_decimal_comma_accepted() -> None:
    assert rejected(ScoreProgress, {"project": PROJECT, "score": "3.7"}).field == "score"
    assert rejected(ScoreProgress, {"project": PROJECT, "score": "5,5"}).message == (
        "score: must be 0.5 to 5.0 in steps of 0.5 (IHI's scale)")
    assert parse(ScoreProgress, {"project": PROJECT, "score": "3,5"}).score == Decimal("3.5")


def test_an_unknown_enum_value_lists_the_allowed_ones() -> None:
    error = rejected(AddMeasure, {"project": PROJECT, "name": "n", "kind": "outcome", "chart": "xbar",
                                  "definition": "d", "frequency": "week", "direction": "up"})
    assert error.field == "chart" and "'run', 'i', 'p', 'pp', 'u', 'up' or 'c'" in error.message


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a b@c.dk", "@c.dk"])
def test_a_malformed_email_is_refused(email: str) -> None:
    assert rejected(AddPerson, {"name": "N", "email": email, "role": ["coach"]}).field == "email"


@pytest.mark.parametrize("day", ["2031-02-30", "31-12-2031", "2031/02/01", "tomorrow"])
def test_a_malformed_date_is_refused(day: str) -> None:
    error = rejected(SetAim, {"project": PROJECT, "what": "w", "how_much": "h", "by": day})
    assert error.field == "by" and "YYYY-MM-DD" in error.message


def test_extra_fields_are_forbidden_and_commands_are_frozen() -> None:
    assert rejected(RecordData, {"measure": PROJECT, "period": "2031-W05", "value": "1", "colour": "red"}).field == "colour"
    command = parse(RecordData, {"measure": PROJECT, "period": "2031-W05", "value": "1"})
    with pytest.raises(ValidationError, match="frozen"):
        command.value = Decimal(2)  # type: ignore[misc]


def test_regions_are_named_as_in_the_programme_with_some_leniency() -> None:
    base = {"cohort": PROJECT, "person": "p@x.dk", "organisation": "AUH", "sector": "regional"}
    assert parse(Enrol, {**base, "region": "region nordjylland"}).region is Region.NORDJYLLAND
    assert parse(Enrol, {**base, "region": "Sjælland"}).region is Region.SJAELLAND
    assert rejected(Enrol, {**base, "region": "Jylland"}).message == (
        "region: must be one of Region Hovedstaden, Region Sjælland, Region Syddanmark, Region Midtjylland, "
        "Region Nordjylland")


def test_a_person_is_named_by_an_id_its_beginning_or_an_e_mail_address() -> None:
    base = {"cohort": PROJECT, "organisation": "AUH", "region": "Nordjylland", "sector": "regional"}
    assert parse(Enrol, {**base, "person": " A1B2-C3 "}).person == "a1b2-c3"  # as a table shows it, copied
    assert parse(Enrol, {**base, "person": "P@X.dk"}).person == "p@x.dk"
    assert rejected(Enrol, {**base, "person": "not a person"}).message == (
        "person: must be a person's id (or its beginning) or e-mail address")


@pytest.mark.parametrize("seats", ["1,5", "-1", "99999999999999999999", "101", "\u00b2"])
def test_seats_are_a_sensible_whole_number(seats: str) -> None:
    base = {"cohort": PROJECT, "region": "Nordjylland", "sector": "municipal"}
    assert rejected(SetQuota, {**base, "seats": seats}).field == "seats"
    assert parse(SetQuota, {**base, "seats": "12"}).seats == 12


@pytest.mark.parametrize("count", ["abc", "1,5", "-1", "\u0663", "1234567890123", " "])
def test_a_count_is_up_to_twelve_ascii_digits_and_nothing_else(count: str) -> None:
    base = {"measure": PROJECT, "reason": "Baseline fastlagt"}
    assert rejected(FreezeBaseline, {**base, "baseline": count}).message == (
        "baseline: must be a whole number, 0 or more")
    assert parse(FreezeBaseline, {**base, "baseline": " 123456789012 "}).baseline == 123456789012
    assert parse(FreezeBaseline, {**base, "baseline": "0"}).baseline == 0


TOO_LARGE = "value: must lie between -1e12 and 1e12; no measure has a larger value"


@pytest.mark.parametrize(("value", "message"), [
    ("1e309", TOO_LARGE), ("1e308", TOO_LARGE), ("-1e13", TOO_LARGE), ("1000000000001", TOO_LARGE),
    ("NaN", "value: must be a finite number"), ("inf", "value: must be a finite number"),
    ("-Infinity", "value: must be a finite number"), ("tre", "value: must be a number like 3.5 or 3,5"),
    (True, "value: must be a number like 3.5 or 3,5"),
])
def test_numbers_are_finite_and_of_a_size_a_measure_can_have(value: object, message: str) -> None:
    error = rejected(RecordData, {"measure": PROJECT, "period": "2031-W05", "value": value})
    assert (error.field, error.message) == ("value", message)
    assert parse(RecordData, {"measure": PROJECT, "period": "2031-W05", "value": "1e12"}).value == Decimal("1e12")


@pytest.mark.parametrize(("value", "number"), [(3, "3"), (0.1, "0.1"), (-2.5, "-2.5"), (" 3,5 ", "3.5")])
def test_numbers_given_as_json_numbers_keep_the_digits_written(value: object, number: str) -> None:
    """0.1 is 0.1, not the binary float's 0.1000000000000000055…"""
    parsed = parse(RecordData, {"measure": PROJECT, "period": "2031-W05", "value": value}).value
    assert parsed == Decimal(number) and str(parsed) == number


@pytest.mark.parametrize("character", ["\x1b", "\x00", "\x07", "\x7f", "\x9b", "\u202e", "\u202a", "\u2066",
                                       "\u2069"])
def test_control_and_bidirectional_override_characters_never_enter(character: str) -> None:
    error = rejected(AddDriver, {"project": PROJECT, "primary": f"Hjem{character}[31mRED"})
    assert error.field == "primary" and f"U+{ord(character):04X}" in error.message
    listed = rejected(PlanCycle, {"project": PROJECT, "change_idea": PROJECT, "objective": "o",
                                  "prediction": ["fine", f"bad{character}"], "start": "2031-02-01", "end": "2031-02-02"})
    assert listed.field == "prediction"
    assert rejected(AddPerson, {"name": "N", "email": f"a{character}@b.dk", "role": ["coach"]}).field == "email"


@pytest.mark.parametrize("email", ["eve\u200b@example.dk", "eve@example.dk\u200b", "eve@exam\u00adple.dk",
                                   "eve\ufeff@example.dk"])
def test_an_email_address_holding_an_invisible_character_is_refused(email: str) -> None:
    error = rejected(AddPerson, {"name": "Eve", "email": email, "role": ["coach"]})
    assert (error.field, error.message) == ("email", "email: holds an invisible character (such as a zero-width "
                                                     "space or a soft hyphen); write the address with visible "
                                                     "characters only")


def test_an_email_address_is_refused_by_exact_words() -> None:
    assert rejected(AddPerson, {"name": "Eve", "email": "eve.example.dk", "role": ["coach"]}).message == (
        "email: must be an e-mail address like name@example.dk")


def test_newlines_and_tabs_are_ordinary_text() -> None:
    assert parse(AddDriver, {"project": PROJECT, "primary": "Hjem\tfør\nalt"}).text == "Hjem\tfør\nalt"


def test_a_cpr_number_in_free_text_is_refused_with_the_reason() -> None:
    error = rejected(SetAim, {"project": PROJECT, "what": "Patient 010203-1234 fell twice", "how_much": "h",
                              "by": "2031-02-01"})
    assert isinstance(error, PatientIdentifierFound)
    assert error.field == "what" and "patient identifiers do not belong" in error.message


def test_cpr_numbers_are_found_in_lists_of_text_too() -> None:
    error = rejected(PlanCycle, {"project": PROJECT, "change_idea": PROJECT, "objective": "o",
                                 "prediction": ["fine", "2512891234 will do better"], "start": "2031-02-01",
                                 "end": "2031-02-02"})
    assert isinstance(error, PatientIdentifierFound) and error.field == "prediction"


@pytest.mark.parametrize("text", ["0102031234", "010203-1234", "Pt. 311299-4321.", "290200-4000",
                                  "Patient 010190 1234 fik biopsi", "010190 - 1234", "010190\u20131234",
                                  "cpr.: 010190\u00a01234", "Patient 010190  1234", "Patient 01.01.90-1234",
                                  "Patient 010190/1234"])
def test_cpr_like_numbers_with_a_real_date_are_found(text: str) -> None:
    assert find_cpr_number(text)


@pytest.mark.parametrize("text", ["3202031234", "011303-1234", "Tlf. 12345678", "ordrenr. 12345678901",
                                  "290201-1234", "2031-02-01 kl. 10-12", "3,5 % af 1200 patienter",
                                  "tlf. 12 34 56 78", "uge 10 2031 1200 besøg", "320190 1234", "010190 12345"])
def test_numbers_that_are_not_cpr_numbers_pass(text: str) -> None:
    assert find_cpr_number(text) is None


@pytest.mark.parametrize(("seventh", "born_in"), [(0, 1900), (1, 1900), (2, 1900), (3, 1900), (4, 2000), (5, 2000),
                                               (6, 2000), (7, 2000), (8, 2000), (9, 2000)])
def test_the_seventh_digit_says_whether_29_february_00_existed(seventh: int, born_in: int) -> None:
    """1900 was no leap year and 2000 was: only the century the seventh digit gives tells 290200 from a typo."""
    found = find_cpr_number(f"født 290200-{seventh}123")
    assert (found == f"290200-{seventh}123") == (born_in == 2000)


def _born_in(two_digit_year: int, seventh: int) -> int:
    """The CPR register's table: the seventh digit and the two-digit year give the year of birth."""
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if two_digit_year <= 36 else 1900
    else:
        century = 2000 if two_digit_year <= 57 else 1800
    return century + two_digit_year


def test_29_february_is_a_cpr_date_exactly_in_the_leap_years_the_register_gives() -> None:
    for year, seventh in itertools.product(range(100), range(10)):
        born = _born_in(year, seventh)
        leap = born % 4 == 0 and (born % 100 != 0 or born % 400 == 0)
        assert (find_cpr_number(f"2902{year:02d}-{seventh}123") is not None) == leap, (year, seventh)


def test_every_day_and_month_is_a_cpr_date_exactly_when_the_calendar_has_it() -> None:
    for year, day, month in itertools.product((1, 4), range(34), range(14)):  # 2001, and the leap year 2004
        try:
            exists = date(2000 + year, month, day) is not None
        except ValueError:
            exists = False
        number = f"{day:02d}{month:02d}{year:02d}-4123"
        assert (find_cpr_number(f"født {number}") == number) == exists, number


def test_a_number_that_is_no_date_does_not_hide_a_cpr_number_after_it() -> None:
    assert find_cpr_number("ordre 3201901234, patient 0101901234") == "0101901234"


def _century_digit(year: int) -> int:
    """A seventh digit that places the two-digit year in this century, by the CPR register's rules."""
    if 1900 <= year <= 1999:
        return 0
    return 4 if 2000 <= year <= 2036 else 5


@given(st.dates(min_value=date(1858, 1, 1), max_value=date(2057, 12, 31)), st.integers(0, 999),
       st.sampled_from(["", "-", " ", " - ", "\u2013"]))
def test_every_cpr_number_with_a_real_birth_date_is_caught(day: date, serial: int, separator: str) -> None:
    number = f"{day:%d%m%y}{separator}{_century_digit(day.year)}{serial:03d}"
    assert find_cpr_number(f"noted {number} today") == number


def test_a_sponsor_comment_is_required_to_decline() -> None:
    error = rejected(DecideSignOff, {"signoff": PROJECT, "decision": "declined"})
    assert error.field == "comment"


def test_a_driver_node_is_exactly_one_kind() -> None:
    error = rejected(AddDriver, {"project": PROJECT, "primary": "a", "secondary": "b"})
    assert error.field == "primary" and "exactly one of --primary, --secondary, --change-idea" in error.message


def test_amending_needs_something_to_amend() -> None:
    assert rejected(AmendCycle, {"cycle": PROJECT}).field == "cycle"
    amend = parse(AmendCycle, {"cycle": PROJECT, "prediction": ["a", "b"]})
    assert amend.changes() == {"predictions": ("a", "b")}
    amend = parse(AmendCycle, {"cycle": PROJECT, "question": ["c"], "objective": "o"})
    assert amend.changes() == {"questions": ("c",), "objective": "o"}  # as the cycle's Plan record names them


@pytest.mark.parametrize(("text", "numbers"), [
    ("3,4,5", [3.0, 4.0, 5.0]), (" 3, 4 ,5 ", [3.0, 4.0, 5.0]), ("3,5;4,1", [3.5, 4.1]), ("3,5 ; 4 ; ", [3.5, 4.0]),
    ("1,,2", [1.0, 2.0]), ("  ", []), ("7", [7.0]),
])
def test_a_series_is_written_with_commas_or_with_semicolons_and_decimal_commas(text: str,
                                                                               numbers: list[float]) -> None:
    assert split_list(text, float) == numbers
    if numbers:
        assert parse(AnalyseSeries, {"chart": "i", "values": text}).values == numbers


def test_positions_are_whole_numbers_and_a_list_is_taken_as_it_is() -> None:
    assert parse(AnalyseSeries, {"chart": "i", "values": "1,2,3", "part": "2", "exclude": " 1 ,3"}).exclude == [1, 3]
    assert split_list([1, 2], int) == [1, 2]
    with pytest.raises(PydanticCustomError, match="must be whole numbers separated by commas") as whole:
        split_list("1,5;2", int)
    assert (whole.value.type, whole.value.message()) == (
        "list", "must be whole numbers separated by commas (or semicolons)")
    with pytest.raises(PydanticCustomError, match="must be numbers separated by commas") as numbers:
        split_list("1;x", float)
    assert (numbers.value.type, numbers.value.message()) == ("list", "must be numbers separated by commas (or semicolons)")
    assert str(rejected(AnalyseSeries, {"chart": "i", "values": "1,2", "part": "1;x"})) == (
        "part: must be whole numbers separated by commas (or semicolons)")
    assert split_list("4;5", int) == [4, 5] and split_list(" 4 ", int) == [4] and split_list("1, ,2", int) == [1, 2]
    assert split_list(7, int) == 7 and split_list(None, float) is None


def test_output_shows_forbidden_characters_as_escapes_and_keeps_newlines_and_tabs() -> None:
    stored = "a\x1b[31mb\u202ec\x9b\x00d\te\nf\x7f"
    assert visible(stored) == "a\\x1b[31mb\\u202ec\\x9b\\x00d\te\nf\\x7f"
    assert json_escaped(stored) == "a\\u001b[31mb\\u202ec\\u009b\\u0000d\te\nf\\u007f"
    assert visible("Færre fald — æøå") == "Færre fald — æøå"
    assert forbidden_character("ok\u2066") == "U+2066" and forbidden_character("ok\u00a0") is None
    assert forbidden_character_rule("U+001B") == (
        "holds the invisible control character U+001B; control characters (other than newline and tab) "
        "and bidirectional overrides cannot be stored — remove it")


def test_an_id_is_read_with_the_spaces_around_it_or_refused_naming_its_field() -> None:
    assert parse_id("cycle", f"  {PROJECT} ") == UUID(PROJECT)
    with pytest.raises(InvalidInput) as refused:
        parse_id("cycle", "12-34")
    assert refused.value.field == "cycle" and refused.value.rule == ID_RULE


PLAN = {"project": PROJECT, "change_idea": PROJECT, "objective": "Test the guide", "prediction": ["9 of 10"],
        "start": "2031-02-01", "end": "2031-02-14"}
DATE_RULE = "must be a real date written YYYY-MM-DD"
TOO_SHORT = "String should have at least 1 character"


def test_one_broken_rule_is_named_by_its_field_and_the_rule_alone() -> None:
    error = rejected(PlanCycle, {**PLAN, "end": "2031-02-30"})
    assert type(error) is InvalidInput
    assert (error.field, error.rule, str(error)) == ("end", DATE_RULE, f"end: {DATE_RULE}")


def test_several_broken_rules_are_named_in_the_order_of_the_fields_each_after_its_field() -> None:
    error = rejected(PlanCycle, {**PLAN, "project": "12-34", "objective": " ", "end": "2031-02-30"})
    assert type(error) is InvalidInput and error.field == "project"
    assert str(error) == f"project: {ID_RULE}; objective: {TOO_SHORT}; end: {DATE_RULE}"
    assert error.rule == f"{ID_RULE}; objective: {TOO_SHORT}; end: {DATE_RULE}"


def test_an_item_of_a_list_is_named_by_the_list_it_was_given_in() -> None:
    error = rejected(PlanCycle, {**PLAN, "prediction": ["9 of 10", "  "], "end": "2031-02-30"})
    assert str(error) == f"prediction: {TOO_SHORT}; end: {DATE_RULE}"
    assert error.field == "prediction"


def test_a_refusal_carries_no_link_to_the_validation_librarys_pages() -> None:
    error = rejected(PlanCycle, {**PLAN, "project": "12-34", "prediction": ["  "], "end": "x"})
    assert "http" not in str(error) and "pydantic" not in str(error)


CPR_RULE = ("looks like a Danish personal identification number (CPR); patient identifiers do not belong in this "
            "record, which can never be erased — remove it")


def test_a_patient_identifier_is_reported_as_such_only_when_it_is_the_first_broken_rule() -> None:
    found = rejected(PlanCycle, {**PLAN, "objective": "ring 010190-1234", "end": "2031-02-30"})
    assert type(found) is PatientIdentifierFound and found.field == "objective"
    assert str(found) == f"objective: {CPR_RULE}; end: {DATE_RULE}"
    later = rejected(PlanCycle, {**PLAN, "project": "12-34", "data_plan": "ring 010190-1234"})
    assert type(later) is InvalidInput and later.field == "project"
    assert str(later) == f"project: {ID_RULE}; data_plan: {CPR_RULE}"


class _Nested(BaseModel):
    seats: dict[str, int]

    @model_validator(mode="after")
    def _some_seats(self) -> _Nested:
        if not self.seats:
            raise ValueError("give some seats")
        return self


def test_a_field_inside_a_field_is_named_with_dots_and_a_rule_of_the_whole_input_names_the_input() -> None:
    with pytest.raises(ValidationError) as nested:
        _Nested.model_validate({"seats": {"north": "many", "south": 2}})
    assert str(invalid_input_from(nested.value)) == (
        "seats.north: Input should be a valid integer, unable to parse string as an integer")
    assert invalid_input_from(nested.value).field == "seats.north"
    with pytest.raises(ValidationError) as whole:
        _Nested.model_validate({"seats": {}})
    assert (invalid_input_from(whole.value).field, str(invalid_input_from(whole.value))) == (
        "input", "input: Value error, give some seats")
