import { TsflowError } from "../../errors";
import { ArtifactStore } from "../../datastore/artifacts";
import type { SyncArtifacts } from "./prefetched";
import type { ArtifactRef } from "../../datastore/records";
import { UnregisteredClassError, UnstorableValueError } from "../../datastore/serialize";

/** Stands for "no earlier reference" where a tracked entry needs one. */
const PLACEHOLDER: ArtifactRef = { hash: "", size: 0, type: "" };

interface Tracked {
  ref: ArtifactRef;
  state: "untouched" | "loaded" | "assigned";
  value?: unknown;
}

/**
 * The artifacts a task starts with, defined on the flow instance as lazy accessors: a value is
 * read from the datastore only when the step touches it, and an untouched one is carried forward
 * by reference, never re-read or re-stored. At the end, `collect` stores what the step assigned
 * or changed in place.
 */
export class ArtifactScope {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly store: ArtifactStore,
    /** The values the task starts with: fetched before its step runs, or when first read. */
    private readonly fetched: SyncArtifacts,
    private readonly step: string,
    private readonly where: (artifact: string) => string,
  ) {}

  /** Defines `refs` on `target` as lazy artifacts. */
  define(target: object, refs: Record<string, ArtifactRef>): void {
    for (const [name, ref] of Object.entries(refs)) this.lazy(target, name, ref, true);
  }

  /**
   * Defines a read-only field (a parameter) that is stored like an artifact; `previous` is the
   * reference it had in the parent task, kept when the value is the same.
   */
  defineConstant(target: object, name: string, value: unknown, previous: ArtifactRef | undefined): void {
    Object.defineProperty(target, name, { value, writable: false, enumerable: true, configurable: true });
    this.tracked.set(name, { ref: previous ?? PLACEHOLDER, state: "assigned", value });
  }

  /**
   * Defines a read-only field whose value is already stored (a file parameter's content): loaded
   * when first read, carried forward by reference.
   */
  defineReadOnly(target: object, name: string, ref: ArtifactRef): void {
    this.lazy(target, name, ref, false);
  }

  /** Defines `name` on `target` as a field whose value is loaded on its first read. */
  private lazy(target: object, name: string, ref: ArtifactRef, assignable: boolean): void {
    const entry: Tracked = { ref, state: "untouched" };
    this.tracked.set(name, entry);
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: true,
      get: () => {
        if (entry.state === "untouched") {
          entry.value = this.fetched.load(entry.ref, this.where(name));
          entry.state = "loaded";
        }
        return entry.value;
      },
      // Without a setter, assigning the field throws (flow code is strict), as for a parameter.
      set: assignable
        ? (value: unknown) => {
            entry.value = value;
            entry.state = "assigned";
          }
        : undefined,
    });
  }

  /** The references the task ends with: carried, changed and new artifacts alike. */
  async collect(target: object, skip: ReadonlySet<string>): Promise<Record<string, ArtifactRef>> {
    const result: Record<string, ArtifactRef> = {};
    for (const name of Object.keys(target)) {
      if (skip.has(name)) continue;
      const entry = this.tracked.get(name);
      if (entry?.state === "untouched" || (entry?.state === "loaded" && this.unchangedView(entry)))
        result[name] = entry.ref;
      else
        result[name] = await this.save(
          name,
          entry ? entry.value : (target as Record<string, unknown>)[name],
          entry?.ref === PLACEHOLDER ? undefined : entry?.ref,
        );
    }
    return result;
  }

  /** A value read, still a view on the bytes it was decoded from and unchanged: its reference stands. */
  private unchangedView(entry: Tracked): boolean {
    const bytes = this.fetched.bytesOf(entry.ref);
    return bytes !== undefined && ArtifactStore.unchangedView(entry.value, bytes, entry.ref);
  }

  /** Stores a value, keeping the earlier reference when the bytes did not change. */
  private async save(name: string, value: unknown, previous: ArtifactRef | undefined): Promise<ArtifactRef> {
    try {
      return await this.store.save(value, previous);
    } catch (error) {
      if (error instanceof UnregisteredClassError) throw unregisteredClass(this.step, name, error);
      if (error instanceof UnstorableValueError) {
        throw new TsflowError(
          "unstorable-artifact",
          `step \`${this.step}\` cannot store artifact \`${name}\`: ${error.message} (artifacts must be values structured clone can copy, instances of classes the flow file exports or registers, or values a registered serializer takes: no functions or sockets)`,
        );
      }
      throw error;
    }
  }
}

/** The refusal of an instance whose class TSFlow could not restore, with the two ways to make it storable. */
function unregisteredClass(step: string, artifact: string, error: UnregisteredClassError): TsflowError {
  const where = error.path === "value" ? "it" : `\`${error.path.replace(/^value/, artifact)}\``;
  const { className } = error;
  if (error.iterator) {
    return new TsflowError(
      "unstorable-artifact",
      `step \`${step}\` cannot store artifact \`${artifact}\`: ${where} is an iterator (a ${className}), which cannot be stored: store the array of what it yields instead (\`[...iterator]\`)`,
    );
  }
  return new TsflowError(
    "unstorable-artifact",
    `step \`${step}\` cannot store artifact \`${artifact}\`: ${where} is an instance of class ${className}, which would lose its class: export ${className} from the flow file, or call registerClass(${className}) (from "tsflow") before storing it`,
  );
}
