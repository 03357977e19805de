/**
 * The cluster tier's network-bound preparation (test/cluster/run.sh runs it before entering its
 * private network namespace): the task image and the podman test's flow-deps image, built from
 * Debian's mirror and the npm registry. Inside the namespace the test builds them again, as cached
 * no-ops. Where podman cannot run the image, it says so and builds nothing: the podman test then
 * skips itself, or fails with CI=true.
 */
import { podmanSkipReason, prepareImages } from "../support/podman";

async function main(): Promise<void> {
  const skip = podmanSkipReason();
  if (skip) {
    console.log(`cluster: images not built: ${skip}`);
    return;
  }
  await prepareImages();
}

main().catch((error: unknown) => {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
