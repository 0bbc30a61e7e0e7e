import { Option } from 'commander';

export interface AwsFlags {
  region?: string;
  profile?: string;
}

/** `--region` and `--profile`: the user's credential chain otherwise (environment, shared config, SSO). */
export function awsOptions(what: string): Option[] {
  return [
    new Option('--region <region>', `AWS region of the ${what} (default: the SDK chain)`),
    new Option('--profile <profile>', 'AWS profile (default: the SDK chain)'),
  ];
}

/** SDK client settings from the flags: adaptive retries, as the Lambdas use. */
export function awsClientConfig(flags: AwsFlags): {
  region?: string;
  profile?: string;
  retryMode: 'adaptive';
  maxAttempts: number;
} {
  return {
    retryMode: 'adaptive',
    maxAttempts: 5,
    ...(flags.region === undefined ? {} : { region: flags.region }),
    ...(flags.profile === undefined ? {} : { profile: flags.profile }),
  };
}

/** Path-style S3 addressing when `S3_FORCE_PATH_STYLE=true` (a local endpoint such as moto; the Lambdas read the same). */
export function s3PathStyle(): boolean {
  return process.env['S3_FORCE_PATH_STYLE'] === 'true';
}
