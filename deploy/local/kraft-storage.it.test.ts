import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaBroker, kafkaServerProperties } from './kafka-broker.ts';
import { clusterIdFile, formatStorage, newClusterId } from './kraft-storage.ts';
import { kafkaLibs, servicePaths } from './layout.ts';
import { bringUp } from './services.ts';
import { checkJava } from './tools.ts';

// A cluster id is 16 random bytes in URL-safe base64, so 1 in 64 starts with `-`. Passed as
// `-t <id>`, Kafka's StorageTool read such an id as an option and `services up` failed at random.
// Each id here starts with `-` and is still a real one: only whole 6-bit characters are replaced.

const startingWith = (lead: string) => lead + newClusterId().slice(lead.length);

/** What Kafka's Uuid.fromString needs: exactly 16 bytes in URL-safe base64 without padding. */
const isKraftId = (id: string) => /^[A-Za-z0-9_-]{22}$/.test(id) && Buffer.from(id, 'base64url').toString('base64url') === id;

const BROKER = { instance: 'kafka-dash-cluster-id', port: 19380, controllerPort: 19381, heap: '384m' };
const broker = kafkaBroker(BROKER);

afterAll(async () => {
  await broker.stop();
  rmSync(servicePaths(BROKER.instance).root, { recursive: true, force: true });
});

describe('KRaft storage format', () => {
  it('formats with a cluster id that starts with -', async () => {
    const ids = ['-', '-t', '--standalone'].map(startingWith);
    expect(ids.every(isKraftId)).toBe(true);
    await broker.install(() => {});
    const java = checkJava();
    for (const id of ids) {
      const dir = mkdtempSync(join(tmpdir(), 'opsp-kraft-'));
      try {
        const dataDir = join(dir, 'data');
        const configFile = join(dir, 'server.properties');
        writeFileSync(configFile, kafkaServerProperties({ host: '127.0.0.1', port: BROKER.port, controllerPort: BROKER.controllerPort }, dataDir));
        formatStorage({ java, classpath: `${kafkaLibs()}/*`, configFile, clusterId: id });
        expect(readFileSync(join(dataDir, 'meta.properties'), 'utf8')).toContain(`\ncluster.id=${id}\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('a broker comes up with such an id kept from an earlier start', async () => {
    // The id file outlives a failed start, so before the fix every retry failed the same way.
    const root = servicePaths(BROKER.instance).root;
    await broker.stop();
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const dashId = startingWith('-');
    writeFileSync(clusterIdFile(root), dashId);
    await bringUp(broker, () => {});
    const admin = new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect((await admin.describeCluster()).clusterId).toBe(dashId);
    } finally {
      await admin.disconnect();
    }
  });
});
