"""One evaluation of the reminders: catch the views up, work out what is due, queue it, send what is due for a
try. `pdsa notify run`, the scheduler's jobs and `pdsa demo` all do exactly this, at a moment they choose."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache
from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.values import Actor, Stamp
from pdsa_engine.application import PdsaApplication
from pdsa_engine.config import Settings
from pdsa_engine.errors import HistoryBroken, PermissionDenied
from pdsa_engine.notifications.content import Gathering
from pdsa_engine.notifications.delivery import Tally, already_queued, due_for_a_try, queue, send_due
from pdsa_engine.notifications.facts import Facts, load_facts
from pdsa_engine.notifications.rules import Kind, Notice, due
from pdsa_engine.notifications.settings import MailSettings
from pdsa_engine.notifications.transport import Transport, transport_for
from pdsa_engine.projections.runner import Projections
from pdsa_engine.web.mailed_links import MailedLinks


class Notifier:
    def __init__(self, app: PdsaApplication, projections: Projections, settings: Settings, mail: MailSettings,
                 transport: Transport | None = None) -> None:
        self.app = app
        self.projections = projections
        self.settings = settings
        self.mail = mail
        self.transport = transport or transport_for(mail)
        self._links: MailedLinks | None = None

    def close(self) -> None:
        if self._links is not None:
            self._links.close()
        self.projections.store.close()
        self.app.close()

    def _decision_token(self, sponsor_id: UUID, signoff_id: UUID, now: datetime) -> str:
        """A link for a sponsor's mail that decides the sign-off without a log-in (made when first needed)."""
        if self._links is None:
            self._links = MailedLinks.open(self.settings)
        return self._links.issue(sponsor_id, signoff_id, now)

    def facts(self) -> Facts:
        self.projections.catch_up()
        return load_facts(self.projections.store)

    def due(self, now: datetime, kinds: set[Kind] | None = None) -> list[Notice]:
        """What would be queued at `now`: due and not queued before. Stores nothing (but the views' positions)."""
        notices = due(self.facts(), now, kinds)
        queued = already_queued(self.projections.store, notices)
        return [n for n in notices if n.key not in queued]

    def run(self, now: datetime, by: Actor, kinds: set[Kind] | None = None,
            progress: Callable[[int, int], None] | None = None) -> Tally:
        """Queues what is due at `now` and sends what is due for a try. Sending sends whatever kind is due:
        `kinds` limits only what is queued (the scheduler's digest job queues digests, its interval job
        everything)."""
        now = now.astimezone(timezone.utc)  # records and the views' times are UTC (compared as text)
        stamp = Stamp(by, now)
        tally = Tally()
        facts = self.facts()
        notices = due(facts, now, kinds)
        queued = already_queued(self.projections.store, notices)
        tally.queued = queue(self.app, stamp, [n for n in notices if n.key not in queued])
        self.projections.catch_up(["outbox"])
        waiting = due_for_a_try(self.projections.store, now)
        if waiting:
            still_due = {n.key for n in (notices if kinds is None else due(facts, now))}
            # One checkpoint a run, however many auditors receive it; the next run (a week on) signs its own.
            gathering = Gathering(self.app, self.projections.store, facts, self.mail, now, cache(self._checkpoint),
                                  self._decision_token)
            send_due(self.app, gathering, self.transport, stamp, still_due, tally, waiting, progress)
        return tally

    def _checkpoint(self) -> tuple[dict[str, Any], bytes | None, str | None]:
        """A freshly signed checkpoint of the verified history, or why there is none."""
        from pdsa_engine.audit.service import Audit

        try:
            checkpoint, _ = Audit(self.app, self.settings, self.projections).signed_checkpoint()
        except (HistoryBroken, PermissionDenied) as problem:
            return {"position": 0}, None, problem.message
        return checkpoint.as_json(), json.dumps(checkpoint.as_json(), indent=2).encode() + b"\n", None

def latest_moment(app: PdsaApplication) -> datetime | None:
    """When the latest stored event happened."""
    last = app.recorder.max_notification_id()
    if not last:
        return None
    notification = app.recorder.select_notifications(last, 1)[0]
    return app.mapper.to_domain_event(notification).timestamp
