import { availableParallelism } from "node:os";
import { coldCheckFigures, reanalysisFigures } from "./analyzer";
import { clientFigures } from "./client";
import { explorerFigures } from "./explorer";
import { packageFigures } from "./package";
import { runtimeFigures } from "./runtime";
import { serverFigures } from "./server";
import { report } from "./report";

// `npm run bench`: every speed and memory figure beside its target. Exits 1 when one is missed.
console.log(`TSFlow bench on node ${process.version}, ${availableParallelism()} cores\n`);
void (async () => {
  const ok = report([
    ...reanalysisFigures(),
    ...coldCheckFigures(),
    ...(await runtimeFigures()),
    ...(await clientFigures()),
    ...(await explorerFigures()),
    ...(await serverFigures()),
    ...packageFigures(),
  ]);
  process.exitCode = ok ? 0 : 1;
})();
