import type { ProtocolNumber } from '../model';
import { afterLabel, uintField, type LineCursor, type SourceLine } from './line-cursor';

/** `utils.GetProtocol` labels (G2/G3). `UNKNOWN` maps to null: the number is not recoverable. */
export const PROTOCOL_BY_LABEL: ReadonlyMap<string, ProtocolNumber> = new Map<string, ProtocolNumber>([
  ['TCP', 6],
  ['UDP', 17],
  ['SCTP', 132],
  ['ICMP', 1],
  ['RESERVED', 255],
  ['ANY PROTOCOL', 254],
  ['UNKNOWN', null],
]);

/** Protocol from a G2/G3 label; undefined when the label is not one the CLI prints. */
export function protocolFromLabel(label: string): { readonly protocol: ProtocolNumber } | undefined {
  if (!PROTOCOL_BY_LABEL.has(label)) return undefined;
  return { protocol: PROTOCOL_BY_LABEL.get(label) ?? null };
}

/** The label G2/G3 would print for a protocol number. */
export function protocolLabel(protocol: ProtocolNumber): string {
  for (const [label, value] of PROTOCOL_BY_LABEL) if (value === protocol) return label;
  return 'UNKNOWN';
}

/** Line labels of one value slot, per generation (text already whitespace-collapsed). */
export interface SlotLabels {
  /** Returns the slot index from the opening line, or undefined if the line is not one. */
  readonly index: (text: string) => string | undefined;
  readonly protocol: string;
  readonly priority?: string;
  readonly startPort: string;
  readonly endPort: string;
  /** G1 prints the protocol number instead of a label. */
  readonly numericProtocol: boolean;
}

export const G1_LABELS: SlotLabels = {
  index: (text) => (text === 'Value :' ? '0' : undefined),
  protocol: 'Protocol -',
  startPort: 'StartPort -',
  endPort: 'Endport -',
  numericProtocol: true,
};

export const G2_LABELS: SlotLabels = {
  index: (text) => afterLabel(text, 'Value Entry :'),
  protocol: 'Protocol -',
  startPort: 'StartPort -',
  endPort: 'Endport -',
  numericProtocol: false,
};

export const G3_LABELS: SlotLabels = {
  index: (text) => (text.startsWith('Entry ') && text.endsWith(':') ? text.slice(6, -1) : undefined),
  protocol: 'Protocol -',
  startPort: 'StartPort -',
  endPort: 'EndPort -',
  numericProtocol: false,
};

export const CP_LABELS: SlotLabels = { ...G3_LABELS, priority: 'Priority -' };

export interface RawSlot {
  readonly line: number;
  readonly slot: number;
  readonly protocol: ProtocolNumber;
  readonly protocolLabel: string;
  readonly priority: number | null;
  readonly startPort: number;
  readonly endPort: number;
}

/** Reads the lines of one slot, from the index line (`Entry 0:` / `Value Entry :  0` / `Value :`) to `EndPort`. */
export function readSlot(cursor: LineCursor, labels: SlotLabels): RawSlot {
  const opening = cursor.next('a value slot');
  const indexText = labels.index(opening.norm);
  if (indexText === undefined) cursor.fail(opening, 'expected the start of a value slot');
  const slot = uintField(cursor, opening, indexText, 'slot index', 23);

  const protocolLine = cursor.next(`"${labels.protocol}"`);
  const protocolText = field(cursor, protocolLine, labels.protocol);
  let protocol: ProtocolNumber;
  if (labels.numericProtocol) {
    protocol = uintField(cursor, protocolLine, protocolText, 'protocol');
  } else {
    const known = protocolFromLabel(protocolText);
    if (known === undefined) cursor.fail(protocolLine, 'unknown protocol label');
    protocol = known.protocol;
  }

  let priority: number | null = null;
  if (labels.priority !== undefined) {
    const priorityLine = cursor.next(`"${labels.priority}"`);
    priority = uintField(cursor, priorityLine, field(cursor, priorityLine, labels.priority), 'priority');
  }
  const startLine = cursor.next(`"${labels.startPort}"`);
  const startPort = uintField(cursor, startLine, field(cursor, startLine, labels.startPort), 'start port');
  const endLine = cursor.next(`"${labels.endPort}"`);
  const endPort = uintField(cursor, endLine, field(cursor, endLine, labels.endPort), 'end port');
  return { line: opening.no, slot, protocol, protocolLabel: protocolText, priority, startPort, endPort };
}

function field(cursor: LineCursor, line: SourceLine, label: string): string {
  const value = afterLabel(line.norm, label);
  if (value === undefined || value === '') cursor.fail(line, `expected "${label} <value>"`);
  return value;
}
