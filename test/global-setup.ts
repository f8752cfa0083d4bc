import { connect } from 'node:net';
import { loadConnections } from '../core/config.ts';
import { postgresAnswers } from '../deploy/local/services.ts';

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

export default async function setup(): Promise<void> {
  const c = loadConnections({});
  const problems: string[] = [];
  if (!(await tcpReachable(c.kafka.brokers[0]!))) problems.push(`Kafka at ${c.kafka.brokers[0]}`);
  if (!(await registryReachable(c.registry.url))) problems.push(`schema registry at ${c.registry.url}`);
  if (!(await postgresAnswers(c.database.url))) problems.push(`PostgreSQL at ${new URL(c.database.url).host}`);
  if (problems.length) {
    throw new Error(
      `integration tests need the real services; not answering: ${problems.join(', ')}.\n` +
        `Start them with: npx ops-pipeline services up`,
    );
  }
}
