"""Every variable the settings and gunicorn read from the environment is listed in .env.example,
with a line saying what it means."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = [ROOT / "config" / "settings.py", ROOT / "gunicorn.conf.py"]
# env.str("NAME"…), env.bool(…), env.db_url(…), os.environ.get("NAME"…), os.environ["NAME"], getenv
READ = re.compile(
    r"""(?:\benv\.\w+|\bos\.environ\.get|\bos\.getenv|\bos\.environ\.setdefault)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|\bos\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
LISTED = re.compile(r"^([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def _read_names() -> set[str]:
    names = set()
    for path in READERS:
        for match in READ.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def _example_lines() -> list[str]:
    return (ROOT / ".env.example").read_text().splitlines()


def test_the_pattern_finds_what_the_settings_read():
    names = _read_names()
    assert {"SECRET_KEY", "DATABASE_URL", "PORT", "WEB_CONCURRENCY"} <= names


def test_every_variable_read_is_listed_in_env_example():
    listed = set(LISTED.findall("\n".join(_example_lines())))

    missing = sorted(_read_names() - listed)

    assert not missing, f".env.example lacks {', '.join(missing)}"


def test_every_listed_variable_is_explained_by_a_comment_above_it():
    lines = _example_lines()
    unexplained = []
    for n, line in enumerate(lines):
        if not LISTED.match(line):
            continue
        above = n - 1
        while above >= 0 and LISTED.match(lines[above]):
            above -= 1  # a group of related variables may share one comment
        if above < 0 or not lines[above].startswith("#"):
            unexplained.append(line.split("=", 1)[0])
    assert not unexplained, unexplained
