import { describe, expect, it } from 'vitest';
import { copyCell, escapeCopyText, pgTextArray, type PgType } from './copy-text.ts';

describe('COPY text cells', () => {
  const cases: Array<[string, PgType, unknown, string]> = [
    ['null', 'text', null, '\\N'],
    ['undefined', 'float8', undefined, '\\N'],
    ['plain text', 'text', 'Apple beats', 'Apple beats'],
    ['tab', 'text', 'a\tb', 'a\\tb'],
    ['newline and CR', 'text', 'a\r\nb', 'a\\r\\nb'],
    ['backslash', 'text', 'C:\\path', 'C:\\\\path'],
    ['a literal \\N stays text', 'text', '\\N', '\\\\N'],
    ['unicode', 'text', 'Ørsted € 株式', 'Ørsted € 株式'],
    ['timestamp', 'timestamptz', Date.UTC(2024, 0, 2, 14, 30, 5, 123), '2024-01-02T14:30:05.123Z'],
    ['float', 'float8', 185.25, '185.25'],
    ['int', 'int8', 123456789012, '123456789012'],
    ['text array', 'text[]', ['AAPL', 'SAP.DE'], '{"AAPL","SAP.DE"}'],
    ['empty array', 'text[]', [], '{}'],
    ['array with quote, backslash, comma, tab', 'text[]', ['a"b', 'c\\d', 'e,f', 'g\th'], '{"a\\\\"b","c\\\\\\\\d","e,f","g\\th"}'],
    ['jsonb with newline', 'jsonb', '{"a":"x\\ny"}', '{"a":"x\\\\ny"}'],
  ];
  it.each(cases)('%s', (_name, type, value, expected) => {
    expect(copyCell(type, value)).toBe(expected);
  });

  it('escapes only the four framing characters', () => {
    expect(escapeCopyText('no specials, "quotes" and | pipes')).toBe('no specials, "quotes" and | pipes');
  });

  it('array literals quote every element', () => {
    expect(pgTextArray(['NULL', ''])).toBe('{"NULL",""}');
  });
});
