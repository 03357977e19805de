import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export interface ProcessRun {
  code: number | null;
  seconds: number;
  /** The largest peak RSS (VmHWM) of the command and any process it started, in MB. */
  maxRssMB: number;
  stdout: string;
  stderr: string;
}

/** Children by parent pid, from /proc. */
function childrenOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))![1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

function peakRssMB(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return kb ? Number(kb[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command to its end, timing its wall clock; with `watchMemory`, polls the process tree's
 * peak RSS every 20 ms (VmHWM only grows, so a poll after the peak sees it).
 */
export function runProcess(
  command: string,
  args: string[],
  cwd: string,
  watchMemory = false,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let maxRssMB = 0;
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const poll = () => {
      const tree = childrenOf();
      const pending = [child.pid!];
      while (pending.length > 0) {
        const pid = pending.pop()!;
        maxRssMB = Math.max(maxRssMB, peakRssMB(pid));
        pending.push(...(tree.get(pid) ?? []));
      }
    };
    const timer = watchMemory ? setInterval(poll, 20) : undefined;
    child.on("exit", (code) => {
      clearInterval(timer);
      resolve({ code, seconds: (performance.now() - started) / 1000, maxRssMB, stdout, stderr });
    });
  });
}
