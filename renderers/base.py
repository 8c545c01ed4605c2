"""The renderer contract and the registry that finds renderers through entry points.

Built-in renderers register exactly like third-party ones, under the entry-point group
``maatstaf.renderers``; a plugin that fails to import is reported, never hidden.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from maatstaf.dsl.model import Library
from maatstaf.engine.result import RunResult

GROUP = "maatstaf.renderers"


@runtime_checkable
class Renderer(Protocol):
    """Turns a run's result into text (one file)."""

    name: str
    suffix: str

    def render(self, result: RunResult, library: Library) -> str: ...


class RendererError(Exception):
    pass


def available_renderers() -> dict[str, type]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}  # type: ignore[misc]


def get_renderer(name: str, **options: str) -> Renderer:
    """The renderer registered under ``name``, checked against the contract."""
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise RendererError(f"unknown format '{name}' (known: {known})")
    try:
        factory = found[name].load()
    except Exception as exc:  # a broken plugin must say so, with its own error
        raise RendererError(
            f"renderer '{name}' ({found[name].value}) failed to load: {exc}"
        ) from exc
    try:
        renderer = factory(**options)
    except TypeError:  # a renderer without options (json, most plugins)
        renderer = factory()
    if not isinstance(renderer, Renderer):
        raise RendererError(
            f"renderer '{name}' ({found[name].value}) lacks name, suffix or render()"
        )
    return renderer
