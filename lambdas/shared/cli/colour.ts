/** A stream the CLI may colour: only a terminal is, never a pipe or a file. */
export interface ColourTarget {
  readonly isTTY?: boolean;
}

/**
 * Colour only when the target is a terminal, `NO_COLOR` is unset or empty (https://no-color.org) and `--no-color`
 * was not given (commander sets `color: false`).
 */
export function colourAllowed(target: ColourTarget, env: NodeJS.ProcessEnv, colourFlag?: boolean): boolean {
  return target.isTTY === true && (env.NO_COLOR ?? '') === '' && colourFlag !== false;
}

const TINTS = {
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  dim: '\u001b[2m',
} as const;
const RESET = '\u001b[0m';

export type Tint = keyof typeof TINTS;

export function tint(text: string, colour: Tint, enabled: boolean): string {
  return enabled ? `${TINTS[colour]}${text}${RESET}` : text;
}
