"""The one base of errors a user caused and can put right: an invalid query, a bad import file,
an account that cannot be made, an export that cannot be created. What it says is for the user
(the command line prints it, the dashboard shows it in a toast, an export's history names it);
no other exception's text is ever shown, as it can hold SQL or data.

data_access knows no language: an error says its words as a `Message`, English with named
fields, which the dashboard shows in the user's language (`i18n.translated`); `message` is its
English, for the command line, the log and the database."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(init=False)
class Message:
    """Words for a person: the English `text` with %(name)s fields, and the fields' values,
    kept apart so that the text can be looked up in a language's catalog (pybabel extracts it
    from the calls of `Message` and of the errors: docs/TRANSLATING.md). A value is shown as
    it is (the user's input, a name from the data, a code) or, being a Message itself (the
    name of a field), in the language too. str() is the English. A `context` tells apart two
    meanings of one English text (the field "to" from the "to" between two days)."""
    text: str
    fields: dict
    context: str | None

    def __init__(self, text: str, **fields):
        self.text, self.fields, self.context = text, fields, None

    @classmethod
    def in_context(cls, context: str, text: str, **fields) -> Message:
        message = cls(text, **fields)
        message.context = context
        return message

    def __str__(self) -> str:
        return self.text % {name: str(value) for name, value in self.fields.items()} if self.fields else self.text

    def to_json(self) -> dict:
        return {"text": self.text, "context": self.context,
                "fields": {name: value.to_json() if isinstance(value, Message) else
                           value if isinstance(value, int) else str(value) for name, value in self.fields.items()}}

    @classmethod
    def from_json(cls, value: dict) -> Message:
        fields = {name: cls.from_json(field) if isinstance(field, dict) else field
                  for name, field in value["fields"].items()}
        return cls.in_context(value["context"], value["text"], **fields) if value.get("context") else \
            cls(value["text"], **fields)


class UserError(ValueError):
    def __init__(self, text: str, **fields):
        self.words = Message(text, **fields)
        self.message = str(self.words)
        super().__init__(self.message)
