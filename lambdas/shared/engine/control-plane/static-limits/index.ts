export { STATIC_LIMIT_CHECKS } from './checks';
export { checkStaticLimits } from './static-limits';
export { identifierFormFor, podIdentifier, type IdentifierForm } from './pod-identifier';
