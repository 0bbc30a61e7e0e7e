export { DIFF_CHECKS } from './checks';
export { diffPolicyEndpoints } from './diff-policy-endpoints';
export {
  diffClusterPolicyEndpoints,
  type ExpectedClusterEndpoint,
  type ExpectedClusterPolicy,
} from './diff-cluster-policy-endpoints';
