import {
  asList,
  canonicalGroups,
  comparePortSets,
  normaliseProtocol,
  viewOf,
  type EndpointLike,
} from '#engine/control-plane/diff/canonical';

function only(entries: EndpointLike[], withAction = false) {
  const groups = [...canonicalGroups(entries, withAction).values()];
  expect(groups).toHaveLength(1);
  const [group] = groups;
  if (group === undefined) throw new Error('no group');
  return group;
}

describe('canonicalGroups', () => {
  it('groups by cidr and the sorted unique except set, ignoring except order and duplicates', () => {
    // Prepare
    const entries = [
      { cidr: '10.0.0.0/16', except: ['10.0.2.0/24', '10.0.1.0/24'], ports: [{ protocol: 'TCP', port: 80 }] },
      {
        cidr: '10.0.0.0/16',
        except: ['10.0.1.0/24', '10.0.2.0/24', '10.0.1.0/24'],
        ports: [{ protocol: 'UDP', port: 53 }],
      },
    ];
    // Act
    const group = only(entries);
    // Assess
    expect(viewOf(group)).toEqual({
      cidr: '10.0.0.0/16',
      except: ['10.0.1.0/24', '10.0.2.0/24'],
      ports: [
        { protocol: 'TCP', port: 80 },
        { protocol: 'UDP', port: 53 },
      ],
    });
  });

  it('treats a port-less entry anywhere in the group as all ports', () => {
    // Prepare / Act
    const group = only([{ cidr: '10.0.0.1', ports: [{ protocol: 'TCP', port: 80 }] }, { cidr: '10.0.0.1' }]);
    // Assess
    expect(group.allPorts).toBe(true);
    expect(viewOf(group).ports).toBe('all');
  });

  it('treats an empty ports list like a missing one (all ports)', () => {
    expect(only([{ cidr: '10.0.0.1', ports: [] }]).allPorts).toBe(true);
  });

  it('defaults a missing protocol to TCP and upper-cases unknown casing', () => {
    // Prepare / Act
    const group = only([
      { cidr: '10.0.0.1', ports: [{ port: 80 }, { protocol: 'tcp', port: 80 }, { protocol: ' udp ', port: 53 }] },
    ]);
    // Assess
    expect([...group.ports.keys()].sort()).toEqual(['TCP/80/-', 'UDP/53/-']);
  });

  it('treats an empty except list like no except', () => {
    expect(canonicalGroups([{ cidr: '10.0.0.0/8', except: [] }, { cidr: '10.0.0.0/8' }]).size).toBe(1);
  });

  it('keeps domainName destinations apart from cidr destinations', () => {
    // Act
    const groups = canonicalGroups([{ domainName: 'example.com' }, { cidr: 'example.com' }]);
    // Assess
    expect([...groups.keys()].sort()).toEqual(['cidr:example.com|', 'domain:example.com|']);
  });

  it('separates groups by action when asked to', () => {
    // Act
    const groups = canonicalGroups(
      [
        { cidr: '10.0.0.1', action: 'Accept' },
        { cidr: '10.0.0.1', action: 'Deny' },
      ],
      true,
    );
    // Assess
    expect(groups.size).toBe(2);
  });

  it('does not throw on entries without cidr or with null lists', () => {
    // Act
    const groups = canonicalGroups([{ except: null, ports: null }]);
    // Assess
    expect([...groups.keys()]).toEqual(['cidr:|']);
  });
});

describe('comparePortSets', () => {
  const group = (entries: EndpointLike[]) => only(entries);

  it.each([
    ['equal sets', [{ protocol: 'TCP', port: 80 }], [{ protocol: 'TCP', port: 80 }], 'equal'],
    [
      'subset',
      [
        { protocol: 'TCP', port: 80 },
        { protocol: 'TCP', port: 81 },
      ],
      [{ protocol: 'TCP', port: 80 }],
      'narrower',
    ],
    [
      'superset',
      [{ protocol: 'TCP', port: 80 }],
      [
        { protocol: 'TCP', port: 80 },
        { protocol: 'TCP', port: 81 },
      ],
      'wider',
    ],
    ['disjoint', [{ protocol: 'TCP', port: 80 }], [{ protocol: 'TCP', port: 81 }], 'both'],
    ['all vs some', [], [{ protocol: 'TCP', port: 81 }], 'narrower'],
    ['some vs all', [{ protocol: 'TCP', port: 81 }], [], 'wider'],
    ['all vs all', [], [], 'equal'],
  ])('%s', (_name, expectedPorts, actualPorts, kind) => {
    // Act
    const comparison = comparePortSets(
      group([{ cidr: 'x', ports: expectedPorts }]),
      group([{ cidr: 'x', ports: actualPorts }]),
    );
    // Assess
    expect(comparison.kind).toBe(kind);
  });
});

describe('normaliseProtocol / asList', () => {
  it('normalises protocols and tolerates non-arrays', () => {
    expect(normaliseProtocol(undefined)).toBe('TCP');
    expect(normaliseProtocol('sctp')).toBe('SCTP');
    expect(asList(null)).toEqual([]);
    expect(asList({} as unknown as string[])).toEqual([]);
  });
});
