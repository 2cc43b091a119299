"""Cohort: module schedule, seat quotas, enrolment and withdrawal, sparring groups, closing."""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import pytest

from pdsa_engine.aggregates.cohort import LONGEST_COHORT, YEARS_FROM_TODAY, Cohort, CohortNameClaim
from pdsa_engine.aggregates.values import Module, Region, Role, Sector
from pdsa_engine.clock import local_date
from pdsa_engine.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tests.builders import stamp
from tests.unit.support import assert_raises_exactly, assert_refused

ADMIN = stamp(Role.ADMINISTRATOR, uuid4())
NORD, SYD = Region.NORDJYLLAND, Region.SYDDANMARK


def cohort() -> Cohort:
    return Cohort.create(uuid4(), ADMIN, "Hold 2031", date(2031, 1, 10), date(2031, 12, 12))


def enrolled(c: Cohort, count: int, region: Region = SYD, sector: Sector = Sector.REGIONAL) -> list[UUID]:
    people = [uuid4() for _ in range(count)]
    for person in people:
        c.enrol(ADMIN, person, "OUH", region, sector)
    return people


def test_a_new_cohort_has_the_programmes_seat_table() -> None:
    c = cohort()
    assert sum(c.quotas.values()) == 40
    assert c.quotas[(Region.HOVEDSTADEN, Sector.REGIONAL)] == 7
    assert c.quotas[(NORD, Sector.MUNICIPAL)] == 1
    assert c.quotas[(SYD, Sector.GENERAL_PRACTICE)] == 0


def test_the_end_comes_after_the_start() -> None:
    assert_raises_exactly(lambda: Cohort.create(uuid4(), ADMIN, "x", date(2031, 2, 1), date(2031, 2, 1)), InvalidInput,
                          "end: must be after the start date 2031-02-01")


def test_enrolment_beyond_the_quota_is_refused() -> None:
    c = cohort()
    enrolled(c, 7)
    assert_refused(c, lambda: c.enrol(ADMIN, uuid4(), "OUH", SYD, Sector.REGIONAL), Refused,
                   "Region Syddanmark, regional: all 7 seats are taken", exactly=True)
    assert_refused(c, lambda: c.enrol(ADMIN, uuid4(), "Praksis", SYD, Sector.GENERAL_PRACTICE), Refused,
                   "Region Syddanmark, general practice: no seats", exactly=True)


def test_quotas_change_per_cohort_but_not_below_those_enrolled() -> None:
    c = cohort()
    c.set_quota(ADMIN, SYD, Sector.GENERAL_PRACTICE, 2)
    c.enrol(ADMIN, uuid4(), "Lægehuset", SYD, Sector.GENERAL_PRACTICE)
    assert_refused(c, lambda: c.set_quota(ADMIN, SYD, Sector.GENERAL_PRACTICE, 0), Refused,
                   "Region Syddanmark, general practice: 1 participants are enrolled, the quota cannot be 0", exactly=True)
    c.set_quota(ADMIN, SYD, Sector.GENERAL_PRACTICE, 1)  # down to exactly those enrolled
    assert c.quotas[(SYD, Sector.GENERAL_PRACTICE)] == 1


def test_a_withdrawal_frees_the_seat_and_is_final() -> None:
    c = cohort()
    people = enrolled(c, 7)
    c.withdraw(ADMIN, people[0], "New job")
    assert c.enrolments[people[0]].withdrawal_reason == "New job"
    c.enrol(ADMIN, uuid4(), "OUH", SYD, Sector.REGIONAL)
    assert_refused(c, lambda: c.enrol(ADMIN, people[0], "OUH", SYD, Sector.MUNICIPAL), Refused,
                   "the participant withdrew from this cohort; a withdrawal is final", exactly=True)
    assert_refused(c, lambda: c.withdraw(ADMIN, uuid4(), "x"), NotFound, "the person is not enrolled in this cohort",
                   exactly=True)
    assert_refused(c, lambda: c.withdraw(ADMIN, people[0], "x"), Refused, "the participant has withdrawn from this cohort",
                   exactly=True)


def test_a_sparring_group_has_6_to_10_members_from_one_region() -> None:
    c = cohort()
    syd = enrolled(c, 7) + enrolled(c, 2, sector=Sector.MUNICIPAL)
    north = enrolled(c, 1, NORD)
    assert_refused(c, lambda: c.form_group(ADMIN, uuid4(), "Syd", SYD, syd[:5]), InvalidInput,
                   "member: a sparring group has 6 to 10 members, not 5", exactly=True)
    assert_refused(c, lambda: c.form_group(ADMIN, uuid4(), "Syd", SYD, syd[:6] + north), Refused,
                   f"member {north[0]} is enrolled in Region Nordjylland, not Region Syddanmark", exactly=True)
    group = uuid4()
    c.form_group(ADMIN, group, "Syd", SYD, syd)
    assert len(c.groups[group].members) == 9
    assert_refused(c, lambda: c.form_group(ADMIN, uuid4(), "Syd 2", SYD, syd[:6]), Refused,
                   f"member {syd[0]} is already in another sparring group", exactly=True)


