"""Reminders and digests: what is due (rules.py, over facts.py's reading of the views), how it is told
(content.py gathers, compose.py renders templates/email/ and builds the MIME, i18n.py and danish.py the words),
how it goes (delivery.py through the outbox, transport.py to SMTP or a Maildir, settings.py from the
environment), and who sends it (service.py for one run, scheduler.py and leadership.py for the long-running one)."""
