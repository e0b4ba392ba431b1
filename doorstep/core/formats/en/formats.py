"""Issue 18: one date format everywhere, "5 Dec 2026" and "5 Dec 2026, 14:30" (the Welsh module is the same, with
Welsh month abbreviations from Django's catalogue). Templates write `|date` and `|date:"DATETIME_FORMAT"`, Python
`date_format(value)` and `date_format(value, "DATETIME_FORMAT")`; nothing spells a format of its own."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
FIRST_DAY_OF_WEEK = 1  # Monday
