import { agentBehaviour, AGENT_RELEASE, type AgentBehaviour } from '#engine/facts/agent-behaviour';
import { podIdentifier } from '#engine/facts/pod-identifier';
import { versionAtLeast, versionCompare } from '#engine/facts/version';
import type { LoadedEbpfDataOutput, MapRole } from '#engine/node/model';
import { lpmDumpAgentVersions } from '#engine/node/parsers/agent-version';
import { parseBpfMapList, parseBpfProgramList } from '#engine/node/parsers/bpf-inventory';
import { parseCpMapDump } from '#engine/node/parsers/cp-map';
import { parseLoadedEbpfData } from '#engine/node/parsers/loaded-ebpfdata';
import { parseLpmMapDump } from '#engine/node/parsers/lpm-map';
import { parsePodStateMapDump } from '#engine/node/parsers/pod-state-map';
import { expectOk, ofKind, sample, seed } from '../node/parsers/support/fixtures';

/** Agent images the VPC CNI shipped (agent.md §0 table), and 1.4.2 = main after v1.4.1. */
const RELEASES = [
  '1.0.1', '1.0.2', '1.0.4', '1.0.5', '1.0.6', '1.0.7', '1.0.8',
  '1.1.0', '1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6',
  '1.2.0', '1.2.1', '1.2.2', '1.2.3', '1.2.4', '1.2.6', '1.2.7',
  '1.3.0', '1.3.1', '1.3.5', '1.3.7', '1.4.0', '1.4.1', '1.4.2',
]; // prettier-ignore

/** Every release in `[min, max]`, the range a fixture's README gives for the dump. */
function releasesBetween(min: string, max: string): string[] {
  return RELEASES.filter((release) => versionCompare(release, min) >= 0 && versionCompare(release, max) <= 0);
}

/** ingress_map, aws_conntrack_map, policy_events, plus the pod-state and cp maps where the profile has them (§1.3.1). */
function mapsPerProgram(profile: AgentBehaviour): number {
  return 3 + (profile.podStateMaps ? 1 : 0) + (profile.clusterPolicyMaps ? 1 : 0);
}

const POD_STATE_ROLES: readonly MapRole[] = ['ingress_pod_state_map', 'egress_pod_state_map'];
const CP_ROLES: readonly MapRole[] = ['cp_ingress_map', 'cp_egress_map'];

function loaded(text: string): LoadedEbpfDataOutput {
  return ofKind(expectOk(parseLoadedEbpfData(text, 'loaded-ebpfdata.txt')), 'loaded-ebpfdata');
}

interface LoadedEbpfDataFixture {
  readonly name: string;
  readonly text: string;
  /** Pods of the fixture's example data (samples/README.md, seed/README.md), as name and namespace. */
  readonly pods: readonly (readonly [string, string])[];
  readonly releases: readonly string[];
}

const LOADED_EBPFDATA: readonly LoadedEbpfDataFixture[] = [
  {
    name: 'samples loaded-ebpfdata.v1.2.x',
    text: sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.2.x.txt'),
    pods: [['nginx-5d8b9f7c6d-x2x7q', 'shop']],
    releases: releasesBetween('1.2.0', '1.2.7'),
  },
  {
    name: 'seed article loaded-ebpfdata (real v1.2.x node)',
    text: seed('seed-article_loaded-ebpfdata_nginx-f8d9c6576-default.txt'),
    pods: [['nginx-f8d9c6576-8b4vf', 'default']],
    releases: releasesBetween('1.2.0', '1.2.7'),
  },
  {
    name: 'samples loaded-ebpfdata.v1.4.x',
    text: sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt'),
    pods: [
      ['nginx-5d8b9f7c6d-x2x7q', 'shop'],
      ['web-0', 'db'],
    ],
    releases: releasesBetween('1.4.0', '1.4.2'),
  },
];

const loadedCases = LOADED_EBPFDATA.flatMap((fixture) =>
  fixture.releases.map((release) => [release, fixture.name, fixture] as const),
);

