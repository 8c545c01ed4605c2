"""Two test tiers: a fast one for every change, and the rest, which CI adds.

``pytest --tier=fast`` (``make test``) runs every test without a tier marker, with the
hypothesis profile ``fast``: each property test runs at most ``FAST_EXAMPLES`` generated
examples (its explicit ``@example`` cases always run), a short property run.

``pytest --tier=rest`` runs what the fast tier leaves out: the tests with a tier marker,
and every property test of the fast tier again at the budget its ``@settings`` names
(the long property runs). ``make test`` then ``make test-rest`` is what ``.ci/run`` does.

``pytest --tier=all`` (``make test-all``), and a plain ``pytest``, run every test at full
budgets.

In parallel (``make test``: pytest-xdist, ``--dist loadgroup``) the tests of a module that
use one of its module-scoped fixtures (a loaded sample, a planned report) run on one worker,
so that fixture is computed once rather than once per worker; every other test goes to
whichever worker is free.
"""

from __future__ import annotations

import os
import sys
import tempfile

import pytest
from hypothesis import settings

# A test with one of these markers is not in the fast tier. They are declared in
# pyproject.toml ([tool.pytest.ini_options] markers) and checked there (--strict-markers).
TIER_MARKERS = ("slow", "postgres", "spark", "browser")
TIERS = ("fast", "rest", "all")
FAST_EXAMPLES = 3

settings.register_profile("fast", max_examples=FAST_EXAMPLES)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tier",
        choices=TIERS,
        default="all",
        help="fast: unmarked tests, short property runs; rest: marked tests and the long"
        " property runs; all: everything at full budgets (default)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # pytest keeps each test module's assertion-rewritten bytecode only where bytecode may
    # be written; under PYTHONDONTWRITEBYTECODE (as on CI machines) every worker rewrote
    # all 176 modules at every run, 7 s of its collection. The Makefile writes the
    # project's bytecode whatever that variable says, and pytest's is written so too.
    sys.dont_write_bytecode = False
    # the parsed-library cache of this run (each xdist worker its own): tests never read
    # or fill the user's ~/.cache/maatstaf; tests of the cache set their own folder
    if "MAATSTAF_CACHE_DIR" not in os.environ:
        os.environ["MAATSTAF_CACHE_DIR"] = tempfile.mkdtemp(prefix="maatstaf-cache-")
    if config.getoption("--tier") == "fast":
        settings.load_profile("fast")


# before pytest-xdist reads the xdist_group markers (its worker's hook of the same name)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _group_module_fixtures(items)
    tier = config.getoption("--tier")
    if tier == "all":
        return
    keep, drop = [], []
    for item in items:
        marked = any(item.get_closest_marker(m) for m in TIER_MARKERS)
        in_tier = not marked if tier == "fast" else marked or _is_property_test(item)
        (keep if in_tier else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    if tier == "fast":
        _cap_examples(keep)


def _group_module_fixtures(items: list[pytest.Item]) -> None:
    """Mark ``xdist_group(<module>)`` on each test that uses a module-scoped fixture.

    A test that names its own group (``pytest.mark.xdist_group("spark")``) keeps it.
    """
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        scopes = {d.scope for defs in info.name2fixturedefs.values() for d in defs}
        if "module" in scopes:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))


def _is_property_test(item: pytest.Item) -> bool:
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


def _cap_examples(items: list[pytest.Item]) -> None:
    """Cap the budgets the tests name in ``@settings`` at the fast profile's.

    A profile only sets defaults, and ``@settings(max_examples=60)`` overrides them.
    Hypothesis keeps a test's settings on the test function, so the cap replaces them
    there, once per function (parametrized items share it); every other setting stays as
    the test set it.
    """
    done: set[int] = set()
    for item in items:
        if not _is_property_test(item) or id(item.obj) in done:  # type: ignore[attr-defined]
            continue
        test = item.obj  # type: ignore[attr-defined]
        done.add(id(test))
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if not isinstance(own, settings):
            raise pytest.UsageError(
                f"{item.nodeid}: this hypothesis keeps a test's settings elsewhere, so the"
                " fast tier cannot cap its examples (see tests/conftest.py)"
            )
        if own.max_examples > FAST_EXAMPLES:
            test._hypothesis_internal_use_settings = settings(own, max_examples=FAST_EXAMPLES)
