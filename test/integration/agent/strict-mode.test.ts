/**
 * The REAL network policy agent v1.4.1 on one test node in STRICT mode (NETWORK_POLICY_ENFORCING_MODE=strict on
 * aws-node, sent by ipamd and with every EnforceNpToPod): pods no PolicyEndpoint targets are DEFAULT_DENY in both
 * directions (agent.md §2.4, §2.7). The audit must stay clean and say the mode is strict; real packets, to pods and
 * to the kube-dns ClusterIP, must do what explain's kernel verdict says; a policy that selects a default-deny pod is
 * reprogrammed; a pod-state map edited behind the agent's back is exactly NODE-POD-STATE-MISMATCH. Run as root.
 */
import { explain } from '#engine';
import { podIdentifier } from '#engine/facts/pod-identifier';
import { podNamed, tampered } from './agent-steps';
import { connected, type AuditedSnapshot, type FlowResult } from './node-audit';
import { AGENT_VERSION, ARTICLE, DNS_INGRESS, RICH } from './scenarios';
import { agentTier } from './tier';

jest.setTimeout(180_000);

const DEFAULT_ALLOW = 1;
const DEFAULT_DENY = 2;
const FRONTEND = podNamed('frontend-7d4b9c8f5-q2w3e');
const ACCESS_TRUE = podNamed('accesstrue');
const ACCESS_TRUE_ID = podIdentifier(ACCESS_TRUE.name, ACCESS_TRUE.namespace, AGENT_VERSION);
const KUBE_DNS_IP = '10.100.0.10';

function resultOf(results: readonly FlowResult[], from: string, to: string, port: number, protocol: string) {
  const result = results.find(
    (r) => r.flow.from.name === from && r.flow.to === to && r.flow.port === port && r.flow.protocol === protocol,
  );
  if (result === undefined) throw new Error(`no flow ${from} -> ${to}:${String(port)}/${protocol}`);
  return result;
}

describe('the real agent v1.4.1 on a test node, strict mode', () => {
  const tier = agentTier('strict', [ARTICLE, RICH]);
  const cleanAudit = () => tier().cleanAudit();
  const packets = (title: string, audited: AuditedSnapshot) => tier().packets(title, audited);

  /** explain's one backend of frontend -> svc/kube-system/kube-dns:53/UDP, whose kernel verdict the packets test. */
  function dnsBackend(audited: AuditedSnapshot) {
    const explained = explain(audited.inputs, {
      from: `${FRONTEND.namespace}/${FRONTEND.name}`,
      to: 'svc/kube-system/kube-dns',
      port: 53,
      protocol: 'UDP',
    });
    expect(explained.backends?.map((b) => b.pod)).toEqual(['kube-system/coredns-6b9f8d7c5-a1b2c']);
    return explained.backends?.[0];
  }

  test('zero node findings; the configuration layer says strict and the control plane names the default-deny pods', async () => {
    // Act
    const audited = await cleanAudit();

    // Assess
    expect(audited.report.configuration.enforcementMode).toBe('strict');
    // the control plane names what strict mode costs here, which the packets below confirm
    const controlPlane = audited.report.findings.filter((f) => f.layer === 'control-plane');
    expect(controlPlane.map((f) => `${f.checkId} ${f.message.split(':')[0] ?? ''}`).sort()).toEqual([
      'CP-LIMIT-STRICT-NO-DNS Pod shop/api-5c6d7f8b9-x1y2z',
      'CP-LIMIT-STRICT-UNSELECTED Strict mode',
      'CP-LIMIT-STRICT-UNSELECTED Strict mode',
      'CP-LIMIT-STRICT-UNSELECTED Strict mode',
    ]);
    expect(controlPlane.map((f) => f.message).join('\n')).toMatch(/accessfalse, accesstrue[^]*coredns[^]*debug/);
  });

  test("real packets: explain's kernel verdict equals every flow, pods without a policy are default-deny", async () => {
    // Act
    const audited = await cleanAudit();
    const results = await packets('as programmed', audited);

    // Assess: the article's allowed client has no policy of its own, so strict mode drops its egress
    const articleAllow = resultOf(results, 'accesstrue', 'default/nginx-f8d9c6576-8b4vf', 80, 'TCP');
    expect(articleAllow.packet).toBe('dropped');
    expect(articleAllow.kernelReason).toContain('DEFAULT_DENY');
    expect(connected(results)).toContain('frontend-7d4b9c8f5-q2w3e -> shop/api-5c6d7f8b9-x1y2z:8080/TCP');
    expect(connected(results)).toContain('postgres-0 -> shop/api-5c6d7f8b9-x1y2z:9090/TCP');
    // coredns has no policy: DNS to its ClusterIP and to the pod is dropped at its ingress, per backend too
    const viaClusterIp = resultOf(results, FRONTEND.name, KUBE_DNS_IP, 53, 'UDP');
    expect(viaClusterIp.packet).toBe('dropped');
    expect(dnsBackend(audited)?.kernel.verdict).toBe('deny');
  });

  test('a policy selecting the default-deny coredns is reprogrammed: zero findings, DNS from shop connects', async () => {
    // Act
    await tier().cluster.changePolicy(DNS_INGRESS);
    const audited = await cleanAudit();
    const results = await packets('after the dns-ingress policy arrived', audited);

    // Assess
    expect(connected(results)).toContain(`${FRONTEND.name} -> ${KUBE_DNS_IP}:53/UDP`);
    expect(connected(results)).toContain(`${FRONTEND.name} -> kube-system/coredns-6b9f8d7c5-a1b2c:53/UDP`);
    expect(connected(results)).not.toContain(`debug -> ${KUBE_DNS_IP}:53/UDP`);
    expect(dnsBackend(audited)?.kernel.verdict).toBe('allow');
  });

  test('a pod-state flipped to DEFAULT_ALLOW (bpftool) is exactly NODE-POD-STATE-MISMATCH, packets follow', async () => {
    // Act
    const { audited, results } = await tampered(tier(), {
      title: "after bpftool map update of accesstrue's egress pod state to DEFAULT_ALLOW",
      expectedCheck: 'NODE-POD-STATE-MISMATCH',
      change: (n) => n.lab.writePodState(ACCESS_TRUE_ID, 'egress_pod_state_map', 0, DEFAULT_ALLOW),
      restore: (n) => n.lab.writePodState(ACCESS_TRUE_ID, 'egress_pod_state_map', 0, DEFAULT_DENY),
    });

    // Assess: the article's allow now works, the strict default deny no longer holds for accesstrue's egress
    expect(audited.nodeFindings[0]?.message).toContain('accesstrue');
    expect(connected(results)).toContain('accesstrue -> default/nginx-f8d9c6576-8b4vf:80/TCP');
    expect(connected(results)).not.toContain('accesstrue -> default/accessfalse:80/TCP');
    await cleanAudit();
  });
});
