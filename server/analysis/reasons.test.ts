import { describe, expect, it } from 'vitest';
import { plainReason } from './reasons';

describe('plain reasons', () => {
  it('turns socket codes and stage names into words, and leaves written reasons alone', () => {
    expect(plainReason('Could not reach http://127.0.0.1:8000: ECONNREFUSED')).toBe('The analysis server at http://127.0.0.1:8000 did not answer (nothing listens at its address)');
    expect(plainReason('http://a:1 refused the job: HTTP 500 boom')).toBe('The analysis server at http://a:1 turned the track down (HTTP 500): boom');
    expect(plainReason('stage basic_features failed: model crashed')).toBe('BPM, key and beats failed: model crashed');
    expect(plainReason('The server finished without sending characteristics, stems')).toBe('The server finished without sending loudness and energy, stems');
    expect(plainReason('The file could not be decoded: Invalid data found when processing input')).toBe('The file could not be decoded: Invalid data found when processing input');
    expect(plainReason(null)).toBeNull();
  });
});
