import { readFileSync } from 'node:fs';
import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  type EKSClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-eks';
import type { AwsStub } from 'aws-sdk-client-mock';

/** EKS answering for cluster prod-a with the vpc-cni add-on of an example snapshot directory. */
export function answerExampleEks(
  eks: AwsStub<ServiceInputTypes, ServiceOutputTypes, EKSClientResolvedConfig>,
  directory: string,
): void {
  eks.on(DescribeClusterCommand).resolves({
    cluster: {
      name: 'prod-a',
      endpoint: 'https://example.eks.amazonaws.com',
      certificateAuthority: { data: 'Q0E=' },
      version: '1.33',
      kubernetesNetworkConfig: { ipFamily: 'ipv4' },
    },
  });
  const addon = JSON.parse(readFileSync(`${directory}/eks/addon-vpc-cni.json`, 'utf8')) as Record<string, unknown>;
  eks.on(DescribeAddonCommand).resolves({ addon: ('addon' in addon ? addon.addon : addon) as never });
}