def test_a_group_of_ten_is_the_largest_and_names_are_not_shared() -> None:
    c = cohort()
    c.set_quota(ADMIN, SYD, Sector.REGIONAL, 17)
    syd = enrolled(c, 17)
    assert_refused(c, lambda: c.form_group(ADMIN, uuid4(), "Syd", SYD, syd[:11]), InvalidInput,
                   "member: a sparring group has 6 to 10 members, not 11", exactly=True)
    first = uuid4()
    c.form_group(ADMIN, first, "Syd", SYD, syd[:10] + syd[:2])  # a member named twice counts once
    assert c.groups[first].members == tuple(syd[:10]) and c.groups[first].name == "Syd"
    assert_refused(c, lambda: c.form_group(ADMIN, uuid4(), "Syd", SYD, syd[10:16]), Refused,
                   "a group named 'Syd' already exists", exactly=True)


def test_a_withdrawal_that_leaves_a_group_below_six_flags_it() -> None:
    c = cohort()
    members = enrolled(c, 6)
    group = uuid4()
    c.form_group(ADMIN, group, "Syd", SYD, members)
    assert not c.groups[group].below_minimum
    c.withdraw(ADMIN, members[0], "Illness")
    assert c.groups[group].below_minimum
    assert members[0] not in c.groups[group].members


def test_modules_are_scheduled_within_the_cohort_and_in_order() -> None:
    c = cohort()
    c.schedule_module(ADMIN, Module.KICKOFF, date(2031, 1, 10))
    c.schedule_module(ADMIN, Module.MODULE_2, date(2031, 4, 1))
    assert_refused(c, lambda: c.schedule_module(ADMIN, Module.MODULE_1, date(2031, 4, 2)), InvalidInput,
                   "date: must come before module 2 on 2031-04-01", exactly=True)
    assert_refused(c, lambda: c.schedule_module(ADMIN, Module.POSTER, date(2032, 1, 1)), InvalidInput,
                   "date: must lie within the cohort, 2031-01-10 to 2031-12-12", exactly=True)
    c.schedule_module(ADMIN, Module.MODULE_1, date(2031, 2, 15))
    assert list(c.schedule) == [Module.KICKOFF, Module.MODULE_2, Module.MODULE_1]


def test_modules_may_fall_on_the_cohorts_first_and_last_days_but_never_share_a_day() -> None:
    c = cohort()
    c.schedule_module(ADMIN, Module.KICKOFF, date(2031, 1, 10))
    c.schedule_module(ADMIN, Module.POSTER, date(2031, 12, 12))
    c.schedule_module(ADMIN, Module.MODULE_1, date(2031, 3, 1))
    assert_refused(c, lambda: c.schedule_module(ADMIN, Module.KICKOFF, date(2031, 1, 9)), InvalidInput,
                   "date: must lie within the cohort, 2031-01-10 to 2031-12-12", exactly=True)
    assert_refused(c, lambda: c.schedule_module(ADMIN, Module.POSTER, date(2031, 12, 13)), InvalidInput,
                   "date: must lie within the cohort, 2031-01-10 to 2031-12-12", exactly=True)
    assert_refused(c, lambda: c.schedule_module(ADMIN, Module.MODULE_2, date(2031, 3, 1)), InvalidInput,
                   "date: must come after module 1 on 2031-03-01", exactly=True)
    assert_refused(c, lambda: c.schedule_module(ADMIN, Module.MODULE_1, date(2031, 1, 10)), InvalidInput,
                   "date: must come after kick-off on 2031-01-10", exactly=True)
    assert_refused(c, lambda: c.schedule_module(ADMIN, Module.MODULE_5, date(2031, 12, 12)), InvalidInput,
                   "date: must come before poster presentation on 2031-12-12", exactly=True)
    c.schedule_module(ADMIN, Module.MODULE_1, date(2031, 3, 8))  # moved: compared with the others, not itself
    c.schedule_module(ADMIN, Module.MODULE_1, date(2031, 2, 22))
    assert c.schedule == {Module.KICKOFF: date(2031, 1, 10), Module.POSTER: date(2031, 12, 12),
                          Module.MODULE_1: date(2031, 2, 22)}


def test_a_closed_cohort_changes_no_more() -> None:
    c = cohort()
    c.close(ADMIN)
    assert_refused(c, lambda: c.enrol(ADMIN, uuid4(), "OUH", SYD, Sector.REGIONAL), Refused,
                   "the cohort 'Hold 2031' is closed", exactly=True)
    assert_refused(c, lambda: c.close(ADMIN), Refused, "the cohort 'Hold 2031' is closed", exactly=True)


