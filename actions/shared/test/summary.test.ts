import { describe, expect, it } from 'vitest';
import { cell, code, link, table } from '../src/index.js';

describe('summary', () => {
  it('escapes pipes, newlines and HTML in table cells', () => {
    expect(cell('a|b\nc <script>')).toBe('a\\|b<br>c &lt;script&gt;');
  });

  it('renders an aligned Markdown table', () => {
    expect(
      table(
        ['Severity', { header: 'Count', align: 'right' }],
        [
          ['HIGH', 3],
          ['LOW', 0],
        ],
      ),
    ).toBe('| Severity | Count |\n| --- | ---: |\n| HIGH | 3 |\n| LOW | 0 |');
  });

  it('keeps raw Markdown cells such as code and links', () => {
    const md = table(['Image', 'Run'], [[code('ghcr.io/a/b:sha-1'), link('run [1]', 'https://x/y (z)')]], {
      raw: true,
    });
    expect(md).toContain('| `ghcr.io/a/b:sha-1` | [run \\[1\\]](https://x/y%20%28z%29) |');
    expect(code('a`b')).toBe('`` a`b ``');
  });
});
