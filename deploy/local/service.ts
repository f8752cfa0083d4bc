/** One local service as `services up|down|status` sees it. */
export interface LocalService {
  readonly name: string;
  /** host:port or URL users and clients connect to. */
  readonly address: string;
  readonly logFile: string;
  /** Fetch and unpack what is missing; a no-op when already installed. */
  install(report: (msg: string) => void): Promise<void>;
  /** Start detached; returns the pid. Called only when not already running. */
  start(report: (msg: string) => void): Promise<number>;
  /** True when the service answers real requests (not merely an open port). */
  ready(): Promise<boolean>;
  /** Work to do once it answers (e.g. registry defaults). */
  afterReady?(): Promise<void>;
  runningPid(): number | undefined;
  stop(): Promise<'stopped' | 'not running'>;
  /** Ports it binds, checked before start so a foreign process is named, not waited on. */
  readonly ports: ReadonlyArray<{ host: string; port: number }>;
  readonly startTimeoutMs: number;
}
