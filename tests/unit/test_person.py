"""People: the only aggregate holding personal data; one e-mail address per person."""

from __future__ import annotations

from uuid import uuid4

from pdsa_engine.aggregates.person import EmailClaim, Person
from pdsa_engine.aggregates.values import Language, Role
from pdsa_engine.errors import InvalidInput, PermissionDenied, Refused
from tests.builders import stamp
from tests.unit.support import assert_raises_exactly, assert_refused

ADMIN = stamp(Role.ADMINISTRATOR, uuid4())


def test_a_person_is_registered_with_a_normalised_email_and_their_roles() -> None:
    person = Person.register(uuid4(), ADMIN, "Per Hansen", " Per.Hansen@Example.DK ", Language.EN,
                             [Role.SPONSOR, Role.COACH, Role.SPONSOR])
    assert person.email == "per.hansen@example.dk"
    assert person.roles == {Role.SPONSOR, Role.COACH} and person.language is Language.EN
    assert person.pending_events[0].by == ADMIN.by


def test_a_person_holds_at_least_one_role() -> None:
    assert_raises_exactly(lambda: Person.register(uuid4(), ADMIN, "N", "n@example.dk", Language.DA, []), InvalidInput,
                          "role: at least one role is required")


def test_only_an_administrator_registers_people_and_grants_roles() -> None:
    coach = stamp(Role.COACH, uuid4())
    assert_raises_exactly(lambda: Person.register(uuid4(), coach, "N", "n@example.dk", Language.DA, [Role.COACH]),
                          PermissionDenied, "only someone acting as administrator may do this")
    person = Person.register(uuid4(), ADMIN, "N", "n@example.dk", Language.DA, [Role.COACH])
    assert_refused(person, lambda: person.grant(coach, Role.AUDITOR), PermissionDenied,
                   "only someone acting as administrator may do this", exactly=True)


def test_a_role_is_granted_once() -> None:
    person = Person.register(uuid4(), ADMIN, "N", "n@example.dk", Language.DA, [Role.COACH])
    person.grant(ADMIN, Role.AUDITOR)
    assert person.holds(Role.AUDITOR)
    assert_refused(person, lambda: person.grant(ADMIN, Role.COACH), Refused, "N already holds the coach role", exactly=True)


def test_an_email_claim_has_the_same_id_however_the_address_is_written() -> None:
    assert EmailClaim.id_for("Per@Example.dk") == EmailClaim.id_for(" per@example.DK")
    assert EmailClaim.id_for("per@example.dk") != EmailClaim.id_for("pia@example.dk")
    claim = EmailClaim.claim(ADMIN, "Per@Example.dk", person_id := uuid4())
    assert claim.person_id == person_id and "example" not in repr(vars(claim.pending_events[0]))
