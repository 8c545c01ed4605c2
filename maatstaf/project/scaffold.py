"""scaffold: the files ``maatstaf init`` writes, from the templates shipped in the package.

Each template is a package data file (``maatstaf/project/templates/``) in which
``{{name}}`` stands for the municipality's name and ``{{version}}`` for maatstaf's version.
Nothing that exists is overwritten: ``init`` names every file in the way and writes none.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from maatstaf.project import FILE_NAME

# (template, where it goes in the new project)
FILES = (
    ("maatstaf.yaml", FILE_NAME),
    ("README.md", "README.md"),
    ("gitignore", ".gitignore"),
    ("huishoudelijke_hulp.kpi", "definitions/wmo/huishoudelijke_hulp.kpi"),
    ("wmo_instroom.kpi", "definitions/wmo/instroom.kpi"),
    ("kwartaalrapport.kpi", "definitions/rapporten/kwartaalrapport.kpi"),
    ("export.yaml", "mappings/export.yaml"),
    ("figures.yaml", "expected/figures.yaml"),
    ("gitlab-ci.yml", ".gitlab-ci.yml"),
    ("github.yml", ".github/workflows/maatstaf.yml"),
)
SAMPLE_FOLDER = "data"


def rendered(template: str, name: str) -> str:
    """A template with the municipality's name and maatstaf's version filled in."""
    from maatstaf import __version__

    text = resources.files("maatstaf.project").joinpath("templates", template).read_text("utf-8")
    return text.replace("{{name}}", name).replace("{{version}}", __version__)


def in_the_way(folder: Path, sample: bool) -> list[Path]:
    """The files (and the sample folder) that exist already where init would write."""
    targets = [folder / target for _, target in FILES]
    if sample:
        targets.append(folder / SAMPLE_FOLDER)
    return [t for t in targets if t.exists()]


def scaffold(folder: Path, name: str) -> list[Path]:
    """Write the project's files into the folder (created if needed); returns them."""
    from maatstaf.renderers.atomic import write_text

    written = []
    for template, target in FILES:
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, rendered(template, name))
        written.append(path)
    return written
