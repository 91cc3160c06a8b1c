/**
 * Binding the CSMS's server. A failure becomes a {@link ListenError} whose message is one line a
 * user can act on ("port 9000 is in use on 127.0.0.1"), so the CLI can print it without a stack.
 */
import type { Server } from 'node:net';

/** The server could not listen; `code` is Node's error code (EADDRINUSE, EACCES, …). */
export class ListenError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** Listens on `host:port` with a deep accept backlog; rejects with a {@link ListenError}. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => reject(new ListenError(error.code, listenProblem(error, port, host)));
    server.once('error', onError);
    // A deep accept backlog, so a ramp of thousands of charge points is not refused by the kernel.
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** One line saying why listening on `host:port` failed. */
export function listenProblem(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use on ${host}`;
    case 'EACCES':
      return `no permission to listen on port ${port} on ${host} (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host name ${host}`;
    default:
      return `cannot listen on ${host} port ${port}: ${error.message}`;
  }
}
