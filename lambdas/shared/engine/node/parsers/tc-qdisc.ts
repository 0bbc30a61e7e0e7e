import type { NodeOutputParseError, Result } from '../../errors';
import type { TcQdisc, TcQdiscOutput } from '../model';
import { LineCursor, runParser } from './line-cursor';

/** `tc qdisc show dev <veth>` (§3.1); NPA needs `qdisc clsact ffff: parent ffff:fff1`. Qdisc options are not kept. */
export function parseTcQdiscText(text: string, fileName: string): Result<TcQdiscOutput, NodeOutputParseError> {
  return runParser(() => {
    const cursor: LineCursor = LineCursor.of(fileName, text);
    const qdiscs: TcQdisc[] = [];
    while (!cursor.done) {
      const line = cursor.next('a qdisc line');
      const tokens = line.text.split(/\s+/);
      const [word, kind, handle, position, parent] = tokens;
      if (word !== 'qdisc' || kind === undefined || handle === undefined || !handle.endsWith(':')) {
        cursor.fail(line, 'expected "qdisc <kind> <handle>: root|parent <handle>"');
      }
      if (position === 'root') qdiscs.push({ line: line.no, kind, handle, parent: 'root' });
      else if (position === 'parent' && parent !== undefined) qdiscs.push({ line: line.no, kind, handle, parent });
      else cursor.fail(line, 'expected "root" or "parent <handle>" after the qdisc handle');
    }
    return { kind: 'tc-qdiscs', qdiscs };
  });
}
