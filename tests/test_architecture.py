"""The direction of dependencies, read from the source: petitions builds on campaigns, config on no app.

Every import counts, including those inside functions (a local import hides a dependency, it does
not remove it). A new import against the direction, or a cycle between two modules, fails here.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "campaigns", "petitions", "config")
# Where campaigns may name petitions: the pages and entry points that combine both apps.
CAMPAIGNS_COMBINING = (
    "campaigns/views/",
    "campaigns/urls.py",
    "campaigns/admin.py",
    "campaigns/templatetags/",
    "campaigns/management/",
)
# config/ knows the apps only through its URL table and its settings.
CONFIG_COMBINING = ("config/urls.py", "config/settings.py")


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            yield rel, path


def _module_name(rel: str) -> str:
    name = rel[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def _imports(rel: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    package = _module_name(rel)
    if not rel.endswith("__init__.py"):
        package = package.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from petitions import services` imports the module petitions.services.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in APPS}


GRAPH = {_module_name(rel): (rel, _imports(rel, path)) for rel, path in _modules()}


def _against_direction():
    for rel, imported in GRAPH.values():
        for name in sorted(imported):
            app = name.split(".")[0]
            if (
                rel.startswith("campaigns/")
                and app == "petitions"
                and not rel.startswith(CAMPAIGNS_COMBINING)
            ):
                yield f"{rel} imports {name}"
            if rel.startswith("config/") and app != "config" and rel not in CONFIG_COMBINING:
                yield f"{rel} imports {name}"
            # accounts sits under both apps; only its admin (an entry point) acts on campaigns.
            if (
                rel.startswith("accounts/")
                and app in ("campaigns", "petitions")
                and rel != "accounts/admin.py"
            ):
                yield f"{rel} imports {name}"


def test_campaigns_and_config_import_nothing_against_the_direction():
    assert list(_against_direction()) == []


def test_no_import_cycle_between_modules():
    edges = {
        module: {name for name in imported if name in GRAPH and name != module}
        for module, (_rel, imported) in GRAPH.items()
    }
    cycles = []
    state = {}

    def visit(module, trail):
        state[module] = "open"
        for nxt in sorted(edges[module]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    # A package's __init__ importing its own submodules is no cycle worth failing on.
    cycles = [
        c for c in cycles if not all(p.startswith(c.split(" -> ")[0]) for p in c.split(" -> "))
    ]
    assert cycles == []


def test_every_view_lives_in_a_views_package():
    """A reader finds every page under views/: no other module renders or answers a request."""
    hiding = []
    for rel, path in _modules():
        if (
            "/views/" in rel
            or rel.startswith(("config/", "accounts/"))
            or rel.endswith(("admin.py", "urls.py", "apps.py"))
        ):
            continue
        source = path.read_text(encoding="utf-8")
        if "from django.shortcuts import" in source and "render(" in source:
            hiding.append(rel)
    assert hiding == []
