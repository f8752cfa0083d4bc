import { z } from 'zod';
import { configIssue, passwordFields, passwordFromEnv, readConfigText, resolvePassword, Secret } from './secrets.ts';

// TLS and authentication of the three connections: Kafka (TLS, SASL/SCRAM or PLAIN), the
// schema registry (HTTP basic auth) and PostgreSQL (TLS with libpq's sslmode). Files are
// read and checked while the config loads, so a missing CA or password file stops start-up
// with one ConfigError naming the key, not a handshake failure later.

export const KafkaSslConfig = z
  .object({
    enabled: z.boolean().optional().describe('Connect with TLS; unset, TLS is on as soon as caFile, certFile or keyFile is set. Env KAFKA_SSL.'),
    caFile: z.string().min(1).optional().describe('CA certificate(s) (PEM) that signed the brokers\' certificates; unset, the system\'s CAs. Env KAFKA_SSL_CA_FILE.'),
    certFile: z.string().min(1).optional().describe('Client certificate (PEM) for mutual TLS, together with keyFile. Env KAFKA_SSL_CERT_FILE.'),
    keyFile: z.string().min(1).optional().describe('Client private key (PEM, unencrypted) for mutual TLS, together with certFile. Env KAFKA_SSL_KEY_FILE.'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse brokers whose certificate does not verify. Env KAFKA_SSL_REJECT_UNAUTHORIZED.'),
  })
  .strict()
  .transform((v, ctx) => {
    const enabled = v.enabled ?? Boolean(v.caFile || v.certFile || v.keyFile);
    if ((v.certFile === undefined) !== (v.keyFile === undefined)) configIssue(ctx, [v.certFile ? 'keyFile' : 'certFile'], 'certFile and keyFile go together');
    if (!enabled && (v.caFile || v.certFile || v.keyFile)) configIssue(ctx, ['enabled'], 'TLS files are set but TLS is disabled');
    const ca = v.caFile === undefined ? undefined : readConfigText(ctx, ['caFile'], v.caFile, 'PEM');
    const cert = v.certFile === undefined ? undefined : readConfigText(ctx, ['certFile'], v.certFile, 'PEM');
    const key = v.keyFile === undefined ? undefined : readConfigText(ctx, ['keyFile'], v.keyFile, 'PEM');
    return { enabled, rejectUnauthorized: v.rejectUnauthorized, ca, cert, key: key === undefined ? undefined : new Secret(key) };
  });

export const KafkaSaslConfig = z
  .object({
    mechanism: z.enum(['scram-sha-256', 'scram-sha-512', 'plain']).default('scram-sha-512').describe('The SASL mechanism; plain sends the password as it is, so it needs TLS. Env KAFKA_SASL_MECHANISM.'),
    username: z.string().min(1).describe('The SASL user. Env KAFKA_SASL_USERNAME.'),
    // Optional to the schema, but SASL without either is refused below, naming `password`.
    ...passwordFields('KAFKA_SASL_PASSWORD'),
  })
  .strict()
  .transform((v, ctx) => {
    const password = resolvePassword(ctx, v);
    if (!password) {
      if (v.password === undefined && v.passwordFile === undefined) configIssue(ctx, ['password'], 'SASL needs a password (KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE)');
      return z.NEVER;
    }
    return { mechanism: v.mechanism, username: v.username, password };
  });

/** SASL/PLAIN sends the password as it is: only over TLS. */
export function checkPlainOverTls(ctx: z.core.$RefinementCtx, v: { ssl?: { enabled: boolean }; sasl?: { mechanism: string } }): void {
  if (v.sasl?.mechanism === 'plain' && !v.ssl?.enabled) configIssue(ctx, ['sasl', 'mechanism'], 'plain sends the password in clear text: enable kafka.ssl, or use scram-sha-512');
}

/** HTTP basic auth of the schema registry: username plus password (or passwordFile). */
export const registryAuthFields = {
  username: z.string().min(1).optional().describe('User of HTTP basic auth, with password (or `user:password@` in url instead); none by default. Env SCHEMA_REGISTRY_USERNAME.'),
  ...passwordFields('SCHEMA_REGISTRY_PASSWORD'),
};

export interface RegistryAuth {
  username: string;
  password: Secret;
}

/**
 * The registry URL without credentials, and the basic auth to send: from the fields, or from
 * `user:password@` in the URL (moved out, so the URL can appear in messages).
 */
export function resolveRegistryAuth(
  ctx: z.core.$RefinementCtx,
  v: { url: string; username?: string; password?: string; passwordFile?: string },
): { url: string; auth?: RegistryAuth } {
  const u = new URL(v.url);
  let username = v.username;
  let password = resolvePassword(ctx, v);
  const inUrl = Boolean(u.username || u.password);
  if (inUrl) {
    if (username !== undefined || password !== undefined) configIssue(ctx, ['username'], 'credentials are both in the URL and in username/password; keep one');
    username = decodeURIComponent(u.username);
    password = new Secret(decodeURIComponent(u.password));
    u.username = '';
    u.password = '';
  }
  const url = inUrl ? u.toString() : v.url;
  if (username === undefined && password === undefined) return { url };
  if (username === undefined || password === undefined) {
    configIssue(ctx, [username === undefined ? 'username' : 'password'], 'basic auth needs both username and password (SCHEMA_REGISTRY_USERNAME, SCHEMA_REGISTRY_PASSWORD[_FILE])');
    return { url };
  }
  return { url, auth: { username, password } };
}

export const DatabaseSslConfig = z
  .object({
    mode: z
      .enum(['disable', 'require', 'verify-full'])
      .optional()
      .describe(
        'libpq\'s sslmode: require encrypts but checks the certificate only when caFile is set, verify-full checks the certificate and the host name. ' +
          'Unset: the URL\'s own sslmode, else verify-full when caFile is set, else plain TCP. Env DATABASE_SSLMODE.',
      ),
    caFile: z.string().min(1).optional().describe('CA certificate (PEM) of the server\'s certificate; unset, the system\'s CAs. Env DATABASE_SSL_CA_FILE.'),
  })
  .strict();

/**
 * The connection URL every PostgreSQL client (pg, graphile-migrate, COPY) gets, with the TLS
 * settings and the password folded in. `uselibpqcompat=true` makes node-postgres read sslmode
 * as libpq does (without it, `require` would verify the certificate).
 */
export function resolveDatabaseUrl(
  ctx: z.core.$RefinementCtx,
  v: { url: string; ssl: z.infer<typeof DatabaseSslConfig>; password?: string; passwordFile?: string },
): string {
  const password = resolvePassword(ctx, v);
  if (v.ssl.mode === undefined && v.ssl.caFile === undefined && password === undefined) return v.url;
  const u = new URL(v.url);
  const urlMode = u.searchParams.get('sslmode');
  if (v.ssl.mode !== undefined && urlMode !== null && urlMode !== v.ssl.mode) {
    configIssue(ctx, ['ssl', 'mode'], `${v.ssl.mode} conflicts with sslmode=${urlMode} in database.url`);
  }
  const mode = v.ssl.mode ?? urlMode ?? (v.ssl.caFile ? 'verify-full' : null);
  if (v.ssl.caFile !== undefined) {
    if (mode === 'disable') configIssue(ctx, ['ssl', 'caFile'], 'a CA file is set but sslmode is disable');
    readConfigText(ctx, ['ssl', 'caFile'], v.ssl.caFile, 'PEM');
    u.searchParams.set('sslrootcert', v.ssl.caFile);
  }
  if (mode !== null) {
    u.searchParams.set('sslmode', mode);
    if (!u.searchParams.has('uselibpqcompat')) u.searchParams.set('uselibpqcompat', 'true');
  }
  if (password !== undefined) {
    if (u.password) configIssue(ctx, ['password'], 'the URL holds a password already; keep one');
    u.password = encodeURIComponent(password.reveal());
  }
  return u.toString();
}

/** Env variables of the security settings, as a partial config tree; empty means unset. */
export function securityFromEnv(env: NodeJS.ProcessEnv): Record<'kafka' | 'registry' | 'database', Record<string, unknown> | undefined> {
  const get = (name: string) => env[name] || undefined;
  const bool = (name: string) => {
    const v = get(name);
    return v === undefined ? undefined : /^(true|1|yes)$/i.test(v) ? true : /^(false|0|no)$/i.test(v) ? false : v;
  };
  const ssl = defined({
    enabled: bool('KAFKA_SSL'),
    caFile: get('KAFKA_SSL_CA_FILE'),
    certFile: get('KAFKA_SSL_CERT_FILE'),
    keyFile: get('KAFKA_SSL_KEY_FILE'),
    rejectUnauthorized: bool('KAFKA_SSL_REJECT_UNAUTHORIZED'),
  });
  const sasl = defined({ mechanism: get('KAFKA_SASL_MECHANISM')?.toLowerCase(), username: get('KAFKA_SASL_USERNAME'), ...passwordFromEnv(env, 'KAFKA_SASL_PASSWORD') });
  const dbSsl = defined({ mode: get('DATABASE_SSLMODE'), caFile: get('DATABASE_SSL_CA_FILE') });
  return {
    kafka: defined({ ssl, sasl }),
    registry: defined({ username: get('SCHEMA_REGISTRY_USERNAME'), ...passwordFromEnv(env, 'SCHEMA_REGISTRY_PASSWORD') }),
    database: defined({ ssl: dbSsl, ...passwordFromEnv(env, 'DATABASE_PASSWORD') }),
  };
}

/** The object without its undefined or empty-object values (so an unset env adds nothing). */
function defined(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(out).length ? out : undefined;
}
