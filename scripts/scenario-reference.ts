// Writes docs/scenario-reference.md from the schemas (`npm run docs:reference`).
import fs from 'node:fs';
import path from 'node:path';
import { scenarioReference } from '../src/domain/reference.js';

const target = path.join(import.meta.dirname, '..', 'docs', 'scenario-reference.md');
fs.writeFileSync(target, scenarioReference());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
