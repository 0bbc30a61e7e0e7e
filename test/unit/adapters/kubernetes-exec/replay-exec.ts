import type { RawNodeOutput } from '#engine';
import type { ExecOptions, ExecResult, ExecTarget, PodExec } from '#adapters/kubernetes-exec/pod-exec';

export interface RecordedCommand {
  readonly target: ExecTarget;
  readonly command: readonly string[];
  readonly options: ExecOptions;
}

export type Answer = (target: ExecTarget, command: readonly string[]) => Promise<ExecResult>;

/** A PodExec that records every command and answers with `answer`. */
export class RecordingExec implements PodExec {
  readonly commands: RecordedCommand[] = [];

  constructor(private readonly answer: Answer) {}

  run(target: ExecTarget, command: readonly string[], options: ExecOptions): Promise<ExecResult> {
    this.commands.push({ target, command, options });
    return this.answer(target, command);
  }
}

/** Answers aws-eks-na-cli with the files a collected node directory holds (loaded-ebpfdata.txt, maps/<id>.txt). */
export function replayOf(node: RawNodeOutput): Answer {
  return (_target, command) => {
    const [, , subcommand, id] = command;
    const file = subcommand === 'loaded-ebpfdata' ? 'loaded-ebpfdata.txt' : `maps/${id ?? ''}.txt`;
    const text = node.files.get(file);
    if (text === undefined) return Promise.reject(new Error(`no recorded output for ${command.join(' ')}`));
    return Promise.resolve({ stdout: text, stderr: '', exitCode: 0 });
  };
}
