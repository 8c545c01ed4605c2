// The maatstaf extension: starts `maatstaf lsp` (the language server for .kpi files) over
// stdio and connects it to VS Code. Plain JavaScript: no build step.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function command() {
  const configured = vscode.workspace.getConfiguration("maatstaf").get("command") || "maatstaf";
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  return configured.replace("${workspaceFolder}", folder);
}

async function start() {
  const serverOptions = {
    command: command(),
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "kpi" }, { scheme: "untitled", language: "kpi" }],
    outputChannelName: "maatstaf",
  };
  client = new LanguageClient("maatstaf", "maatstaf", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `maatstaf: could not start '${command()} lsp' (${error.message ?? error}). ` +
        "Set 'maatstaf.command' to the maatstaf command of your environment."
    );
  }
}

async function activate(context) {
  await start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("maatstaf.command")) {
        if (client) {
          await client.stop();
        }
        await start();
      }
    })
  );
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate };
