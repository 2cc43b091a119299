"""What the audit log shows of a state: every field as a path and a text, as an auditor reads it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, time
from decimal import Decimal
from uuid import UUID

import pytest
from immutables import Map

from pdsa_engine.aggregates.charter import Meeting
from pdsa_engine.aggregates.values import MeetingKind, Region, Role, Sector
from pdsa_engine.audit.state import applied, differences, flatten

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


class _Series:
    """A state with a persistent map, and events as applied() receives them: objects with mutate()."""

    def __init__(self, points: Map[str, int]) -> None:
        self.points = points
        self.version = 1


class _Event:
    def __init__(self, body: Callable[[_Series], None]) -> None:
        self.body = body

    def mutate(self, state: _Series) -> _Series:
        self.body(state)
        state.version += 1
        return state


POINTS = Map({f"2031-W{week:02d}": week for week in range(1, 40)})


def _set_one(state: _Series) -> None:
    state.points = state.points.set("2031-W40", 40)


def _rebuilt_whole(state: _Series) -> None:  # another map altogether, one point changed
    state.points = Map({**state.points, "2031-W03": 33})


def _deleted(state: _Series) -> None:  # delete(): not noted, so the map is compared whole
    state.points = state.points.delete("2031-W05")


def _copied(state: _Series) -> None:  # the map left as it was, and kept under another name too
    state.also = state.points


def _set_then_chained(state: _Series) -> None:  # the second set() is on the real map, not the watched one
    state.points = state.points.set("2031-W40", 40).set("2031-W07", 70)


@pytest.mark.parametrize("body", [_set_one, _rebuilt_whole, _deleted, _copied, _set_then_chained])
def test_an_event_s_changes_to_a_persistent_map_are_found_however_it_made_them(body: Callable[[_Series], None]) -> None:
    before = _Series(POINTS)
    after, changes = applied(_Event(body), before)
    assert before.points is POINTS and before.version == 1, "the state before is never changed"
    assert all(type(value) is Map for value in vars(after).values() if isinstance(value, Mapping)), \
        "no watched stand-in is left in the state"
    assert changes == differences(flatten(before), flatten(after))
    assert any(change["field"].startswith("points.") for change in changes) is (body is not _copied)
    assert flatten(after) == flatten(_Event(body).mutate(_Series(POINTS)))


def test_a_value_of_any_other_kind_is_shown_as_its_text() -> None:
    assert flatten({"opens": time(9, 30), "nothing": None}) == {"opens": "09:30:00", "nothing": ""}
