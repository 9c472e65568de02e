// Job-summary Markdown (tables with escaped cells, code, links), built as a string so it can be tested as one;
// ActionIO.summary hands it to @actions/core's summary.
import type { ActionIO } from './action-io.js';

/** Escapes text for a Markdown table cell: pipes, newlines and HTML. */
export function cell(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

export function code(value: string): string {
  const text = value.replace(/\r?\n/g, ' ');
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${text}${fence.length > 1 ? ' ' : ''}${fence}`;
}

export function link(text: string, url: string): string {
  return `[${text.replace(/[[\]]/g, '\\$&')}](${url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}

export type Align = 'left' | 'right' | 'center';
export interface Column {
  header: string;
  align?: Align;
}

/** A Markdown table; cells are escaped unless raw (already Markdown, e.g. from code() or link()). */
export function table(
  columns: Array<string | Column>,
  rows: unknown[][],
  opts: { raw?: boolean } = {},
): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const rule = cols.map((c) => (c.align === 'right' ? '---:' : c.align === 'center' ? ':---:' : '---'));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const body = rows.map((row) =>
    line(
      cols.map((_, i) => (opts.raw === true ? String(row[i] ?? '').replace(/\r?\n/g, '<br>') : cell(row[i]))),
    ),
  );
  return [line(cols.map((c) => cell(c.header))), line(rule), ...body].join('\n');
}

/** Collects Markdown blocks; write() appends them to the step summary. */
export class Summary {
  private readonly blocks: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    this.blocks.push(`${'#'.repeat(level)} ${text}`);
    return this;
  }

  paragraph(markdown: string): this {
    this.blocks.push(markdown);
    return this;
  }

  table(columns: Array<string | Column>, rows: unknown[][], opts: { raw?: boolean } = {}): this {
    this.blocks.push(table(columns, rows, opts));
    return this;
  }

  list(items: string[]): this {
    this.blocks.push(items.map((i) => `- ${i}`).join('\n'));
    return this;
  }

  details(summaryText: string, markdown: string): this {
    this.blocks.push(`<details><summary>${cell(summaryText)}</summary>\n\n${markdown}\n\n</details>`);
    return this;
  }

  toString(): string {
    return this.blocks.length === 0 ? '' : `${this.blocks.join('\n\n')}\n`;
  }

  /** Appends the blocks, and a blank line after them, to the job summary. */
  write(io: Pick<ActionIO, 'summary'>): Promise<void> {
    return io.summary(`${this.toString()}\n`);
  }
}
