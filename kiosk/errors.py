"""Errors meant for people: the message is shown as is, on one line, never as a traceback."""


class KioskError(Exception):
    """A problem a person can act on (bad URL, newer database, locked account...)."""
