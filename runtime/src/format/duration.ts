/**
 * A step's duration at a glance, as the editor shows it on code lenses and DAG nodes: `0.4 s`,
 * `12.5 s`, `3 min 5 s`, `2 h 7 min`. Pure, so the language server and the preview's browser
 * bundle share it.
 */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  // 59.96 s would print as "60.0 s": from there on, minutes read better.
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(Math.round(seconds) / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds) % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
