/** Why the harness believes the database died: what was seen, and the server's last log lines when it has them. */
export interface DatabaseExit {
  reason: string;
  logLines: string[];
}

/** A PostgreSQL the harness can point apps at. */
export interface Database {
  readonly kind: 'embedded' | 'docker' | 'url';
  /** postgres://user:password@127.0.0.1:port/hello_world, with the `world` table seeded. */
  readonly url: string;
  /** Server version string (SELECT version()). */
  readonly version: string;
  /** PID of the postmaster when the harness started it on this host (for CPU sampling and pinning). */
  readonly serverPid?: number | undefined;
  /** Cgroup of the database container, when it runs in Docker. */
  readonly cgroupPath?: string | undefined;
  /**
   * Resolves within seconds of the server dying (its postmaster gone, or `SELECT 1` failing);
   * never rejects, and never resolves because of stop().
   */
  readonly exited: Promise<DatabaseExit>;
  /** Stops what the harness started; a no-op for a URL. Safe to call twice. */
  stop(): Promise<void>;
}
