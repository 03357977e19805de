import type { PageSpec } from "../webview-page";

const BODY = `<header id="toolbar" class="toolbar" role="toolbar" aria-label="DAG preview">
  <span id="flow-name" class="flow-name"></span>
  <span id="run-summary" class="run-summary" role="status" aria-live="polite"></span>
  <button type="button" id="show-latest" data-action="latest" title="Show the flow's latest run again" hidden>Latest Run</button>
  <button type="button" data-action="zoom-out" title="Zoom out (-)" aria-label="Zoom out">\u2212</button>
  <button type="button" data-action="zoom-in" title="Zoom in (+)" aria-label="Zoom in">+</button>
  <button type="button" data-action="fit" title="Fit the graph to the view (0)">Fit</button>
  <button type="button" data-action="export" title="Save the graph as an SVG file">Export SVG</button>
</header>
<main class="stage">
  <section id="banner" class="banner" role="status" aria-live="polite" hidden>
    <p id="banner-title" class="banner-title"></p>
    <ul id="problems" class="problems"></ul>
  </section>
  <svg id="dag" class="dag" role="group" aria-label="Flow graph" aria-roledescription="flow graph">
    <defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
        <path class="arrowhead" d="M0,0 L10,5 L0,10 z"></path>
      </marker>
    </defs>
    <g id="viewport"><g id="edges" class="edges"></g><g id="nodes" class="nodes"></g></g>
  </svg>
  <p id="empty" class="empty" hidden></p>
</main>`;

/**
 * The preview's page: a static skeleton that the script draws the graph into. The flow, its steps
 * and messages arrive later by postMessage and are set as text.
 */
export const PREVIEW_PAGE: PageSpec = { bundle: "preview", title: "DAG", imageSources: "data:", body: BODY };
