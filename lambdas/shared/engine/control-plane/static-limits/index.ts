export { STATIC_LIMIT_CHECKS } from './checks';
export { checkStaticLimits } from './static-limits';
