"""The user's language: the translation function, the choice of language, and the formats of
numbers, money, dates and percentages (Babel), for everything a person reads.

One language is current at a time: in a request, the signed-in user's stored choice, else the
browser's Accept-Language, else English (`select_language`, run once per request by
Flask-Babel); outside a request (an export built by a thread or a Celery worker) the one set
explicitly with `speaking(language)`, the task owner's. The command line, its JSON and the
stored data never go through here: they stay English.

Catalogs: `translations/<locale>/LC_MESSAGES/messages.po`, extracted from the code with
pybabel (`make messages`, docs/TRANSLATING.md). The .po file is the only copy: each process
compiles it in memory at its first message, so there is no .mo file to build or to forget.
Strings defined at import time are marked with `N_` and translated where shown with `_`.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import flask
from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from data_access.errors import Message, UserError

ENGLISH, CHINESE = "en", "zh-CN"
# Each language's catalog folder under translations/ (pybabel's locale name).
CATALOGS = {ENGLISH: "en", CHINESE: "zh_CN"}
# The languages offered, by their code (what is stored with the user and written in files'
# names): each one's own name for itself, as the switch shows it.
LANGUAGES = {ENGLISH: "English", CHINESE: "简体中文"}
DEFAULT = ENGLISH
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}([-_][A-Za-z0-9]{1,8})*")  # BCP 47's shape
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"

_speaking: contextvars.ContextVar[str | None] = contextvars.ContextVar("speaking", default=None)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `_` translates it where it is shown."""
    return message


def supported(language) -> str | None:
    """The supported code a language tag names, by its primary language ("zh-CN", "zh_cn",
    "zh", "zh-TW" -> "zh-CN"), or None."""
    if not isinstance(language, str) or not LANGUAGE_TAG.fullmatch(language.strip()):
        return None
    tag = language.strip().replace("_", "-").casefold()
    for code in LANGUAGES:
        if tag == code.casefold() or tag.split("-")[0] == code.split("-")[0].casefold():
            return code
    return None


def select_language() -> str:
    """The request's language: the user's stored choice, else the browser's preference."""
    import flask_login  # the sign-in machinery is set up on the app; imported late like a request

    user = flask_login.current_user
    stored = supported(getattr(user, "language", None)) if user and user.is_authenticated else None
    if stored:
        return stored
    for tag, _quality in flask.request.accept_languages:
        if supported(tag):
            return supported(tag)
    return DEFAULT


def init_app(server: flask.Flask) -> None:
    """Flask-Babel on the server: the request's language from `select_language`, and `_` in
    the templates (the sign-in page)."""
    import flask_babel

    flask_babel.Babel(server, locale_selector=lambda: select_language().replace("-", "_"))
    server.jinja_env.install_gettext_callables(_, ngettext, newstyle=True)
    server.jinja_env.globals["current_language"] = current_language


def current_language() -> str:
    """The language in use here: set by `speaking`, else the request's, else English."""
    language = _speaking.get()
    if language:
        return language
    if flask.has_request_context():
        import flask_babel

        return supported(str(flask_babel.get_locale())) or DEFAULT
    return DEFAULT


@contextlib.contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Everything inside speaks `language` (an unknown or missing one: English)."""
    language = supported(language) or DEFAULT
    token = _speaking.set(language)
    try:
        yield language
    finally:
        _speaking.reset(token)


def locale(language: str | None = None) -> Locale:
    """Babel's locale of `language` (default: the current one)."""
    return _locale(language or current_language())


@functools.cache
def _locale(language: str) -> Locale:
    """Parsed once: Babel builds a new Locale on every parse, and a group table formats
    some hundred amounts."""
    return Locale.parse(CATALOGS[language])


@functools.cache
def _number_pattern(pattern: str) -> numbers.NumberPattern:
    """Parsed once, where Babel's format_decimal parses its pattern on every call."""
    return numbers.parse_pattern(pattern)


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / CATALOGS[language] / "LC_MESSAGES" / "messages.po"


