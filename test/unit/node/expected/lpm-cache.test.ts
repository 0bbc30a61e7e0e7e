import { LpmCache } from '#engine/node/expected/lpm-cache';
import { computeLpmEntries } from '#engine/node/expected/lpm-entries';
import { asSets, lpmContext } from './fixtures';

describe('LpmCache (one per audit)', () => {
  it('gives equal endpoint lists one id within a node and fresh ids to the next node', () => {
    // Prepare
    const cache = new LpmCache();
    const first = cache.forNode();
    const second = cache.forNode();
    const list = [{ cidr: '10.1.0.0/16', ports: [{ protocol: 'TCP' as const, port: 80 }] }];
    const copy = list.map((entry) => ({ ...entry }));

    // Act
    const ids = [first.listId(list), first.listId(copy), second.listId(list)];

    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('shares one slot array per distinct port list and one host-entry table per signature', () => {
    // Prepare
    const tables = new LpmCache().forNode();
    const ports = [{ protocol: 'TCP' as const, port: 443 }];

    // Act
    const slots = [tables.ownSlots(ports), tables.ownSlots([{ protocol: 'TCP' as const, port: 443 }])];
    const memos = [tables.hostEntries('1,2'), tables.hostEntries('1,2'), tables.hostEntries('3')];

    // Assess
    expect(slots[0]).toBe(slots[1]);
    expect(memos[0]).toBe(memos[1]);
    expect(memos[2]).not.toBe(memos[0]);
  });

  it('gives the same entries whether a node computation has warm tables or fresh ones', () => {
    // Prepare
    const endpoints = [
      { cidr: '10.0.0.0/8', ports: [{ protocol: 'TCP' as const, port: 80 }] },
      { cidr: '10.1.2.3/32', ports: [{ protocol: 'UDP' as const, port: 53 }] },
    ];
    const warm = lpmContext('1.4.1', '192.168.1.10');
    computeLpmEntries(endpoints, warm);

    // Act
    const again = computeLpmEntries(endpoints, warm);
    const fresh = computeLpmEntries(endpoints, lpmContext('1.4.1', '192.168.1.10'));

    // Assess
    expect(asSets(again)).toEqual(asSets(fresh));
  });
});
