import type { LogStream } from "../../datastore/layout";
import type { LogSizes } from "../../datastore/records";

/**
 * The most a task keeps of each stream (16 MiB, or TSFLOW_LOG_LIMIT bytes); what comes after is
 * counted and noted, not stored.
 */
export const LOG_LIMIT =
  Number(process.env.TSFLOW_LOG_LIMIT) > 0 ? Number(process.env.TSFLOW_LOG_LIMIT) : 16 * 1024 * 1024;

export interface LogSink {
  /** Appends to the task's stored log. */
  store(stream: LogStream, text: string): void;
  /** Shows the output live (the scheduler prefixes and prints it). */
  forward(stream: LogStream, text: string): void;
}

interface StreamState {
  pending: string[];
  stored: number;
  dropped: number;
  /** Whether what was stored so far ends a line (or nothing was). */
  lineEnded: boolean;
}

/**
 * Routes what a task prints (console.log, process.stdout.write) into its log: buffered, flushed
 * every 100 ms so a running task's log can be read, and cut at LOG_LIMIT with a note.
 */
export class LogCapture {
  private sink: LogSink | undefined;
  private streams: Record<LogStream, StreamState> = fresh();
  private timer: NodeJS.Timeout | undefined;
  private readonly originals: Record<LogStream, typeof process.stdout.write>;

  constructor() {
    this.originals = {
      stdout: process.stdout.write.bind(process.stdout),
      stderr: process.stderr.write.bind(process.stderr),
    };
    for (const stream of ["stdout", "stderr"] as const) {
      const target = process[stream];
      target.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (!this.sink) return (this.originals[stream] as (...args: unknown[]) => boolean)(chunk, ...rest);
        this.capture(stream, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
        callback?.();
        return true;
      };
    }
  }

  /** Starts routing output into `sink` until `stop`. */
  start(sink: LogSink): void {
    this.sink = sink;
    this.streams = fresh();
    this.timer = setInterval(() => this.flush(), 100);
  }

  /**
   * Adds TSFlow's own note to the log, on a line of its own, past the limit if need be (a failed
   * attempt's error must be there), and without showing it live: the run reports it otherwise.
   */
  note(stream: LogStream, text: string): void {
    this.flush();
    const state = this.streams[stream];
    const line = state.lineEnded || text === "" ? text : `\n${text}`;
    this.sink?.store(stream, line);
    state.stored += Buffer.byteLength(line);
    if (line !== "") state.lineEnded = line.endsWith("\n");
  }

  /** Flushes and stops; returns how much each stream stored and whether it was cut. */
  stop(): LogSizes {
    this.flush();
    clearInterval(this.timer);
    const sizes: LogSizes = {};
    for (const stream of ["stdout", "stderr"] as const) {
      const state = this.streams[stream];
      if (state.dropped > 0)
        this.sink?.store(
          stream,
          `\n[tsflow: output cut here: ${state.dropped} more bytes were printed than the ${LOG_LIMIT} bytes kept]\n`,
        );
      if (state.stored > 0) sizes[stream] = { bytes: state.stored, truncated: state.dropped > 0 };
    }
    this.sink = undefined;
    return sizes;
  }

  /** Writes straight to the worker's real stream, bypassing the capture. */
  writeRaw(stream: LogStream, text: string): void {
    this.originals[stream](text);
  }

  private capture(stream: LogStream, text: string) {
    const state = this.streams[stream];
    const room = LOG_LIMIT - state.stored;
    if (room <= 0) {
      state.dropped += Buffer.byteLength(text);
      return;
    }
    const bytes = Buffer.byteLength(text);
    const kept = bytes <= room ? text : Buffer.from(text).subarray(0, room).toString("utf8");
    state.pending.push(kept);
    state.stored += Buffer.byteLength(kept);
    state.dropped += bytes - Buffer.byteLength(kept);
  }

  flush(): void {
    if (!this.sink) return;
    for (const stream of ["stdout", "stderr"] as const) {
      const state = this.streams[stream];
      if (state.pending.length === 0) continue;
      const text = state.pending.join("");
      state.pending = [];
      state.lineEnded = text.endsWith("\n");
      this.sink.store(stream, text);
      this.sink.forward(stream, text);
    }
  }
}

function fresh(): Record<LogStream, StreamState> {
  const state = (): StreamState => ({ pending: [], stored: 0, dropped: 0, lineEnded: true });
  return { stdout: state(), stderr: state() };
}
