"""People: the only place personal data (name, email) lives. Every other aggregate refers to a person by id,
so that erasing a person later means changing this aggregate alone.

An e-mail address belongs to at most one person. The address is claimed by an EmailClaim aggregate whose id
is derived from the normalised address, saved in the same transaction as the person: two racing
registrations of one address cannot both be stored, because the second claim collides on its id.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from pdsa_engine.aggregates.base import PdsaAggregate, require, require_role
from pdsa_engine.aggregates.reminders import DigestChoice
from pdsa_engine.aggregates.values import Actor, Language, Role, Stamp, Weekday
from pdsa_engine.errors import InvalidInput

_EMAIL_NAMESPACE = uuid5(NAMESPACE_URL, "https://pdsa-engine/email")
_INSTALLATION_ID = uuid5(NAMESPACE_URL, "https://pdsa-engine/installation")


def normalise_email(email: str) -> str:
    return email.strip().lower()


class Person(PdsaAggregate):
    # The digest is the cohort's until the person chooses otherwise. The default lives on the class, so that a
    # person who never chose holds exactly the state they held before digests could be chosen (their history,
    # its audit log and its snapshots read as they did).
    digest = DigestChoice()

    @classmethod
    def register(
        cls, person_id: UUID, stamp: Stamp, name: str, email: str, language: Language, roles: list[Role]
    ) -> Person:
        require_role(stamp, Role.ADMINISTRATOR)
        if not roles:
            raise InvalidInput("role", "at least one role is required")
        return cls._create(
            cls.Registered,
            id=person_id,
            by=stamp.by,
            timestamp=stamp.at,
            name=name,
            email=normalise_email(email),
            language=language,
            roles=sorted(set(roles)),
        )

    @event("Registered")
    def __init__(
        self, by: Actor, timestamp: datetime, name: str, email: str, language: str, roles: list[str]
    ) -> None:
        self.name = name
        self.email = email
        self.language = Language(language)
        self.roles = frozenset(Role(role) for role in roles)

    def holds(self, role: Role) -> bool:
        return role in self.roles

    def grant(self, stamp: Stamp, role: Role) -> None:
        require_role(stamp, Role.ADMINISTRATOR)
        require(role not in self.roles, "{name} already holds the {role} role", name=self.name, role=role)
        self._role_granted(stamp.by, stamp.at, role)

    @event("RoleGranted")
    def _role_granted(self, by: Actor, timestamp: datetime, role: str) -> None:
        self.roles = self.roles | {Role(role)}


    def choose_digest(self, stamp: Stamp, choice: DigestChoice) -> None:
        """The person themselves, or an administrator for them. Reminders of what waits for their decision are
        not theirs to turn off: only the digest is."""
        if stamp.by.person_id != self.id:
            require_role(stamp, Role.ADMINISTRATOR)
        require(choice != self.digest, "the digest is already set exactly so")
        self._digest_chosen(stamp.by, stamp.at, choice.enabled, choice.day, choice.hour)

    @event("DigestChosen")
    def _digest_chosen(
        self, by: Actor, timestamp: datetime, enabled: bool, day: str | None, hour: int | None
    ) -> None:
        self.digest = DigestChoice(enabled, Weekday(day) if day else None, hour)


class EmailClaim(PdsaAggregate):
    """Holds an e-mail address for one person. Its id is derived from the address; it stores no address."""

    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(_EMAIL_NAMESPACE, normalise_email(email))

    @classmethod
    def claim(cls, stamp: Stamp, email: str, person_id: UUID) -> EmailClaim:
        return cls._create(cls.Claimed, id=cls.id_for(email), by=stamp.by, timestamp=stamp.at, person_id=person_id)

    @event("Claimed")
    def __init__(self, by: Actor, timestamp: datetime, person_id: UUID) -> None:
        self.person_id = person_id


class Installation(PdsaAggregate):
    """Marks that the first administrator exists. It has one fixed id, so two racing first
    registrations cannot both succeed in creating an administrator without an acting person."""

    ID = _INSTALLATION_ID

    @classmethod
    def bootstrap(cls, stamp: Stamp) -> Installation:
        return cls._create(cls.Bootstrapped, id=cls.ID, by=stamp.by, timestamp=stamp.at)

    @event("Bootstrapped")
    def __init__(self, by: Actor, timestamp: datetime) -> None:
        self.first_administrator_id = by.person_id
