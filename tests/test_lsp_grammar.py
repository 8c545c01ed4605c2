"""The VS Code extension's TextMate grammar is generated from the language's keywords."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

from maatstaf.dsl.syntax import KEYWORDS

FOLDER = Path(__file__).parent.parent / "editors" / "vscode"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_grammar", FOLDER / "generate_grammar.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_grammar_is_the_generated_one() -> None:
    committed = (FOLDER / "syntaxes" / "kpi.tmLanguage.json").read_text("utf-8")
    assert committed == _generator().rendered(KEYWORDS)
    check = [sys.executable, str(FOLDER / "generate_grammar.py"), "--check"]
    assert subprocess.run(check, capture_output=True).returncode == 0


def test_a_new_keyword_makes_the_grammar_stale() -> None:
    generator = _generator()
    assert generator.rendered((*KEYWORDS, "sometimes")) != generator.rendered(KEYWORDS)


def test_every_keyword_is_highlighted_and_names_are_not() -> None:
    grammar = json.loads((FOLDER / "syntaxes" / "kpi.tmLanguage.json").read_text("utf-8"))
    [rule] = [p for p in grammar["patterns"] if p.get("name") == "keyword.other.kpi"]
    keyword = re.compile(rule["match"])
    declarations = _generator().DECLARATIONS
    for word in KEYWORDS:
        if word not in declarations:
            assert keyword.fullmatch(word), word
    assert keyword.search("wmo.instroom") is None  # 'in' inside a measure id is no keyword
    assert keyword.search("t.wet") is None
    assert keyword.search("count_x") is None


def test_the_extension_declares_the_language_and_the_command_setting() -> None:
    package = json.loads((FOLDER / "package.json").read_text("utf-8"))
    [language] = package["contributes"]["languages"]
    assert language["id"] == "kpi" and language["extensions"] == [".kpi"]
    assert package["contributes"]["configuration"]["properties"]["maatstaf.command"]["default"] == (
        "maatstaf"
    )
    assert (FOLDER / "package-lock.json").is_file()
    assert "vscode-languageclient" in package["dependencies"]
