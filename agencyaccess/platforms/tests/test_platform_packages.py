"""A platform package (platforms/google/, platforms/meta/, …) is the whole platform, reached from
outside through platforms/registry.py only: adding or removing one edits no other code.

Tests elsewhere may import a package's sandbox (its fake people and world are their fixtures)
and nothing else of it."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from agencyaccess.platforms import registry

SOURCE = Path(__file__).resolve().parents[2]  # the agencyaccess package
PLATFORMS = "agencyaccess.platforms"


def imported_names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every dotted module name a file imports, `from a import b` read as both a and a.b."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def platform_of(module: str) -> str | None:
    """The platform package a dotted name is in, or None."""
    parts = module.split(".")
    if parts[:2] == PLATFORMS.split(".") and len(parts) > 2 and parts[2] in registry.INTEGRATIONS:
        return parts[2]
    return None


def allowed(relative: tuple[str, ...], module: str, platform: str) -> bool:
    """Whether the file at this path (inside the agencyaccess package) may import `module`."""
    if relative[:2] == ("platforms", platform):
        return True  # its own package
    if relative == ("platforms", "registry.py"):
        return module == f"{PLATFORMS}.{platform}"
    in_tests = "tests" in relative[:-1] or relative[-1] in ("test.py", "conftest.py")
    return in_tests and module.startswith(f"{PLATFORMS}.{platform}.sandbox")


def offences(source: Path = SOURCE) -> list[str]:
    found = []
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        relative = path.relative_to(source).parts
        for line, module in imported_names(tree):
            platform = platform_of(module)
            if platform and not allowed(relative, module, platform):
                found.append(f"{path.relative_to(source.parent)}:{line} imports {module}")
    return sorted(set(found))


def test_only_the_registry_imports_a_platform_package():
    assert offences() == []


def test_the_check_sees_an_import_from_outside(tmp_path):
    """The walk is not vacuous: a view importing Google's client directly is caught, and so is
    a test importing more than a sandbox."""
    fake = tmp_path / "agencyaccess"
    (fake / "platforms").mkdir(parents=True)
    (fake / "platforms" / "registry.py").write_text("from agencyaccess.platforms import google\n")
    (fake / "views.py").write_text(
        "from agencyaccess.platforms.google.client import GoogleClient\n"
        "import agencyaccess.platforms.meta\n"
    )
    (fake / "tests").mkdir()
    (fake / "tests" / "test_views.py").write_text(
        "from agencyaccess.platforms.meta.sandbox import world\n"
        "from agencyaccess.platforms.meta.api import Graph\n"
    )

    assert offences(fake) == [
        "agencyaccess/tests/test_views.py:2 imports agencyaccess.platforms.meta.api",
        "agencyaccess/tests/test_views.py:2 imports agencyaccess.platforms.meta.api.Graph",
        "agencyaccess/views.py:1 imports agencyaccess.platforms.google.client",
        "agencyaccess/views.py:1 imports agencyaccess.platforms.google.client.GoogleClient",
        "agencyaccess/views.py:2 imports agencyaccess.platforms.meta",
    ]


def test_every_platform_package_has_the_same_shape():
    """The next platform is a copy of this shape: the same files in every package."""
    shape = {
        "__init__.py",
        "api.py",
        "client.py",
        "config.py",
        "connectors.py",
        "sandbox/__init__.py",
        "sandbox/oauth.py",
        "sandbox/state.py",
        "sandbox/urls.py",
        "sandbox/world.py",
        "tests/__init__.py",
        "tests/cast.py",
        "tests/test_errors.py",
        "tests/test_oauth.py",
        "tests/test_sandbox.py",
    }
    for platform in registry.INTEGRATIONS:
        package = SOURCE / "platforms" / platform
        files = {str(p.relative_to(package)) for p in package.rglob("*.py")}
        assert shape <= files, (platform, sorted(shape - files))


@pytest.mark.django_db
def test_every_sandbox_signs_in_its_client_and_agency_people():
    """The benchmarks and the demo seed sign these people in by the ids the packages name."""
    for platform in registry.INTEGRATIONS:
        assert registry.sandbox_client_sign_in(platform), platform
        assert registry.sandbox_agency_sign_in(platform), platform
