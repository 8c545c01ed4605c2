"""Regression tests for issue 12 (the CLI helper's items, documentation): each failed before
its fix."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from maatstaf.cli import app

runner = CliRunner()


# item 22: every command and option in --help is documented


def _documented_text() -> str:
    root = Path(__file__).parent.parent
    parts = [(root / "README.md").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((root / "docs").glob("*.md"))]
    return "\n".join(parts)


def _commands_and_options() -> list[tuple[str, str]]:
    """(command, option name) for every command and every option name in its --help,
    found by introspection, so a new command or flag is covered without touching this."""
    import typer.main

    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append((name, name))
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            for option in [*param.opts, *param.secondary_opts]:
                if option.startswith("-") and option != "--help":
                    found.append((name, option))
            if getattr(param, "envvar", None):
                envvars = param.envvar if isinstance(param.envvar, list) else [param.envvar]
                found += [(name, e) for e in envvars]
    return found


def test_every_command_and_option_in_help_is_documented() -> None:
    import re

    text = _documented_text()
    missing = [
        (command, option)
        for command, option in _commands_and_options()
        if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text)
    ]
    assert not missing, f"undocumented in README.md or docs/*.md: {missing}"


def test_documentation_links_point_at_files_that_exist() -> None:
    import re

    root = Path(__file__).parent.parent
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for target in re.findall(r"`(docs/[\w.-]+\.md)`", path.read_text(encoding="utf-8")):
            assert (root / target).is_file(), (path.name, target)


def _blocks(text: str, language: str) -> list[str]:
    import re

    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_ci_doc_shows_the_expected_figures_of_the_examples(tmp_path: Path) -> None:
    import yaml

    from maatstaf.engine.reconcile import load_expected

    root = Path(__file__).parent.parent
    text = (root / "docs" / "ci.md").read_text(encoding="utf-8")
    [shown] = _blocks(text, "yaml")
    real = (root / "examples" / "expected" / "figures.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(shown) == yaml.safe_load(real)
    [csv_text] = _blocks(text, "csv")
    (tmp_path / "e.csv").write_text(csv_text)
    [entry] = load_expected(tmp_path / "e.csv")
    assert entry.dimensions == {"gelijktijdig": "4+"} and entry.value == 12


def test_data_model_doc_lists_every_table_and_column_of_the_schema() -> None:
    import re

    from maatstaf.dsl.schema import canonical_schema

    root = Path(__file__).parent.parent
    text = (root / "docs" / "data-model.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M))
    for table in canonical_schema().tables:
        assert table.name in sections, table.name
        documented = re.findall(r"^\| `(\w+)` \| (\w+) \|", sections[table.name], flags=re.M)
        assert documented == [(c.name, c.type) for c in table.columns], table.name
