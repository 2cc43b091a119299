"""What the audit log shows of a state: every field as a path and a text, as an auditor reads it."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from uuid import UUID

from pdsa_engine.aggregates.charter import Meeting
from pdsa_engine.aggregates.values import MeetingKind, Region, Role, Sector
from pdsa_engine.audit.state import differences, flatten

MEETING, PERSON = UUID(int=1), UUID(int=2)


def test_a_state_is_shown_field_by_field_as_paths_and_texts() -> None:
    state = {
        "quotas": {(Region.NORDJYLLAND, Sector.MUNICIPAL): 1},  # a compound key
        "roles": frozenset({Role.SPONSOR, Role.COACH}),  # a set, in order
        "predictions": ("9 of 10", "fewer calls"),  # a list of texts
        "meetings": [Meeting(MEETING, MeetingKind.COACHING, date(2031, 2, 3), (PERSON,))],  # items named by id
        "steps": [{"text": "first"}, {"text": "second"}],  # items without one, by number from 1
        "target": Decimal("4.5"),
        "aim": None,
    }
    assert flatten(state) == {
        "quotas.Region Nordjylland / municipal": "1",
        "roles": "coach, sponsor",
        "predictions": "9 of 10, fewer calls",
        f"meetings.{MEETING}.kind": "coaching",
        f"meetings.{MEETING}.on": "2031-02-03",
        f"meetings.{MEETING}.attendees": str(PERSON),
        "steps.1.text": "first",
        "steps.2.text": "second",
        "target": "4.5",
        "aim": "",
    }


def test_an_empty_field_and_a_missing_one_are_alike_and_a_change_is_old_to_new() -> None:
    assert differences({"aim": "", "title": "Old"}, {"title": "New", "coach": "Kim"}) == [
        {"field": "coach", "old": None, "new": "Kim"}, {"field": "title", "old": "Old", "new": "New"}]


def test_a_value_of_any_other_kind_is_shown_as_its_text() -> None:
    assert flatten({"opens": time(9, 30), "nothing": None}) == {"opens": "09:30:00", "nothing": ""}
