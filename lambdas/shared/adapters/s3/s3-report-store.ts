import { AuditReport, renderMarkdown, type ReportLocation, type ReportStore } from '#engine';
import type { S3Objects } from './s3-objects';

/**
 * Reports on S3: `write` puts report.json and report.md under the run's report prefix; `promote` then makes the
 * report `reports/<cluster>/latest.json` (only after the report itself is written); `latest` reads it back.
 */
export class S3ReportStore implements ReportStore {
  constructor(
    private readonly objects: S3Objects,
    private readonly prefix: string,
    private readonly latestKey: (clusterName: string) => string,
  ) {}

  async write(report: AuditReport): Promise<ReportLocation> {
    await this.objects.putJson(`${this.prefix}report.json`, report);
    await this.objects.put(`${this.prefix}report.md`, renderMarkdown(report), 'text/markdown; charset=utf-8');
    return { location: this.objects.location(this.prefix), files: ['report.json', 'report.md'] };
  }

  async promote(report: AuditReport): Promise<void> {
    await this.objects.putJson(this.latestKey(report.cluster.name), report);
  }

  async latest(clusterName: string): Promise<AuditReport | undefined> {
    return this.objects.getJson(this.latestKey(clusterName), AuditReport);
  }
}
