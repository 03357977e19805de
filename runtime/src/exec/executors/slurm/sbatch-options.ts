import type { StepPlan } from "../../plan";
import type { SlurmOptions } from "../../../authoring/decorators";

/**
 * The `sbatch` options a step's tasks are submitted with: its `@slurm` options over its
 * `@resources` (cpu, memory in MB, gpu), `--time` from `@timeout` when `@slurm` gives none.
 * `--no-requeue`: TSFlow retries a task itself (`@retry`); a job Slurm requeued would run it twice.
 * `--export=ALL`: the job gets the submitting environment, the only way credentials reach it.
 */
export function sbatchOptions(plan: StepPlan): string[] {
  const slurm: SlurmOptions = plan.remote?.kind === "slurm" ? plan.remote.options : {};
  const cpu = slurm.cpu ?? plan.resources?.cpu;
  const memory = slurm.memory ?? plan.resources?.memory ?? plan.memoryMB;
  const gpu = slurm.gpu ?? plan.resources?.gpu;
  const minutes = slurm.time ?? (plan.timeoutSeconds ? Math.ceil(plan.timeoutSeconds / 60) : undefined);
  return [
    "--export=ALL",
    "--no-requeue",
    ...(slurm.partition ? [`--partition=${slurm.partition}`] : []),
    ...(slurm.account ? [`--account=${slurm.account}`] : []),
    ...(cpu ? [`--cpus-per-task=${Math.ceil(cpu)}`] : []),
    ...(memory ? [`--mem=${Math.ceil(memory)}`] : []),
    ...(gpu ? [`--gres=gpu:${Math.ceil(gpu)}`] : []),
    ...(minutes ? [`--time=${Math.ceil(minutes)}`] : []),
  ];
}
