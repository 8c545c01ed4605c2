#!/usr/bin/env bash
# Build the VS Code extension: the exact dependencies of package-lock.json (npm ci), a check
# that the committed grammar is the one generated from the language's keywords, then the
# .vsix (npx @vscode/vsce package). Usage: editors/vscode/build.sh [python]
# The .vsix lands in editors/vscode/; install it with: code --install-extension <file>.vsix
set -euo pipefail
cd "$(dirname "$0")"
python="${1:-../../.venv/bin/python}"

"$python" generate_grammar.py --check
npm ci --no-audit --no-fund
npx --no-install vsce package --skip-license --allow-missing-repository \
  --out "maatstaf-kpi-$(node -p 'require("./package.json").version').vsix"
