/**
 * SSM checks allowedPattern with Java's regex engine. This test compiles a tiny checker into the cache and runs
 * every pattern of the document against the shared samples with java.util.regex (Matcher.find and matches),
 * and compares with the JavaScript results.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { document, PARAMETER_NAMES, SAMPLES, type ParameterName } from './document';

const SOURCE = join(__dirname, 'PatternCheck.java');
const CACHE = process.env.NETPOL_AUDIT_CACHE ?? join(homedir(), '.cache/eks-netpol-audit');

function compiledChecker(): string {
  const digest = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const directory = join(CACHE, 'java', `pattern-check-${digest}`);
  if (!existsSync(join(directory, 'PatternCheck.class'))) {
    mkdirSync(directory, { recursive: true });
    try {
      execFileSync('javac', ['-d', directory, SOURCE], { stdio: 'pipe' });
    } catch (error) {
      throw new Error('javac (a JDK, Debian package default-jdk-headless) is needed to check SSM patterns', {
        cause: error,
      });
    }
  }
  return directory;
}

interface JavaResult {
  readonly find: boolean;
  readonly matches: boolean;
}

function javaCheck(classpath: string, cases: readonly (readonly [string, string])[]): JavaResult[] {
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  const input = cases.map(([pattern, value]) => `${b64(pattern)}\t${b64(value)}\n`).join('');
  const output = execFileSync('java', ['-cp', classpath, 'PatternCheck'], { input, encoding: 'utf8' });
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => ({ find: line.startsWith('1'), matches: line.endsWith('1') }));
}

const pattern = (name: ParameterName): string => document.parameters[name].allowedPattern;

describe('allowedPattern under Java regex semantics', () => {
  const classpath = compiledChecker();

  test('every sample gets the same verdict from Java find(), Java matches() and JavaScript', () => {
    // Prepare
    const cases = PARAMETER_NAMES.flatMap((name) =>
      [...SAMPLES[name].accepted, ...SAMPLES[name].rejected].map((value) => [name, value] as const),
    );

    // Act
    const java = javaCheck(
      classpath,
      cases.map(([name, value]) => [pattern(name), value]),
    );

    // Assess
    const verdicts = cases.map(([name, value], i) => ({
      name,
      value,
      js: new RegExp(pattern(name)).test(value),
      java: java[i],
    }));
    expect(verdicts).toHaveLength(cases.length);
    expect(verdicts.filter((v) => v.java?.find !== v.js || v.java.matches !== v.js)).toEqual([]);
  });

  test('a value with one trailing line terminator is rejected by Java too (Java $ alone would accept it)', () => {
    // Prepare
    const terminated = ['\n', '\r\n', '\r', '\u0085', '\u2028', '\u2029'].flatMap((t) => [
      [pattern('IncludeAgentLog'), `true${t}`] as const,
      [pattern('PostUrl'), `https://audit-bucket.s3.us-east-1.amazonaws.com/${t}`] as const,
    ]);

    // Act
    const strict = javaCheck(classpath, terminated);
    const plainDollar = javaCheck(classpath, [['^(true|false)$', 'true\n']]);

    // Assess
    expect(strict.map((r) => r.find || r.matches)).toEqual(new Array<boolean>(terminated.length).fill(false));
    expect(plainDollar).toEqual([{ find: true, matches: false }]);
  });

  test('Java agrees with JavaScript on random values built from S3 URL characters', () => {
    // Prepare
    const alphabet = 'abcs3.-/:?=&%0123456789dualstckmzonw\n'.split('');
    const values = fc.sample(
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 60 }).map((tail) => `https://audit-bucket.${tail}`),
        fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 30 }),
      ),
      { numRuns: 400, seed: 7 },
    );
    const cases = PARAMETER_NAMES.flatMap((name) => values.map((value) => [pattern(name), value] as const));

    // Act
    const java = javaCheck(classpath, cases);

    // Assess
    const disagreements = cases.filter(([p, value], i) => java[i]?.find !== new RegExp(p).test(value));
    expect(java).toHaveLength(cases.length);
    expect(disagreements).toEqual([]);
  });
});
