"""Sponsor sign-off: only the addressed sponsor decides; comments where they are owed; versions recorded."""

from __future__ import annotations

from uuid import uuid4

import pytest

from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Role, SignOffKind, SignOffStatus
from pdsa_engine.errors import InvalidInput, PermissionDenied, Refused
from tests.builders import stamp
from tests.unit.support import assert_refused

PARTICIPANT_ID, SPONSOR_ID = uuid4(), uuid4()
ME, SPONSOR = stamp(Role.PARTICIPANT, PARTICIPANT_ID), stamp(Role.SPONSOR, SPONSOR_ID)


def requested() -> SignOff:
    return SignOff.request(uuid4(), ME, SignOffKind.CHARTER, uuid4(), 7, SPONSOR_ID)


def test_the_addressed_sponsor_approves_with_an_optional_comment_on_the_version_seen() -> None:
    signoff = requested()
    signoff.decide(SPONSOR, SignOffStatus.APPROVED, None, 9)
    assert (signoff.status, signoff.requested_on_version, signoff.decided_on_version) == (SignOffStatus.APPROVED, 7, 9)


@pytest.mark.parametrize("decision", [SignOffStatus.CHANGES_REQUESTED, SignOffStatus.DECLINED])
def test_requesting_changes_or_declining_needs_a_comment(decision: SignOffStatus) -> None:
    signoff = requested()
    assert_refused(signoff, lambda: signoff.decide(SPONSOR, decision, None, 8), InvalidInput,
                   "comment: say what should change, or why the request is declined", exactly=True)
    signoff.decide(SPONSOR, decision, "Sharpen the aim", 8)
    assert signoff.comment == "Sharpen the aim"


def test_only_the_addressed_sponsor_decides() -> None:
    signoff = requested()
    other_sponsor = stamp(Role.SPONSOR, uuid4())
    assert_refused(signoff, lambda: signoff.decide(other_sponsor, SignOffStatus.APPROVED, None, 8), PermissionDenied,
                   "only the sponsor the sign-off is addressed to may do this", exactly=True)
    acting_as_participant = stamp(Role.PARTICIPANT, SPONSOR_ID)
    assert_refused(signoff, lambda: signoff.decide(acting_as_participant, SignOffStatus.APPROVED, None, 8),
                   PermissionDenied, "only the sponsor the sign-off is addressed to may do this", exactly=True)


def test_a_decided_signoff_cannot_be_decided_or_withdrawn_again() -> None:
    signoff = requested()
    signoff.decide(SPONSOR, SignOffStatus.DECLINED, "Not now", 8)
    assert_refused(signoff, lambda: signoff.decide(SPONSOR, SignOffStatus.APPROVED, None, 8), Refused,
                   "the sign-off is already declined", exactly=True)
    assert_refused(signoff, lambda: signoff.withdraw(ME), Refused, "the sign-off is already declined", exactly=True)


def test_the_participant_who_asked_may_withdraw() -> None:
    signoff = requested()
    assert_refused(signoff, lambda: signoff.withdraw(stamp(Role.PARTICIPANT, uuid4())), PermissionDenied,
                   "only the participant who made the request may do this", exactly=True)
    signoff.withdraw(ME)
    assert signoff.status is SignOffStatus.WITHDRAWN


def test_readdressing_moves_the_decision_to_the_new_sponsor() -> None:
    signoff = requested()
    new_sponsor = uuid4()
    signoff.readdress(stamp(Role.ADMINISTRATOR, uuid4()), new_sponsor, "Sponsor changed job")
    assert signoff.pending_events[-1].reason == "Sponsor changed job"  # the audit log shows why
    assert_refused(signoff, lambda: signoff.decide(SPONSOR, SignOffStatus.APPROVED, None, 8), PermissionDenied,
                   "only the sponsor the sign-off is addressed to may do this", exactly=True)
    signoff.decide(stamp(Role.SPONSOR, new_sponsor), SignOffStatus.APPROVED, None, 8)


def test_a_sponsor_decides_by_a_decision_not_by_withdrawing() -> None:
    signoff = requested()
    assert_refused(signoff, lambda: signoff.decide(SPONSOR, SignOffStatus.WITHDRAWN, "no", 8), Refused,
                   "a sponsor decides by approving, requesting changes or declining, not withdrawn", exactly=True)
    assert_refused(signoff, lambda: signoff.decide(SPONSOR, SignOffStatus.REQUESTED, "no", 8), Refused,
                   "a sponsor decides by approving, requesting changes or declining, not requested", exactly=True)


def test_a_signoff_names_how_it_was_settled_when_asked_again() -> None:
    changes = requested()
    changes.decide(SPONSOR, SignOffStatus.CHANGES_REQUESTED, "Sharpen the aim", 8)
    assert_refused(changes, lambda: changes.withdraw(ME), Refused, "the sign-off is already changes requested",
                   exactly=True)
    withdrawn = requested()
    withdrawn.withdraw(ME)
    assert_refused(withdrawn, lambda: withdrawn.decide(SPONSOR, SignOffStatus.APPROVED, None, 8), Refused,
                   "the sign-off is already withdrawn", exactly=True)
    admin = stamp(Role.ADMINISTRATOR, uuid4())
    assert_refused(withdrawn, lambda: withdrawn.readdress(admin, uuid4(), "x"), Refused,
                   "the sign-off is already withdrawn", exactly=True)


def test_only_an_administrator_readdresses_a_signoff() -> None:
    signoff = requested()
    assert_refused(signoff, lambda: signoff.readdress(ME, uuid4(), "mine"), PermissionDenied,
                   "only someone acting as administrator may do this", exactly=True)
