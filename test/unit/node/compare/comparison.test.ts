import { parseNodeBundle } from '#engine/node/bundle';
import { NODE_CHECKS } from '#engine/node/compare/index';
import {
  audit,
  DRIFT_NODE,
  editedNode,
  fileOf,
  loadExample,
  replaceIn,
  SEED_NODE,
  withCheck,
  type Example,
} from './support';

const NGINX_VETH = 'eni9c515deae49';
const LOADED = 'loaded-ebpfdata.txt';

async function seedWith(edit: (files: Map<string, string>) => void, effective?: Parameters<typeof audit>[2]) {
  const seed = await loadExample('seed-cluster');
  return audit(seed, [editedNode(seed, SEED_NODE, edit)], effective);
}

/** Removes the loaded-ebpfdata block of `<identifier>_handle_<direction>`. */
function dropBlock(files: Map<string, string>, identifier: string, direction: string): void {
  const rule = '='.repeat(88);
  const blocks = fileOf(files, LOADED).split(`${rule}\n`);
  const kept = blocks.filter((block) => !block.includes(`/${identifier}_handle_${direction}\n`));
  if (kept.length === blocks.length) throw new Error('block not found');
  files.set(LOADED, kept.join(`${rule}\n`));
}

describe('catalog', () => {
  it('has unique NODE- ids on the node layer', () => {
    // Act
    const ids = NODE_CHECKS.map((check) => check.id);
    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    expect(NODE_CHECKS.every((check) => check.id.startsWith('NODE-') && check.layer === 'node')).toBe(true);
  });
});

describe('tc filters', () => {
  it('flags a missing filter on the tc egress hook (pod ingress program) of a selected pod', async () => {
    // Act
    const outcome = await seedWith((files) => files.set(`tc/${NGINX_VETH}.egress.txt`, ''));
    // Assess
    const found = withCheck(outcome, 'NODE-FILTER-MISSING');
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('high');
    expect(found[0]?.message).toMatch(/no bpf filter on tc egress of eni9c515deae49.*handle_ingress/);
    expect(found[0]?.resource).toEqual({
      kind: 'Pod',
      namespace: 'default',
      name: 'nginx-f8d9c6576-8b4vf',
      node: SEED_NODE,
    });
  });

  it('reports a missing filter on an unselected pod as low in standard mode', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    const veth =
      parseNodeBundle(editedNode(seed, SEED_NODE, () => undefined)).nodeInfo?.veths?.find((v) => v !== NGINX_VETH) ??
      '';
    // Act
    const outcome = audit(seed, [editedNode(seed, SEED_NODE, (files) => files.set(`tc/${veth}.ingress.txt`, ''))]);
    // Assess
    expect(withCheck(outcome, 'NODE-FILTER-MISSING').map((f) => f.severity)).toEqual(['low']);
  });

  it('flags a filter whose program id differs from the pinned one (#514), not when they agree', async () => {
    // Act
    const drifted = await seedWith((files) => {
      replaceIn(files, `tc/${NGINX_VETH}.egress.txt`, ' id 432 ', ' id 399 ');
    });
    const clean = await seedWith(() => undefined);
    // Assess
    const found = withCheck(drifted, 'NODE-FILTER-PROGRAM-MISMATCH');
    expect(found).toHaveLength(1);
    expect(found[0]?.upstreamIssue).toBe('aws/aws-network-policy-agent#514');
    expect(found[0]?.message).toMatch(
      /runs program 399, but .*nginx-f8d9c6576-default_handle_ingress pins program 432/,
    );
    expect(withCheck(clean, 'NODE-FILTER-PROGRAM-MISMATCH')).toEqual([]);
  });

  it('flags swapped hooks (the handle_egress program on tc egress)', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, `tc/${NGINX_VETH}.egress.txt`, 'handle_ingress', 'handle_egress');
      replaceIn(files, `tc/${NGINX_VETH}.egress.txt`, ' id 432 ', ' id 433 ');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-FILTER-PROGRAM-MISMATCH');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/swapped/);
  });

  it('trusts the program id over the filter label (a hand re-attach with tc object-pinned)', async () => {
    // Act
    const relabelled = await seedWith((files) => {
      replaceIn(
        files,
        `tc/${NGINX_VETH}.egress.txt`,
        'handle_ingress',
        '/sys/fs/bpf/globals/aws/programs/nginx-f8d9c6576-default_handle_ingress:[*fsobj]',
      );
    });
    // Assess
    expect(withCheck(relabelled, 'NODE-FILTER-PROGRAM-MISMATCH')).toEqual([]);
  });

  it('reads tc -j JSON files as well', async () => {
    // Prepare
    const json = JSON.stringify([
      { protocol: 'all', pref: 1, kind: 'bpf', chain: 0 },
      {
        protocol: 'all',
        pref: 1,
        kind: 'bpf',
        chain: 0,
        options: {
          handle: '0x1',
          bpf_name: 'handle_ingress',
          'direct-action': true,
          not_in_hw: true,
          prog: { id: 432, name: '', tag: 'aeee5ad55207c8b0', jited: 1 },
        },
      },
    ]);
    // Act
    const outcome = await seedWith((files) => files.set(`tc/${NGINX_VETH}.egress.txt`, json));
    // Assess
    expect(outcome.findings).toEqual([]);
  });

  it('flags a selected pod whose veth is neither in tc/ nor in the node.json veth list', async () => {
    // Act
    const outcome = await seedWith((files) => {
      files.delete(`tc/${NGINX_VETH}.ingress.txt`);
      files.delete(`tc/${NGINX_VETH}.egress.txt`);
      replaceIn(files, 'node.json', `"${NGINX_VETH}",`, '');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-VETH-NOT-FOUND');
    expect(found.map((f) => [f.resource.name, f.severity])).toEqual([['nginx-f8d9c6576-8b4vf', 'high']]);
    expect(withCheck(outcome, 'NODE-PROGRAM-NOT-ATTACHED')).toEqual([]);
  });

  it('does not flag a veth that the node.json link list names even without tc files', async () => {
    // Act
    const outcome = await seedWith((files) => {
      files.delete(`tc/${NGINX_VETH}.ingress.txt`);
      files.delete(`tc/${NGINX_VETH}.egress.txt`);
    });
    // Assess
    expect(withCheck(outcome, 'NODE-VETH-NOT-FOUND')).toEqual([]);
  });
});

