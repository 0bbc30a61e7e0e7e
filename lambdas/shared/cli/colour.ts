/** A stream the CLI may colour: only a terminal is, never a pipe or a file. */
export interface ColourTarget {
  readonly isTTY?: boolean;
}

/** `FORCE_COLOR` set and not empty, `0` or `false` (https://force-color.org; Node's own `0` means off). */
function colourForced(env: NodeJS.ProcessEnv): boolean {
  const forced = env.FORCE_COLOR ?? '';
  return forced !== '' && forced !== '0' && forced.toLowerCase() !== 'false';
}

/**
 * Colour when the target is a terminal, or `FORCE_COLOR` asks for it on a pipe (CI logs that render ANSI); never
 * when `NO_COLOR` is set and not empty (https://no-color.org) or `--no-color` was given (commander sets
 * `color: false`): turning colour off wins.
 */
export function colourAllowed(target: ColourTarget, env: NodeJS.ProcessEnv, colourFlag?: boolean): boolean {
  if ((env.NO_COLOR ?? '') !== '' || colourFlag === false) return false;
  return target.isTTY === true || colourForced(env);
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
