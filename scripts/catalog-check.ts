// `npm run catalog:check`: validates every service card; each problem as `file:line:column  sentence`, in the
// editor's words; exit 1 on any problem.
import path from 'node:path';
import { catalogFiles, loadCatalog } from '../lib/catalog';

const dir = path.resolve(process.argv[2] || 'service-catalog');
const { services, problems } = loadCatalog(dir);
for (const p of problems) console.error(`${p.file}${p.line ? `:${p.line}:${p.column}` : ''}  ${p.message}`);
console.log(`${catalogFiles(dir).length} files, ${services.length} valid services, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
