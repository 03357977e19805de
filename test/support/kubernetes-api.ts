import { DeleteOptions } from "@kubernetes-models/apimachinery/apis/meta/v1";
import { Job } from "kubernetes-models/batch/v1";
import { Pod } from "kubernetes-models/v1";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { jobProblem } from "./kubernetes-rules";

/**
 * How the fake cluster plays a Job's pod, one stage per poll of the pods (so a test waits on the
 * executor's own requests, never on a clock): `Pending` first, then the script.
 * - succeeds / fails: runs (its log served), then exits with `exitCode` (0, or 1 by default);
 * - oomKilled: runs, then is killed with reason OOMKilled (137);
 * - deadlineExceeded: runs, then the Job fails with DeadlineExceeded and its pod is killed;
 * - evicted: runs, then the pod fails with reason Evicted and no exit code;
 * - imagePullBackOff: stays Pending, its container waiting on ImagePullBackOff;
 * - unschedulable: stays Pending, PodScheduled False (Unschedulable);
 * - runs: runs until its Job is deleted;
 * - exec: runs the container's command for real, as a kubelet would, with the fake's `kubelet`
 *   (the image's entry point, a local command) and the container's environment, its Secrets
 *   (`envFrom`) taken from `secrets`: a missing one is CreateContainerConfigError.
 */
export type PodScript = {
  kind:
    | "succeeds"
    | "fails"
    | "oomKilled"
    | "deadlineExceeded"
    | "evicted"
    | "imagePullBackOff"
    | "unschedulable"
    | "runs"
    | "exec";
  exitCode?: number;
  /** Lines the container writes. */
  logs?: string[];
  /** The log stream is cut after this many lines the first time it is followed (a dropped connection). */
  dropLogAfter?: number;
};

/** A one-time answer to the next request that matches, before the fake's own handling. */
export interface Fault {
  method: string;
  /** Matched against the path (without the query). */
  path: RegExp;
  /** An HTTP status answered with a Status object, or `drop`: the connection is closed unanswered. */
  answer: number | "drop";
  /** How many matching requests get it (default 1). */
  times?: number;
}

interface FakeJob {
  job: Record<string, unknown> & { metadata: Record<string, unknown>; status: Record<string, unknown> };
  script: PodScript;
  pod?: FakePod;
  stage: number;
}

interface FakePod {
  name: string;
  object: Record<string, unknown> & { status: Record<string, unknown> };
  logsDropped: boolean;
  /** Open follows (and whether each wants timestamps), ended when the pod terminates. */
  followers: Map<http.ServerResponse, boolean>;
  /** What the container wrote so far, each line with the time it came. */
  lines: Array<{ line: string; stamp: string }>;
  /** For `exec`: the container's process, and its exit code once it ended. */
  process?: ChildProcess;
  exitCode?: number | null;
}

/** How the fake runs a container for real (`exec`): the image's entry point, and the node's environment. */
export interface FakeKubelet {
  entryPoint: string[];
  env: Record<string, string>;
}

/** One request as received: the method, path with query, and the parsed body. */
export interface Received {
  method: string;
  path: string;
  body?: unknown;
  authorization?: string;
}

/**
 * An in-test Kubernetes API server (node:http, 127.0.0.1, an ephemeral port) that speaks the few
 * Jobs and Pods calls the Kubernetes executor makes: create, list (label selectors), delete of
 * Jobs; list of Pods; a pod's log, followed. Every body it receives is validated against
 * kubernetes-models' schemas and the API server's own name and label rules, and refused with 422
 * when invalid, as a cluster would; every object it answers with is validated too.
 */
export class FakeKubernetesApi {
  readonly received: Received[] = [];
  readonly jobs = new Map<string, FakeJob>();
  readonly deleted: Array<{ namespace: string; name: string; propagationPolicy?: string }> = [];
  /** Bodies refused as invalid, with the reason. */
  readonly refused: string[] = [];
  readonly faults: Fault[] = [];
  private readonly created: Job[] = [];
  namespaces = new Set(["default", "tsflow"]);
  /** Secrets by name, for `exec` pods' `envFrom`. */
  readonly secrets = new Map<string, Record<string, string>>();
  private readonly server = http.createServer((request, response) => void this.handle(request, response));
  private clock = Date.parse("2026-01-01T00:00:00Z");

