"""Italian first, English too: the interface language and the store's it/en columns.

The language comes from ``?lang=`` (remembered in a cookie), else the cookie, else
``LAGUNA_LANGUAGE``. Messages of the interface are translated with Flask-Babel (English
message ids, Italian catalogue in ``translations/``); names that live in the store are
read from their ``*_it`` / ``*_en`` columns with :func:`loc`.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app, request
from flask_babel import Babel, format_date, format_decimal, format_time, get_locale
from flask_babel import gettext as _

from geoprocessing.report import text

LANGUAGES = ("it", "en")
COOKIE = "lang"
TIMEZONE = "Europe/Rome"  # the site's: times are shown in Venice's local time


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return current_app.config["LAGUNA"].language


def lang() -> str:
    """The current request's language code, ``it`` or ``en``."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "it"


def loc(row: Mapping, stem: str, default: str = "") -> str:
    """``row[stem_<lang>]``, falling back to the other language when it is empty."""
    first = lang()
    for code in (first, *(c for c in LANGUAGES if c != first)):
        value = row.get(f"{stem}_{code}")
        if value:
            return value
    return default


def number(value, digits: int = 2) -> str:
    """A number in the interface language's notation (``1.234,5`` / ``1,234.5``)."""
    if value is None:
        return "–"
    return format_decimal(value, format=f"#,##0.{'#' * digits}" if digits else "#,##0")


def when(value) -> str:
    """A moment in the interface language, in Venice's local time, to the minute
    (``1 gen 2025, 10:59`` / ``Jan 1, 2025, 10:59 AM``); '–' for none."""
    if value is None:
        return "–"
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"


def unit(code: str | None) -> str:
    """An indicator's unit in the interface language (``count/yr`` -> ``n./anno``): the
    report's table of units, shared."""
    return text.unit_label(code, lang())


def value_unit(row) -> str:
    """The unit of a value row: the indicator's, except for the ``count`` category of the
    raster statistics, which counts pixels (coverage-weighted, as exactextract's count)."""
    return _("pixels") if row.get("category") == "count" else unit(row.get("unit"))


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories="translations",
          default_timezone=TIMEZONE)
    app.jinja_env.globals.update(loc=loc, lang=lang, number=number, value_unit=value_unit, unit=unit,
                                  when=when,
                                  LANGUAGES=LANGUAGES)

    @app.after_request
    def remember_language(response):
        asked = request.args.get("lang")
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax",
                                httponly=True)
        return response
