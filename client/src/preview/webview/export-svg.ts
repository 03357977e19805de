/**
 * The drawing as a standalone SVG file. The live drawing takes its colours from VS Code's CSS
 * variables, which a file opened elsewhere does not have: each element's computed style is copied
 * onto it as presentation attributes, so the file looks as the preview did, in the current theme.
 */
import type { Size } from "./viewport";

/** Properties that decide how the drawing looks; the rest of the computed style is left out. */
const PROPERTIES = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "text-anchor",
  "dominant-baseline",
  "visibility",
  "display",
];

/** `svg` drawn whole at scale 1 (whatever the pan and zoom), on the editor's background. */
export function exportSvg(svg: SVGSVGElement, viewportGroup: SVGGElement, content: Size): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, copy);
  // The page's own dressing of the drawing (faded while stale, the viewport's data) stays behind.
  for (const attribute of ["id", "class", "opacity", "role", "aria-label", "data-x", "data-y", "data-k"]) {
    copy.removeAttribute(attribute);
  }
  const width = String(Math.max(1, content.width));
  const height = String(Math.max(1, content.height));
  copy.setAttribute("width", width);
  copy.setAttribute("height", height);
  copy.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const group = copy.querySelector(`#${viewportGroup.id}`);
  group?.removeAttribute("transform");
  const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", getComputedStyle(document.body).backgroundColor);
  copy.insertBefore(background, copy.firstChild);
  for (const node of copy.querySelectorAll("[tabindex]")) node.removeAttribute("tabindex");
  return new XMLSerializer().serializeToString(copy);
}

/** Copies the computed look of each element of `live` onto its twin in `copy`. */
function inlineStyles(live: Element, copy: Element): void {
  if (!(live instanceof SVGElement) || live instanceof SVGTitleElement) return;
  const style = getComputedStyle(live);
  for (const property of PROPERTIES) {
    const value = style.getPropertyValue(property);
    if (value) copy.setAttribute(property, value);
  }
  const liveChildren = live.children;
  const copyChildren = copy.children;
  for (let i = 0; i < liveChildren.length && i < copyChildren.length; i++)
    inlineStyles(liveChildren[i], copyChildren[i]);
}
