import { availableParallelism } from "node:os";
import { coldCheckFigures, reanalysisFigures } from "./analyzer";
import { report } from "./report";

// `npm run bench`: every speed and memory figure beside its target. Exits 1 when one is missed.
console.log(`TSFlow bench on node ${process.version}, ${availableParallelism()} cores\n`);
const ok = report([...reanalysisFigures(), ...coldCheckFigures()]);
process.exitCode = ok ? 0 : 1;