describe('agentBehaviour against the loaded-ebpfdata of each release', () => {
  it.each(loadedCases)('v%s: the profile predicts %s', (release, _name, fixture) => {
    // Prepare
    const profile = agentBehaviour(release);

    // Act
    const output = loaded(fixture.text);

    // Assess
    const identifiers = new Set(output.programs.map((program) => program.podIdentifier.raw));
    const predicted = fixture.pods.map(([name, namespace]) => podIdentifier(name, namespace, release));
    expect([...identifiers].sort()).toEqual([...predicted].sort());
    expect(output.identifierSeparator).toBe(profile.identifierSeparator);
    expect(output.programReference).toBe(versionAtLeast(release, AGENT_RELEASE.programIds) ? 'id' : 'fd');
    for (const program of output.programs) {
      const roles = program.maps.map((map) => map.role);
      expect(program.maps).toHaveLength(mapsPerProgram(profile));
      expect(roles.some((role) => POD_STATE_ROLES.includes(role))).toBe(profile.podStateMaps);
      expect(roles.some((role) => CP_ROLES.includes(role))).toBe(profile.clusterPolicyMaps);
    }
  });
});

describe('agentBehaviour against the ebpf progs / maps of each release', () => {
  it.each(releasesBetween('1.3.0', '1.4.2'))('v%s: every tc program references the predicted map count', (release) => {
    // Prepare
    const profile = agentBehaviour(release);
    const schedClsType = 3;

    // Act
    const list = ofKind(
      expectOk(parseBpfProgramList(sample('aws-eks-na-cli_ebpf_progs.txt'), 'progs.txt')),
      'bpf-programs',
    );

    // Assess
    const tcPrograms = list.programs.filter((program) => program.type === schedClsType);
    expect(tcPrograms.length).toBeGreaterThan(0);
    for (const program of tcPrograms) expect(program.mapCount).toBe(mapsPerProgram(profile));
  });

  it.each(releasesBetween('1.4.0', '1.4.1'))('v%s: map sizes match the slot limit and pod-state keys', (release) => {
    // Prepare
    const profile = agentBehaviour(release);
    const slotBytes = { policy: 12, cp: 16 };
    const roleById = new Map(
      loaded(sample('aws-eks-na-cli_ebpf_loaded-ebpfdata.v1.4.x.txt')).programs.flatMap((program) =>
        program.maps.map((map) => [map.id, map.role] as const),
      ),
    );

    // Act
    const list = ofKind(
      expectOk(parseBpfMapList(sample('aws-eks-na-cli_ebpf_maps.v1.3.7-v1.4.1.txt'), 'maps.txt')),
      'bpf-maps',
    );

    // Assess
    const sized = list.maps.map((map) => [roleById.get(map.id), map] as const);
    const byRole = (roles: readonly MapRole[]): typeof list.maps =>
      sized.filter(([role]) => role !== undefined && roles.includes(role)).map(([, map]) => map);
    const policyMaps = byRole(['ingress_map', 'egress_map']);
    const cpMaps = byRole(CP_ROLES);
    const podStateMaps = byRole(POD_STATE_ROLES);
    expect(policyMaps.length * cpMaps.length * podStateMaps.length).toBeGreaterThan(0);
    for (const map of policyMaps) expect(map.valueSize).toBe(profile.slotLimit * slotBytes.policy);
    for (const map of cpMaps) expect(map.valueSize).toBe(profile.slotLimit * slotBytes.cp);
    for (const map of podStateMaps) expect(map.maxEntries).toBe(profile.clusterPolicyMaps ? 2 : 1);
  });
});

interface PodStateFixture {
  readonly file: string;
  readonly releases: readonly string[];
}

const POD_STATE: readonly PodStateFixture[] = [
  {
    file: 'aws-eks-na-cli_ebpf_dump-maps_ingress_pod_state_map.v1.2.x.txt',
    releases: releasesBetween('1.2.0', '1.2.7'),
  },
  {
    file: 'aws-eks-na-cli_ebpf_dump-maps_ingress_pod_state_map.v1.3.0-plus.txt',
    releases: releasesBetween('1.3.0', '1.4.2'),
  },
];

describe('agentBehaviour against the pod-state map dump of each release', () => {
  it.each(POD_STATE.flatMap((fixture) => fixture.releases.map((release) => [release, fixture.file] as const)))(
    'v%s: %s has key 1 exactly when the profile has cluster-policy maps',
    (release, file) => {
      // Prepare
      const profile = agentBehaviour(release);

      // Act
      const dump = ofKind(expectOk(parsePodStateMapDump(sample(file), file)), 'pod-state-map');

      // Assess
      expect(profile.podStateMaps).toBe(true);
      expect(dump.entries.map((entry) => entry.key)).toEqual(profile.clusterPolicyMaps ? [0, 1] : [0]);
    },
  );
});

