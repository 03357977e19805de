/**
 * THE contract for TSFlow's own LSP messages: the server, the VS Code client and the tests all
 * import this module, so a message cannot change shape on one side only. Payloads are plain JSON;
 * the analysis is exactly what `tsflow show --json` prints (runtime/src/graph/model.ts).
 */
import { NotificationType, RequestType } from "vscode-languageserver-protocol";
import type { FileAnalysis } from "../../runtime/src/graph/model";

export type {
  FileAnalysis,
  FlowAnalysis,
  FlowGraph,
  Step,
  Diagnostic as FlowDiagnostic,
} from "../../runtime/src/graph/model";

/** The analysis of one document at one version. */
export interface FlowGraphResult {
  uri: string;
  /** The document version the analysis is of. */
  version: number;
  /** The graphs and diagnostics of every flow in the document (or of the one asked for). */
  analysis: FileAnalysis;
}

export interface FlowGraphParams {
  textDocument: { uri: string };
  /** Only this flow class, when the file defines several. */
  flow?: string;
}

/**
 * `tsflow/flowGraph`, client → server, when a DAG preview opens or needs a fresh copy: the current
 * analysis of an open document. Answers `null` for a document the server does not have open.
 */
export const FlowGraphRequest = new RequestType<FlowGraphParams, FlowGraphResult | null, void>("tsflow/flowGraph");

/**
 * `tsflow/graphChanged`, server → client, after every analysis of a document that defines a flow
 * (and once with no flows when it stops defining any), so a preview redraws while the user types.
 * Versions only grow: a notification for an older version never follows a newer one.
 */
export const GraphChangedNotification = new NotificationType<FlowGraphResult>("tsflow/graphChanged");

/** Settings the client passes at start (initializationOptions) and on change. */
export interface ServerSettings {
  /**
   * The datastore the code lenses read run statuses from: an absolute path, or `s3://bucket/prefix`;
   * default `.tsflow` in the first workspace folder.
   */
  datastoreRoot?: string;
  /** The endpoint of an S3-compatible store (MinIO, Ceph, R2) for an `s3://` root: `tsflow.s3EndpointUrl`. */
  s3EndpointUrl?: string;
}

/** Commands the server's code lenses carry; the client implements them. Arguments: [CommandTarget]. */
export const Commands = {
  run: "tsflow.run",
  resume: "tsflow.resume",
  showDag: "tsflow.showDag",
  runFromStep: "tsflow.runFromStep",
  showStepRun: "tsflow.showStepRun",
} as const;

export interface CommandTarget {
  uri: string;
  flow: string;
  step?: string;
  /**
   * The run the command is about: for tsflow.showStepRun and tsflow.showDag the run to show, for
   * tsflow.resume and tsflow.runFromStep the run to resume (by default the latest).
   */
  runPathspec?: string;
}
