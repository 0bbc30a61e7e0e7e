import type { Finding, Severity } from '../model/finding';
import { coverageLines } from './render-coverage';
import type { AuditReport, PolicySummary } from './report';

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function resourceLabel(finding: Finding): string {
  const { kind, namespace, name, node } = finding.resource;
  const base = `${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`;
  return node === undefined || (kind === 'Node' && name === node) ? base : `${base} on ${node}`;
}

function compact(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** How a suppressed finding is marked in markdown, the summary and the table. */
export const SUPPRESSED_MARKER = '(suppressed)';

function suppressionLine(finding: Finding): string[] {
  const mark = finding.suppressed;
  if (mark === undefined) return [];
  const owner = mark.owner === undefined ? '' : `, owner ${mark.owner}`;
  return [`  - suppressed: ${mark.reason} (through ${mark.expires}; ${mark.source}${owner})`];
}

function affectedLine(finding: Finding): string[] {
  const affected = finding.affected;
  if (affected === undefined) return [];
  const listed = affected.resources.map((resource) => resourceLabel({ ...finding, resource })).join(', ');
  const rest = affected.count - affected.resources.length;
  return [`  - affected (${affected.count}): ${listed}${rest > 0 ? ` and ${rest} more` : ''}`];
}

function findingBlock(finding: Finding): string[] {
  const marker = finding.suppressed === undefined ? '' : ` ${SUPPRESSED_MARKER}`;
  const lines = [
    `- **${finding.severity.toUpperCase()}**${marker} \`${finding.checkId}\` ${resourceLabel(finding)}: ${finding.message}`,
    ...suppressionLine(finding),
    ...affectedLine(finding),
  ];
  if (finding.expected !== undefined) lines.push(`  - expected: \`${compact(finding.expected)}\``);
  if (finding.actual !== undefined) lines.push(`  - actual: \`${compact(finding.actual)}\``);
  if (finding.remediation !== undefined) lines.push(`  - remediation: ${finding.remediation}`);
  if (finding.verify !== undefined) lines.push(`  - verify: \`${finding.verify}\``);
  if (finding.upstreamIssue !== undefined) lines.push(`  - upstream: ${finding.upstreamIssue}`);
  return lines;
}

function policyKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function policySection(policy: PolicySummary, findings: readonly Finding[]): string[] {
  const title = `${policy.kind} ${policy.namespace === undefined ? '' : `${policy.namespace}/`}${policy.name}`;
  const lines = [
    `### ${title}`,
    '',
    `isolation: ${policy.podIsolation.length === 0 ? 'none' : policy.podIsolation.join(', ')} · selected pods: ${policy.selectedPods} · ingress entries: ${policy.ingressEntries} · egress entries: ${policy.egressEntries} · PolicyEndpoints: ${policy.policyEndpoints}`,
    '',
  ];
  if (findings.length === 0) lines.push('No findings.', '');
  else appendAll(lines, [...findings.flatMap(findingBlock), '']);
  return lines;
}

function suppressedCount(report: AuditReport): string {
  return report.summary.suppressed === 0 ? '' : ` ${report.summary.suppressed} suppressed.`;
}

/** `push(...more)` passes every line as an argument and overflows the stack on tens of thousands of findings. */
function appendAll(lines: string[], more: readonly string[]): void {
  for (const line of more) lines.push(line);
}

function findingSection(title: string, findings: readonly Finding[]): string[] {
  return findings.length === 0 ? [] : [`## ${title}`, '', ...findings.flatMap(findingBlock), ''];
}

/** The human report: what is wrong first, then configuration, then per-policy detail; suppressed findings apart. */
export function renderMarkdown(report: AuditReport): string {
  const { summary } = report;
  const open = report.findings.filter((finding) => finding.suppressed === undefined);
  const lines: string[] = [
    `# Network policy audit: ${report.cluster.name}`,
    '',
    `Generated ${report.generatedAt} by ${report.engine.name} ${report.engine.version} from ${report.cluster.source} \`${report.cluster.location}\`.`,
    '',
    summary.totalFindings === 0
      ? `**No findings.**${suppressedCount(report)}`
      : `**${summary.totalFindings} finding(s)**: ${SEVERITIES.filter((s) => summary.bySeverity[s] > 0)
          .map((s) => `${summary.bySeverity[s]} ${s}`)
          .join(', ')}.${suppressedCount(report)}`,
    '',
  ];
  const checked = coverageLines(report);
  if (checked.length > 0) lines.push(...checked.map((line) => `- ${line}`), '');
  appendAll(
    lines,
    findingSection(
      'What is wrong',
      open.filter((finding) => finding.severity !== 'info'),
    ),
  );
  const c = report.configuration;
  lines.push(
    '## Configuration',
    '',
    '| setting | value |',
    '|---|---|',
    `| network policy enabled | ${c.networkPolicyEnabled === null ? 'unknown' : String(c.networkPolicyEnabled)} |`,
    `| enforcement mode | ${c.enforcementMode ?? 'unknown'}${c.desiredMode === null ? '' : ` (desired: ${c.desiredMode})`} |`,
    `| VPC CNI version | ${c.cniVersion ?? 'unknown'} |`,
    `| VPC CNI installed as | ${c.cniManagement ?? 'unknown'} |`,
    `| network policy agent version | ${c.agentVersion ?? 'unknown'} |`,
    `| EKS Auto Mode | ${c.autoMode === null ? 'unknown' : String(c.autoMode)} |`,
    `| IP family | ${c.ipFamily ?? 'unknown'} |`,
    '',
  );
  appendAll(
    lines,
    findingSection(
      'Notes',
      open.filter((finding) => finding.severity === 'info'),
    ),
  );
  appendAll(
    lines,
    findingSection(
      'Suppressed',
      report.findings.filter((finding) => finding.suppressed !== undefined),
    ),
  );
  const byPolicy = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const key = policyKey(finding.resource.kind, finding.resource.namespace, finding.resource.name);
    const list = byPolicy.get(key) ?? [];
    list.push(finding);
    byPolicy.set(key, list);
  }
  if (report.policies.length > 0) {
    lines.push('## Policies', '');
    for (const policy of report.policies) {
      appendAll(
        lines,
        policySection(policy, byPolicy.get(policyKey(policy.kind, policy.namespace, policy.name)) ?? []),
      );
    }
  }
  if (report.notChecked.length > 0) {
    lines.push(
      '## Not checked',
      '',
      'Each kind is explained, with what gets it checked, in docs/limits.md.',
      '',
      '| scope | reason | kind |',
      '|---|---|---|',
    );
    for (const entry of report.notChecked)
      lines.push(
        `| ${cell(entry.scope)} | ${cell(entry.reason)} | ${entry.kind === undefined ? '' : `\`${entry.kind}\``} |`,
      );
    lines.push('');
  }
  const i = report.inputs;
  lines.push(
    '## Inputs',
    '',
    `${i.namespaces} namespaces, ${i.pods} pods, ${i.services} services, ${i.nodes} nodes, ${i.networkPolicies} NetworkPolicies, ${i.policyEndpoints} PolicyEndpoints, ${i.applicationNetworkPolicies} ApplicationNetworkPolicies, ${i.clusterNetworkPolicies} ClusterNetworkPolicies, ${i.clusterPolicyEndpoints} ClusterPolicyEndpoints, ${i.nodeOutputs} node outputs.`,
    '',
  );
  const ignored = Object.entries(i.ignoredKinds);
  if (ignored.length > 0) {
    lines.push(`Ignored kinds: ${ignored.map(([kind, count]) => `${kind} (${count})`).join(', ')}.`, '');
  }
  return lines.join('\n');
}

/** A few lines for the terminal. */
export function renderSummary(report: AuditReport, files: readonly string[]): string {
  const { summary } = report;
  const counts = SEVERITIES.map((s) => `${s} ${summary.bySeverity[s]}`).join(', ');
  const suppressed = summary.suppressed === 0 ? '' : `, ${summary.suppressed} suppressed`;
  const lines = [
    `cluster ${report.cluster.name}: ${summary.totalFindings} finding(s) (${counts})${suppressed}`,
    `mode ${report.configuration.enforcementMode ?? 'unknown'}, CNI ${report.configuration.cniVersion ?? 'unknown'}, agent ${report.configuration.agentVersion ?? 'unknown'}; ${report.inputs.networkPolicies} NetworkPolicies, ${report.inputs.policyEndpoints} PolicyEndpoints, ${report.inputs.pods} pods, ${report.inputs.nodeOutputs} node outputs`,
    ...coverageLines(report),
  ];
  const problems = report.findings.filter((f) => f.severity !== 'info' && f.suppressed === undefined);
  for (const finding of problems.slice(0, 10)) {
    lines.push(`  ${finding.severity.padEnd(8)} ${finding.checkId}  ${resourceLabel(finding)}: ${finding.message}`);
  }
  const rest = problems.length - 10;
  if (rest > 0) lines.push(`  ... and ${rest} more`);
  if (report.notChecked.length > 0) lines.push(`not checked: ${report.notChecked.length} item(s), see the report`);
  for (const file of files) lines.push(`wrote ${file}`);
  return lines.join('\n');
}
