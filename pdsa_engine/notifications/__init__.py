"""Reminders and digests for sponsors and coaches."""
