"""Audit: the readable log of every event, the project as it was at any moment, what exactly a sponsor signed,
exports, and evidence that the stored history was not rewritten afterwards."""
