import { lint, createConfig } from '@redocly/openapi-core';
const config = await createConfig({ extends: ['recommended'] });
for (const f of process.argv.slice(2)) {
const problems = await lint({ ref: f, config });
console.log(f, problems.map(p => `${p.severity} ${p.ruleId}: ${p.message} @ ${p.location?.[0]?.pointer}`));
}
