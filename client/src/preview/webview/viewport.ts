/**
 * Pan and zoom as plain arithmetic on a viewport (a translation, then a scale): the drawing point
 * p shows at p·k + (x, y). Pure, so the webview's interactions stay thin.
 */
import type { Viewport } from "../messages";

/** How far the user may zoom out and in. */
export const MIN_ZOOM = 0.2;
export const MAX_ZOOM = 3;

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Size {
  x: number;
  y: number;
}

/** No pan, no zoom. */
export const IDENTITY: Viewport = { x: 0, y: 0, k: 1 };

const clampZoom = (k: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** Zooms by `factor` keeping the screen point (px, py) still: under the mouse, or the centre. */
export function zoomAt(v: Viewport, factor: number, px: number, py: number): Viewport {
  const k = clampZoom(v.k * factor);
  const ratio = k / v.k;
  return { k, x: px - (px - v.x) * ratio, y: py - (py - v.y) * ratio };
}

/** Moves the drawing by (dx, dy) screen pixels. */
export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { ...v, x: v.x + dx, y: v.y + dy };
}

/** The whole drawing in view, centred, never enlarged past its natural size. */
export function fit(content: Size, view: Size, padding = 16): Viewport {
  if (content.width <= 0 || content.height <= 0 || view.width <= 0 || view.height <= 0) return IDENTITY;
  const k = clampZoom(
    Math.min(1, (view.width - 2 * padding) / content.width, (view.height - 2 * padding) / content.height),
  );
  return { k, x: (view.width - content.width * k) / 2, y: Math.max(padding, (view.height - content.height * k) / 2) };
}

/** The smallest pan that brings `rect` (drawing coordinates) into view, with a margin. */
export function reveal(v: Viewport, rect: Rect, view: Size, margin = 24): Viewport {
  const left = rect.x * v.k + v.x;
  const top = rect.y * v.k + v.y;
  const right = left + rect.width * v.k;
  const bottom = top + rect.height * v.k;
  const dx = left < margin ? margin - left : right > view.width - margin ? view.width - margin - right : 0;
  const dy = top < margin ? margin - top : bottom > view.height - margin ? view.height - margin - bottom : 0;
  return dx === 0 && dy === 0 ? v : panBy(v, dx, dy);
}

/** The SVG `transform` attribute of the viewport group. */
export function transformOf(v: Viewport): string {
  return `translate(${round(v.x)} ${round(v.y)}) scale(${round(v.k, 1000)})`;
}

const round = (n: number, by = 100) => Math.round(n * by) / by;
