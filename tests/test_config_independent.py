"""config/ is the project's frame: it knows the apps only through its URL table and its settings.

The staff signing monitor lives in petitions' admin, the page cache takes nothing from an app,
gunicorn warms the ZIP tables from the apps' own hook, and the benchmark's ceiling lives in bench/.
"""

import ast
import importlib.util
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "campaigns", "petitions")
MAY_NAME_APPS = {"config/urls.py", "config/settings.py"}


def _app_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.add(node.module or "")
    return {name for name in found if name.split(".")[0] in APPS}


def test_config_imports_no_app_outside_its_url_table_and_settings():
    against = {
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for path in sorted((ROOT / "config").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in MAY_NAME_APPS
        for name in _app_imports(path)
    }

    assert against == set()


def test_the_benchmark_ceiling_is_not_part_of_the_project():
    assert not hasattr(settings, "BENCH_CEILING")
    assert not (ROOT / "config" / "bench_views.py").exists()
    assert "BENCH_CEILING" not in (ROOT / ".env.example").read_text()


def test_gunicorn_warms_the_zip_tables_before_it_forks():
    from campaigns import geography

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    geography._zip_index.cache_clear()

    conf.when_ready(server=None)

    assert geography._zip_index.cache_info().currsize == 1
