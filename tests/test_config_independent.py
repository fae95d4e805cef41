"""config/ is the project's frame: it knows the apps only through its URL table and its settings.

The staff signing monitor lives in petitions' admin, the page cache takes nothing from an app,
gunicorn warms the ZIP tables from the apps' own hook, and the benchmark's ceiling lives in bench/.
"""

import ast
import gc
import importlib.util
from pathlib import Path

from django.conf import settings
from django.template import engines

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


def _when_ready():
    """gunicorn's master hook, run here as the master runs it before forking."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    try:
        conf.when_ready(server=None)
    finally:
        frozen = gc.get_freeze_count()
        gc.unfreeze()  # this test process goes on collecting as before
    return frozen


def test_gunicorn_warms_the_zip_tables_before_it_forks():
    from campaigns import geography

    geography._zip_index.cache_clear()

    _when_ready()

    assert geography._zip_index.cache_info().currsize == 1


def test_gunicorn_master_compiles_the_templates_and_freezes_what_it_built():
    """Each worker is forked with the templates compiled, and its garbage collector never walks
    (or copies, page by page) what the master built: no full-collection stall at a surge."""
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()

    frozen = _when_ready()

    assert {"base.html", "campaigns/detail.html", "petitions/sign.html"} <= set(
        loader.get_template_cache
    )
    assert frozen > 100_000
