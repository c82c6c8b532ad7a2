"""The one base of errors a user caused and can put right: an invalid query, a bad import file,
an account that cannot be made, an export that cannot be created. Its `message` is for the user
(the command line prints it, the dashboard shows it in a toast, an export's history names it);
no other exception's text is ever shown, as it can hold SQL or data."""
from __future__ import annotations


class UserError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
