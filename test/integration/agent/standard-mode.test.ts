/**
 * The REAL network policy agent v1.4.1 (scripts/build-agent.sh) as the node agent of one test node, against the
 * real kube-apiserver, in standard mode: the article's cluster and a richer one. The collector collects, the audit
 * must report zero node findings; real packets between the pods' namespaces must do what explain's kernel verdict
 * says; a policy change is reprogrammed by the agent and stays clean; tampering behind the agent's back (bpftool,
 * tc) gives exactly the expected finding while the packets keep following explain. Run as root.
 */
import { podIdentifier } from '#engine/facts/pod-identifier';
import { ANY, PIN_PROGRAMS, podNamed, tampered, TCP } from './agent-steps';
import type { AgentNode } from './agent-node';
import { connected, digest, type AuditedSnapshot } from './node-audit';
import { AGENT_VERSION, API_INGRESS_CHANGED, ARTICLE, NODE_IP, RICH } from './scenarios';
import { agentTier } from './tier';

jest.setTimeout(180_000);

const API = podNamed('api-5c6d7f8b9-x1y2z');
const POSTGRES = podNamed('postgres-0');
const NGINX = podNamed('nginx-f8d9c6576-8b4vf');
const ACCESS_TRUE = podNamed('accesstrue');
const NGINX_ID = podIdentifier(NGINX.name, NGINX.namespace, AGENT_VERSION);
const API_ID = podIdentifier(API.name, API.namespace, AGENT_VERSION);
const POSTGRES_ID = podIdentifier(POSTGRES.name, POSTGRES.namespace, AGENT_VERSION);