describe('programs and pins', () => {
  it('flags an identifier whose pods need filters but has no pinned program', async () => {
    // Act
    const outcome = await seedWith((files) => {
      dropBlock(files, 'accesstrue-default', 'egress');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-PROGRAM-MISSING');
    expect(found.map((f) => f.resource.name)).toEqual(['accesstrue-default']);
    expect(found[0]?.message).toMatch(/accesstrue-default_handle_egress/);
  });

  it('flags a pinned program no veth carries when no per-pod finding explains it', async () => {
    // Prepare: no mode from the CNI → only selected pods need filters; accesstrue's filters are gone.
    const seed = await loadExample('seed-cluster');
    const veth = seed.inventory.pods.find((p) => p.metadata.name === 'accesstrue') === undefined ? '' : 'accesstrue';
    const bundle = parseNodeBundle(editedNode(seed, SEED_NODE, () => undefined));
    const vethOfAccessTrue = [...bundle.tc.keys()].find(
      (v) => bundle.tcFilters(v, 'egress')?.output.filters[0]?.programId === 440,
    );
    // Act
    const outcome = audit(
      seed,
      [editedNode(seed, SEED_NODE, (files) => files.set(`tc/${vethOfAccessTrue ?? veth}.egress.txt`, ''))],
      { enforcementMode: undefined },
    );
    // Assess
    const found = withCheck(outcome, 'NODE-PROGRAM-NOT-ATTACHED');
    expect(found.map((f) => f.resource.name)).toEqual(['accesstrue-default']);
    expect(withCheck(outcome, 'NODE-FILTER-MISSING')).toEqual([]);
  });

  it('flags pins of an identifier without a pod on the node, from loaded-ebpfdata and pins.txt', async () => {
    // Act
    const outcome = await seedWith((files) => {
      files.set(LOADED, fileOf(files, LOADED).replaceAll('accessfalse-default', 'gone-default'));
      files.set('pins.txt', '/sys/fs/bpf/globals/aws/programs/:\nold-app-default_handle_ingress\n');
    });
    // Assess
    const names = withCheck(outcome, 'NODE-ORPHANED-PINS').map((f) => f.resource.name);
    expect(names).toEqual(['gone-default', 'old-app-default']);
  });

  it("flags an empty Map Name (unmanaged map, #676) and skips that program's map comparison", async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, LOADED, 'Map Name:  ingress_map\nMap ID:  93', 'Map Name:  \nMap ID:  93');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-MAP-UNMANAGED');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/reads map 93 with an empty "Map Name:"/);
    expect(withCheck(outcome, 'NODE-PROGRAM-MAPS-INCOMPLETE')).toEqual([]);
  });

  it('flags a program without its pod-state map (#646), not one with the full v1.2 set', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, LOADED, 'Map Name:  ingress_pod_state_map\nMap ID:  94\n', '');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-PROGRAM-MAPS-INCOMPLETE');
    expect(found.map((f) => f.resource.name)).toEqual(['nginx-f8d9c6576-default']);
    expect(found[0]?.message).toMatch(/reads no ingress_pod_state_map/);
  });
});

