/**
 * Finds the item boundaries of one JSON document in its bytes, chunk by chunk, so that a file larger than V8's
 * longest string can be parsed one item at a time with the native `JSON.parse`. It splits a top-level array into its
 * elements, and a top-level object into its members, with the elements of its `items` array one by one (a
 * `kubectl get -o json` List). It checks the structure it walks (commas, colons, brackets, nothing after the
 * document); the inside of each value is checked by whoever parses it.
 */

/** Receives the pieces of the document; each `Uint8Array` is valid only during the call. */
export interface SplitHandler {
  arrayStart(): void;
  objectStart(): void;
  /** An element of the top-level array. */
  element(bytes: Uint8Array, offset: number): void;
  /** A member of the top-level object; `key` is the raw JSON string, quotes included. */
  member(key: Uint8Array, value: Uint8Array, offset: number): void;
  itemsStart(): void;
  /** An element of the top-level object's `items` array. */
  item(bytes: Uint8Array, offset: number): void;
  /** The whole document when it is neither an array nor an object. */
  scalar(bytes: Uint8Array, offset: number): void;
}

/** The document's structure is broken at `offset` (bytes from the start of the document). */
export class JsonStructureError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** The byte found where the structure needed another, if any. */
    readonly found?: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'JsonStructureError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Ends a number, `true`, `false` or `null`. */
function endsScalar(byte: number): boolean {
  return byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE || isWhitespace(byte);
}

/** Where the splitter is in the document's structure, outside the value it may be scanning. */
type Place =
  | 'start'
  | 'array-first'
  | 'array-next'
  | 'array-element'
  | 'object-first'
  | 'object-next'
  | 'object-key'
  | 'colon'
  | 'member-value'
  | 'items-first'
  | 'items-next'
  | 'items-element'
  | 'end';

/** What the value being scanned is, and where it goes when it ends. */
type Role = 'element' | 'key' | 'member' | 'item' | 'scalar';

/** The scan of one value: brackets open, inside a string, a backslash pending. */
interface ValueScan {
  role: Role;
  depth: number;
  inString: boolean;
  escaped: boolean;
  bare: boolean;
}

export class JsonSplitter {
  private place: Place = 'start';
  private scan: ValueScan | undefined;
  /** Chunks holding the value being scanned, from the one where it starts. */
  private held: Uint8Array[] = [];
  private heldStart = 0;
  private valueOffset = 0;
  private consumed = 0;
  private key: Uint8Array = new Uint8Array(0);
  private keyOffset = 0;

