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

/** Why a whole layer did not run: its `control-plane layer` / `node layer` entry of notChecked. */
function layerNotRunReason(report: AuditReport, layer: Layer): string {
  const entry = report.notChecked.find((item) => item.scope === `${layer} layer`);
  return entry === undefined ? 'not checked (see Not checked)' : `not checked: ${entry.reason}`;
}

/** ", 5 not checked (see Not checked)" when parts of a layer that ran could not be checked. */
function partlyChecked(coverage: LayerCoverage): string {
  const count = coverage.notChecked ?? 0;
  return count === 0 ? '' : `; ${count} not checked (see Not checked)`;
}

/**
 * "node layer: 3 nodes, 41 pods checked, clean": one line per layer, findings at or above low make it unclean; what
 * the layer could not check is counted, and a layer that did not run says why.
 */
export function coverageLines(report: AuditReport): string[] {
  return report.coverage.map((coverage) => {
    const label = LAYER_LABEL[coverage.layer];
    if (!coverage.ran) return `${label}: ${layerNotRunReason(report, coverage.layer)}`;
    const layerFindings = report.findings.filter((finding) => finding.layer === coverage.layer);
    const problems = layerFindings.filter((finding) => finding.severity !== 'info').length;
    const notes = layerFindings.length - problems;
    const verdict = problems === 0 ? 'clean' : plural(problems, 'finding', 'findings');
    const noteText = notes === 0 ? '' : ` (${plural(notes, 'note', 'notes')})`;
    return `${label}: ${whatWasChecked(coverage)}, ${verdict}${noteText}${partlyChecked(coverage)}`;
  });
}
