import type { Datastore } from "../datastore";
import type { RunRecord, StepProgress } from "../datastore/records";

const SAVE_INTERVAL_MS = 250;

/**
 * A run's per-step task counts, kept in its record. Saved at most every 250 ms while the run goes
 * (many small writes cost more than they tell), and once more at the end.
 */
export class RunProgress {
  private readonly steps = new Map<string, StepProgress>();
  /** When each step's latest task ended: its finish time, exact though saves are throttled. */
  private readonly lastEnded = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  /** The saves made so far, one after another; the first that failed, which `finish` reports. */
  private saving: Promise<void> = Promise.resolve();
  private saveError: Error | undefined;

  constructor(
    private readonly datastore: Datastore,
    private readonly run: RunRecord,
    order: string[],
    private readonly saved: (run: RunRecord) => void,
  ) {
    for (const step of order) this.steps.set(step, { status: "pending", total: 0, done: 0, failed: 0, running: 0 });
  }

  queued(step: string): void {
    this.steps.get(step)!.total++;
  }

  started(step: string): void {
    const progress = this.steps.get(step)!;
    progress.running++;
    progress.startedAt ??= new Date().toISOString();
  }

  stopped(step: string): void {
    this.steps.get(step)!.running--;
  }

  /** A task that succeeded, or was cloned (it never ran, but its step has begun). */
  succeeded(step: string): void {
    const progress = this.steps.get(step)!;
    progress.done++;
    progress.startedAt ??= new Date().toISOString();
    this.lastEnded.set(step, new Date().toISOString());
  }

  failed(step: string): void {
    this.steps.get(step)!.failed++;
    this.lastEnded.set(step, new Date().toISOString());
  }

  /** Something changed: save soon. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.queueSave().then(() => this.saved(this.run));
    }, SAVE_INTERVAL_MS);
  }

  /** The run ended: its final status and counts, saved now. */
  async finish(status: RunRecord["status"]): Promise<void> {
    clearTimeout(this.timer);
    this.run.status = status;
    this.run.finishedAt = new Date().toISOString();
    await this.queueSave();
    const error = this.saveError;
    this.saveError = undefined;
    if (error) throw error;
  }

  /** Saves after the saves before it; a failure is kept for `finish`, which cannot be skipped. */
  private queueSave(): Promise<void> {
    this.saving = this.saving.then(() =>
      this.save().catch((error: unknown) => {
        this.saveError ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
    return this.saving;
  }

  private async save() {
    for (const [step, p] of this.steps) {
      p.status =
        p.failed > 0
          ? "failed"
          : p.total === 0
            ? "pending"
            : p.done === p.total && p.running === 0
              ? "succeeded"
              : "running";
      if (p.status === "succeeded" || p.status === "failed") p.finishedAt = this.lastEnded.get(step);
      else delete p.finishedAt;
      this.run.steps[step] = { ...p };
    }
    // Tags may change in the store while the run goes (`tsflow tag`, a step's current.addTags):
    // by compare-and-swap, the stored record gives the tags and this run everything else.
    const run = this.run;
    const saved = await this.datastore.runs.modify(run.flow, run.id, (onDisk) => {
      run.tags = onDisk.tags;
      Object.assign(onDisk, run);
    });
    if (!saved) await this.datastore.runs.update(run);
  }
}
