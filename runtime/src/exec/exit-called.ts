/**
 * A step that calls process.exit ends `tsflow step` before it can record anything. It says so
 * first, on stderr, in this line; the engine's log tail carries it to remoteOutcome, which makes
 * the crash name it as the local worker pool's does (exec/crash.ts, ProcessExit).
 */
export function exitCalledLine(step: string, code: number): string {
  return `tsflow: step \`${step}\` called process.exit(${code})\n`;
}

/** The code of the process.exit call a log tail reports, if any. */
export function exitCalledIn(stderrTail: string): number | undefined {
  const match = /^tsflow: step `[^`]*` called process\.exit\((-?\d+)\)$/m.exec(stderrTail);
  return match ? Number(match[1]) : undefined;
}