  constructor(
    private readonly scriptFor: (job: Job) => PodScript = () => ({ kind: "succeeds" }),
    private readonly kubelet?: FakeKubelet,
  ) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const fake of this.jobs.values()) fake.pod?.process?.kill("SIGKILL");
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Deletes a Job and its pod as someone else would (kubectl delete), unasked by the executor. */
  deleteOutside(name: string): void {
    for (const [key, fake] of this.jobs) {
      if (fake.job.metadata.name !== name) continue;
      this.jobs.delete(key);
      if (fake.pod) this.endFollowers(fake.pod);
    }
  }

  /** The Jobs created (a refused or dropped create is not), as received. */
  createdJobs(): Job[] {
    return [...this.created];
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake");
    const text = await readBody(request);
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    this.received.push({
      method: request.method ?? "",
      path: url.pathname + url.search,
      body,
      authorization: request.headers.authorization,
    });
    const fault = this.faults.find(
      (f) => f.method === request.method && f.path.test(url.pathname) && (f.times ?? 1) > 0,
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.answer === "drop") request.socket.destroy();
      else status(response, fault.answer, `scripted ${fault.answer}`);
      return;
    }
    this.route(request.method ?? "", url, body, response);
  }

  private route(method: string, url: URL, body: unknown, response: http.ServerResponse): void {
    const jobs = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/.exec(url.pathname);
    const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+)\/log)?$/.exec(url.pathname);
    const namespace = jobs?.[1] ?? pods?.[1] ?? "";
    if (!this.namespaces.has(namespace)) return status(response, 404, `namespaces "${namespace}" not found`);
    const selector = url.searchParams.get("labelSelector") ?? "";
    if (jobs && method === "POST" && !jobs[2]) return this.create(namespace, body, response);
    if (jobs && method === "GET" && !jobs[2]) return json(response, 200, this.listJobs(namespace, selector));
    if (jobs && method === "DELETE" && jobs[2]) return this.delete(namespace, jobs[2], url, body, response);
    if (pods && method === "GET" && !pods[2]) return json(response, 200, this.listPods(namespace, selector));
    if (pods && method === "GET" && pods[2]) return this.log(namespace, pods[2], url, response);
    status(response, 405, `${method} ${url.pathname} is not spoken here`);
  }

  private create(namespace: string, body: unknown, response: http.ServerResponse): void {
    const problem = jobProblem(body, namespace);
    if (problem) {
      this.refused.push(problem);
      return status(response, 422, `Job is invalid: ${problem}`);
    }
    const job = structuredClone(body) as FakeJob["job"];
    const name = String(job.metadata.name);
    if (this.jobs.has(`${namespace}/${name}`)) return status(response, 409, `jobs.batch "${name}" already exists`);
    this.created.push(new Job(body as never));
    job.metadata = { ...job.metadata, uid: randomBytes(8).toString("hex"), creationTimestamp: this.now() };
    job.status = {};
    this.jobs.set(`${namespace}/${name}`, { job, script: this.scriptFor(new Job(body as never)), stage: 0 });
    json(response, 201, checked(Job, job));
  }

  private listJobs(namespace: string, selector: string) {
    const items = [...this.inNamespace(namespace)]
      .filter((j) => matches(j.job.metadata.labels as Record<string, string> | undefined, selector))
      .map((j) => checked(Job, j.job));
    return { apiVersion: "batch/v1", kind: "JobList", metadata: {}, items };
  }

  private listPods(namespace: string, selector: string) {
    for (const fake of this.inNamespace(namespace)) this.advance(fake);
    const items = [...this.inNamespace(namespace)]
      .flatMap((j) => (j.pod ? [j.pod.object] : []))
      .filter((pod) => matches((pod.metadata as { labels?: Record<string, string> }).labels, selector))
      .map((pod) => checked(Pod, pod));
    return { apiVersion: "v1", kind: "PodList", metadata: {}, items };
  }

  private delete(namespace: string, name: string, url: URL, body: unknown, response: http.ServerResponse): void {
    if (body !== undefined && body !== null && Object.keys(body).length > 0) {
      try {
        new DeleteOptions(body).validate();
      } catch (error) {
        return status(response, 422, `DeleteOptions is invalid: ${(error as Error).message}`);
      }
    }
    const key = `${namespace}/${name}`;
    const fake = this.jobs.get(key);
    if (!fake) return status(response, 404, `jobs.batch "${name}" not found`);
    const propagationPolicy =
      url.searchParams.get("propagationPolicy") ??
      (body as { propagationPolicy?: string } | undefined)?.propagationPolicy;
    this.deleted.push({ namespace, name, ...(propagationPolicy ? { propagationPolicy } : {}) });
    this.jobs.delete(key);
    fake.pod?.process?.kill("SIGKILL");
    if (fake.pod) this.endFollowers(fake.pod);
    json(response, 200, { apiVersion: "v1", kind: "Status", metadata: {}, status: "Success" });
  }

  /** A pod's log: every line so far; with follow, the stream stays open until the pod ends. */
  private log(namespace: string, podName: string, url: URL, response: http.ServerResponse): void {
    const fake = [...this.inNamespace(namespace)].find((j) => j.pod?.name === podName);
    const pod = fake?.pod;
    if (!fake || !pod) return status(response, 404, `pods "${podName}" not found`);
    if (url.searchParams.get("container") !== "step") return status(response, 400, "container name is required");
    const since = url.searchParams.get("sinceTime");
    const shown = pod.lines.filter(({ stamp }) => !since || stamp.slice(0, 19) >= since.slice(0, 19));
    response.writeHead(200, { "content-type": "text/plain" });
    const timestamps = url.searchParams.get("timestamps") === "true";
    const drop = !pod.logsDropped && fake.script.dropLogAfter !== undefined;
    for (const [i, { line, stamp }] of shown.entries()) {
      if (drop && i === fake.script.dropLogAfter) {
        // The socket ends without the stream's last chunk: the client sees the connection drop.
        pod.logsDropped = true;
        response.socket?.end();
        return;
      }
      response.write(`${timestamps ? `${stamp} ` : ""}${line}\n`);
    }
    if (url.searchParams.get("follow") === "true" && !terminal(pod)) pod.followers.set(response, timestamps);
    else response.end();
  }

  /** Moves a Job's pod one stage along its script. */
  private advance(fake: FakeJob): void {
    const stage = fake.stage++;
    if (stage === 0) {
      fake.pod = this.newPod(fake);
      return;
    }
    const pod = fake.pod;
    if (!pod || terminal(pod) || fake.job.status.conditions) return;
    const kind = fake.script.kind;
    if (kind === "imagePullBackOff" || kind === "unschedulable") return this.stuck(pod, kind);
    if (kind === "exec") return this.exec(fake, pod);
    if (stage === 1 || kind === "runs") return this.run(pod);
    this.finish(fake, pod);
  }

  private stuck(pod: FakePod, kind: "imagePullBackOff" | "unschedulable"): void {
    if (kind === "unschedulable") {
      pod.object.status.conditions = [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.",
        },
      ];
      return;
    }
    const waiting = { reason: "ImagePullBackOff", message: 'Back-off pulling image "nowhere.invalid/tsflow:0"' };
    pod.object.status.containerStatuses = [containerStatus({ waiting })];
  }

  /** Starts the container's process once its Secrets are there; ends the pod once it exited. */
  private exec(fake: FakeJob, pod: FakePod): void {
    if (pod.process) {
      if (pod.exitCode !== undefined) this.finish(fake, pod);
      return;
    }
    const container = (pod.object.spec as { containers: Array<Container> }).containers[0];
    const missing = (container?.envFrom ?? [])
      .map((e) => e.secretRef?.name ?? "")
      .find((name) => !this.secrets.has(name));
    if (missing !== undefined) {
      const waiting = { reason: "CreateContainerConfigError", message: `secret "${missing}" not found` };
      pod.object.status = { phase: "Pending", containerStatuses: [containerStatus({ waiting })] };
      return;
    }
    if (!this.kubelet) throw new Error("an exec pod needs the fake's kubelet");
    const env: Record<string, string> = { ...this.kubelet.env };
    for (const from of container?.envFrom ?? []) Object.assign(env, this.secrets.get(from.secretRef?.name ?? ""));
    for (const variable of container?.env ?? []) {
      env[variable.name] =
        variable.valueFrom?.fieldRef?.fieldPath === "metadata.name" ? pod.name : (variable.value ?? "");
    }
    const [command = "", ...entryArgs] = this.kubelet.entryPoint;
    const child = spawn(command, [...entryArgs, ...(container?.args ?? [])], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    pod.process = child;
    let partial = "";
    const write = (chunk: Buffer) => {
      const parts = (partial + chunk.toString("utf8")).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) this.append(pod, line);
    };
    child.stdout.on("data", write);
    child.stderr.on("data", write);
    child.on("close", (code) => {
      if (partial) this.append(pod, partial);
      pod.exitCode = code;
    });
    this.run(pod);
  }

  /** A line the container wrote: kept, and sent to every open follow. */
  private append(pod: FakePod, line: string): void {
    const entry = { line, stamp: this.now() };
    pod.lines.push(entry);
    for (const [response, timestamps] of pod.followers)
      response.write(`${timestamps ? `${entry.stamp} ` : ""}${line}\n`);
  }

  private run(pod: FakePod): void {
    const startedAt = this.now();
    pod.object.status = {
      phase: "Running",
      startTime: startedAt,
      containerStatuses: [containerStatus({ running: { startedAt } })],
    };
  }

  private finish(fake: FakeJob, pod: FakePod): void {
    const { kind } = fake.script;
    const startedAt =
      (pod.object.status.containerStatuses as Array<{ state: { running?: { startedAt: string } } }>)[0]?.state.running
        ?.startedAt ?? this.now();
    const terminated = (exitCode: number, reason: string) => ({ exitCode, reason, startedAt, finishedAt: this.now() });
    const failed = (reason: string, message: string) => {
      fake.job.status = {
        failed: 1,
        conditions: [{ type: "Failed", status: "True", reason, message, lastTransitionTime: this.now() }],
      };
    };
    const exitCode = kind === "exec" ? (pod.exitCode ?? 137) : fake.script.exitCode;
    if (kind === "succeeds" || ((kind === "fails" || kind === "exec") && exitCode === 0)) {
      pod.object.status = {
        phase: "Succeeded",
        containerStatuses: [containerStatus({ terminated: terminated(0, "Completed") })],
      };
      fake.job.status = {
        succeeded: 1,
        conditions: [{ type: "Complete", status: "True", lastTransitionTime: this.now() }],
      };
    } else if (kind === "fails" || kind === "oomKilled" || kind === "exec") {
      const [code, reason] = kind === "oomKilled" ? [137, "OOMKilled"] : [exitCode ?? 1, "Error"];
      pod.object.status = {
        phase: "Failed",
        containerStatuses: [containerStatus({ terminated: terminated(code, reason) })],
      };
      failed("BackoffLimitExceeded", "Job has reached the specified backoff limit");
    } else if (kind === "deadlineExceeded") {
      pod.object.status = {
        phase: "Failed",
        containerStatuses: [containerStatus({ terminated: terminated(137, "Error") })],
      };
      failed("DeadlineExceeded", "Job was active longer than specified deadline");
    } else if (kind === "evicted") {
      pod.object.status = { phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory." };
      failed("BackoffLimitExceeded", "Job has reached the specified backoff limit");
    }
    this.endFollowers(pod);
  }

  private newPod(fake: FakeJob): FakePod {
    const jobName = String(fake.job.metadata.name);
    const template = (fake.job.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: unknown } })
      .template;
    const name = `${jobName}-${randomBytes(3).toString("hex").slice(0, 5)}`;
    const labels = { ...template.metadata?.labels, "batch.kubernetes.io/job-name": jobName, "job-name": jobName };
    const object = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: fake.job.metadata.namespace, labels, creationTimestamp: this.now() },
      spec: template.spec,
      status: { phase: "Pending" } as Record<string, unknown>,
    };
    const lines = (fake.script.logs ?? []).map((line) => ({ line, stamp: this.now() }));
    return { name, object, logsDropped: false, followers: new Map(), lines };
  }

  private endFollowers(pod: FakePod): void {
    for (const response of pod.followers.keys()) response.end();
    pod.followers.clear();
  }

  private *inNamespace(namespace: string): Iterable<FakeJob> {
    for (const [key, fake] of this.jobs) if (key.startsWith(`${namespace}/`)) yield fake;
  }

  /** A clock that moves 1 ms per reading, so every stamp is distinct and in order (all in one second). */
  private now(): string {
    this.clock += 1;
    return new Date(this.clock).toISOString();
  }
}

