// A real nats-server for the integration tests: started on a free port with a fresh store
// folder, stopped by PID. Tests never skip when the binary is missing: they fail and name the
// script that installs it.

/** A running nats-server started by {@link startNatsServer}. */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The leaf-node listen port, when the configuration opens one. */
  readonly leafPort: number | undefined;
  readonly pid: number;
  /** The JetStream store folder (kept across {@link NatsServer.restart}). */
  readonly storeDir: string;
  /** SIGKILL (a crash, no clean shutdown); the port and store stay reserved for restart(). */
  kill(): Promise<void>;
  /** Starts the server again on the same port with the same store. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Extra server configuration (users, leafnodes, jetstream domain…) in nats-server's config syntax. */
  config?: string;
  /** Client port. @default a free port chosen by the server */
  port?: number;
  /** The nats-server executable (tests pass `requireTool('nats-server')`). @default {@link natsServerBinary} */
  binary?: string;
}

/** The nats-server binary: `$NATS_SERVER`, else the first on PATH or in /usr/sbin; throws naming the install script. */
export declare function natsServerBinary(): string;

/**
 * Starts nats-server with JetStream on 127.0.0.1 and resolves once it is ready. The caller
 * stops it (`await server.stop()`), typically in `afterAll`.
 */
export declare function startNatsServer(options?: NatsServerOptions): Promise<NatsServer>;
