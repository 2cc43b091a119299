"""The command-line tests' people (an administrator, a participant, a sponsor and a coach) serve here too."""

from tests.cli.conftest import people  # noqa: F401 - a fixture, registered by being imported

__all__ = ["people"]
