/** `load --k6-out`: what reaches k6's argv, and the values refused before a run starts. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { k6OutValue, k6RunArgs } from './k6-out';

const OUT = resolve('out', 'load');

describe('k6RunArgs', () => {
  it('passes one metrics output as --out before the bundle, and none when not asked', () => {
    expect(k6RunArgs('dist/load/x.js', undefined)).toEqual(['run', '--log-format=raw', 'dist/load/x.js']);
    expect(k6RunArgs('dist/load/x.js', k6OutValue('experimental-prometheus-rw', OUT))).toEqual([
      'run',
      '--log-format=raw',
      '--out',
      'experimental-prometheus-rw',
      'dist/load/x.js',
    ]);
  });
});

describe('k6OutValue', () => {
  it('passes network outputs and their settings unchanged', () => {
    expect(k6OutValue('opentelemetry', OUT)).toBe('opentelemetry');
    expect(k6OutValue('influxdb=http://127.0.0.1:8086/k6', OUT)).toBe('influxdb=http://127.0.0.1:8086/k6');
  });

  it('writes json and csv files inside the out dir', () => {
    expect(k6OutValue('json', OUT)).toBe(`json=${join(OUT, 'k6-metrics.json')}`);
    expect(k6OutValue('csv', OUT)).toBe(`csv=${join(OUT, 'k6-metrics.csv')}`);
    expect(k6OutValue('json=night.json.gz', OUT)).toBe(`json=${join(OUT, 'night.json.gz')}`);
    expect(k6OutValue(`csv=${join(OUT, 'sub', 'm.csv')}`, 'out/load')).toBe(`csv=${join(OUT, 'sub', 'm.csv')}`);
  });

  it.each([
    ['json=../elsewhere.json', /the json file must be inside the out dir/],
    ['csv=/tmp/m.csv', /the csv file must be inside the out dir/],
    ['json=-', /on stdout would mix with the history lines/],
    ['json=', /on stdout would mix with the history lines/],
    ['web-dashboard', /already runs k6's web dashboard/],
    ['prometheus', /k6 has no output "prometheus"; choose from cloud, csv, /],
    ['', /expected an output type/],
    ['JSON', /expected an output type/],
  ])('refuses %j', (value, message) => {
    expect(() => k6OutValue(value, OUT)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }),
    );
  });
});
