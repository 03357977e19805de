// The parts of @kubernetes/client-node the Kubernetes executor uses, as one module. The build makes
// it a bundle of its own, dist/kubernetes-sdk.js, required by relative path when a run first opens
// the Kubernetes executor: the SDK (1.6 MB) ships once, and a local run never loads it.
export { ApiException, BatchV1Api, CoreV1Api, KubeConfig, Observable } from "@kubernetes/client-node";
