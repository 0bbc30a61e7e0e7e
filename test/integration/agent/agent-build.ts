import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../node-collector/prerequisites';

const execFileAsync = promisify(execFile);

/** The agent v1.4.1 build in the cache (scripts/build-agent.sh): binary, eBPF objects and the node stand-ins. */
export interface AgentBuild {
  readonly directory: string;
  readonly agent: string;
  readonly standIns: string;
}

export const BUILD_SCRIPT = join(REPO, 'scripts/build-agent.sh');

/** Fails loudly, with the build script's own message, when the agent or the stand-ins are not built. */
export async function requireAgentBuild(): Promise<AgentBuild> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('bash', [BUILD_SCRIPT, '--check'], { cwd: REPO }));
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`the real network policy agent is not built: ${BUILD_SCRIPT} --check said: ${stderr.trim()}`, {
      cause: error,
    });
  }
  const value = (key: string): string => {
    const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${key}=`));
    if (line === undefined) throw new Error(`${BUILD_SCRIPT} --check printed no ${key}=`);
    return line.slice(key.length + 1);
  };
  return { directory: value('DIR'), agent: value('AGENT'), standIns: value('STANDINS') };
}