const NODE_IP = '10.0.1.25';

describe('agentBehaviour against the cp map dump of each release', () => {
  it.each([
    ...releasesBetween('1.3.0', '1.4.1').map(
      (r) => [r, 'aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.v1.3.0-v1.4.1.txt'] as const,
    ),
    ['1.4.2', 'aws-eks-na-cli_ebpf_dump-cp-maps_cp_egress_map.main-after-v1.4.1.txt'] as const,
  ])('v%s: %s holds the node-IP entry exactly when the profile says so', (release, file) => {
    // Prepare
    const profile = agentBehaviour(release);

    // Act
    const dump = ofKind(expectOk(parseCpMapDump(sample(file), file)), 'cp-map');

    // Assess
    const nodeEntry = dump.entries.find((entry) => entry.cidr === `${NODE_IP}/32`);
    const nodeIpSlot = nodeEntry?.values.some((slot) => slot.protocolLabel === 'ANY PROTOCOL' && slot.priority === 1);
    expect(profile.clusterPolicyMaps).toBe(true);
    expect(nodeIpSlot === true).toBe(profile.cpNodeIpEntry);
    for (const entry of dump.entries) expect(entry.values.length).toBeLessThanOrEqual(profile.slotLimit);
  });
});

const LPM_DUMPS = [
  ['aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.1-v1.0.6.txt', releasesBetween('1.0.1', '1.0.6')],
  ['aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.0.7-v1.2.7.txt', releasesBetween('1.0.7', '1.2.7')],
  ['aws-eks-na-cli_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt', releasesBetween('1.3.0', '1.4.2')],
  ['aws-eks-na-cli_ebpf_dump-maps_egress_map.v1.3.0-plus.txt', releasesBetween('1.3.0', '1.4.2')],
  ['aws-eks-na-cli-v6_ebpf_dump-maps_ingress_map.v1.3.0-plus.txt', releasesBetween('1.3.0', '1.4.2')],
] as const;

describe('agentBehaviour against the LPM map dump of each release', () => {
  it.each(LPM_DUMPS.flatMap(([file, releases]) => releases.map((release) => [release, file] as const)))(
    'v%s: %s is a format of the release and fits its slot limit',
    (release, file) => {
      // Prepare
      const profile = agentBehaviour(release);

      // Act
      const dump = ofKind(expectOk(parseLpmMapDump(sample(file), file)), 'lpm-map');

      // Assess
      const format = lpmDumpAgentVersions(dump);
      expect(format).not.toBeNull();
      expect(versionAtLeast(release, format?.min ?? '')).toBe(true);
      if (format?.max != null) expect(versionAtLeast(format.max, release)).toBe(true);
      expect(dump.entries.length).toBeGreaterThan(0);
      for (const entry of dump.entries) expect(entry.values.length).toBeLessThanOrEqual(profile.slotLimit);
    },
  );

  it('v1.2.x: the seed article dump-maps 93 is the G2 format', () => {
    // Prepare
    const file = 'seed-article_dump-maps_93.txt';

    // Act
    const dump = ofKind(expectOk(parseLpmMapDump(seed(file), file)), 'lpm-map');

    // Assess
    expect(lpmDumpAgentVersions(dump)).toMatchObject({ min: '1.0.7', max: '1.2.7' });
  });
});

describe('agentBehaviour assumptions', () => {
  it('flags the main-after-v1.4.1 assumption for newer versions and nothing for tagged ones', () => {
    // Prepare
    const versions = ['1.4.1', '1.4.2'];

    // Act
    const [tagged, newer] = versions.map((version) => agentBehaviour(version));

    // Assess
    expect(tagged?.assumptions).toEqual([]);
    expect(newer?.assumptions).toHaveLength(1);
    expect(newer?.assumptions[0]).toMatch(/unconfirmed/);
  });

  it('assumes the newest behaviour for an unknown version and says so', () => {
    // Prepare
    const version = undefined;

    // Act
    const behaviour = agentBehaviour(version);

    // Assess
    expect(behaviour).toMatchObject({ versionKnown: false, identifierSeparator: '@', canonicalisesCidrs: true });
    expect(behaviour.assumptions[0]).toMatch(/unknown/);
  });
});
