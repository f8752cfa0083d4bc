import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A throwaway certificate authority and server certificates for the security tests, made
// with the openssl CLI (argument arrays, no shell). Every server certificate is for
// 127.0.0.1 and localhost, which is where the tests' own brokers and servers listen.

export interface ServerCert {
  /** PEM certificate signed by the CA. */
  certFile: string;
  /** PEM private key (PKCS#8, unencrypted). */
  keyFile: string;
  cert: string;
  key: string;
}

export interface TestCa {
  dir: string;
  /** The CA certificate (PEM): what clients trust. */
  caFile: string;
  ca: string;
  /** A certificate for 127.0.0.1 / localhost signed by this CA. */
  issue(name: string): ServerCert;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(label: string): TestCa {
  const dir = mkdtempSync(join(tmpdir(), `opsp-${label}-tls-`));
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', `/CN=ops-pipeline test CA ${label}`], dir);
  return {
    dir,
    caFile,
    ca: readFileSync(caFile, 'utf8'),
    issue(name) {
      const keyFile = join(dir, `${name}.key`);
      const csr = join(dir, `${name}.csr`);
      const certFile = join(dir, `${name}.pem`);
      const ext = join(dir, `${name}.ext`);
      writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${name}`], dir);
      openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext], dir);
      return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
