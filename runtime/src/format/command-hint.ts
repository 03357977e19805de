/**
 * Options a user gave a command that the commands it suggests next must repeat to mean the same
 * thing: the datastore as they typed it, and the flow they picked out of a file with several.
 */
export interface GivenOptions {
  datastoreRoot?: string;
  flow?: string;
}

/**
 * `tsflow WORDS... [--flow NAME] [--datastore-root DIR]`, ready to paste into the shell the user
 * ran the first command from. Pass only the options the suggested command takes: a hint without
 * `--datastore-root` would read another datastore, one without `--flow` fail on a file of several.
 */
export function tsflowCommand(words: string[], given: GivenOptions = {}): string {
  const options: string[] = [];
  if (given.flow !== undefined) options.push("--flow", given.flow);
  if (given.datastoreRoot !== undefined) options.push("--datastore-root", given.datastoreRoot);
  return ["tsflow", ...words, ...options].map(shellQuote).join(" ");
}

/** A word as a POSIX shell reads it back unchanged: as it is when it is safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
