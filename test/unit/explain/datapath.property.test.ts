import fc from 'fast-check';
import { longestMatch, slotLoop } from '#engine/explain/kernel/datapath';
import type { LpmEntry, PolicySlot } from '#engine/node/model';

const slotArbitrary = fc.record({
  protocol: fc.constantFrom(0, 6, 17, 132, 254, 255),
  startPort: fc.integer({ min: 0, max: 65535 }),
  endPort: fc.integer({ min: 0, max: 65535 }),
});

function slots(raw: readonly { protocol: number; startPort: number; endPort: number }[]): PolicySlot[] {
  return raw.map((slot, index) => ({ ...slot, line: index + 1, slot: index, protocolLabel: String(slot.protocol) }));
}

describe('datapath model', () => {
  it('a RESERVED slot before any allowing slot always denies', () => {
    fc.assert(
      fc.property(
        fc.array(slotArbitrary, { maxLength: 23 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.boolean(),
        (rest, port, anyChecksPort) => {
          // Prepare
          const values = slots([{ protocol: 255, startPort: 0, endPort: 0 }, ...rest]);

          // Act
          const outcome = slotLoop(values, { protocol: 6, port }, anyChecksPort);

          // Assess
          expect(outcome).toMatchObject({ verdict: 'deny', why: 'reserved' });
        },
      ),
    );
  });

  it('an allow is always explained by a slot of the packet protocol or ANY', () => {
    fc.assert(
      fc.property(
        fc.array(slotArbitrary, { maxLength: 24 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.boolean(),
        (raw, port, anyChecksPort) => {
          // Act
          const outcome = slotLoop(slots(raw), { protocol: 17, port }, anyChecksPort);

          // Assess
          if (outcome.verdict === 'allow') expect([17, 254]).toContain(outcome.slot.protocol);
        },
      ),
    );
  });

  it('the LPM lookup returns the longest prefix containing the address', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 32 }), { minLength: 1, maxLength: 10 }), (lengths) => {
        // Prepare: nested prefixes of 10.20.30.40
        const entries: LpmEntry[] = lengths.map((prefixLen, index) => {
          const mask = prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
          const value = (((10 << 24) | (20 << 16) | (30 << 8) | 40) >>> 0) & mask;
          const ip = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
          return { line: index, ip, prefixLen, cidr: `${ip}/${prefixLen}`, values: [] };
        });

        // Act
        const match = longestMatch(entries, '10.20.30.40');

        // Assess
        expect(match?.prefixLen).toBe(Math.max(...lengths));
      }),
    );
  });
});
