import type { Datastore } from "../../datastore";
import type { Executor, ExecutorContext, ExecutorKind } from "../executor";
import type { RunPlan } from "../plan";
import { remoteOutcome } from "../remote-outcome";
import { stepCommand } from "../step-command";

/** The engines a step can run on besides the local pool. */
export type RemoteKind = Exclude<ExecutorKind, "local">;

/**
 * Each remote executor's factory, loaded on first use: a run on the local pool alone never loads
 * the Kubernetes client or the Slurm launcher.
 */
const FACTORIES: Record<RemoteKind, () => Promise<(context: ExecutorContext) => Executor>> = {
  kubernetes: async () => (await import("./kubernetes/index")).kubernetesExecutor,
  slurm: async () => (await import("./slurm/index")).slurmExecutor,
};

/** The remote engines a plan's steps run on, each once, in step order. */
export function remoteKinds(plan: RunPlan): RemoteKind[] {
  const kinds = plan.order.flatMap((name) => plan.steps.get(name)?.remote?.kind ?? []);
  return [...new Set(kinds)];
}

/** What a remote executor is opened with: the run's datastore and environment, and the task contract. */
export function executorContext(datastore: Datastore, env: NodeJS.ProcessEnv, capacity: number): ExecutorContext {
  return {
    datastore,
    env,
    capacity,
    stepCommand,
    outcome: (spec, exit) => remoteOutcome(datastore, spec, exit),
  };
}

/**
 * The executors a run needs: `local`, and one of each remote kind its plan names. An engine that
 * cannot be opened (an unreadable kubeconfig, no `sbatch`) is an executor whose every start fails
 * with that reason: the run is recorded, fails at that step with one clear line, and can be resumed.
 */
export async function openExecutors(plan: RunPlan, local: Executor, context: ExecutorContext): Promise<Executor[]> {
  const remote = await Promise.all(remoteKinds(plan).map((kind) => openRemote(kind, context)));
  return [local, ...remote];
}

async function openRemote(kind: RemoteKind, context: ExecutorContext): Promise<Executor> {
  try {
    const factory = await FACTORIES[kind]();
    return factory(context);
  } catch (error) {
    return unavailable(kind, context.capacity, error instanceof Error ? error.message : String(error));
  }
}

/** An engine that could not be opened: each attempt sent to it crashes before it starts, saying why. */
function unavailable(kind: RemoteKind, capacity: number, reason: string): Executor {
  return {
    kind,
    capacity,
    start() {
      throw new Error(reason);
    },
    close: () => Promise.resolve(),
  };
}
