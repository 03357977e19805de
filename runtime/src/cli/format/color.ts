const CODES = { red: 31, yellow: 33, cyan: 36, green: 32, gray: 90, bold: 1 } as const;

export type Paint = (style: keyof typeof CODES, text: string) => string;

/** ANSI colouring when `enabled`, plain text otherwise. */
export function painter(enabled: boolean): Paint {
  return (style, text) => (enabled ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
}
