import { z } from 'zod';

/** The `cluster` object of `aws eks describe-cluster` (projection). */
export const EksCluster = z.object({
  name: z.string(),
  arn: z.string().optional(),
  version: z.string().optional(),
  platformVersion: z.string().optional(),
  status: z.string().optional(),
  kubernetesNetworkConfig: z
    .object({
      ipFamily: z.enum(['ipv4', 'ipv6']).optional(),
      serviceIpv4Cidr: z.string().optional(),
      serviceIpv6Cidr: z.string().optional(),
    })
    .optional(),
  computeConfig: z.object({ enabled: z.boolean().optional() }).nullish(),
});
export type EksCluster = z.infer<typeof EksCluster>;

export const AddonHealthIssue = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  resourceIds: z.array(z.string()).nullish(),
});

/** The `addon` object of `aws eks describe-addon --addon-name vpc-cni` (projection). */
export const EksAddon = z.object({
  addonName: z.string(),
  clusterName: z.string().optional(),
  status: z.string().optional(),
  addonVersion: z.string(),
  health: z.object({ issues: z.array(AddonHealthIssue).nullish() }).nullish(),
  configurationValues: z.string().nullish(),
});
export type EksAddon = z.infer<typeof EksAddon>;
