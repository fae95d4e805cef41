"""US Spanish formats: numbers grouped as in the US ("1,500"), 12-hour times ("3:05 p. m.")
and dates written out ("4 de marzo de 2026"), never "04/03/2026", which a reader from Mexico and
one from the US read as different days. Anything not set here falls back to Django's `es`.

"a" prints Django's "p.m."/"a.m.", which our catalog translates to "p. m."/"a. m." (RAE).
"""

DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "g:i a"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
FIRST_DAY_OF_WEEK = 0  # Sunday, as US calendars print it

# Date inputs send ISO dates whatever the language; a person may still type the usual forms.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
