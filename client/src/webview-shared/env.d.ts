/**
 * What a page of the extension has besides the DOM: VS Code's `acquireVsCodeApi` (callable once
 * per page), and CSS imports, which esbuild bundles into the page's dist/NAME.css.
 */
interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi<State = unknown>(): VsCodeApi<State>;

declare module "*.css";
