#!/usr/bin/env node
// The packages ship TypeScript sources (Turborepo's "just-in-time packages"); tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
// aws-embedded-metrics resolves its environment when loaded and, left alone, probes the EC2
// metadata address. Pin it before any package can load it: ECS on an ECS task, else stdout.
process.env.AWS_EMF_ENVIRONMENT ??= process.env.ECS_CONTAINER_METADATA_URI_V4 ? 'ECS' : 'Local';
const { main } = await import('../src/main.ts');
await main(process.argv);
