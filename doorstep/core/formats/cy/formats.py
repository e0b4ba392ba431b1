"""The same formats in Welsh (see ../en/formats.py): "5 Rhag 2026"."""

from doorstep.core.formats.en.formats import (  # noqa: F401
    DATE_FORMAT, DATETIME_FORMAT, FIRST_DAY_OF_WEEK, MONTH_DAY_FORMAT, SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT,
    TIME_FORMAT, YEAR_MONTH_FORMAT,
)
