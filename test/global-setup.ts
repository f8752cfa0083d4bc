import { connect } from 'node:net';
import pg from 'pg';
import { loadConnections } from '../core/config.ts';

// Integration tests need the real services. Fail once, up front, with the fix, instead of
// letting every test time out against a closed port.

function tcpReachable(hostPort: string, timeoutMs = 3000): Promise<boolean> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function registryReachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/$/, '')}/subjects`, { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function postgresReachable(url: string): Promise<boolean> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(): Promise<void> {
  const c = loadConnections({});
  const problems: string[] = [];
  if (!(await tcpReachable(c.kafka.brokers[0]!))) problems.push(`Kafka at ${c.kafka.brokers[0]}`);
  if (!(await registryReachable(c.registry.url))) problems.push(`schema registry at ${c.registry.url}`);
  if (!(await postgresReachable(c.database.url))) problems.push(`PostgreSQL at ${new URL(c.database.url).host}`);
  if (problems.length) {
    throw new Error(
      `integration tests need the real services; not answering: ${problems.join(', ')}.\n` +
        `Start them with: npx ops-pipeline services up`,
    );
  }
}
