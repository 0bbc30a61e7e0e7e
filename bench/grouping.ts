/**
 * Grouping benchmark: 50,000 findings of three checks on 50,000 pods over 250 nodes (three checks × five policies: fifteen
 * causes, so they fold into fifteen groups), as a drift on every pod of a large cluster would produce them. Run: `npx tsx bench/grouping.ts`.
 */
import { groupFindings, type Finding } from '#engine';
import { median, timed } from './measure';

const CHECKS = ['CP-PE-POD-MISSING', 'NODE-VETH-NOT-FOUND', 'NODE-LPM-ENTRY-MISSING'] as const;

export function syntheticFindings(count = 50_000): Finding[] {
  return Array.from({ length: count }, (_, index): Finding => {
    const namespace = `team-${String(index % 40)}`;
    const name = `web-${String(index)}-${(index * 7919).toString(36)}`;
    const node = `ip-10-0-${String(index % 250)}-${String(index % 200)}.ec2.internal`;
    const policy = `allow-${String(index % 5)}`;
    return {
      checkId: CHECKS[index % 3] ?? CHECKS[0],
      severity: 'high',
      layer: index % 3 === 0 ? 'control-plane' : 'node',
      resource: { kind: 'Pod', namespace, name, node },
      message: `pod ${namespace}/${name} on node ${node} is selected by ${policy} but its kernel state lacks it`,
      expected: { policy },
      actual: null,
      identity: policy,
    };
  });
}

export interface GroupingBench {
  readonly groupingMs: number;
  readonly groupingFindings: number;
  readonly groupingGroups: number;
}

/** Median over `runs` groupings (after one warm-up) of the same findings. */
export function benchGrouping(runs = 5, count = 50_000): GroupingBench {
  const findings = syntheticFindings(count);
  const times: number[] = [];
  let groups = 0;
  for (let run = 0; run <= runs; run++) {
    const grouping = timed(() => groupFindings(findings));
    groups = grouping.value.length;
    if (run > 0) times.push(grouping.ms);
  }
  return { groupingMs: Math.round(median(times)), groupingFindings: count, groupingGroups: groups };
}

if (require.main === module) process.stdout.write(`${JSON.stringify(benchGrouping())}\n`);
