#!/usr/bin/env node
// The packages ship TypeScript sources (Turborepo's "just-in-time packages"); tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
await main(process.argv);
