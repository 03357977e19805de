/**
 * A duration as people read it, everywhere TSFlow shows one (the CLI, code lenses, DAG nodes,
 * notifications): `64 ms`, `12.5 s`, `3 min 5 s`, `2 h 7 min`. Pure, so the language server and the
 * preview's browser bundle share it.
 */
export function formatDuration(ms: number): string {
  // 999.6 ms would print as "1000 ms": from there on, seconds.
  if (ms < 999.5) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  // 59.96 s would print as "60.0 s": from there on, minutes read better.
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(Math.round(seconds) / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds) % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
