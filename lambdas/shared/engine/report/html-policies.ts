import type { Finding } from '../model/finding';
import { resourceLabel } from './check-results';
import { escapeHtml } from './html-document';
import { findingDetails, severityBadge } from './html-findings';
import type { AuditReport, PolicySummary } from './report';

interface PolicyFindings {
  readonly controlPlane: readonly Finding[];
  readonly node: readonly Finding[];
}

function policyKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Control-plane findings on the policy itself; node findings on the pods of its namespace, per node. */
function indexFindings(report: AuditReport): {
  byPolicy: Map<string, Finding[]>;
  byNamespace: Map<string, Finding[]>;
} {
  const byPolicy = new Map<string, Finding[]>();
  const byNamespace = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const { kind, namespace, name } = finding.resource;
    if (finding.layer === 'control-plane' && kind.endsWith('NetworkPolicy')) {
      const key = policyKey(namespace, name);
      byPolicy.set(key, [...(byPolicy.get(key) ?? []), finding]);
    } else if (finding.layer === 'node' && namespace !== undefined) {
      byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), finding]);
    }
  }
  return { byPolicy, byNamespace };
}

function findingList(findings: readonly Finding[]): string {
  return `<ul>${findings.map((f) => `<li>${severityBadge(f.severity)} <code>${escapeHtml(f.checkId)}</code> ${escapeHtml(resourceLabel(f.resource))}: ${escapeHtml(f.message)}${findingDetails(f)}</li>`).join('')}</ul>`;
}

function column(title: string, facts: string, findings: readonly Finding[], clean: string): string {
  const state = findings.length > 0 ? 'differs' : 'agrees';
  const body = findings.length > 0 ? findingList(findings) : `<p class="muted">${escapeHtml(clean)}</p>`;
  return `<div class="${state}"><h4>${escapeHtml(title)}</h4>${facts}${body}</div>`;
}

function policyBlock(report: AuditReport, policy: PolicySummary, findings: PolicyFindings): string {
  const title = `${policy.kind} ${policy.namespace === undefined ? '' : `${policy.namespace}/`}${policy.name}`;
  const intent = `<p>isolation: ${escapeHtml(policy.podIsolation.join(', ') || 'none')}<br>selected pods: ${policy.selectedPods}<br>ingress entries: ${policy.ingressEntries} · egress entries: ${policy.egressEntries}</p>`;
  const endpoints = `<p>PolicyEndpoints: ${policy.policyEndpoints}</p>`;
  const nodeFacts =
    report.inputs.nodeOutputs === 0
      ? '<p class="muted">no node outputs: not checked</p>'
      : `<p>${report.inputs.nodeOutputs} node output(s)</p>`;
  return [
    `<div class="policy" data-policy="${escapeHtml(policyKey(policy.namespace, policy.name))}"><h3>${escapeHtml(title)}</h3><div class="layers">`,
    `<div class="agrees"><h4>NetworkPolicy (intent)</h4>${intent}</div>`,
    column('PolicyEndpoint (controller)', endpoints, findings.controlPlane, 'matches the intent'),
    column(
      'Kernel entries (nodes, pods of the namespace)',
      nodeFacts,
      findings.node,
      'no drift on the nodes collected',
    ),
    '</div></div>',
  ].join('');
}

/** Per policy, the three layers side by side; a layer that differs from the intent is highlighted. */
export function policiesSection(report: AuditReport): string {
  if (report.policies.length === 0) return '';
  const { byPolicy, byNamespace } = indexFindings(report);
  const blocks = report.policies.map((policy) =>
    policyBlock(report, policy, {
      controlPlane: byPolicy.get(policyKey(policy.namespace, policy.name)) ?? [],
      node: policy.namespace === undefined ? [] : (byNamespace.get(policy.namespace) ?? []),
    }),
  );
  return `<section id="policies"><h2>Policies: intent → PolicyEndpoint → kernel</h2>${blocks.join('\n')}</section>`;
}
