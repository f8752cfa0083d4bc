import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { ConnectionsConfig } from './config.ts';
import type { RegistryAuth } from './connection-security.ts';
import { AuthenticationError, ServiceUnreachableError } from './errors.ts';

// The schema registry client: @kafkajs/confluent-schema-registry for schemas and the wire
// format, plus the few subject-admin calls of the Confluent REST API that the library
// keeps private (compatibility level, lookup with version), which `topics apply` needs.

const HINT = 'is it running? npx ops-pipeline services status';
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The Confluent compatibility levels (Apicurio and Redpanda accept the same names). */
export type CompatibilityLevel = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

export interface RegisteredVersion {
  id: number;
  version: number;
}

/** An HTTP answer of the registry that is neither success nor "not found". */
export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`schema registry refused ${what}: HTTP ${status} ${body}`);
    this.name = 'RegistryHttpError';
  }
}

export class Registry extends SchemaRegistry {
  /** Base URL of the Confluent-compatible API, without a trailing slash. */
  readonly url: string;

  readonly #authorization: Record<string, string>;

  /** `auth`: HTTP basic auth, sent with every request (the library's and our own). */
  constructor(url: string, auth?: RegistryAuth) {
    const base = url.replace(/\/$/, '');
    super({ host: base, clientId: 'ops-pipeline', retry: { retries: 3 }, auth: auth && { username: auth.username, password: auth.password.reveal() } });
    this.url = base;
    this.#authorization = authorizationHeader(auth);
  }

  /** The subject's own compatibility level; null when it has none (or does not exist). */
  async subjectCompatibility(subject: string): Promise<CompatibilityLevel | null> {
    const res = await this.call('GET', `/config/${encodeURIComponent(subject)}`);
    if (res.status === 404) return null;
    await this.ensureOk(res, `GET /config/${subject}`);
    return ((await res.json()) as { compatibilityLevel: CompatibilityLevel }).compatibilityLevel;
  }

  async setSubjectCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    const res = await this.call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
    await this.ensureOk(res, `PUT /config/${subject}`);
  }

  /** Id and version under which this exact schema is registered in the subject, else null. */
  async lookupSchema(subject: string, schema: string): Promise<RegisteredVersion | null> {
    const res = await this.call('POST', `/subjects/${encodeURIComponent(subject)}`, { schema });
    if (res.status === 404) return null;
    await this.ensureOk(res, `lookup in ${subject}`);
    const { id, version } = (await res.json()) as RegisteredVersion;
    return { id, version };
  }

  /**
   * Registers the Avro schema in the subject (checked against the subject's compatibility
   * level); the same content gives back its existing id. A refusal throws RegistryHttpError
   * (409: incompatible, 422: invalid).
   */
  async registerVersion(subject: string, schema: string): Promise<number> {
    const res = await this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
    await this.ensureOk(res, `a new version of ${subject}`);
    return ((await res.json()) as { id: number }).id;
  }

  /** The subject's latest version, or null when the subject does not exist. */
  async latestVersion(subject: string): Promise<RegisteredVersion | null> {
    const res = await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    if (res.status === 404) return null;
    await this.ensureOk(res, `GET latest of ${subject}`);
    const { id, version } = (await res.json()) as RegisteredVersion;
    return { id, version };
  }

  async subjects(): Promise<string[]> {
    const res = await this.call('GET', '/subjects');
    await this.ensureOk(res, 'GET /subjects');
    return (await res.json()) as string[];
  }

  /** Deletes the subject for good (soft delete first, as Confluent requires). */
  async deleteSubject(subject: string): Promise<void> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    await this.call('DELETE', path);
    await this.call('DELETE', `${path}?permanent=true`);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, {
        method,
        headers: { ...this.#authorization, accept: CONTENT_TYPE, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new ServiceUnreachableError('schema registry', this.url, { cause: err, hint: HINT });
    }
  }

  private async ensureOk(res: Response, what: string): Promise<void> {
    if (res.status === 401 || res.status === 403) throw refused(this.url, res.status);
    if (!res.ok) throw new RegistryHttpError(res.status, (await res.text()).slice(0, 500), what);
  }
}

export function createRegistry(registry: ConnectionsConfig['registry']): Registry {
  return new Registry(registry.url, registry.auth);
}

function authorizationHeader(auth: RegistryAuth | undefined): Record<string, string> {
  if (!auth) return {};
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password.reveal()}`).toString('base64')}` };
}

function refused(url: string, status: number, cause?: unknown): AuthenticationError {
  const reason = status === 401 ? 'HTTP 401, credentials missing or wrong (check registry.username and the password)' : 'HTTP 403, the user may not do this';
  return new AuthenticationError('schema registry', url, reason, { cause });
}

/** Fails fast, with the URL, when the registry does not answer. */
export async function checkRegistry(registry: ConnectionsConfig['registry']): Promise<void> {
  const url = `${registry.url.replace(/\/$/, '')}/subjects`;
  let res: Response;
  try {
    res = await fetch(url, { headers: authorizationHeader(registry.auth), signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new ServiceUnreachableError('schema registry', registry.url, { cause: err, hint: HINT });
  }
  if (res.status === 401 || res.status === 403) throw refused(registry.url, res.status);
  if (!res.ok) throw new ServiceUnreachableError('schema registry', registry.url, { hint: `GET /subjects answered HTTP ${res.status}; is the URL the Confluent API base?` });
}

// The library reports a refused connection as an HTTP-400-like ResponseError whose message
// carries the socket error; only those, not real HTTP answers, mean "unreachable".
const NETWORK_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|fetch failed|timed? ?out/i;

/** Runs `fn` and turns a failure to reach the registry into ServiceUnreachableError naming its URL. */
export async function withRegistry<T>(registry: ConnectionsConfig['registry'], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ServiceUnreachableError || err instanceof AuthenticationError) throw err;
    const status = (err as { status?: unknown }).status;
    if (err instanceof Error && err.name === 'ResponseError' && (status === 401 || status === 403)) throw refused(registry.url, status, err);
    const fromRegistry = err instanceof Error && !(err instanceof RegistryHttpError) && !err.name.startsWith('KafkaJS');
    if (fromRegistry && NETWORK_FAILURE.test(err.message)) {
      throw new ServiceUnreachableError('schema registry', registry.url, { cause: err, hint: HINT });
    }
    throw err;
  }
}
