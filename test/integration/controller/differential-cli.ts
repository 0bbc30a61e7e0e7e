/**
 * `npm run differential -- --seeds N --from S`: the differential test's random clusters, for more seeds than a CI run
 * takes. Starts its own cluster (etcd, kube-apiserver, the real controller v1.1.7), runs the seeds in batches side by
 * side, prints a shrunk reproduction of every disagreement and exits 1 when there is one.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startCluster, stopCluster } from '../kubernetes/support/test-cluster';
import { randomScenario } from './support/generator';
import { runDifferential } from './support/run';
import { Placements } from './support/shrink';

const BATCH = 200;

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`not a non-negative integer: ${value}`);
  return parsed;
}

async function main(seeds: number, from: number): Promise<number> {
  const cluster = await startCluster({ controller: 'required', controllerArgs: '--endpoint-chunk-size=3' });
  const placements = new Placements('r');
  let disagreements = 0;
  try {
    for (let start = from; start < from + seeds; start += BATCH) {
      const count = Math.min(BATCH, from + seeds - start);
      const scenarios = Array.from({ length: count }, (_, index) => randomScenario(start + index));
      const report = await runDifferential(cluster.adminKubeconfig, scenarios, placements);
      disagreements += report.reproductions.length;
      for (const reproduction of report.reproductions) console.log(reproduction);
      console.log(
        `seeds ${String(start)}..${String(start + count - 1)}: ${String(report.reproductions.length)} disagreement(s), ${report.seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await stopCluster(cluster.stateDir);
  }
  console.log(`${String(seeds)} seeds from ${String(from)}: ${String(disagreements)} disagreement(s)`);
  return disagreements === 0 ? 0 : 1;
}

const program = new Command('differential')
  .option('--seeds <n>', 'number of random clusters', positiveInteger, 200)
  .option('--from <s>', 'first seed', positiveInteger, 1)
  .parse();
const { seeds, from } = program.opts<{ seeds: number; from: number }>();
main(seeds, from).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
