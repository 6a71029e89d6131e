import { describe, expect, it } from '@jest/globals';
import { formatAge, formatScenario } from './format.js';
import { defangFor } from './indicators.js';

describe('defangFor', () => {
  it('shows network indicators defanged and leaves hashes and file names alone', () => {
    expect(defangFor('url', 'https://evil.example/a.php')).toBe('hxxps://evil[.]example/a[.]php');
    expect(defangFor('ip-dst|port', '203.0.113.45|443')).toBe('203[.]0[.]113[.]45|443');
    expect(defangFor('ip-src', '198.51.100.7')).toBe('198[.]51[.]100[.]7');
    expect(defangFor('hostname', 'mail.evil.example')).toBe('mail[.]evil[.]example');
    expect(defangFor('email-src', 'a.b@c.example')).toBe('a[.]b[@]c[.]example');
    expect(defangFor('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(
      'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    );
    expect(defangFor('filename', 'invoice.pdf.exe')).toBe('invoice.pdf.exe');
    expect(defangFor('vulnerability', 'CVE-2024-3400')).toBe('CVE-2024-3400');
  });
});

describe('console time formats', () => {
  it('writes scenario time as the drill does, a time not known yet as T+00:00:00', () => {
    expect(formatScenario(3_723_000)).toBe('T+01:02:03');
    expect(formatScenario(undefined)).toBe('T+00:00:00');
    expect(formatScenario(-5_000)).toBe('T+00:00:00');
  });

  it('writes ages compactly', () => {
    expect([formatAge(45_000), formatAge(180_000), formatAge(7_500_000), formatAge(null)]).toEqual([
      '45 s',
      '3 min',
      '2 h 05',
      '',
    ]);
  });
});
