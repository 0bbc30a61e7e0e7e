export const PINS_FILE = 'pins.txt';
export const AGENT_LOG_ERRORS_FILE = 'agent-log-errors.txt';

/** `pins.txt`: the pin names, without blank lines and `<directory>:` headers. */
export function readPins(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.endsWith(':'));
}

/** `agent-log-errors.txt`: its non-blank lines. */
export function readAgentLogErrors(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
