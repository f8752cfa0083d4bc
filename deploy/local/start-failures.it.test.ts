import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceStartError } from '../../core/errors.ts';
import { kafkaBroker } from './kafka-broker.ts';
import { bringUp } from './services.ts';
import { checkJava, mavenGetFile } from './tools.ts';

// `services up` fails with one clear message instead of hanging.

let squatter: Server;
let takenPort: number;

beforeAll(async () => {
  squatter = createServer(() => {});
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  takenPort = (squatter.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => squatter.close(() => resolve()));
});

describe('services up failures', () => {
  it('names a port taken by a process it did not start', async () => {
    // A services folder of its own: the real broker's pid file must not be mistaken for this one.
    const saved = process.env.OPS_PIPELINE_SERVICES_DIR;
    process.env.OPS_PIPELINE_SERVICES_DIR = mkdtempSync(join(tmpdir(), 'opsp-services-'));
    const broker = kafkaBroker({ port: takenPort, controllerPort: takenPort + 1 });
    if (saved === undefined) delete process.env.OPS_PIPELINE_SERVICES_DIR;
    else process.env.OPS_PIPELINE_SERVICES_DIR = saved;
    const err = await bringUp(broker, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceStartError);
    expect((err as Error).message).toBe(`kafka: port 127.0.0.1:${takenPort} is taken by another process (not one this command started); stop it, or free the port, then retry`);
  });

  it('says how to get Java when there is none', () => {
    expect(() => checkJava({ JAVA_HOME: '/nonexistent-jdk' })).toThrow(/no Java runtime found \(\/nonexistent-jdk\/bin\/java\); install Java 17\+/);
  });

  it('reports a refused download from Maven Central', () => {
    expect(() => mavenGetFile('org.example.nonexistent:no-such-artifact:0.0.1:jar', 'a missing artifact')).toThrow(
      /maven: download of a missing artifact from Maven Central failed/,
    );
  });
});
