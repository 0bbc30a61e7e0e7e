const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
  ['us', 0.001],
  ['µs', 0.001],
  ['μs', 0.001],
  ['ns', 0.000001],
]);

/** Go `time.Duration.String()` text (`1.532s`, `2m25.122s`, `0s`, `532ms`) in milliseconds; undefined if malformed. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0s' || text === '0') return 0;
  let total = 0;
  let i = 0;
  if (text.length === 0 || text.length > 40) return undefined;
  while (i < text.length) {
    const numberStart = i;
    while (i < text.length && (((text[i] ?? '') >= '0' && (text[i] ?? '') <= '9') || text[i] === '.')) i++;
    const numberText = text.slice(numberStart, i);
    const unitStart = i;
    while (i < text.length && !((text[i] ?? '') >= '0' && (text[i] ?? '') <= '9') && text[i] !== '.') i++;
    const factor = UNIT_MS.get(text.slice(unitStart, i));
    if (
      numberText.length === 0 ||
      numberText === '.' ||
      numberText.indexOf('.') !== numberText.lastIndexOf('.') ||
      factor === undefined
    ) {
      return undefined;
    }
    total += Number(numberText) * factor;
  }
  return total;
}
