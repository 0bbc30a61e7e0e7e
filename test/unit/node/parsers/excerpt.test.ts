import { excerpt } from '#engine/node/parsers/line-cursor';

describe('excerpt: how a node output line is quoted in a finding', () => {
  it('escapes control characters, ANSI escapes and bidi overrides instead of echoing them raw', () => {
    expect(excerpt('Key : \u0000\u0007\u001b[31mred\u007f\u0085 \u202eevil')).toBe(
      'Key : \\u{0}\\u{7}\\u{1b}[31mred\\u{7f}\\u{85} \\u{202e}evil',
    );
  });

  it('keeps printable text, including non-ASCII, and caps the length at 80 characters', () => {
    expect(excerpt('Value : tcp 80 → égress')).toBe('Value : tcp 80 → égress');
    expect(excerpt('x'.repeat(200))).toBe(`${'x'.repeat(77)}...`);
  });
});
