"""An SMTP server that takes its time over each message, so that a test can stop a sender in mid-run."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.smtp import Inbox


class SlowInbox(Inbox):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)
