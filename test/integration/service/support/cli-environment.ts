/** Fixed test credentials for moto (it accepts any). */
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 's'.repeat(40) };

/**
 * Points the CLI's own SDK clients at moto through the environment, as a laptop's credential chain would reach
 * AWS (no --profile); returns what restores the environment.
 */
export function useMotoForCli(endpoint: string): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  });
  return () => {
    process.env = saved;
  };
}
