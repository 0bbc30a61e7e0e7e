import { S3Client } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { join } from 'node:path';
import { S3Objects } from '#adapters/s3/s3-objects';
import { AuditReport, InputError, renderSummary, ReportHistory } from '#engine';
import { historyKey, latestReportKey } from '../service/keys';
import { awsClientConfig, awsOptions, s3PathStyle, type AwsFlags } from './aws-options';
import { EXIT_CLEAN, type ExitCodeSink } from './exit-codes';
import { formatOptions, formatsUseStdout, writeFormats, type FormatFlags } from './format-options';
import { prepareOutputDirectory } from './output-directory';
import { colourOption } from './verbosity-options';

interface ReportFlags extends FormatFlags, AwsFlags {
  from: string;
  out?: string;
}

export interface ServiceReportsLocation {
  readonly bucket: string;
  readonly cluster: string;
}

/** `s3://<bucket>/reports/<cluster>/` (the trailing slash optional), the service's prefix of one cluster. */
export function parseReportsLocation(url: string): ServiceReportsLocation {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/reports\/([0-9A-Za-z][A-Za-z0-9_-]{0,99})\/?$/.exec(url);
  if (match?.[1] === undefined || match[2] === undefined)
    throw new InputError(`--from: expected s3://<bucket>/reports/<cluster>/, got "${url}"`);
  return { bucket: match[1], cluster: match[2] };
}

/** The service's latest report of the cluster and its history (undefined when the bucket has none yet). */
export async function readServiceReport(
  objects: S3Objects,
  cluster: string,
): Promise<{ report: AuditReport; history: ReportHistory | undefined }> {
  const [report, history] = await Promise.all([
    objects.requireJson(latestReportKey(cluster), AuditReport),
    objects.getJson(historyKey(cluster), ReportHistory),
  ]);
  return { report, history };
}

async function report(flags: ReportFlags): Promise<number> {
  const { bucket, cluster } = parseReportsLocation(flags.from);
  const client = new S3Client({ ...awsClientConfig(flags), forcePathStyle: s3PathStyle() });
  const objects = new S3Objects(client, bucket);
  const { report: latest, history } = await readServiceReport(objects, cluster);
  const outDirectory = flags.out ?? join('out', cluster);
  const formats = flags.format ?? ['html'];
  if (formats.some((format) => format !== 'table') && flags.output === undefined)
    await prepareOutputDirectory(outDirectory);
  const written = await writeFormats(latest, { ...flags, format: formats }, outDirectory, history);
  const trend =
    history === undefined
      ? `no ${objects.location(historyKey(cluster))}: no trend chart`
      : `history: ${history.runs.length} run(s) from ${objects.location(historyKey(cluster))}`;
  (formatsUseStdout({ ...flags, format: formats }) ? process.stderr : process.stdout).write(
    `${renderSummary(latest, written)}\nreport ${objects.location(latestReportKey(cluster))} of ${latest.generatedAt}\n${trend}\n`,
  );
  return EXIT_CLEAN;
}

export function reportCommand(setExitCode: ExitCodeSink): Command {
  const command = new Command('report')
    .description(
      "render the service's latest report of a cluster from its bucket (latest.json, with history.json for the HTML trend)",
    )
    .requiredOption('--from <url>', 's3://<bucket>/reports/<cluster>/')
    .option('--out <dir>', 'output directory (default: out/<cluster>)');
  for (const option of awsOptions('bucket')) command.addOption(option);
  for (const option of formatOptions()) if (option.long !== '--history') command.addOption(option);
  command.addOption(colourOption());
  return command.action(async (flags: ReportFlags) => {
    setExitCode(await report(flags));
  });
}
