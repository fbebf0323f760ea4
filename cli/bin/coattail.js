#!/usr/bin/env node
// The packages ship TypeScript sources (Turborepo's "just-in-time packages"); tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
// A stream job catches SIGTERM before anything else loads: ECS may stop a task at any moment of its
// start-up, and the job must still end cleanly (see src/signal-latch.ts).
if (process.argv.slice(2).find((a) => !a.startsWith('-')) === 'job') {
  (await import('../src/signal-latch.ts')).installSignalLatch();
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace')
    console.log(JSON.stringify({ level: 20, time: Date.now(), msg: 'stop signals caught from here on' }));
}
// aws-embedded-metrics resolves its environment when loaded and, left alone, probes the EC2
// metadata address. Pin it before any package can load it: ECS on an ECS task, else stdout.
// The SDK's notice about Node 20 support ending in 2027 is on every command otherwise; the
// platform's Node requirement is in package.json engines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_EMF_ENVIRONMENT ??= process.env.ECS_CONTAINER_METADATA_URI_V4 ? 'ECS' : 'Local';
const { main } = await import('../src/main.ts');
await main(process.argv);
