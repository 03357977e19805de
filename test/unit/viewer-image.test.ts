import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { crc32, deflateSync } from "node:zlib";
import { artifactView, MAX_IMAGE_BYTES } from "../../client/src/viewer/artifact-view";
import { bytesOf, sniffImage } from "../../client/src/viewer/image";
import type { ArtifactHeader } from "../../client/src/viewer/messages";

const HEADER: ArtifactHeader = { pathspec: "F/1/start/1/img", type: "Uint8Array(70)", size: 90 };

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A complete, decodable RGB PNG of `width` × `height` grey pixels. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const scanline = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x80)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => scanline)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function segment(marker: number, data: number[]): number[] {
  const length = data.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...data];
}

/** A JPEG's headers as an encoder writes them: JFIF, a quantization table, then a progressive frame. */
function jpeg(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    0xff, // a fill byte before the next marker
    ...segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xda, [1, 1, 0, 0, 63, 0]),
    0xff,
    0xd9,
  ]);
}

describe("artifact viewer: images", () => {
  test("PNG bytes are recognized with their size, whether Buffer, Uint8Array, ArrayBuffer or a view into one", () => {
    const bytes = png(3, 2);
    assert.deepEqual(sniffImage(bytes), { format: "png", width: 3, height: 2 });
    assert.deepEqual(sniffImage(new Uint8Array(bytes)), { format: "png", width: 3, height: 2 });
    const copy = new Uint8Array(bytes).buffer;
    assert.deepEqual(sniffImage(bytesOf(copy)!), { format: "png", width: 3, height: 2 });
    const padded = Buffer.concat([Buffer.from("junk"), png(640, 480)]);
    assert.deepEqual(sniffImage(padded.subarray(4)), { format: "png", width: 640, height: 480 });
  });

  test("JPEG bytes are recognized; the size comes from the frame header past other segments", () => {
    assert.deepEqual(sniffImage(jpeg(1024, 768)), { format: "jpeg", width: 1024, height: 768 });
    assert.deepEqual(sniffImage(jpeg(1024, 768).subarray(0, 30)), { format: "jpeg" }, "cut short: no size");
  });

  test("other bytes are no image", () => {
    for (const bytes of [
      new Uint8Array([]),
      new Uint8Array([0x89, 0x50]),
      Buffer.from("GIF89a"),
      new Uint8Array(100),
    ]) {
      assert.equal(sniffImage(bytes), undefined);
    }
    assert.equal(bytesOf([1, 2]), undefined);
    assert.equal(bytesOf(new Float32Array(2)), undefined);
  });

  test("the view of image bytes is a data: URL of exactly those bytes", () => {
    const bytes = png(3, 2);
    const view = artifactView(bytes, HEADER);
    assert.equal(view.kind, "image");
    if (view.kind !== "image") return;
    assert.deepEqual([view.format, view.width, view.height, view.pathspec], ["png", 3, 2, HEADER.pathspec]);
    const [prefix, base64] = view.dataUrl.split(",");
    assert.equal(prefix, "data:image/png;base64");
    assert.deepEqual(Buffer.from(base64, "base64"), bytes);
    // A Buffer read back from the datastore may be a view into a larger one: only its own bytes count.
    const inside = Buffer.concat([Buffer.alloc(8), bytes]).subarray(8);
    const again = artifactView(inside, HEADER);
    assert.ok(again.kind === "image" && again.dataUrl === view.dataUrl);
  });

  test("an image too large to inline is offered as a document; non-image bytes are a table; other values nothing", () => {
    const huge = new Uint8Array(MAX_IMAGE_BYTES + 1);
    huge.set(png(1, 1));
    const tooLarge = artifactView(huge, HEADER);
    assert.ok(tooLarge.kind === "none" && /too large/.test(tooLarge.reason));
    const bytes = artifactView(new Uint8Array([1, 2, 3]).buffer, HEADER);
    assert.ok(bytes.kind === "table" && bytes.source === "bytes" && bytes.rows.length === 3);
    const other = artifactView(new Map([["a", 1]]), HEADER);
    assert.ok(other.kind === "none");
    assert.match(other.reason, /arrays of records, typed arrays and PNG or JPEG images/);
  });
});
