import { register } from 'tsx/esm/api';
register();
const t = performance.now();
for (const m of process.argv.slice(2)) await import(m);
console.error('import ms', (performance.now() - t).toFixed(0));
