/**
 * Recognizes PNG and JPEG bytes by their signatures and reads their pixel size from the header,
 * without decoding the image. Pure: bytes in, plain data out.
 */

/** What an image's header says. */
export interface SniffedImage {
  format: "png" | "jpeg";
  width?: number;
  height?: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/** The bytes of a Uint8Array (a Buffer is one), an ArrayBuffer or a DataView; undefined for anything else. */
export function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value instanceof DataView) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/** The image `bytes` hold, when they start with the PNG or JPEG signature; else undefined. */
export function sniffImage(bytes: Uint8Array): SniffedImage | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return { format: "png", ...pngSize(bytes) };
  if (startsWith(bytes, JPEG_SIGNATURE)) return { format: "jpeg", ...jpegSize(bytes) };
  return undefined;
}

/** `data:image/png;base64,...`: the only way an image reaches the webview, whose CSP allows `data:`. */
export function dataUrl(format: SniffedImage["format"], bytes: Uint8Array): string {
  return `data:image/${format};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")}`;
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

/** A PNG's first chunk is IHDR: width and height as big-endian 32-bit numbers at bytes 16 and 20. */
function pngSize(bytes: Uint8Array): { width?: number; height?: number } {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") return {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Start-of-frame markers (baseline, progressive, lossless...): not DHT (C4), JPG (C8) or DAC (CC). */
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** A JPEG's size is in its start-of-frame segment: walk the segments before the image data to it. */
function jpegSize(bytes: Uint8Array): { width?: number; height?: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return {};
    const marker = bytes[at + 1];
    // Fill bytes (0xFF) may pad before a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    // The start of scan: the compressed data follows, and no frame header came first.
    if (marker === 0xda || marker === 0xd9) return {};
    const length = view.getUint16(at + 2);
    if (SOF_MARKERS.has(marker)) {
      if (at + 9 > bytes.length) return {};
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return {};
}
