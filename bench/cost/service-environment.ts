/**
 * Imported before any handler by local-run.ts: Powertools reads its environment when the handler modules create
 * their instances. Logs and metrics on (their bytes are measured), tracing off (no daemon here).
 */
export const LOCAL_BUCKET = 'audit-reports';
export const LOCAL_CONFIG = {
  clusters: { names: ['prod-a'] },
  alertSeverity: 'high',
  nodeCollection: { enabled: true },
};

Object.assign(process.env, {
  REPORTS_BUCKET: LOCAL_BUCKET,
  ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:alerts',
  COLLECTOR_DOCUMENT_NAME: 'NetpolAudit-Collector',
  COLLECTOR_DOCUMENT_VERSION: '1',
  SERVICE_CONFIG: JSON.stringify(LOCAL_CONFIG),
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
  AWS_SECRET_ACCESS_KEY: 'local-secret',
  POWERTOOLS_SERVICE_NAME: 'eks-netpol-audit',
  POWERTOOLS_METRICS_NAMESPACE: 'EksNetpolAudit',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_TRACE_ENABLED: 'false',
});