function containerStatus(state: Record<string, unknown>) {
  return { name: "step", image: "tsflow", imageID: "", ready: state.running !== undefined, restartCount: 0, state };
}

function terminal(pod: FakePod): boolean {
  return pod.object.status.phase === "Succeeded" || pod.object.status.phase === "Failed";
}

/** Equality selectors (`a=b,c==d,e!=f`), the kind the executor sends. */
function matches(labels: Record<string, string> | undefined, selector: string): boolean {
  return selector
    .split(",")
    .filter((term) => term !== "")
    .every((term) => {
      const [key, negated, value] = /^([^!=]+)(!=|==?)(.*)$/.exec(term)?.slice(1) ?? [term, "", ""];
      return negated === "!=" ? labels?.[key] !== value : labels?.[key] === value;
    });
}

/** `value` as answered, after checking it against its schema: the fake never answers what a cluster could not. */
function checked<T>(Model: new (data: never) => { validate(): void }, value: T): T {
  new Model(value as never).validate();
  return value;
}

function json(response: http.ServerResponse, code: number, value: unknown): void {
  response.writeHead(code, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

function status(response: http.ServerResponse, code: number, message: string): void {
  const reasons: Record<number, string> = {
    403: "Forbidden",
    404: "NotFound",
    409: "AlreadyExists",
    422: "Invalid",
    429: "TooManyRequests",
  };
  json(response, code, {
    apiVersion: "v1",
    kind: "Status",
    metadata: {},
    status: "Failure",
    message,
    reason: reasons[code] ?? "InternalError",
    code,
  });
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (text += chunk));
    request.on("end", () => resolve(text));
    request.on("error", reject);
  });
}

/** The parts of a container an `exec` pod reads. */
interface Container {
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }>;
  envFrom?: Array<{ secretRef?: { name?: string } }>;
}
