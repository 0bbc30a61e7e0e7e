export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** Receives the exit code a command decided on (commander actions cannot return one). */
export type ExitCodeSink = (code: number) => void;
