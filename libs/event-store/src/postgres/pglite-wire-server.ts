import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/** Message types after which the client waits for an answer: the batch goes to PGlite as one unit. */
const FLUSHING_TYPES = new Set(['S', 'Q', 'H', 'X', 'c', 'f']);

interface Batch {
  readonly connection: WireConnection;
  readonly bytes: Uint8Array;
  readonly done: () => void;
}

/**
 * Serves one PGlite database over the PostgreSQL wire protocol (Unix socket
 * or TCP) to any number of client connections.
 *
 * PGlite runs one session: this server makes several client connections
 * share it safely.
 * - Messages are forwarded in whole batches, up to the Sync (or simple
 *   Query) that ends them, so two connections' extended-protocol messages
 *   never interleave (an unnamed prepared statement of one connection is
 *   never replaced by another's).
 * - While a connection has a transaction open, only that connection's
 *   batches run; the others wait. Transactions are therefore serialised,
 *   which is the isolation PGlite can give.
 * - A connection that goes away inside a transaction has it rolled back.
 */
export class PgliteWireServer {
  private readonly server: Server;
  private readonly queue: Batch[] = [];
  private owner: WireConnection | null = null;
  private draining = false;
  private nextId = 1;
  private readonly connections = new Set<WireConnection>();

  constructor(private readonly db: PGlite) {
    this.server = createServer((socket) => {
      const connection = new WireConnection(this.nextId++, socket, this);
      this.connections.add(connection);
      socket.on('close', () => {
        this.connections.delete(connection);
        void this.release(connection);
      });
    });
  }

  listen(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  submit(connection: WireConnection, bytes: Uint8Array): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ connection, bytes, done });
      void this.drain();
    });
  }

  private async release(connection: WireConnection): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const batch = this.queue[i]!;
      if (batch.connection === connection) {
        this.queue.splice(i, 1);
        batch.done();
      }
    }
    if (this.owner === connection) {
      await this.db.runExclusive(async () => {
        if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
      });
      this.owner = null;
      void this.drain();
    }
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((b) => b.connection === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return;
        const batch = this.queue.splice(index, 1)[0]!;
        try {
          await this.db.runExclusive(() =>
            // PGlite reuses its output buffer: copy before the socket queues it.
            this.db.execProtocolRawStream(batch.bytes, {
              onRawData: (data) => batch.connection.write(Buffer.from(data)),
            }),
          );
        } catch (error) {
          batch.connection.fail(error);
        }
        this.owner = this.db.isInTransaction() && !batch.connection.closed ? batch.connection : null;
        batch.done();
      }
    } finally {
      this.draining = false;
    }
  }
}

class WireConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private started = false;
  private chain: Promise<void> = Promise.resolve();
  closed = false;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly server: PgliteWireServer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.closed = true;
    });
  }

  write(data: Uint8Array): void {
    if (!this.closed && this.socket.writable) this.socket.write(data);
  }

  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const text = Buffer.from(`SERROR\0C08006\0M${message}\0\0`, 'utf8');
    const frame = Buffer.alloc(5 + text.length);
    frame.write('E', 0, 'latin1');
    frame.writeInt32BE(4 + text.length, 1);
    text.copy(frame, 5);
    this.write(frame);
    this.destroy();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSS_REQUEST) {
          this.write(Buffer.from('N'));
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.destroy();
          return;
        }
        if (code !== PROTOCOL_3) {
          this.destroy();
          return;
        }
        this.started = true;
        this.enqueue([message]);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) return;
      const type = String.fromCharCode(this.buffer[0]!);
      const message = Buffer.from(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
      if (type === 'X') {
        this.destroy();
        return;
      }
      this.pending.push(message);
      if (FLUSHING_TYPES.has(type)) {
        const batch = this.pending;
        this.pending = [];
        this.enqueue(batch);
      }
    }
  }

  /** Batches of one connection run in the order they arrived. */
  private enqueue(messages: Buffer[]): void {
    const bytes = new Uint8Array(Buffer.concat(messages));
    this.chain = this.chain.then(() => (this.closed ? undefined : this.server.submit(this, bytes)));
  }
}
