import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerProducer } from './producer.js';

describe('coattail producer --help', () => {
  it('lists --live and the simulator, stream and health options', () => {
    const program = new Command('coattail');
    registerProducer(program);
    const text = program.commands.find((c) => c.name() === 'producer')!.helpInformation();
    expect(text).toMatch(/--live\s+connect to the real exchanges instead of the simulator/);
    for (const option of [
      '--symbols <list>',
      '--rate <n>',
      '--duration <seconds>',
      '--stream <name>',
      '--no-aggregation',
      '--health-port <port>',
    ])
      expect(text).toContain(option);
  });
});
