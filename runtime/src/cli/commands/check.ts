import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { painter } from "../format/color";
import { countText, formatDiagnostic } from "../format/diagnostics";
import type { Diagnostic } from "../../graph";

export const checkCommand: Command = {
  name: "check",
  summary: "check a flow file for errors in its graph, steps and decorators",
  help: `Usage: tsflow check FILE [--flow NAME] [--json]

Checks every flow in FILE without running it: transitions, joins, foreach and switch
artifacts, parameters and decorators. Errors and warnings are printed like tsc's.

Options:
  --flow NAME   check only the flow class NAME (the file may define several)
  --json        print the diagnostics as JSON
  -h, --help    show this help

Exit codes: 0 no errors (warnings are printed), 1 at least one error, 2 a usage error.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      "check",
      argv,
      { flow: { type: "string" }, json: { type: "boolean" } },
      1,
    );
    // The analyzer (and TypeScript, 3.5 MB) loads with the command that needs it, not with every command.
    const { loadFlowFile } = await import("../load-flow-file");
    const loaded = loadFlowFile("check", positionals[0], values.flow, io);
    const diagnostics: Array<Diagnostic & { flow?: string }> = [
      ...loaded.analysis.diagnostics,
      ...loaded.flows.flatMap((f) => f.diagnostics.map((d) => ({ ...d, flow: f.graph.name }))),
    ];
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    const warnings = diagnostics.filter((d) => d.severity === "warning").length;
    if (values.json) {
      const report = {
        schemaVersion: loaded.analysis.schemaVersion,
        file: loaded.displayPath,
        flows: loaded.flows.map((f) => f.graph.name),
        errorCount: errors,
        warningCount: warnings,
        diagnostics,
      };
      io.stdout(JSON.stringify(report, null, 2) + "\n");
    } else {
      const paint = painter(io.color);
      for (const d of diagnostics) io.stdout(formatDiagnostic(loaded.displayPath, loaded.text, d, paint));
      const flows = loaded.flows.map((f) => `${f.graph.name} (${f.graph.steps.length} steps)`).join(", ");
      const verdict = errors
        ? paint("red", countText(errors, warnings))
        : warnings
          ? paint("yellow", countText(errors, warnings))
          : paint("green", "no problems");
      io.stdout(`${loaded.displayPath}: ${flows}: ${verdict}\n`);
    }
    return errors > 0 ? EXIT.failed : EXIT.ok;
  },
};
