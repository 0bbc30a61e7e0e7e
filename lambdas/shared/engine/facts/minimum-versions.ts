/** VPC CNI releases that introduced a feature (aws.md §A1.4, agent.md §0). */
export const MIN_CNI_NETWORK_POLICY = '1.14.0';
export const MIN_CNI_STRICT = '1.17.1';
export const MIN_CNI_CLUSTER_POLICY = '1.21.0';
