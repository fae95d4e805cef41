"""U.S. states and territories: postal code, name and FIPS code (Census, via addfips)."""

from django.utils import translation
from django.utils.translation import pgettext_lazy

from .text import fold

STATES = [
    ("AL", "Alabama", "01"),
    ("AK", "Alaska", "02"),
    ("AZ", "Arizona", "04"),
    ("AR", "Arkansas", "05"),
    ("CA", "California", "06"),
    ("CO", "Colorado", "08"),
    ("CT", "Connecticut", "09"),
    ("DE", "Delaware", "10"),
    ("FL", "Florida", "12"),
    ("GA", "Georgia", "13"),
    ("HI", "Hawaii", "15"),
    ("ID", "Idaho", "16"),
    ("IL", "Illinois", "17"),
    ("IN", "Indiana", "18"),
    ("IA", "Iowa", "19"),
    ("KS", "Kansas", "20"),
    ("KY", "Kentucky", "21"),
    ("LA", "Louisiana", "22"),
    ("ME", "Maine", "23"),
    ("MD", "Maryland", "24"),
    ("MA", "Massachusetts", "25"),
    ("MI", "Michigan", "26"),
    ("MN", "Minnesota", "27"),
    ("MS", "Mississippi", "28"),
    ("MO", "Missouri", "29"),
    ("MT", "Montana", "30"),
    ("NE", "Nebraska", "31"),
    ("NV", "Nevada", "32"),
    ("NH", "New Hampshire", "33"),
    ("NJ", "New Jersey", "34"),
    ("NM", "New Mexico", "35"),
    ("NY", "New York", "36"),
    ("NC", "North Carolina", "37"),
    ("ND", "North Dakota", "38"),
    ("OH", "Ohio", "39"),
    ("OK", "Oklahoma", "40"),
    ("OR", "Oregon", "41"),
    ("PA", "Pennsylvania", "42"),
    ("RI", "Rhode Island", "44"),
    ("RI", "Rhode Island and Providence Plantations", "44"),
    ("SC", "South Carolina", "45"),
    ("SD", "South Dakota", "46"),
    ("TN", "Tennessee", "47"),
    ("TX", "Texas", "48"),
    ("UT", "Utah", "49"),
    ("VT", "Vermont", "50"),
    ("VA", "Virginia", "51"),
    ("WA", "Washington", "53"),
    ("WV", "West Virginia", "54"),
    ("WI", "Wisconsin", "55"),
    ("WY", "Wyoming", "56"),
    ("DC", "District of Columbia", "11"),
    ("DC", "D.C.", "11"),
    ("AS", "American Samoa", "60"),
    ("GU", "Guam", "66"),
    ("MP", "Northern Mariana Islands", "69"),
    ("PR", "Puerto Rico", "72"),
    ("VI", "U.S. Virgin Islands", "78"),
    ("VI", "Virgin Islands", "78"),
    ("VI", "United States Virgin Islands", "78"),
]

# The first name listed is the state's own; the others are spellings found in ICE's lists.
STATE_NAMES: dict[str, str] = {}
for _code, _name, _fips in STATES:
    STATE_NAMES.setdefault(_code, _name)
STATE_FIPS = {code: fips for code, _, fips in STATES}
# Every spelling, folded ("rhode island", "d.c.", "virgin islands") -> code.
STATE_CODES_BY_NAME = {fold(name): code for code, name, _ in STATES}
_OWN_NAMES = STATE_NAMES

# The states whose names Spanish speakers translate (USA.gov en español); the catalog holds them.
_TRANSLATED_NAMES = {
    "HI": pgettext_lazy("U.S. state", "Hawaii"),
    "LA": pgettext_lazy("U.S. state", "Louisiana"),
    "MS": pgettext_lazy("U.S. state", "Mississippi"),
    "MO": pgettext_lazy("U.S. state", "Missouri"),
    "NH": pgettext_lazy("U.S. state", "New Hampshire"),
    "NJ": pgettext_lazy("U.S. state", "New Jersey"),
    "NM": pgettext_lazy("U.S. state", "New Mexico"),
    "NY": pgettext_lazy("U.S. state", "New York"),
    "NC": pgettext_lazy("U.S. state", "North Carolina"),
    "ND": pgettext_lazy("U.S. state", "North Dakota"),
    "PA": pgettext_lazy("U.S. state", "Pennsylvania"),
    "SC": pgettext_lazy("U.S. state", "South Carolina"),
    "SD": pgettext_lazy("U.S. state", "South Dakota"),
    "WV": pgettext_lazy("U.S. state", "West Virginia"),
    "DC": pgettext_lazy("U.S. state", "District of Columbia"),
    "AS": pgettext_lazy("U.S. state", "American Samoa"),
    "MP": pgettext_lazy("U.S. state", "Northern Mariana Islands"),
    "VI": pgettext_lazy("U.S. state", "U.S. Virgin Islands"),
}


def state_name(code: str, *, language: str | None = None) -> str:
    """The state's name to show, in the active language (or `language`): "Carolina del Norte"."""
    name = _TRANSLATED_NAMES.get(code) or _OWN_NAMES.get(code, code)
    if language:
        with translation.override(language):
            return str(name)
    return str(name)


def state_code_for_translated_name(folded: str) -> str:
    """The code of a state named in Spanish ("nueva york" -> "NY"), for search; "" if none."""
    with translation.override("es"):
        for code, name in _TRANSLATED_NAMES.items():
            if fold(str(name)) == folded:
                return code
    return ""
