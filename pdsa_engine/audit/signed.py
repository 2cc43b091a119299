"""What a sponsor signed: the project at the version the decision was made on, and what differed from it when
the request was made and what has changed since."""

from __future__ import annotations

from typing import Any

from pdsa_engine import views
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.audit.replay import Replay, replay_differences


def what_was_signed(replay: Replay, signoff: SignOff) -> dict[str, Any]:
    project_id = signoff.project_id
    requested = replay.project(project_id, version=signoff.requested_on_version, at=signoff.requested_at)
    current = replay.project(project_id)
    decided = signoff.decided_on_version is not None
    signed = (replay.project(project_id, version=signoff.decided_on_version, at=signoff.decided_at)
              if decided else None)
    seen = signed or requested  # undecided or withdrawn: what the sponsor was asked to sign
    return {
        "signoff": views.signoff_view(signoff, replay.name_of),
        "decided": decided,
        "project": seen,
        "changed_between_request_and_decision": replay_differences(requested, signed) if signed else None,
        "changed_since": replay_differences(seen, current),
        "current_version": current["version"],
    }
