/**
 * The one place the explorer touches the client API's process-wide state. The client keeps a
 * current datastore and namespace for the whole extension host (the DAG preview reads through it
 * too), so every read here binds its store synchronously, the way preview/run-overlay.ts does: set
 * the datastore and make the client object in the same tick. Objects hold their store from then on,
 * so awaiting their generators is safe whatever another reader sets meanwhile. The namespace is
 * passed to `runs()` explicitly; where the API reads the global one (`flow.run(id)`), it is set and
 * put back within one synchronous call.
 */
import { Flow, flows, useDatastore, type Flow as FlowObject, type Run } from "../../../runtime/src/client";
import { readIn } from "../client-scope";

/** The flow `name` of the datastore at `root`; throws the client's NotFoundError when it has no runs. */
export function flowOf(root: string, name: string): FlowObject {
  useDatastore(root);
  return Flow(name);
}

/** The flows of the datastore at `root`, by name (`flows()` reads the datastore in use at the call). */
export async function flowNames(root: string): Promise<string[]> {
  useDatastore(root);
  return (await flows()).map((flow) => flow.name);
}

/**
 * The run `flow/id` read afresh, as seen from namespace `ns`. Throws NotFoundError or
 * NamespaceError as `Run()` does.
 */
export function readRun(root: string, ns: string | null, flow: string, id: string): Run {
  return readIn(root, ns, () => flowOf(root, flow).run(id));
}

/**
 * Runs reads one after another: a tree asks for many children at once, and reads that interleave
 * could bind each other's datastore when the settings change under them.
 */
export class ReadQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(read: () => Promise<T>): Promise<T> {
    const next = this.tail.then(() => read());
    this.tail = next.catch(() => undefined);
    return next;
  }
}
