/**
 * The trend for CI: one testsuite per group (kind, scenario, target, profile), one testcase per
 * comparison. Only regressions are failures, so a CI that goes red on JUnit failures agrees with
 * the trend's exit code; the rest carry their figures in system-out.
 */
import { escapeAttribute, escapeText } from '../reports/escape-markup';
import type { Comparison, GroupKey, TrendReport } from './trend';

function attributes(attrs: Record<string, string | number>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

export function groupTitle(key: GroupKey): string {
  return `${key.kind} ${key.scenario} on ${key.target} (${key.profile})`;
}

function testcase(c: Comparison, classname: string): string {
  const open = `    <testcase${attributes({ classname, name: c.id })}`;
  if (c.status === 'regression')
    return `${open}>\n      <failure${attributes({ message: `${c.title}: ${c.why}`, type: 'regression' })}>${escapeText(c.why)}</failure>\n    </testcase>`;
  return `${open}>\n      <system-out>${escapeText(`${c.status}: ${c.why}`)}</system-out>\n    </testcase>`;
}

export function trendJunit(report: TrendReport): string {
  const suites = report.groups.map((g) => {
    const classname = `omnivas.trend.${g.key.kind}.${g.key.scenario}`;
    const latest = g.runs[g.runs.length - 1];
    const header = `  <testsuite${attributes({ name: groupTitle(g.key), tests: g.comparisons.length, failures: g.regressions, errors: 0, skipped: 0, timestamp: latest?.startedAt ?? '' })}>`;
    const properties = Object.entries({
      target: g.key.target,
      profile: g.key.profile,
      latestRun: latest?.id ?? '',
      runs: g.runs.length,
    })
      .map(([name, value]) => `      <property${attributes({ name, value })}/>`)
      .join('\n');
    return [
      header,
      '    <properties>',
      properties,
      '    </properties>',
      ...g.comparisons.map((c) => testcase(c, classname)),
      '  </testsuite>',
    ].join('\n');
  });
  const tests = report.groups.reduce((n, g) => n + g.comparisons.length, 0);
  const root = `<testsuites${attributes({ name: 'omnivas-harness trend', tests, failures: report.regressions, errors: 0, skipped: 0 })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', root, ...suites, '</testsuites>', ''].join('\n');
}
