"""The layout's rules, as tests that fail on a regression (docs/architecture.md).

* SQL stays in ``store/``: nothing else imports SQLAlchemy (the modules still waiting to move
  are listed, and the list may only shrink).
* One HTTP app: ``http/api`` and ``http/web`` do not import each other, and nothing in the
  package discovers modules at run time (``importlib``).
* ``model/`` and ``policy/`` import nothing of the package but the domain (and its errors).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sviedka"


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), ast.parse(path.read_text(), str(path))


def _imports(name: str, tree: ast.Module) -> set[str]:
    """Every module this one imports, as absolute dotted names."""
    package = name if tree_is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.level, node.module)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def tree_is_package(name: str) -> bool:
    return (PACKAGE.parent / Path(*name.split(".")) / "__init__.py").is_file()


def _resolve(package: str, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, module] if module else base)


MODULES = dict(_modules())
IMPORTS = {name: _imports(name, tree) for name, tree in MODULES.items()}


def _importers(prefix: str, of: str) -> list[str]:
    """Modules under ``prefix`` that import anything under ``of``."""
    return sorted(
        name
        for name, imported in IMPORTS.items()
        if _under(name, prefix) and any(_under(i, of) for i in imported)
    )


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_sqlalchemy_is_imported_only_under_store() -> None:
    outside = {
        name
        for name, imported in IMPORTS.items()
        if any(_under(i, "sqlalchemy") for i in imported) and not _under(name, "sviedka.store")
    }
    assert outside == set()


def test_api_and_web_do_not_import_each_other() -> None:
    assert _importers("sviedka.http.api", "sviedka.http.web") == []
    assert _importers("sviedka.http.web", "sviedka.http.api") == []


def test_nothing_is_discovered_at_run_time() -> None:
    """``importlib.resources`` reads shipped data; loading modules by name is what is banned."""
    found = sorted(
        name
        for name, tree in MODULES.items()
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in DISCOVERY)
        or (isinstance(node, ast.Name) and node.id in DISCOVERY)
        or (isinstance(node, ast.ImportFrom) and node.module in ("importlib", "importlib.util"))
    )
    assert found == []


DISCOVERY = frozenset({"import_module", "find_spec", "__import__", "spec_from_file_location"})


def test_model_imports_nothing_else_of_the_package() -> None:
    outward = [
        (name, i)
        for name, imported in IMPORTS.items()
        if _under(name, "sviedka.model")
        for i in imported
        if _under(i, "sviedka") and not any(_under(i, a) for a in DOMAIN)
    ]
    assert outward == []


DOMAIN = ("sviedka.model", "sviedka.errors")


def test_policy_is_pure() -> None:
    allowed = ("sviedka.policy", *DOMAIN)
    outward = [
        (name, i)
        for name, imported in IMPORTS.items()
        if _under(name, "sviedka.policy")
        for i in imported
        if _under(i, "sviedka") and not any(_under(i, a) for a in allowed)
    ]
    assert outward == []


def test_store_has_no_import_cycle() -> None:
    """The store's modules form layers, each importing only those below it (store/sql.py says
    which). An import inside a function counts: importing late hides a cycle, it does not
    remove one."""
    store = {name: tree for name, tree in MODULES.items() if _under(name, "sviedka.store")}
    graph = {name: _imported_modules(name, tree, set(store)) for name, tree in store.items()}
    assert _cycles(graph) == []


def _imported_modules(name: str, tree: ast.Module, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that ``name`` imports anywhere in its body: ``from p import m``
    imports the module ``p.m`` when there is one, else the package ``p``."""
    package = name if tree_is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.level, node.module)
            found.update(
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names
            )
    return (found & modules) - {name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import one another, directly or through others."""
    reach = {name: _reachable(graph, name) for name in graph}
    groups = {
        frozenset(other for other in reach[name] if name in reach[other])
        for name in graph
        if name in reach[name]
    }
    return sorted(sorted(group) for group in groups)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    return seen


def test_reads_outside_the_store_name_a_principal_or_ask_for_the_whole_store() -> None:
    """Outside ``store/`` a read names the principal it is for (``view(principal)``) or says
    it wants the whole store (``unscoped_view()``, ``view(CUSTODIAN)``)."""
    bare = {
        name
        for name, tree in MODULES.items()
        if not _under(name, "sviedka.store")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "view"
        and not node.args
        and not node.keywords
    }
    assert bare == set()


# -- who decides access: the use cases, never a shell ------------------------------------------

_POLICY = frozenset({"sviedka.policy", "sviedka.policy.authority", "sviedka.policy.principal"})
_SHELLS = ("sviedka.http", "sviedka.cli")


def _policy_uses(name: str, tree: ast.Module, what: str) -> list[int]:
    """The lines where a module imports ``what`` from the policy, or reaches it as an attribute
    of the policy module (``policy.require``), however the import is spelled."""
    package = name if tree_is_package(name) else name.rpartition(".")[0]
    modules: set[str] = set()  # local names of the policy's modules
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.level, node.module)
            for alias in node.names:
                if base in _POLICY and alias.name == what:
                    lines.append(node.lineno)
                if f"{base}.{alias.name}" in _POLICY:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(a.asname for a in node.names if a.name in _POLICY and a.asname)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == what:
            local = isinstance(node.value, ast.Name) and node.value.id in modules
            if local or ast.unparse(node.value) in _POLICY:  # policy.require, sviedka.policy.…
                lines.append(node.lineno)
    return sorted(lines)


def _shell_uses(what: str) -> dict[str, list[int]]:
    return {
        name: lines
        for name, tree in MODULES.items()
        if any(_under(name, shell) for shell in _SHELLS)
        if (lines := _policy_uses(name, tree, what))
    }


def test_policy_uses_are_found_however_they_are_spelled() -> None:
    """The check below would pass on a regression if it could not see one."""
    spellings = {
        "from ..policy import require\n": [1],
        "from ..policy import require as check\n": [1],
        "from ..policy.authority import require\n": [1],
        "from .. import policy\npolicy.require(p, x)\n": [2],
        "from .. import policy as rules\nrules.require(p, x)\n": [2],
        "import sviedka.policy as rules\nrules.require(p, x)\n": [2],
        "import sviedka.policy\nsviedka.policy.require(p, x)\n": [2],
        "from ..policy import can\ncan(p, x)\n": [],
        "from ..services import staging\nstaging.require(p, x)\n": [],
    }
    found = {
        text: _policy_uses("sviedka.http.some", ast.parse(text), "require") for text in spellings
    }
    assert found == spellings


def test_no_route_page_or_command_decides_access_itself() -> None:
    """``http/`` and ``cli/`` hand the principal to a use case, which asks the policy
    (``policy.require``); none of them asks itself (docs/security.md, "Where the checks are")."""
    assert _shell_uses("require") == {}


def test_a_request_becomes_a_principal_in_one_place() -> None:
    """A request's account becomes its ``Principal`` in ``http/deps.py`` only; the use cases
    are given that principal, never an account to convert."""
    converting = {
        name
        for name, tree in MODULES.items()
        if not _under(name, "sviedka.policy")
        if _policy_uses(name, tree, "principal_of")
    }
    assert converting == {"sviedka.http.deps"}
