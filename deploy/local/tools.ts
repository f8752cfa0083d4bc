import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { ServiceStartError } from '../../core/errors.ts';
import { POM } from './layout.ts';
import { runToCompletion } from './process.ts';

// The two host tools the local services need: a Java 17+ runtime and Maven (for jars
// from Maven Central). Each failure names the fix.

export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function checkJava(env: NodeJS.ProcessEnv = process.env): string {
  const java = javaBinary(env);
  const r = runToCompletion(java, ['-version'], { timeoutMs: 30_000 });
  if (r.error || r.status !== 0) {
    throw new ServiceStartError('java', `no Java runtime found (${java}); install Java 17+ (apt-get install openjdk-17-jre-headless) or set JAVA_HOME`);
  }
  const major = Number(/version "(\d+)/.exec(r.output)?.[1] ?? 0);
  if (major < 17) throw new ServiceStartError('java', `Java ${major} found at ${java}; Kafka 4 and the registry need Java 17+`);
  return java;
}

/** Runs Maven on the local-services pom; a refused download becomes a clear error. */
export function maven(args: string[], what: string): string {
  const r = runToCompletion('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', POM, ...args], { timeoutMs: 15 * 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new ServiceStartError('maven', 'mvn not found; install Maven (apt-get install maven): it fetches the service jars from Maven Central');
  }
  if (r.status !== 0) {
    const lines = stripVTControlCharacters(r.output).split('\n').filter((l) => /ERROR|Could not|not found|refused|transfer/i.test(l)).slice(0, 6);
    throw new ServiceStartError('maven', `download of ${what} from Maven Central failed:\n${lines.join('\n') || r.output.slice(-2000)}`);
  }
  return r.output;
}

/** Resolves one artifact (no transitives) into the local Maven repository; returns its path. */
export function mavenGetFile(coordinates: string, what: string): string {
  // dependency-plugin 3.x reads the artifact's descriptor (and its parent pom) even without
  // transitives; 2.8's `get` does not, which matters for archives whose parent is unpublished.
  maven(['org.apache.maven.plugins:maven-dependency-plugin:2.8:get', `-Dartifact=${coordinates}`, '-Dtransitive=false'], what);
  const repo = maven(
    ['org.apache.maven.plugins:maven-help-plugin:3.4.0:evaluate', '-Dexpression=settings.localRepository', '-DforceStdout'],
    'the local repository location',
  );
  const [group, artifact, version, type, classifier] = coordinates.split(':') as [string, string, string, string, string?];
  const file = join(stripVTControlCharacters(repo).trim(), ...group.split('.'), artifact, version, `${artifact}-${version}${classifier ? `-${classifier}` : ''}.${type}`);
  if (!existsSync(file)) throw new ServiceStartError('maven', `Maven reported ${what} resolved, but ${file} is missing`);
  return file;
}
