/** Where the cursor is for completion, told from the text just before it (and a few lines around). */
import type { SourcePosition, SourceRange } from "../../runtime/src/graph/model";
import { EXCLUDE_OPEN, lineRange, stringsOf, textBefore, WINDOW_LINES, wordAt, type LineReader } from "./text-at";

/**
 * A place completion can help with. `replace` is the partial word the item replaces (the cursor
 * may sit inside a word: the rest of it is replaced too).
 */
export type CompletionSite =
  | { kind: "variable"; option: "foreach" | "condition"; replace: SourceRange }
  /** `quote` is set when the cursor is outside a string: the item brings its own quotes. */
  | { kind: "exclude"; replace: SourceRange; listed: string[]; quote?: string }
  /** `withThis`: the cursor is where an argument starts, so the item inserts `this.name`. */
  | { kind: "transition"; replace: SourceRange; withThis: boolean; named: string[] }
  /** `present`: decorators already on the member; `args`: whether the item may add its argument snippet. */
  | { kind: "decorator"; replace: SourceRange; present: string[]; args: boolean };

/** Makes the range an item replaces: the typed part of the word, and the rest of the word unless `extend` is false. */
type Replace = (partial: string, extend?: boolean) => SourceRange;

const OPTION_STRING = /\b(foreach|condition)\s*:\s*["'`]([\w$]*)$/;
const NEXT_CALL = "this.next(";

/** The completion site at `position`, or undefined when the cursor is in none of them. */
export function completionSiteAt(position: SourcePosition, lineAt: LineReader): CompletionSite | undefined {
  const line = lineAt(position.line);
  const window = textBefore(position, lineAt);
  const replace: Replace = (partial, extend = true) => {
    const end = (extend && wordAt(line, position.character)?.end) || position.character;
    return lineRange(position.line, position.character - partial.length, Math.max(end, position.character));
  };
  const option = OPTION_STRING.exec(window);
  if (option) return { kind: "variable", option: option[1] as "foreach" | "condition", replace: replace(option[2]) };
  return (
    excludeSite(window, replace) ?? transitionSite(window, replace) ?? decoratorSite(position, line, lineAt, replace)
  );
}

/** Inside `exclude: [`: in a string (complete the name) or between elements (add a quoted name). */
function excludeSite(window: string, replace: Replace): CompletionSite | undefined {
  const open = EXCLUDE_OPEN.exec(window);
  if (!open) return undefined;
  const elements = open[0].slice(open[0].indexOf("[") + 1);
  const strings = elements.split("\n").flatMap(stringsOf);
  const last = strings[strings.length - 1];
  const listed = strings.filter((s) => s.closed).map((s) => s.value);
  if (last && !last.closed) {
    if (!/^[\w$]*$/.test(last.value)) return undefined;
    return { kind: "exclude", replace: replace(last.value), listed };
  }
  // Between elements: right after `[` or a comma, a word begun at most.
  const partial = /(?:^|,)\s*([\w$]*)$/.exec(elements.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""'));
  if (!partial) return undefined;
  return { kind: "exclude", replace: replace(partial[1]), listed, quote: strings[0]?.quote ?? '"' };
}

/**
 * Inside `this.next(` still open: after `this.` (the name alone) or where an argument starts,
 * which for switch cases is after a label's colon (then `this.name`).
 */
function transitionSite(window: string, replace: Replace): CompletionSite | undefined {
  const call = window.lastIndexOf(NEXT_CALL);
  if (call < 0) return undefined;
  const args = window.slice(call + NEXT_CALL.length);
  const nesting = openBrackets(args);
  if (nesting === undefined) return undefined;
  const partial = /[\w$]*$/.exec(args)![0];
  const before = args.slice(0, args.length - partial.length);
  const named = [...before.matchAll(/\bthis\s*\.\s*([\w$]+)/g)].map((m) => m[1]);
  const afterThis = /\bthis\s*\.\s*$/.exec(before);
  const head = afterThis ? before.slice(0, afterThis.index) : before;
  // Directly in the argument list, or the value of a case in a switch's first-argument object.
  const argumentStart = nesting === "" ? /(?:^|,)\s*$/.test(head) : nesting === "{" && /[{,][^{},:]*:\s*$/.test(head);
  if (!argumentStart) return undefined;
  // Before an argument already there (`this.next(|this.a)`) insert, rather than eat `this`.
  const withThis = !afterThis;
  return { kind: "transition", replace: replace(partial, !withThis || partial !== ""), withThis, named };
}

/**
 * The brackets of `text` still open at its end: "" for none, "{" when the innermost is the first
 * argument's object (a switch's cases), "other" for anything else; undefined when `text` closes the
 * call or ends inside a string.
 */
function openBrackets(text: string): "" | "{" | "other" | undefined {
  const stack: string[] = [];
  let commas = 0;
  let casesOpen = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'" || char === "`") {
      const close = text.indexOf(char, i + 1);
      if (close < 0) return undefined;
      i = close;
    } else if ("([{".includes(char)) {
      if (stack.length === 0 && char === "{" && commas === 0) casesOpen = true;
      stack.push(char);
    } else if (")]}".includes(char)) {
      if (stack.length === 0) return undefined;
      stack.pop();
      if (stack.length === 0) casesOpen = false;
    } else if (char === "," && stack.length === 0) {
      commas++;
    }
  }
  if (stack.length === 0) return "";
  return stack.length === 1 && casesOpen ? "{" : "other";
}

/**
 * `@` at the start of a line in a member's decorator list: the lines below (a few at most) lead to a
 * method through other decorators. The decorators above and below are collected so none is offered twice.
 */
function decoratorSite(
  position: SourcePosition,
  line: string,
  lineAt: LineReader,
  replace: Replace,
): CompletionSite | undefined {
  const typed = /^\s*@([\w$]*)$/.exec(line.slice(0, position.character));
  if (!typed) return undefined;
  // The decorator being typed, with the arguments it may have already: it is no "present" one.
  const current = line.slice(line.indexOf("@"));
  const own = DECORATOR.exec(current);
  const rest = own ? current.slice(own[0].length) : current.slice(1);
  const below = decoratorsBelow(position.line, rest, lineAt);
  if (!below) return undefined;
  const present = [...decoratorsAbove(position.line, lineAt), ...below];
  return { kind: "decorator", replace: replace(typed[1]), present, args: !own?.[0].includes("(") };
}

const DECORATOR = /^@([\w$]+)(?:\.[\w$]+)*(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?\s*/;
const METHOD_HEADER = /^(?:(?:public|protected|async|override)\s+)*[A-Za-z_$][\w$]*\s*\(/;

/** The decorator names from the rest of this line down to the method, or undefined if no method follows. */
function decoratorsBelow(from: number, rest: string, lineAt: LineReader): string[] | undefined {
  const names: string[] = [];
  for (let line = from, text = rest; line <= from + WINDOW_LINES + 2; text = lineAt(++line)) {
    let remaining = text.trim();
    if (/^(\/\/|\/\*|\*)/.test(remaining)) continue;
    for (let match = DECORATOR.exec(remaining); match; match = DECORATOR.exec(remaining)) {
      names.push(match[1]);
      remaining = remaining.slice(match[0].length);
    }
    if (remaining !== "") return METHOD_HEADER.test(remaining) ? names : undefined;
  }
  return undefined;
}

/** The decorator names on the lines right above `line`, up to the first line that holds something else. */
function decoratorsAbove(line: number, lineAt: LineReader): string[] {
  const names: string[] = [];
  for (let above = line - 1; above >= Math.max(0, line - WINDOW_LINES - 2); above--) {
    const text = lineAt(above).trim();
    const match = DECORATOR.exec(text);
    if (!match || match[0].length !== text.length) break;
    names.push(match[1]);
  }
  return names;
}
