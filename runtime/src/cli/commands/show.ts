import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { painter } from "../format/color";
import { countText } from "../format/diagnostics";
import { formatGraph } from "../format/graph-text";

export const showCommand: Command = {
  name: "show",
  summary: "print the DAG of a flow: steps, kinds, transitions, parameters, decorators",
  help: `Usage: tsflow show FILE [--flow NAME] [--json]

Prints each flow in FILE as a graph: its parameters, then every step with its kind
(start, linear, split, foreach, switch, join, end), where it leads and its decorators.

Options:
  --flow NAME   show only the flow class NAME (the file may define several)
  --json        print the graph as JSON (the schema the editor's DAG preview reads)
  -h, --help    show this help
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      "show",
      argv,
      { flow: { type: "string" }, json: { type: "boolean" } },
      1,
    );
    // The analyzer (and TypeScript, 3.5 MB) loads with the command that needs it, not with every command.
    const { loadFlowFile } = await import("../load-flow-file");
    const loaded = loadFlowFile("show", positionals[0], values.flow, io);
    if (values.json) {
      io.stdout(JSON.stringify({ ...loaded.analysis, flows: loaded.flows }, null, 2) + "\n");
      return EXIT.ok;
    }
    const paint = painter(io.color);
    io.stdout(loaded.flows.map((f) => formatGraph(loaded.displayPath, f.graph, paint)).join("\n"));
    for (const flow of loaded.flows) {
      const errors = flow.diagnostics.filter((d) => d.severity === "error").length;
      const warnings = flow.diagnostics.length - errors;
      if (flow.diagnostics.length > 0) {
        io.stderr(
          `${flow.graph.name} has ${countText(errors, warnings)}: run \`tsflow check ${loaded.displayPath}\` for details\n`,
        );
      }
    }
    return EXIT.ok;
  },
};
