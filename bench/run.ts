import { availableParallelism } from "node:os";
import { coldCheckFigures, reanalysisFigures } from "./analyzer";
import { clientFigures } from "./client";
import { clusterFigures } from "./cluster";
import { explorerFigures } from "./explorer";
import { explorerS3Figures } from "./explorer-s3";
import { packageFigures } from "./package";
import { runtimeFigures } from "./runtime";
import { s3Figures } from "./s3";
import { serverFigures } from "./server";
import { stepFigures } from "./step";
import { report, type Figure } from "./report";

/** The bench's parts, by the name that runs one alone (`npm run bench -- runtime`). */
const PARTS: Record<string, () => Figure[] | Promise<Figure[]>> = {
  analyzer: () => [...reanalysisFigures(), ...coldCheckFigures()],
  runtime: runtimeFigures,
  client: clientFigures,
  explorer: explorerFigures,
  "explorer-s3": explorerS3Figures,
  server: serverFigures,
  package: packageFigures,
  s3: s3Figures,
  step: stepFigures,
  cluster: clusterFigures,
};

// `npm run bench [-- PART...]`: every speed and memory figure beside its target (or only those of
// the parts named). Exits 1 when one is missed.
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in PARTS));
if (unknown.length > 0) {
  console.error(`bench: no part named ${unknown.join(", ")}: the parts are ${Object.keys(PARTS).join(", ")}`);
  process.exit(2);
}
console.log(`TSFlow bench on node ${process.version}, ${availableParallelism()} cores\n`);
void (async () => {
  const figures: Figure[] = [];
  for (const [name, part] of Object.entries(PARTS))
    if (asked.length === 0 || asked.includes(name)) figures.push(...(await part()));
  process.exitCode = report(figures) ? 0 : 1;
})();
