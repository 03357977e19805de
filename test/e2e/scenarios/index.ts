// The browser scenarios, in the order they run. To add one, write a Scenario (see scenario.ts and
// test/e2e/README.md) in a file of this folder and list it here.
import {
  previewClickRevealsStep,
  previewMarksUnknownStep,
  previewShowsNodes,
  runLensTurnsNodesGreen,
} from "./dag-preview";
import { joinNeedsInputs, typeUnknownStep } from "./diagnostics";
import { failedRunShowsLineAndLogs } from "./failed-run";
import { openFlowFile } from "./flow-file";
import {
  explorerFiltersByTag,
  explorerFollowsTerminalRun,
  explorerOpensArtifact,
  explorerOpensLog,
  explorerShowsRunInPreview,
  explorerViewsTable,
  panelsRestoredAfterReload,
} from "./runs-explorer";
import { runLensAsksWhereAndPreviewShowsPod } from "./remote-runs";
import { explorerOnS3Root } from "./s3-root";
import type { Scenario } from "./scenario";

export const scenarios: Scenario[] = [
  openFlowFile,
  typeUnknownStep,
  joinNeedsInputs,
  previewShowsNodes,
  previewMarksUnknownStep,
  previewClickRevealsStep,
  runLensTurnsNodesGreen,
  explorerFollowsTerminalRun,
  explorerOpensArtifact,
  explorerOpensLog,
  explorerFiltersByTag,
  explorerViewsTable,
  explorerShowsRunInPreview,
  failedRunShowsLineAndLogs,
  explorerOnS3Root,
  runLensAsksWhereAndPreviewShowsPod,
  // Last: it reloads the window.
  panelsRestoredAfterReload,
];
