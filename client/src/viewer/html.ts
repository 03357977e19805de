import type { PageSpec } from "../webview-page";

const BODY = `<header class="header">
  <span id="pathspec" class="pathspec"></span>
  <span id="facts" class="facts"></span>
  <span id="note" class="note" role="status" aria-live="polite"></span>
</header>
<main id="content" class="content">
  <p id="loading" class="loading">Reading the artifact…</p>
</main>`;

/**
 * The viewer's page. Images may be `data:` URLs (an image artifact arrives as one); uPlot and the
 * table size their parts through `element.style`, which the CSP allows without `'unsafe-inline'`.
 * Nothing of the artifact is written into the page: it arrives by postMessage and is set as text.
 */
export const VIEWER_PAGE: PageSpec = { bundle: "viewer", title: "Artifact", imageSources: "data:", body: BODY };