describe('the real agent v1.4.1 on a test node, standard mode', () => {
  const tier = agentTier('standard', [ARTICLE, RICH]);
  const ready = tier;
  const cleanAudit = () => tier().cleanAudit();
  const packets = (title: string, audited: AuditedSnapshot) => tier().packets(title, audited);

  test('the collector collects the agent-programmed node and the audit reports zero node findings', async () => {
    // Act
    const audited = await cleanAudit();

    // Assess: the agent really programmed every pod, and the other layers agree
    const [raw] = audited.inputs.nodeOutputs ?? [];
    const nodeJson: unknown = JSON.parse(raw?.files.get('node.json') ?? '{}');
    expect(nodeJson).toMatchObject({ agentVersion: AGENT_VERSION, agentVersionSource: 'agent-log', complete: true });
    expect(audited.report.findings.filter((f) => f.layer === 'control-plane').map(digest)).toEqual([]);
    expect(audited.report.notChecked.filter((n) => n.scope.includes(NODE_IP) || n.scope.startsWith('node'))).toEqual(
      [],
    );
    const pinned = (await ready().node.lab.inMountNs('ls', [PIN_PROGRAMS])).stdout.split('\n').filter(Boolean).sort();
    expect(pinned).toContain(`${API_ID}_handle_ingress`);
    expect(pinned).toContain(`${POSTGRES_ID}_handle_egress`);
  });

  test("real packets: explain's kernel verdict equals what happened to every flow", async () => {
    // Act
    const results = await packets('as programmed', await cleanAudit());

    // Assess: enforcement is real (some flows are dropped, some connect) and follows the article
    expect(connected(results)).toContain('accesstrue -> default/nginx-f8d9c6576-8b4vf:80/TCP');
    expect(connected(results)).not.toContain('accessfalse -> default/nginx-f8d9c6576-8b4vf:80/TCP');
    expect(connected(results)).toContain('frontend-7d4b9c8f5-q2w3e -> 10.100.0.10:53/UDP');
    expect(connected(results)).not.toContain('debug -> shop/api-5c6d7f8b9-x1y2z:9090/TCP');
    expect(connected(results)).toContain('postgres-0 -> shop/api-5c6d7f8b9-x1y2z:9090/TCP');
  });

  test('a policy change is reprogrammed by the agent: still zero findings, and the packets follow', async () => {
    // Act
    await ready().cluster.changePolicy(API_INGRESS_CHANGED);
    const audited = await cleanAudit();
    const results = await packets('after the api-ingress change', audited);

    // Assess: the ipBlock lost its except and gained the named port
    expect(connected(results)).toContain('debug -> shop/api-5c6d7f8b9-x1y2z:9090/TCP');
    expect(connected(results)).toContain('debug -> shop/api-5c6d7f8b9-x1y2z:8080/TCP');
  });

  test('a deleted LPM key (bpftool) is exactly NODE-LPM-ENTRY-MISSING, and the packets follow explain', async () => {
    // Prepare: the article's allow rule, accesstrue -> nginx (no ports: ANY)
    const key = `${ACCESS_TRUE.ip}/32`;

    // Act
    const { audited, results } = await tampered(ready(), {
      title: 'after bpftool map delete of the accesstrue key in the nginx ingress_map',
      expectedCheck: 'NODE-LPM-ENTRY-MISSING',
      change: (n) => n.lab.deleteLpm(NGINX_ID, 'ingress_map', key),
      restore: (n) =>
        n.lab.writeLpm(NGINX_ID, 'ingress_map', { cidr: key, slots: [{ protocol: ANY, startPort: 0, endPort: 0 }] }),
    });

    // Assess
    expect(audited.nodeFindings.map(digest).join('\n')).toContain(key);
    expect(connected(results)).not.toContain('accesstrue -> default/nginx-f8d9c6576-8b4vf:80/TCP');
    await cleanAudit();
  });

  test('a re-ported LPM key (bpftool) is exactly NODE-LPM-PORTS-MISMATCH, and the packets follow explain', async () => {
    // Prepare: the api's egress to postgres allows TCP 5432
    const key = `${POSTGRES.ip}/32`;
    const withPort = (port: number) => ({ cidr: key, slots: [{ protocol: TCP, startPort: port, endPort: 0 }] });

    // Act
    const { results } = await tampered(ready(), {
      title: 'after bpftool map update of the postgres key in the api egress_map (5432 -> 5433)',
      expectedCheck: 'NODE-LPM-PORTS-MISMATCH',
      change: (n) => n.lab.writeLpm(API_ID, 'egress_map', withPort(5433)),
      restore: (n) => n.lab.writeLpm(API_ID, 'egress_map', withPort(5432)),
    });

    // Assess
    expect(connected(results)).not.toContain('api-5c6d7f8b9-x1y2z -> db/postgres-0:5432/TCP');
    await cleanAudit();
  });

  test("a tc filter replaced with another pod's program is exactly NODE-FILTER-PROGRAM-MISMATCH", async () => {
    // Prepare: traffic into the api pod gets judged by postgres's ingress program and maps
    const hook = (identifier: string) => (n: AgentNode) =>
      n.lab.replaceFilter(n.vethOf(API), 'egress', `${PIN_PROGRAMS}/${identifier}_handle_ingress`);

    // Act
    const { results } = await tampered(ready(), {
      title: "after tc filter replace of the api veth's egress hook with postgres's program",
      expectedCheck: 'NODE-FILTER-PROGRAM-MISMATCH',
      change: hook(POSTGRES_ID),
      restore: hook(API_ID),
    });

    // Assess
    expect(connected(results)).not.toContain('frontend-7d4b9c8f5-q2w3e -> shop/api-5c6d7f8b9-x1y2z:8080/TCP');
    await cleanAudit();
  });

  test('CNI DEL of the last pod of an identifier: the agent unpins its programs, the audit stays clean', async () => {
    // Prepare
    const { node: n } = ready();
    const accessfalse = podNamed('accessfalse');
    const identifier = podIdentifier(accessfalse.name, accessfalse.namespace, AGENT_VERSION);

    // Act
    await n.deletePod(accessfalse);
    await ready().cluster.deletePod(accessfalse);
    const audited = await cleanAudit();

    // Assess
    const pinned = (await n.lab.inMountNs('ls', [PIN_PROGRAMS])).stdout;
    expect(pinned).not.toContain(`${identifier}_handle`);
    expect(audited.report.inputs.nodeOutputs).toBe(1);
  });
});
