import type { Layer } from '../model/finding';
import type { AuditReport, LayerCoverage } from './report';

const LAYER_LABEL: Readonly<Record<Layer, string>> = {
  input: 'input',
  config: 'configuration',
  'control-plane': 'control plane',
  node: 'node layer',
};

const POLICY_KINDS: readonly string[] = ['NetworkPolicy', 'ApplicationNetworkPolicy', 'ClusterNetworkPolicy'];

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function whatWasChecked(coverage: LayerCoverage): string {
  const count = (kind: string): number => coverage.resources[kind] ?? 0;
  switch (coverage.layer) {
    case 'node':
      return `${plural(count('Node'), 'node', 'nodes')}, ${plural(count('Pod'), 'pod', 'pods')} checked`;
    case 'control-plane': {
      const policies = POLICY_KINDS.reduce((sum, kind) => sum + count(kind), 0);
      return `${plural(policies, 'policy', 'policies')} checked`;
    }
    case 'config':
    case 'input':
      return `${plural(coverage.passed, 'check', 'checks')} passed`;
  }
}

/** "node layer: 3 nodes, 41 pods checked, clean": one line per layer, findings at or above low make it unclean. */
export function coverageLines(report: AuditReport): string[] {
  return report.coverage.map((coverage) => {
    const label = LAYER_LABEL[coverage.layer];
    if (!coverage.ran) return `${label}: not checked (see Not checked)`;
    const layerFindings = report.findings.filter((finding) => finding.layer === coverage.layer);
    const problems = layerFindings.filter((finding) => finding.severity !== 'info').length;
    const notes = layerFindings.length - problems;
    const verdict = problems === 0 ? 'clean' : plural(problems, 'finding', 'findings');
    return `${label}: ${whatWasChecked(coverage)}, ${verdict}${notes === 0 ? '' : ` (${plural(notes, 'note', 'notes')})`}`;
  });
}
