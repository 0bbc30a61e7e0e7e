export { assessConfiguration, type ConfigOptions } from './assess-configuration';
export { CONFIG_CHECKS } from './checks';
export { parseConfigurationValues, type AddonIntent } from './addon-values';
