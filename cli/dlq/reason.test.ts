import { describe, expect, it } from 'vitest';
import { maskNumbers, reasonKey } from './reason.ts';

describe('maskNumbers', () => {
  it.each([
    ['schema id 2147483632 is not in the registry', 'schema id N is not in the registry'],
    ['schema id 17 is not in the registry', 'schema id N is not in the registry'],
    ['value too short for the Confluent wire format (0 bytes)', 'value too short for the Confluent wire format (N bytes)'],
    ['unknown magic byte 123 (not Confluent wire format)', 'unknown magic byte N (not Confluent wire format)'],
    ['lane_telemetry.close = NaN is not a finite number', 'lane_telemetry.close = NaN is not a finite number'],
    ['low = -1 is not a positive price', 'low = N is not a positive price'],
    ['high 101.5 is below low 1e3', 'high N is below low N'],
    ['event 0a1b2c3d4e5f60718293a4b5c6d7e8f9 refused', 'event N refused'],
    // Names that contain digits are not numbers.
    ['a 1d bar, but this deployment\'s market.candles carries 1m bars', 'a 1d bar, but this deployment\'s market.candles carries 1m bars'],
    ['sha256 of utf8 text', 'sha256 of utf8 text'],
  ])('%j -> %j', (message, masked) => {
    expect(maskNumbers(message)).toBe(masked);
  });
});

describe('reasonKey', () => {
  it('groups by stage, class and the masked message', () => {
    const a = reasonKey({ stage: 'sink', errorClass: 'BadRecordError', errorMessage: 'schema id 5 is not in the registry' });
    expect(a).toBe('sink BadRecordError: schema id N is not in the registry');
    expect(reasonKey({ stage: 'sink', errorClass: 'BadRecordError', errorMessage: 'schema id 99 is not in the registry' })).toBe(a);
    expect(reasonKey({ stage: 'signals', errorClass: 'BadRecordError', errorMessage: 'schema id 5 is not in the registry' })).not.toBe(a);
    expect(reasonKey({ stage: 'sink', errorClass: 'ConstraintViolation', errorMessage: 'schema id 5 is not in the registry' })).not.toBe(a);
  });
});
