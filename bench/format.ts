/** How the benchmark prints numbers and tables, for the terminal and for Markdown alike. */
import type { Summary } from './stats';

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const abs = Math.abs(ms);
  if (abs >= 100) return `${ms.toFixed(0)} ms`;
  if (abs >= 10) return `${ms.toFixed(1)} ms`;
  if (abs >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

/** Binary units, as `make build` prints them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'n/a';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(0)}k/s`;
  if (perSecond >= 1_000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  return `${perSecond.toFixed(0)}/s`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return 'n/a';
  return `${(share * 100).toFixed(0)}%`;
}

/** The unit after a formatted number: ` ms`, `×`, `k/s`. */
function unitOf(formatted: string): string {
  return formatted.replace(/^-?[\d.]+/, '');
}

/**
 * `54.1 ms (52.0–60.3)`: the median, then the range over the runs it summarizes. A bound keeps its
 * unit only where it differs from the median's (`1.20 ms (850 µs–1.90)`).
 */
export function formatSummary(summary: Summary, unit: (value: number) => string): string {
  const middle = unit(summary.median);
  if (summary.n === 1 || summary.min === summary.max) return middle;
  const bound = (value: number): string => {
    const formatted = unit(value);
    const suffix = unitOf(formatted);
    return suffix === unitOf(middle) && suffix !== formatted
      ? formatted.slice(0, formatted.length - suffix.length)
      : formatted;
  };
  return `${middle} (${bound(summary.min)}–${bound(summary.max)})`;
}

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** Lines under the table: how a figure was taken, what a target was. */
  notes?: string[];
}

function checkShape(table: Table): void {
  for (const [i, row] of table.rows.entries()) {
    if (row.length !== table.columns.length) {
      throw new Error(
        `table '${table.title}' row ${i + 1} has ${row.length} cells for ${table.columns.length} columns`,
      );
    }
  }
}

/** A plain-text table: the first column left-aligned, figures right-aligned. */
export function renderText(table: Table): string {
  checkShape(table);
  const widths = table.columns.map((column, i) =>
    Math.max(column.length, ...table.rows.map((row) => (row[i] as string).length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [
    table.title,
    line(table.columns),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...table.rows.map(line),
    ...(table.notes ?? []).map((note) => `  ${note}`),
  ].join('\n');
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|');
}

/** A GitHub-flavoured Markdown table under a heading, figures right-aligned. */
export function renderMarkdown(table: Table, headingLevel = 3): string {
  checkShape(table);
  const row = (cells: string[]): string => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [
    `${'#'.repeat(headingLevel)} ${table.title}`,
    '',
    row(table.columns),
    `|${table.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...table.rows.map(row),
    ...(table.notes && table.notes.length > 0 ? ['', ...table.notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
}
