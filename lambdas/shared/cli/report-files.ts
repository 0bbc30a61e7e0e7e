import { readFile } from 'node:fs/promises';
import { AuditReport, InputError, ReportHistory } from '#engine';
import type { z } from 'zod';

async function readJson<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`, file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not JSON: ${error instanceof Error ? error.message : String(error)}`, file);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`not ${what}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), file);
  }
  return parsed.data;
}

/** A report.json as the audit writes it, checked against the report schema. */
export function readReportFile(file: string): Promise<AuditReport> {
  return readJson(file, AuditReport, 'an audit report (report.json)');
}

/** A history.json as the service keeps it. */
export function readHistoryFile(file: string): Promise<ReportHistory> {
  return readJson(file, ReportHistory, 'a report history (history.json)');
}
