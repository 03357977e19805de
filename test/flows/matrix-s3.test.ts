import { after, before } from "node:test";
import { S3Projects } from "../support/s3-project";
import { describeMatrix } from "./matrix-suite";
import { SHAPES } from "./shapes";

/**
 * The flow matrix on an s3:// datastore (s3rver), on the one shape that exercises the most storage
 * per run at a moderate cost: a branch in a foreach (parallel tasks' records, values and logs, a
 * foreach stack, two joins reading their inputs). Each shape costs about a minute on S3 here; the
 * local matrix covers every shape.
 */
const ON_S3 = ["branch in a foreach"];

let s3: S3Projects;
before(async () => (s3 = await S3Projects.start()));
after(() => s3.close());

describeMatrix(
  " on S3",
  SHAPES.filter((shape) => ON_S3.includes(shape.name)),
  (t, files) => s3.machine(t, files),
);