describe('LPM maps', () => {
  it("flags a missing key, naming the CIDR, its owner and the map's pods", async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, 'maps/93.txt', /Key : IP\/Prefixlen - 172\.31\.101\.218\/32[\s\S]*?\*{31}\n/, '');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-LPM-ENTRY-MISSING');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(
      /ingress_map \(map 93.*default\/nginx-f8d9c6576-8b4vf lacks 172\.31\.101\.218\/32 \(pod default\/accesstrue\)/,
    );
    expect(found[0]?.upstreamIssue).toBe('aws/aws-network-policy-agent#206');
  });

  it('names the kubelet-probe consequence and #484 when the node-IP key is missing', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, 'maps/93.txt', /Key : IP\/Prefixlen - 172\.31\.103\.129\/32[\s\S]*?\*{31}\n/, '');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-LPM-ENTRY-MISSING');
    expect(found[0]?.message).toMatch(/node-IP key/);
    expect(found[0]?.upstreamIssue).toContain('#484');
  });

  it('flags an extra key (accessfalse admitted) and not the expected ones', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(
        files,
        'maps/93.txt',
        'Done reading all entries',
        'Key : IP/Prefixlen - 172.31.96.116/32\n-------------------\nValue Entry :  0\nProtocol -  ANY PROTOCOL\nStartPort -  0\nEndport -  0\n-------------------\n*******************************\nDone reading all entries',
      );
    });
    // Assess
    const found = withCheck(outcome, 'NODE-LPM-ENTRY-EXTRA');
    expect(found.map((f) => f.message.match(/holds (\S+ \(pod [^)]+\))/)?.[1])).toEqual([
      '172.31.96.116/32 (pod default/accessfalse)',
    ]);
    expect(withCheck(outcome, 'NODE-LPM-ENTRY-MISSING')).toEqual([]);
  });

  it('flags a key with other ports or protocol', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, 'maps/93.txt', 'Protocol -  ANY PROTOCOL\nStartPort -  0', 'Protocol -  TCP\nStartPort -  80');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-LPM-PORTS-MISMATCH');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/172\.31\.101\.218\/32 .* allows TCP 80, expected ANY/);
  });

  it('compares a truncated key (more than 24 ports) as a subset of what the PE asks for', async () => {
    // Prepare: web's egress_map key 203.0.113.0/24 holds 24 of the 26 TCP ports of its PE.
    const drift = await loadExample('drift-cluster');
    const bundle = parseNodeBundle(editedNode(drift, DRIFT_NODE, () => undefined));
    const map = [...bundle.maps.values()].find(
      (m) => m.outcome.kind === 'lpm-map' && m.outcome.entries.some((e) => e.cidr === '203.0.113.0/24'),
    );
    const file = map?.file ?? '';
    // Act
    const subset = audit(drift, [
      editedNode(drift, DRIFT_NODE, (files) => {
        replaceIn(files, file, 'StartPort - 8001', 'StartPort - 8026');
      }),
    ]);
    const foreign = audit(drift, [
      editedNode(drift, DRIFT_NODE, (files) => {
        replaceIn(files, file, 'StartPort - 8001', 'StartPort - 7999');
      }),
    ]);
    // Assess
    expect(withCheck(subset, 'NODE-LPM-PORTS-MISMATCH')).toEqual([]);
    const found = withCheck(foreign, 'NODE-LPM-PORTS-MISMATCH');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/allows TCP 7999, .*compared as a subset/);
  });

  it('rolls up more than 20 missing keys into one finding', async () => {
    // Prepare: the api egress map of the drift node, emptied.
    const drift: Example = await loadExample('drift-cluster');
    const bundle = parseNodeBundle(editedNode(drift, DRIFT_NODE, () => undefined));
    const id = bundle.program('api-7d4b9c6f8-shop', 'egress')?.maps.find((m) => m.role === 'egress_map')?.id;
    // Act
    const outcome = audit(drift, [
      editedNode(drift, DRIFT_NODE, (files) => files.set(`maps/${id ?? 0}.txt`, 'No Entries found, Empty map\n')),
    ]);
    // Assess
    const missing = withCheck(outcome, 'NODE-LPM-ENTRY-MISSING').filter(
      (f) => f.resource.name === 'api-7d4b9c6f8-shop',
    );
    expect(missing.length).toBeGreaterThan(1);
    expect(missing.length).toBeLessThanOrEqual(21);
  });
});

