import { open, rm } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";

/**
 * A job's stdout or stderr file, read as it grows: each `read()` returns what was appended since
 * the last one ("" while the job has not created it yet). The file is on the folder the node writes
 * to (TSFLOW_SLURM_OUTPUT_DIR): shared with this machine, or nothing streams (the task's own logs
 * are in the datastore either way).
 */
export class OutputFile {
  private offset = 0;
  private readonly decoder = new StringDecoder("utf8");
  /** The last few thousand characters read, for a crash's message. */
  tail = "";

  constructor(readonly path: string) {}

  async read(): Promise<string> {
    let file;
    try {
      file = await open(this.path, "r");
    } catch {
      return "";
    }
    try {
      const chunks: string[] = [];
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        chunks.push(this.decoder.write(buffer.subarray(0, bytesRead)));
      }
      const text = chunks.join("");
      this.tail = (this.tail + text).slice(-4000);
      return text;
    } finally {
      await file.close();
    }
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
