/** Any method `this.next` may name; steps take nothing, or `inputs` when they are joins. */
export type StepMethod = (...args: never[]) => unknown;

/** The names of a flow's own fields: what `foreach` and `condition` may name. */
export type ArtifactName<F> = Exclude<keyof F, keyof FlowSpec> & string;

/** The names of a flow's step methods. */
export type StepName<F> = { [K in keyof F]: F[K] extends StepMethod ? K : never }[Exclude<keyof F, keyof FlowSpec>] &
  string;

/**
 * What a join step receives: one entry per incoming task, iterable and indexable (`inputs[0].x`),
 * and by step name after a static branch (`inputs.a.x`).
 */
export type Inputs<F> = ReadonlyArray<Readonly<F>> & { readonly [K in StepName<F>]: Readonly<F> };

/**
 * Which artifacts `mergeArtifacts` copies: all that agree but `exclude`, or only `include`. The two
 * together are refused, as in Metaflow.
 */
export type MergeOptions =
  | {
      /** Artifacts not to merge, for example those the join sets itself. */
      exclude?: readonly string[];
      include?: never;
    }
  | {
      /** Merge only these artifacts. */
      include?: readonly string[];
      exclude?: never;
    };

/** The transition a step chose, kept on the instance for the runtime to read after the step. */
export interface ChosenTransition {
  targets: StepMethod[] | Record<string, StepMethod>;
  foreach?: string;
  condition?: string;
}

/** Each running flow instance's chosen transition: kept off the instance, out of users' types. */
const transitions = new WeakMap<object, ChosenTransition>();

/** The transition a step chose with `this.next(...)`, read by the runtime after the step. */
export function chosenTransition(flow: object): ChosenTransition | undefined {
  return transitions.get(flow);
}

/**
 * The base class of every flow. Steps are methods marked `@step`; each but `end` finishes with one
 * `this.next(...)`. Artifacts are plain fields (`declare x: number`), parameters are fields set to
 * `param(...)`.
 */
export abstract class FlowSpec {
  /** Inside a foreach task: the element of the foreach artifact this task handles. */
  declare readonly input: unknown;
  /** Inside a foreach task: the position of `input` in the foreach artifact. */
  declare readonly index: number;

  /** Linear (`this.next(this.a)`) or static branch (`this.next(this.a, this.b)`). */
  protected next(...steps: [StepMethod, ...StepMethod[]]): void;
  /** Foreach: one task of `step` per element of the artifact named by `foreach`. */
  protected next<K extends keyof this & string>(step: StepMethod, options: { foreach: K }): void;
  /**
   * Switch: the case whose label equals the string artifact named by `condition` runs. A case may
   * lead back to this step or an earlier one (a recursive switch); `maxIterations` (default 1000)
   * bounds how many times it may loop back before the run fails.
   */
  protected next<K extends keyof this & string>(
    cases: Record<string, StepMethod>,
    options: { condition: K; maxIterations?: number },
  ): void;
  protected next(...args: unknown[]): void {
    const [first, options] = args as [
      StepMethod | Record<string, StepMethod>,
      { foreach?: string; condition?: string } | undefined,
    ];
    if (typeof first === "object") transitions.set(this, { targets: first, condition: options?.condition });
    else if (options && typeof options === "object" && "foreach" in options)
      transitions.set(this, { targets: [first], foreach: options.foreach });
    else transitions.set(this, { targets: args as StepMethod[] });
  }

  /**
   * In a join: copies every artifact whose value agrees across `inputs` onto this task. Defined by
   * the runtime, which alone holds the inputs' stored values. `inputs` is typed as any flow's, not
   * `Inputs<this>`: inside a class `this` is a type parameter that `Inputs<MyFlow>` never matches.
   */
  protected mergeArtifacts(inputs: Inputs<FlowSpec>, options?: MergeOptions): void {
    mergeHook.current(this, inputs, options);
  }
}

type MergeFn = (flow: FlowSpec, inputs: unknown, options?: MergeOptions) => void;

/** What mergeArtifacts does outside a join run by the runtime: explain. */
export const noMerge: MergeFn = () => {
  throw new Error("mergeArtifacts() works only inside a join step run by `tsflow run`");
};

/** Set by the runtime's task runner while a join runs. */
export const mergeHook: { current: MergeFn } = { current: noMerge };
