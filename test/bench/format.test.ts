import {
  formatBytes,
  formatMs,
  formatPercent,
  formatRate,
  formatRatio,
  formatSummary,
  renderMarkdown,
  renderText,
} from '../../bench/format';
import type { Table } from '../../bench/format';

describe('number formatting', () => {
  it('prints durations with precision that fits their size', () => {
    expect(formatMs(215.4)).toBe('215 ms');
    expect(formatMs(54.06)).toBe('54.1 ms');
    expect(formatMs(1.234)).toBe('1.23 ms');
    expect(formatMs(0.0052)).toBe('5 µs');
    expect(formatMs(-3.5)).toBe('-3.50 ms');
    expect(formatMs(Number.NaN)).toBe('n/a');
  });

  it('prints sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(83 * 1024)).toBe('83.0 KiB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.50 MiB');
    expect(formatBytes(-1)).toBe('n/a');
  });

  it('prints rates, ratios and shares', () => {
    expect(formatRate(190_400)).toBe('190k/s');
    expect(formatRate(3_420)).toBe('3.4k/s');
    expect(formatRate(812.4)).toBe('812/s');
    expect(formatRatio(0.4567)).toBe('0.46×');
    expect(formatRatio(12.34)).toBe('12.3×');
    expect(formatPercent(0.875)).toBe('88%');
  });

  it('prints a summary as the median with the range, the unit once', () => {
    expect(formatSummary({ median: 54.1, min: 52, max: 60.3, n: 5 }, formatMs)).toBe('54.1 ms (52.0–60.3)');
    expect(formatSummary({ median: 0.5, min: 0.45, max: 0.61, n: 5 }, formatRatio)).toBe('0.50× (0.45–0.61)');
    expect(formatSummary({ median: 150_000, min: 140_000, max: 160_000, n: 3 }, formatRate)).toBe('150k/s (140–160)');
  });

  it('prints a single-sample summary without a range', () => {
    expect(formatSummary({ median: 3, min: 3, max: 3, n: 1 }, formatMs)).toBe('3.00 ms');
  });
});

describe('tables', () => {
  const table: Table = {
    title: 'Bundles',
    columns: ['function', 'bundle', 'zipped'],
    rows: [
      ['authorizer', '52.0 KiB', '18.1 KiB'],
      ['me', '1.40 MiB', '410.2 KiB'],
    ],
    notes: ['zip as make build writes it'],
  };

  it('aligns a text table: names left, figures right, notes under it', () => {
    expect(renderText(table).split('\n')).toEqual([
      'Bundles',
      'function      bundle     zipped',
      '----------  --------  ---------',
      'authorizer  52.0 KiB   18.1 KiB',
      'me          1.40 MiB  410.2 KiB',
      '  zip as make build writes it',
    ]);
  });

  it('renders Markdown with a heading, right-aligned figure columns and escaped pipes', () => {
    const markdown = renderMarkdown({ ...table, rows: [['a|b', '1', '2']], notes: [] });
    expect(markdown.split('\n')).toEqual([
      '### Bundles',
      '',
      '| function | bundle | zipped |',
      '| --- | ---: | ---: |',
      '| a\\|b | 1 | 2 |',
    ]);
  });

  it('refuses a row whose cells do not match the columns', () => {
    expect(() => renderText({ title: 'Broken', columns: ['a', 'b'], rows: [['only one']] })).toThrow(
      "table 'Broken' row 1 has 1 cells for 2 columns",
    );
  });
});

describe('summary units', () => {
  it('keeps a bound’s unit when it differs from the median’s', () => {
    expect(formatSummary({ median: 1.2, min: 0.85, max: 1.9, n: 3 }, formatMs)).toBe('1.20 ms (850 µs–1.90)');
  });
});
