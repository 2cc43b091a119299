"""`pdsa scheduler run`: the reminders and digests on their own, in a process of their own.

APScheduler runs two jobs, one at a time (a single worker thread): every INTERVAL seconds an evaluation of every
rule and a drain of the outbox; at the top of every hour, Danish time, the digests of those whose digest hour it
is (a cron job, so that a digest goes at 07:00 and not at the first interval after it). The jobs live in
memory: APScheduler's job stores cannot be shared between schedulers, and nothing here needs to survive a
restart — what is due is worked out from the records each time, so a scheduler that was down sends on its
first run what fell due meanwhile (the latest of each, never a backlog).

Only the leader (leadership.py) runs the jobs; the others try to take over at every interval.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from pdsa_engine.aggregates.values import SYSTEM_ACTOR
from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.config import Settings
from pdsa_engine.notifications.leadership import leadership_for
from pdsa_engine.notifications.rules import WEEKLY
from pdsa_engine.notifications.settings import MailSettings

log = logging.getLogger("pdsa.scheduler")
DEFAULT_INTERVAL = 300
# A digest job held up (a long evaluation, a machine asleep) still runs when it can, once: digests are due all
# week, so there is no moment after which sending it would be wrong.
DIGEST_GRACE = 24 * 3600


class SchedulerProcess:
    def __init__(self, settings: Settings, mail: MailSettings, interval: int,
                 open_notifier: Callable[[], Any]) -> None:
        self.settings = settings
        self.mail = mail
        self.interval = interval
        self.open_notifier = open_notifier  # opened in the worker thread, on its first run
        self.leadership = leadership_for(settings)
        self.leading: bool | None = None  # not yet tried
        self._notifier: Any = None
        self._stop = threading.Event()

    def run(self) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(
            timezone=LOCAL_ZONE, executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": self.interval},
        )
        scheduler.add_job(self.evaluate, "interval", seconds=self.interval, id="evaluate",
                          next_run_time=datetime.now(LOCAL_ZONE))
        scheduler.add_job(self.digests, "cron", minute=0, id="digests", misfire_grace_time=DIGEST_GRACE)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self._stop.set())
        log.info("scheduler started: every %s s, sending through %s", self.interval, self.mail.describe())
        scheduler.start()
        try:
            while not self._stop.wait(1):
                pass
        finally:
            log.info("stopping: the job under way finishes first")
            scheduler.shutdown(wait=True)
            self.leadership.release()
            log.info("stopped")

    def evaluate(self) -> None:
        self._as_leader(None)

    def digests(self) -> None:
        self._as_leader(set(WEEKLY))

    def _as_leader(self, kinds: set[Any] | None) -> None:
        if self._stop.is_set():
            return
        leads = self.leadership.try_to_lead()
        if leads != self.leading:
            log.info("leading: this scheduler sends" if leads else "waiting: another scheduler leads")
            self.leading = leads
        if not leads:
            return
        try:
            if self._notifier is None:
                self._notifier = self.open_notifier()
            tally = self._notifier.run(datetime.now(timezone.utc), SYSTEM_ACTOR, kinds)
        except Exception as problem:  # a failed run is told and the next one tries again; the process stays up
            log.error("the run failed: %s", problem)
            return
        summary = ", ".join(f"{name} {count}" for name, count in tally.as_json().items() if count)
        log.info("ran: %s", summary or "nothing due")
        for problem in tally.problems:
            log.warning("%s", problem)