def test_one_project_per_enrolled_participant() -> None:
    c = cohort()
    (person,) = enrolled(c, 1)
    project = uuid4()
    c.register_project(ADMIN, person, project)
    assert c.projects == {person: project}
    assert_refused(c, lambda: c.register_project(ADMIN, person, uuid4()), Refused,
                   "the participant already has a project in this cohort", exactly=True)
    assert_refused(c, lambda: c.register_project(ADMIN, uuid4(), uuid4()), NotFound,
                   "the person is not enrolled in this cohort", exactly=True)


def test_only_administrators_change_a_cohort() -> None:
    c = cohort()
    participant = stamp(Role.PARTICIPANT, uuid4())
    assert_refused(c, lambda: c.enrol(participant, uuid4(), "OUH", SYD, Sector.REGIONAL), PermissionDenied,
                   "only someone acting as administrator may do this", exactly=True)
    assert_raises_exactly(lambda: Cohort.create(uuid4(), participant, "x", date(2031, 1, 1), date(2031, 2, 1)),
                          PermissionDenied, "only someone acting as administrator may do this")


TODAY = local_date(ADMIN.at)


@pytest.mark.parametrize(("start", "end", "message"), [
    (date(2031, 1, 10), date(2099, 12, 31), "end: a cohort runs about a year; 2031-01-10 to 2099-12-31 is more than three"),
    (date(1, 1, 1), date(1, 12, 31), f"start: 0001-01-01 is more than 5 years from today ({TODAY})"),
    (date(9000, 1, 1), date(9000, 12, 31), f"start: 9000-01-01 is more than 5 years from today ({TODAY})"),
])
def test_a_cohort_runs_about_a_year_near_today(start: date, end: date, message: str) -> None:
    error = assert_raises_exactly(lambda: Cohort.create(uuid4(), ADMIN, "Hold", start, end), InvalidInput, message)
    assert error.field == message.split(":")[0]


def test_a_cohort_may_run_the_longest_span_and_start_as_far_from_today_as_allowed() -> None:
    start = date(TODAY.year - YEARS_FROM_TODAY, 1, 1)
    longest = Cohort.create(uuid4(), ADMIN, "Hold", start, start + LONGEST_COHORT)
    assert (longest.start, longest.end) == (start, start + LONGEST_COHORT)
    furthest = TODAY.year + YEARS_FROM_TODAY
    Cohort.create(uuid4(), ADMIN, "Hold", date(furthest, 12, 1), date(furthest, 12, 31))


def test_a_cohort_and_its_name_claim_are_created_under_the_ids_they_are_given() -> None:
    cohort_id = uuid4()
    created = Cohort.create(cohort_id, ADMIN, "Hold 2031", date(2031, 1, 10), date(2031, 12, 12))
    claim = CohortNameClaim.claim(ADMIN, "Hold 2031", cohort_id)
    assert created.id == cohort_id and (claim.id, claim.cohort_id) == (CohortNameClaim.id_for("Hold 2031"), cohort_id)


def test_a_cohort_name_is_claimed_whatever_its_spacing_and_case_and_as_stored_databases_claimed_it() -> None:
    """The claim's id is derived from the name; databases already hold claims under ids derived so."""
    assert CohortNameClaim.id_for("  hold   2031 ") == CohortNameClaim.id_for("Hold 2031")
    assert CohortNameClaim.id_for("Hold 2031") == uuid5(uuid5(NAMESPACE_URL, "https://pdsa-engine/cohort-name"),
                                                         "hold 2031")


def test_a_participant_is_enrolled_once() -> None:
    c = cohort()
    (person,) = enrolled(c, 1)
    assert_refused(c, lambda: c.enrol(ADMIN, person, "OUH", SYD, Sector.REGIONAL), Refused,
                   "the participant is already enrolled in this cohort", exactly=True)


@pytest.mark.parametrize(("module", "other", "other_on", "message"), [
    (Module.KICKOFF, Module.MODULE_1, date(2031, 5, 1), "date: must come after kick-off on 2031-06-01"),
    (Module.MODULE_3, Module.MODULE_1, date(2031, 7, 1), "date: must come before module 3 on 2031-06-01"),
    (Module.MODULE_3, Module.POSTER, date(2031, 5, 1), "date: must come after module 3 on 2031-06-01"),
    (Module.POSTER, Module.MODULE_5, date(2031, 7, 1), "date: must come before poster presentation on 2031-06-01"),
])
def test_a_module_out_of_order_is_named_as_the_programme_names_it(
    module: Module, other: Module, other_on: date, message: str
) -> None:
    c = cohort()
    c.schedule_module(ADMIN, module, date(2031, 6, 1))
    assert_refused(c, lambda: c.schedule_module(ADMIN, other, other_on), InvalidInput, message, exactly=True)