@functools.cache
def _catalog(language: str) -> Translations:
    """The language's .po file, compiled in memory (fuzzy entries are left out, as pybabel's
    compile does)."""
    with open(catalog_path(language), "rb") as file:
        catalog = read_po(file, locale=locale(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


def _(message: str, **values) -> str:
    """`message` in the current language, with `values` put in its %(name)s fields."""
    text = message if current_language() == ENGLISH else _catalog(current_language()).gettext(message)
    return text % values if values else text


def translated(words: Message | UserError | str) -> str:
    """What an error or a Message of data_access says, in the current language: its text
    from the catalog, its fields' Messages translated too and its numbers formatted (a text
    the catalog lacks, such as a plain string, is shown as it is)."""
    if isinstance(words, UserError):
        words = words.words
    if not isinstance(words, Message):
        return _(words)
    text = pgettext(words.context, words.text) if words.context else _(words.text)
    values = {name: translated(value) if isinstance(value, Message) else
              number(value) if isinstance(value, int) and not isinstance(value, bool) else str(value)
              for name, value in words.fields.items()}
    return text % values if values else text


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English word needs another
    translation in `context` (the granularity "Day" against the column "Day")."""
    return message if current_language() == ENGLISH else _catalog(current_language()).pgettext(context, message)


def ngettext(singular: str, plural: str, count: int, **values) -> str:
    """The singular or plural of the current language for `count` (%(count)s in the text is
    filled in with the count, formatted)."""
    if current_language() == ENGLISH:
        text = singular if count == 1 else plural
    else:
        text = _catalog(current_language()).ngettext(singular, plural, count)
    return text % {"count": number(count), **values}


# Formats. Money is rounded here (half up) from the exact Decimal and then only laid out by
# Babel, so no value goes through float and Babel's own rounding (half even) never applies.

def number(value: int | Decimal) -> str:
    """A count or integer: '12,345'."""
    return _number_pattern("#,##0").apply(value, locale())


def decimal(value: Decimal, places: int = 2, *, exact: bool = False) -> str:
    """'1,234.50': rounded half up to `places` decimals; `exact` shows every decimal the
    value has (at least `places`), as the hover shows an amount."""
    return _decimal_text(value, places, exact, current_language())


_STEPS = {2: Decimal("0.01")}


@functools.cache
def _separators(language: str) -> dict[int, str]:
    """Python's number layout (',' '.' '-') -> the language's group and decimal separators
    and minus sign, as Babel has them."""
    where = locale(language)
    symbols = {",": numbers.get_group_symbol(where), ".": numbers.get_decimal_symbol(where),
               "-": numbers.get_minus_sign_symbol(where)}
    return str.maketrans({python: own for python, own in symbols.items() if own != python})


def _decimal_text(value: Decimal, places: int, exact: bool, language: str) -> str:
    """Babel's "#,##0.00" layout of the rounded (or exact) value in `language`, laid out by
    Python's own format and the language's symbols: a chart's hover formats hundreds of
    amounts, and Babel's pattern machinery cost 30 µs each (tests/test_i18n.py checks that the
    two agree)."""
    step = _STEPS.get(places) or Decimal(1).scaleb(-places)
    value = value.normalize() if exact else value.quantize(step, rounding=ROUND_HALF_UP)
    if not value:
        value = abs(value)  # no "-0.00"
    if exact and value.as_tuple().exponent > -places:  # at least `places` decimals: no rounding here
        value = value.quantize(step)
    text = f"{value:,f}"
    separators = _separators(language)
    return text.translate(separators) if separators else text


@functools.cache
def _currency_symbol(currency: str, language: str) -> str:
    return numbers.get_currency_symbol(currency, locale=locale(language))


def money(value: Decimal, currency: str, *, exact: bool = False, signed: bool = False) -> str:
    """The amount with its currency as the language writes it: 'CNY 1,234.50' in English
    (the provider console's style, the ISO code), '¥1,234.50' in Chinese (the locale's
    symbol); `signed` puts '+' before a rise."""
    language = current_language()
    text = _decimal_text(value, 2, exact, language)
    if signed and (value if exact else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) > 0:
        text = "+" + text
    if not currency:
        return text
    if language == ENGLISH:
        return f"{currency} {text}"
    sign = text[0] if text[0] in "+-" else ""
    return f"{sign}{_currency_symbol(currency, language)}{text[len(sign):]}"


def percent(value: Decimal, places: int = 2, *, signed: bool = False) -> str:
    """A percentage given in percent (12.345 -> '12.35%'), rounded half up."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = numbers.format_percent(rounded / 100, format="#,##0." + "0" * places + "%", locale=locale(),
                                  decimal_quantization=False)
    return ("+" + text) if signed and rounded > 0 else text


def day(value: date) -> str:
    """A calendar day: '2025-03-01' in both languages (the console's style, and sortable)."""
    return value.isoformat()


def short_day(value: date) -> str:
    """'01 Mar' / '3月1日'."""
    return dates.format_skeleton("MMMd", value, locale=locale()) if current_language() != ENGLISH \
        else value.strftime("%d %b")


def month(value: date) -> str:
    """'March 2025' / '2025年3月'."""
    return dates.format_skeleton("yMMMM", value, locale=locale())


def short_month(value: date) -> str:
    """'Jan 2025' / '2025年1月'."""
    return dates.format_skeleton("yMMM", value, locale=locale())


def moment(value: datetime) -> str:
    """'2025-03-01 14:05:09': a time in the tables, the same in both languages."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def plotly_locale() -> str | None:
    """plotly.js's locale for the current language (vendored under assets/), None for English."""
    return None if current_language() == ENGLISH else "zh-CN"