describe('pod state', () => {
  it('flags key 0 = DEFAULT_ALLOW on a pod a PolicyEndpoint selects', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, 'maps/94.txt', 'State -  0', 'State -  1');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-POD-STATE-MISMATCH');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(
      /key 0 \(NetworkPolicy\) is 1 DEFAULT_ALLOW, expected 0 POLICIES_APPLIED.*access-nginx/,
    );
  });

  it('flags a missing key 0 as critical (#646)', async () => {
    // Act
    const outcome = await seedWith((files) =>
      files.set('maps/96.txt', 'No entries found, empty HASH map (pod_state_map?)\n'),
    );
    // Assess
    const found = withCheck(outcome, 'NODE-POD-STATE-KEY-MISSING');
    expect(found.map((f) => [f.severity, f.upstreamIssue])).toEqual([['critical', 'aws/aws-network-policy-agent#646']]);
  });

  it('names a stray key that took the place of key 0 (a stale key the SDK wrote, #484)', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, 'maps/96.txt', 'Key :  0', 'Key :  3735928559');
    });
    // Assess
    const found = withCheck(outcome, 'NODE-POD-STATE-KEY-MISSING');
    expect(found.map((f) => [f.severity, f.upstreamIssue, f.actual])).toEqual([
      ['critical', 'aws/aws-network-policy-agent#484', { strayKeys: [3735928559] }],
    ]);
    expect(found[0]?.message).toMatch(/has no key 0 .*holds key\(s\) 3735928559 instead.*E2BIG/);
  });

  it('flags a missing key 1 on v1.3+ with #570, and accepts v1.2 dumps without key 1', async () => {
    // Prepare
    const drift = await loadExample('drift-cluster');
    const bundle = parseNodeBundle(editedNode(drift, DRIFT_NODE, () => undefined));
    const id = bundle
      .program('web-6c9f8d7b5-shop', 'ingress')
      ?.maps.find((m) => m.role === 'ingress_pod_state_map')?.id;
    // Act
    const outcome = audit(drift, [
      editedNode(drift, DRIFT_NODE, (files) => {
        replaceIn(files, `maps/${id ?? 0}.txt`, /Key : {2}1\nState - {2}1\n\*{31}\n/, '');
      }),
    ]);
    // Assess
    expect(withCheck(outcome, 'NODE-POD-STATE-KEY-MISSING').map((f) => f.upstreamIssue)).toEqual([
      'aws/aws-network-policy-agent#570',
    ]);
    expect(withCheck(await seedWith(() => undefined), 'NODE-POD-STATE-KEY-MISSING')).toEqual([]);
  });
});

describe('cluster policy maps', () => {
  it('flags a cp map key no ClusterPolicyEndpoint asks for', async () => {
    // Prepare
    const drift = await loadExample('drift-cluster');
    const bundle = parseNodeBundle(editedNode(drift, DRIFT_NODE, () => undefined));
    const id = bundle.program('web-6c9f8d7b5-shop', 'egress')?.maps.find((m) => m.role === 'cp_egress_map')?.id;
    const dump =
      'Key: 10.0.0.0/8\nKey: 10.0.0.0/8\n-------------------\nEntry 0:\nProtocol  - TCP\nPriority  - 100\nStartPort - 22\nEndPort   - 0\n-------------------\n*******************************\nDone reading all entries\n';
    // Act
    const outcome = audit(drift, [editedNode(drift, DRIFT_NODE, (files) => files.set(`maps/${id ?? 0}.txt`, dump))]);
    // Assess
    const found = withCheck(outcome, 'NODE-CP-ENTRY-MISMATCH');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/cp_egress_map .*unexpected 10\.0\.0\.0\/8/);
  });
});