  constructor(private readonly handler: SplitHandler) {}

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let position = 0;
    if (this.scan !== undefined) {
      this.held.push(chunk);
      position = this.continueValue(chunk, 0);
    }
    while (position < chunk.length) position = this.step(chunk, position);
    this.consumed += chunk.length;
  }

  /** The document has ended: anything still open is a truncated file. */
  end(): void {
    if (this.scan?.bare === true && this.scan.role === 'scalar') {
      this.emit(this.held[this.held.length - 1] ?? new Uint8Array(0), -1);
      return;
    }
    if (this.scan !== undefined || this.place !== 'end') {
      throw new JsonStructureError('unexpected end of the JSON input (the file is truncated)', this.consumed);
    }
  }

  private offsetOf(position: number): number {
    return this.consumed + position;
  }

  /** One structural byte outside any value; returns the next position. */
  private step(chunk: Uint8Array, position: number): number {
    const byte = chunk[position] ?? 0;
    if (isWhitespace(byte)) return position + 1;
    switch (this.place) {
      case 'start':
        return this.atStart(chunk, position, byte);
      case 'array-first':
      case 'items-first':
        if (byte === CLOSE_BRACKET) return this.closeArray(position);
        return this.startValue(chunk, position, this.place === 'array-first' ? 'element' : 'item');
      case 'array-element':
      case 'items-element':
        return this.startValue(chunk, position, this.place === 'array-element' ? 'element' : 'item');
      case 'array-next':
      case 'items-next':
        if (byte === CLOSE_BRACKET) return this.closeArray(position);
        this.expect(byte, COMMA, position, "',' or ']'");
        this.place = this.place === 'array-next' ? 'array-element' : 'items-element';
        return position + 1;
      case 'object-first':
        if (byte === CLOSE_BRACE) return this.closeObject(position);
        this.expect(byte, QUOTE, position, "'\"' or '}'");
        return this.startValue(chunk, position, 'key');
      case 'object-key':
        this.expect(byte, QUOTE, position, "'\"'");
        return this.startValue(chunk, position, 'key');
      case 'object-next':
        if (byte === CLOSE_BRACE) return this.closeObject(position);
        this.expect(byte, COMMA, position, "',' or '}'");
        this.place = 'object-key';
        return position + 1;
      case 'colon':
        this.expect(byte, COLON, position, "':'");
        this.place = 'member-value';
        return position + 1;
      case 'member-value':
        return this.atMemberValue(chunk, position, byte);
      case 'end':
        throw new JsonStructureError(
          `unexpected ${describe(byte)} after the end of the JSON document`,
          this.offsetOf(position),
          byte,
        );
    }
  }

  private atStart(chunk: Uint8Array, position: number, byte: number): number {
    if (byte === OPEN_BRACKET) {
      this.handler.arrayStart();
      this.place = 'array-first';
      return position + 1;
    }
    if (byte === OPEN_BRACE) {
      this.handler.objectStart();
      this.place = 'object-first';
      return position + 1;
    }
    return this.startValue(chunk, position, 'scalar');
  }

  private atMemberValue(chunk: Uint8Array, position: number, byte: number): number {
    if (byte === OPEN_BRACKET && isItemsKey(this.key)) {
      this.handler.itemsStart();
      this.place = 'items-first';
      return position + 1;
    }
    return this.startValue(chunk, position, 'member');
  }

  private expect(byte: number, wanted: number, position: number, what: string): void {
    if (byte !== wanted) {
      throw new JsonStructureError(`expected ${what} but found ${describe(byte)}`, this.offsetOf(position), byte);
    }
  }

  private closeArray(position: number): number {
    this.place = this.place === 'items-first' || this.place === 'items-next' ? 'object-next' : 'end';
    return position + 1;
  }

  private closeObject(position: number): number {
    this.place = 'end';
    return position + 1;
  }

  private startValue(chunk: Uint8Array, position: number, role: Role): number {
    const byte = chunk[position] ?? 0;
    if (role === 'key' && byte !== QUOTE) this.expect(byte, QUOTE, position, "'\"'");
    const container = byte === OPEN_BRACE || byte === OPEN_BRACKET;
    if (!container && (byte === CLOSE_BRACE || byte === CLOSE_BRACKET || byte === COMMA || byte === COLON)) {
      throw new JsonStructureError(`expected a value but found ${describe(byte)}`, this.offsetOf(position), byte);
    }
    this.scan = {
      role,
      depth: container ? 1 : 0,
      inString: byte === QUOTE,
      escaped: false,
      bare: !container && byte !== QUOTE,
    };
    this.held = [chunk];
    this.heldStart = position;
    this.valueOffset = this.offsetOf(position);
    return this.continueValue(chunk, position + 1);
  }

  /** Scans the current value from `position`; returns the position after it, or the chunk's length if it goes on. */
  private continueValue(chunk: Uint8Array, from: number): number {
    const scan = this.scan;
    if (scan === undefined) return from;
    const end = scan.bare ? scanBare(chunk, from) : scanNested(chunk, from, scan);
    if (end < 0) return chunk.length;
    this.emit(chunk, end);
    return end;
  }

  /** Hands the value ending at `end` of `chunk` (exclusive; -1: the end of the last chunk) to the handler. */
  private emit(chunk: Uint8Array, end: number): void {
    const scan = this.scan;
    if (scan === undefined) return;
    const bytes = this.heldBytes(chunk, end < 0 ? chunk.length : end);
    this.scan = undefined;
    this.held = [];
    const offset = this.valueOffset;
    switch (scan.role) {
      case 'element':
        this.handler.element(bytes, offset);
        this.place = 'array-next';
        return;
      case 'item':
        this.handler.item(bytes, offset);
        this.place = 'items-next';
        return;
      case 'key':
        this.key = bytes.slice();
        this.keyOffset = offset;
        this.place = 'colon';
        return;
      case 'member':
        this.handler.member(this.key, bytes, this.keyOffset);
        this.place = 'object-next';
        return;
      case 'scalar':
        this.handler.scalar(bytes, offset);
        this.place = 'end';
        return;
    }
  }

  private heldBytes(last: Uint8Array, end: number): Uint8Array {
    const first = this.held[0] ?? last;
    if (this.held.length <= 1) return first.subarray(this.heldStart, end);
    const parts = [first.subarray(this.heldStart), ...this.held.slice(1, -1), last.subarray(0, end)];
    const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    return bytes;
  }
}

function isItemsKey(key: Uint8Array): boolean {
  // "items", quotes included (kubectl never escapes plain ASCII keys).
  return (
    key.length === 7 && key[1] === 0x69 && key[2] === 0x74 && key[3] === 0x65 && key[4] === 0x6d && key[5] === 0x73
  );
}

function describe(byte: number): string {
  return byte >= 0x21 && byte < 0x7f
    ? `'${String.fromCharCode(byte)}'`
    : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

/** The end of a number, `true`, `false` or `null` (exclusive), or -1 when it goes on past the chunk. */
function scanBare(chunk: Uint8Array, from: number): number {
  for (let position = from; position < chunk.length; position += 1) {
    if (endsScalar(chunk[position] ?? 0)) return position;
  }
  return -1;
}

/**
 * The end (exclusive) of a string, object or array, or -1 when it goes on past the chunk; `scan` carries the
 * brackets open, whether the scan is inside a string and whether a backslash is pending, from chunk to chunk.
 * One tight loop over the bytes: this is the reader's hot path.
 */
function scanNested(chunk: Uint8Array, from: number, scan: ValueScan): number {
  let depth = scan.depth;
  let inString = scan.inString;
  let position = from;
  if (scan.escaped) position += 1; // the backslash ended the previous chunk: this byte is the escaped one
  scan.escaped = false;
  const length = chunk.length;
  while (position < length) {
    const byte = chunk[position] ?? 0;
    position += 1;
    if (inString) {
      if (byte === QUOTE) {
        inString = false;
        if (depth === 0) break;
      } else if (byte === BACKSLASH) {
        if (position === length) scan.escaped = true;
        position += 1;
      }
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth += 1;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) break;
    }
  }
  scan.depth = depth;
  scan.inString = inString;
  if (depth === 0 && !inString) return position;
  return -1;
}
