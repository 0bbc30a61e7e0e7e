import fc from 'fast-check';
import {
  accepts,
  document,
  MAX_COLLECTOR_SECONDS,
  PARAMETER_NAMES,
  SAMPLES,
  SCRIPT_TEXT,
  YAML_TEXT,
  type ParameterName,
} from './document';

const DANGEROUS = ["'", '"', '`', '$', ' ', '\n', '\r', '\t', '\\', ';', '|', '<', '>', '(', ')', '{', '}', '*', '#'];
const SAMPLE_CASES = PARAMETER_NAMES.flatMap((name) => [
  ...SAMPLES[name].accepted.map((value) => [name, value, true] as const),
  ...SAMPLES[name].rejected.map((value) => [name, value, false] as const),
]);

describe('collect-node-policy-state SSM document', () => {
  test('embeds collect-node-policy-state.sh verbatim as its only command', () => {
    // Assess
    expect(document.mainSteps[0].inputs.runCommand[0]).toBe(SCRIPT_TEXT);
    expect(Buffer.byteLength(YAML_TEXT)).toBeLessThan(64 * 1024);
  });

  test('reads each parameter from SSM_<name>, with one single-quoted {{ }} fallback each at the top', () => {
    // Prepare
    const lines = YAML_TEXT.split('\n');
    const braceLines = lines.filter((line) => line.includes('{{') || line.includes('}}'));
    const firstCommandLine = lines.findIndex((line) => /^\s+(if \[ -z "\$\{SSM_|[A-Z_]+=)/.test(line));

    // Assess
    expect(braceLines.map((line) => line.trim())).toEqual(
      PARAMETER_NAMES.map((name) => `if [ -z "\${SSM_${name}+x}" ]; then SSM_${name}='{{ ${name} }}'; fi`),
    );
    expect(lines.indexOf(braceLines[0] ?? '')).toBe(firstCommandLine);
    expect(SCRIPT_TEXT.match(/\{\{/g)).toHaveLength(PARAMETER_NAMES.length);
    for (const name of PARAMETER_NAMES) expect(document.parameters[name].interpolationType).toBe('ENV_VAR');
  });

  test.each(SAMPLE_CASES)('%s %j: accepted=%s', (name, value, expected) => {
    expect(accepts(name, value)).toBe(expected);
  });

  test('TimeoutSeconds accepts exactly 30..600 and the step timeout covers it', () => {
    // Act
    const accepted = Array.from({ length: 2000 }, (_, i) => i).filter((i) => accepts('TimeoutSeconds', String(i)));

    // Assess
    expect(accepted[0]).toBe(30);
    expect(accepted.at(-1)).toBe(MAX_COLLECTOR_SECONDS);
    expect(accepted).toHaveLength(MAX_COLLECTOR_SECONDS - 30 + 1);
    expect(document.mainSteps[0].inputs.timeoutSeconds).toBeGreaterThan(MAX_COLLECTOR_SECONDS);
  });

  test('IncludeAgentLog accepts only true and false', () => {
    expect(document.parameters.IncludeAgentLog.allowedValues).toEqual(['true', 'false']);
  });

  test('no parameter accepts a value with a quote, $, backtick, whitespace or another shell metacharacter', () => {
    // Assess
    fc.assert(
      fc.property(
        fc.constantFrom(...PARAMETER_NAMES),
        fc.string({ maxLength: 20 }),
        fc.constantFrom(...DANGEROUS),
        fc.string({ maxLength: 20 }),
        (name: ParameterName, before, dangerous, after) => !accepts(name, `${before}${dangerous}${after}`),
      ),
      { numRuns: 3000 },
    );
  });

  test('every default satisfies its own pattern and NodeName has no default', () => {
    // Assess
    expect(document.parameters.NodeName.default).toBeUndefined();
    for (const name of PARAMETER_NAMES.filter((n) => n !== 'NodeName')) {
      expect([name, accepts(name, document.parameters[name].default ?? '')]).toEqual([name, true]);
    }
  });
});