describe('collection', () => {
  it('turns a CLI error instead of loaded-ebpfdata into NODE-COLLECTION-FAILED', async () => {
    // Act
    const outcome = await seedWith((files) =>
      files.set(LOADED, 'Failed to execute the cmd -  error checking BPF FS: not mounted\n'),
    );
    // Assess
    const found = withCheck(outcome, 'NODE-COLLECTION-FAILED');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/error checking BPF FS/);
    expect(withCheck(outcome, 'NODE-PROGRAM-MISSING')).toEqual([]);
  });

  it('reports an empty node directory as not collected', async () => {
    // Act
    const outcome = await seedWith((files) => {
      files.clear();
    });
    // Assess
    expect(withCheck(outcome, 'NODE-COLLECTION-FAILED')[0]?.message).toMatch(/holds no files/);
  });

  it('flags a map dump that is an error output, and a referenced map that was not dumped', async () => {
    // Act
    const outcome = await seedWith((files) => {
      files.set('maps/95.txt', 'Failed to execute the cmd -  Invalid MapID: no such file or directory\n');
      files.delete('maps/96.txt');
    });
    // Assess
    const messages = withCheck(outcome, 'NODE-COLLECTION-INCOMPLETE').map((f) => f.message);
    expect(messages).toHaveLength(2);
    expect(messages.some((m) => /maps\/95\.txt \(map 95, egress_map\) is an error output/.test(m))).toBe(true);
    expect(messages.some((m) => /maps\/96\.txt is missing/.test(m))).toBe(true);
  });

  it('reports an unparseable file with file:line and never throws (the article as rendered)', async () => {
    // Prepare
    const asPublished = `Key : IP/Prefixlen - 172.31.101.218/32\n-------------------\nValue Entry :  0\nProtocol -  ANY PROTOCOL\nStartPort -  0\nEndport -  0\n-------------------\n              *     Key : IP/Prefixlen - 172.31.103.129/32\n`;
    // Act
    const outcome = await seedWith((files) => {
      files.set('maps/93.txt', asPublished);
      files.set('node.json', '{"errors": [');
    });
    // Assess
    const messages = withCheck(outcome, 'NODE-OUTPUT-UNPARSEABLE').map((f) => f.message);
    expect(messages.some((m) => /maps\/93\.txt:8: /.test(m))).toBe(true);
    expect(messages.some((m) => /node\.json:1: not valid JSON/.test(m))).toBe(true);
  });

  it('prefers the node agent version and flags a mismatch with the DaemonSet image', async () => {
    // Act
    const outcome = await seedWith((files) => {
      replaceIn(files, 'node.json', 'v1.2.2-eksbuild.1', 'v1.2.7-eksbuild.1');
    });
    const same = await seedWith(() => undefined);
    // Assess
    const found = withCheck(outcome, 'NODE-AGENT-VERSION-MISMATCH');
    expect(found.map((f) => [f.severity, f.actual])).toEqual([['low', '1.2.7']]);
    expect(withCheck(same, 'NODE-AGENT-VERSION-MISMATCH')).toEqual([]);
  });

  it('lists cluster nodes with selected pods but no node directory as not checked, not as findings', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    // Act
    const outcome = audit(seed, []);
    // Assess
    expect(outcome.findings).toEqual([]);
    expect(outcome.notChecked).toEqual([
      {
        scope: `node ${SEED_NODE}`,
        reason: expect.stringContaining('default/nginx-f8d9c6576-8b4vf') as unknown,
        kind: 'NC-NODE-NOT-COLLECTED',
      },
    ]);
  });

  it('lists a node directory for a node not in the inventory as not checked', async () => {
    // Prepare
    const seed = await loadExample('seed-cluster');
    const stray = { ...editedNode(seed, SEED_NODE, () => undefined), nodeName: 'ip-10-9-9-9.internal' };
    // Act
    const outcome = audit(seed, [...seed.nodeOutputs, stray]);
    // Assess
    expect(outcome.notChecked.map((n) => [n.scope, n.kind])).toEqual([
      ['node ip-10-9-9-9.internal', 'NC-NODE-NOT-IN-INVENTORY'],
    ]);
  });
});
