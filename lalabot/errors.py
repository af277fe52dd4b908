"""Errors whose text a player or operator may be shown verbatim."""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DatabaseTooNewError",
    "ImportFailedError",
    "NotFoundError",
    "UserFacingError",
]


class UserFacingError(Exception):
    """An error whose message is safe and useful to show to the person who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(UserFacingError):
    """A setting is missing or invalid; the message names the variable."""


class DatabaseTooNewError(UserFacingError):
    """The database was written by a newer lalabot than this one."""


class ImportFailedError(UserFacingError):
    """A document could not be imported; the message names the file."""


class NotFoundError(UserFacingError):
    """What was asked for does not exist (an unknown topic, fact or question)."""
