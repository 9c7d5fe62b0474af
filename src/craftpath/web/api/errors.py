"""Errors the command line catches before Django is set up, so this module imports nothing."""


class TokenError(Exception):
    """A token cannot be made as asked; the message says why."""
