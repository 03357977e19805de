/**
 * Log documents that follow their task: while a log's document is open and its task may still
 * print, the log is read again every `intervalMs` and the document told to refresh when it grew.
 * Polling stops when the task is recorded (or its run ends) and when the document closes. No
 * `vscode` here: the read and the refresh are passed in, so tests drive real runs.
 */
import { errorMessage } from "../error-message";
import type { LogTarget } from "../run-targets";
import type { LogRead } from "./read";
import { renderReadError } from "./render";

/** How often a live log is read again. */
export const TAIL_INTERVAL_MS = 500;

interface Tail {
  target: LogTarget;
  text: string;
  /** Tells the document to read `text` again. */
  changed: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The open log documents, each keyed by its URI, and the polls of those still live. */
export class LogTails {
  private readonly tails = new Map<string, Tail>();

  constructor(
    private readonly read: (target: LogTarget) => Promise<LogRead>,
    private readonly intervalMs = TAIL_INTERVAL_MS,
  ) {}

  /**
   * The document text of `key`'s log: read on the first call (which throws what the read throws),
   * then the latest text a poll read. `changed` is called whenever that text changes.
   */
  async open(key: string, target: LogTarget, changed: () => void): Promise<string> {
    const known = this.tails.get(key);
    if (known) return known.text;
    const read = await this.read(target);
    // Another open of the same document may have finished first: keep the one tail.
    const tail = this.tails.get(key) ?? { target, text: renderLog(target, read), changed };
    if (!this.tails.has(key)) {
      this.tails.set(key, tail);
      if (read.live) this.schedule(key, tail);
    }
    return tail.text;
  }

  /** Whether `key`'s log is being followed now. */
  following(key: string): boolean {
    return this.tails.get(key)?.timer !== undefined;
  }

  /** Forgets `key`'s log and stops following it: its document closed. */
  close(key: string): void {
    const tail = this.tails.get(key);
    if (tail?.timer !== undefined) clearTimeout(tail.timer);
    this.tails.delete(key);
  }

  dispose(): void {
    for (const key of [...this.tails.keys()]) this.close(key);
  }

  private schedule(key: string, tail: Tail): void {
    tail.timer = setTimeout(() => void this.poll(key, tail), this.intervalMs);
  }

  private async poll(key: string, tail: Tail): Promise<void> {
    tail.timer = undefined;
    let text: string;
    let live = false;
    try {
      const read = await this.read(tail.target);
      text = renderLog(tail.target, read);
      live = read.live;
    } catch (error) {
      // The run was deleted or its datastore moved: say so in the document and stop.
      text = renderReadError(`the ${tail.target.stream} of ${tail.target.task}`, errorMessage(error));
    }
    if (this.tails.get(key) !== tail) return;
    if (live) this.schedule(key, tail);
    if (text !== tail.text) {
      tail.text = text;
      tail.changed();
    }
  }
}

/** A log's document: what the task printed, then a line in brackets when there is more to know. */
export function renderLog(target: LogTarget, read: LogRead): string {
  const notes: string[] = [];
  if (read.cut) notes.push(`[TSFlow cut this log at its size limit: ${target.task} printed more]`);
  const task = target.attempt === undefined ? target.task : `${target.task} (attempt ${target.attempt})`;
  if (read.live) notes.push(`[${task} is still running: following its ${target.stream}…]`);
  else if (read.text === "") notes.push(`[${task} printed nothing to ${target.stream}]`);
  if (notes.length === 0) return read.text;
  const separator = read.text === "" || read.text.endsWith("\n") ? "" : "\n";
  return `${read.text}${separator}${notes.join("\n")}\n`;
}
