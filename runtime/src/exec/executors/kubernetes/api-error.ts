/**
 * A request the cluster answered with an error, or could not be sent: `status` is the HTTP status
 * (undefined for a lost connection or a timeout); `transient` says whether trying again may help.
 */
export class KubernetesApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "KubernetesApiError";
  }
}

/** What a request was doing, to name it in its error: `create job X in namespace Y`. */
export interface RequestSubject {
  verb: string;
  kind: "job" | "jobs" | "pods" | "log of pod";
  name?: string;
  namespace: string;
}

/** Statuses worth trying again: too many requests, and the server's own failures. */
function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * The one-line error for a failed request: what was asked, the status and what it usually means
 * for a TSFlow user (the RBAC rights to ask for, a namespace to create), and the server's words.
 */
export function apiError(error: unknown, subject: RequestSubject): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  const what = `${subject.verb} ${subject.kind}${subject.name ? ` ${subject.name}` : ""} in namespace ${subject.namespace}`;
  const status = statusOf(error);
  if (status === undefined) {
    const line = `Kubernetes could not be reached to ${what}: ${networkReason(error)}`;
    return new KubernetesApiError(line, undefined, isNetworkError(error));
  }
  const said = serverMessage(error);
  const line = `Kubernetes refused to ${what}: ${meaning(status, subject)}${said ? ` (${said})` : ""}`;
  return new KubernetesApiError(line, status, isTransientStatus(status));
}

function meaning(status: number, subject: RequestSubject): string {
  switch (status) {
    case 401:
      return "401 Unauthorized: the kubeconfig's credentials were refused";
    case 403:
      return `403 Forbidden: the user needs RBAC rights on jobs (create, get, list, watch, delete), pods (get, list, watch) and pods/log (get) in namespace ${subject.namespace}`;
    case 404:
      return subject.name && subject.verb !== "create"
        ? `404 Not Found: ${subject.kind} ${subject.name} is gone`
        : `404 Not Found: is there a namespace ${subject.namespace}? (kubectl create namespace ${subject.namespace})`;
    case 409:
      return `409 Conflict: a job named ${subject.name ?? "so"} already exists`;
    case 422:
      return "422 Unprocessable: the cluster found the job invalid";
    case 429:
      return "429 Too Many Requests";
    default:
      return `HTTP ${status}`;
  }
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "number" && code >= 400 ? code : undefined;
}

/** The `message` of the Status object the API server answers errors with. */
function serverMessage(error: unknown): string | undefined {
  const body = (error as { body?: unknown }).body;
  let status: unknown = body;
  if (typeof body === "string") {
    try {
      status = JSON.parse(body);
    } catch {
      return body.trim().slice(0, 300) || undefined;
    }
  }
  const message = (status as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message.slice(0, 300) : undefined;
}

/** A failure to talk to the server (worth trying again), not the client's own refusal to send. */
function isNetworkError(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: string; code?: unknown };
  return (
    name === "FetchError" ||
    name === "AbortError" ||
    name === "TimeoutError" ||
    (typeof code === "string" && /^(E[A-Z]+|UND_ERR)/.test(code))
  );
}

function networkReason(error: unknown): string {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === "AbortError" || name === "TimeoutError") return "no answer in time";
  return code ?? (message ? message.split("\n")[0] : undefined) ?? String(error);
}
