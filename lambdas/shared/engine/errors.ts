/** Input that cannot be read at all (missing directory, unreadable file, invalid JSON). CLI exit code 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file === undefined ? message : `${file}: ${message}`);
    this.name = 'InputError';
  }
}

/** Node output that does not match any documented format; names the file and line. */
export class NodeOutputParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'NodeOutputParseError';
  }
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
