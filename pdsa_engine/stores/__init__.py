"""The two event stores: eventsourcing's own SQLite and PostgreSQL recorders, extended to seal the history.

Each module gives the recorder class, how to tell whether its tables exist, how to create them, and how to
read the chain back for verification. Only the one in use is imported (PostgreSQL's driver is slow to load).
"""
