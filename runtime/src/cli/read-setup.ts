import { namespace, useDatastore, type RunStatus } from "../client";
import { datastoreRoot } from "../datastore";
import type { Paint } from "./format/color";
import type { Cell } from "./format/table";
import type { CliIO } from "./io";

/** The option every read command takes. */
export const DATASTORE_OPTION = { "datastore-root": { type: "string" } } as const;

/** The help line of `--datastore-root`, the same in every read command. */
export const DATASTORE_HELP = `  --datastore-root DIR  the datastore to read (default: TSFLOW_DATASTORE_ROOT, else .tsflow here)`;

/**
 * Points the client at the datastore the command reads: `--datastore-root`, else
 * TSFLOW_DATASTORE_ROOT, else `.tsflow` in the working directory; and at a namespace (null: all).
 */
export function useClient(io: CliIO, root: string | undefined, ns: string | null): void {
  useDatastore(datastoreRoot(io.cwd, io.env, root));
  namespace(ns);
}

const STATUS_STYLE: Record<RunStatus, Parameters<Paint>[0]> = {
  succeeded: "green",
  failed: "red",
  running: "cyan",
  unfinished: "yellow",
};

/** A run or task status, coloured on a terminal. */
export function statusCell(status: RunStatus): Cell {
  return { text: status, style: STATUS_STYLE[status] };
}
