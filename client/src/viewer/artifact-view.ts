/**
 * What the viewer makes of an artifact's value: an image for PNG or JPEG bytes, a table for arrays
 * and typed arrays, nothing for the rest (the caller offers the artifact as a document instead).
 * Pure: no editor API, so it is tested on real values.
 */
import { formatBytes } from "./display";
import { bytesOf, dataUrl, sniffImage } from "./image";
import type { ArtifactHeader, ArtifactView } from "./messages";
import { DEFAULT_LIMITS, tableOf, type TableLimits } from "./table-model";

/** Larger images are not inlined into the webview: a data: URL of them would be a burden. */
export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;

/** Why a value has no view, for the message that offers the document instead. */
export interface NoView {
  kind: "none";
  reason: string;
}

/** The view of `value`, or why there is none. */
export function artifactView(
  value: unknown,
  header: ArtifactHeader,
  limits: TableLimits = DEFAULT_LIMITS,
): ArtifactView | NoView {
  const bytes = bytesOf(value);
  const image = bytes && sniffImage(bytes);
  if (bytes && image) {
    if (bytes.byteLength > MAX_IMAGE_BYTES) {
      return {
        kind: "none",
        reason: `the ${image.format.toUpperCase()} image is too large to show (${formatBytes(bytes.byteLength)})`,
      };
    }
    return { kind: "image", ...header, ...image, dataUrl: dataUrl(image.format, bytes) };
  }
  // An ArrayBuffer that is no image is shown as its bytes, as a Uint8Array would be.
  const table = tableOf(value instanceof ArrayBuffer ? new Uint8Array(value) : value, header, limits);
  return table ?? { kind: "none", reason: "the viewer shows arrays of records, typed arrays and PNG or JPEG images" };
}
