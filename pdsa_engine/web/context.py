"""What one server process holds: the application (the same object the CLI opens), its views, the web's own
records, and the mail settings that log-in links go out with."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from pdsa_engine.aggregates.person import Person
from pdsa_engine.config import Settings
from pdsa_engine.runtime import open_application, open_projections

if TYPE_CHECKING:
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.audit.service import Audit
    from pdsa_engine.clock import Clock
    from pdsa_engine.notifications.settings import MailSettings
    from pdsa_engine.projections.runner import Projections
    from pdsa_engine.queries import Queries
    from pdsa_engine.web.auth import Auth
    from pdsa_engine.web.mailed_links import MailedLinks


@dataclass
class Web:
    settings: Settings
    app: PdsaApplication
    projections: Projections
    auth: Auth
    mail: MailSettings
    secure_cookies: bool = False
    # Catching up is compare-and-set between processes; within one, the views' in-memory state is one thread's.
    _catching_up: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, settings: Settings, mail: MailSettings, clock: Clock | None = None,
             secure_cookies: bool = False) -> Web:
        from pdsa_engine.web.auth import Auth
        from pdsa_engine.web.store import open_engine

        app = open_application(settings, clock=clock)
        try:
            projections = open_projections(app, settings)
            auth = Auth(open_engine(settings), app.clock.now)
        except BaseException:
            app.close()
            raise
        return cls(settings, app, projections, auth, mail, secure_cookies)

    def queries(self, reader: Person | None = None) -> Queries:
        """Reads; those of the views see every event stored before the request came. `reader`: the person
        reading, already loaded for this request."""
        from pdsa_engine.queries import Queries

        with self._catching_up:
            self.projections.catch_up()
        return Queries(self.app, self.projections, reader=reader)

    def aggregates(self) -> Queries:
        """Reads of aggregates only (who may read what): they need no views, so nothing is caught up for them."""
        from pdsa_engine.queries import Queries

        return Queries(self.app)

    def audit(self) -> Audit:
        from pdsa_engine.audit.service import Audit

        with self._catching_up:
            self.projections.catch_up()
        return Audit(self.app, self.settings, self.projections)

    def mailed_links(self) -> MailedLinks:
        from pdsa_engine.web.mailed_links import MailedLinks

        return MailedLinks(self.auth.engine)

    def person(self, person_id: UUID) -> Person:
        return self.app.load(Person, person_id)

    def close(self) -> None:
        self.auth.engine.dispose()
        self.projections.store.close()
        self.app.close()
