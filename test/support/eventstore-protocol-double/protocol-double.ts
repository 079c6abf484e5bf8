import * as grpc from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import {
  Empty,
  StreamDeleted,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  type AppendReq,
  AppendResp,
  type BatchAppendReq,
  BatchAppendResp,
  type DeleteReq,
  DeleteResp,
  ReadReq,
  ReadResp,
  type TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import { AllStreamPosition } from '@eventstore/db-client/generated/shared_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { randomUUID } from 'node:crypto';
import {
  InMemoryLog,
  type ExpectedRevision,
  type LogRecord,
  type ProposedEvent,
  type WriteOutcome,
} from './in-memory-log';

/*
 * A test double of the EventStoreDB gRPC protocol (v1), for the adapter's
 * tests: a gRPC server on 127.0.0.1 built from the service descriptors that
 * @eventstore/db-client ships (generated/*_grpc_pb.js), so the real client
 * talks to it over real HTTP/2 exactly as to a server. It is not
 * EventStoreDB: the log lives in memory (./in-memory-log.ts), and only what
 * the adapter uses is served:
 *
 * - ServerFeatures.GetSupportedMethods (the methods below, so the client
 *   chooses BatchAppend like against a server from 21.10 on);
 * - Streams.Append and Streams.BatchAppend;
 * - Streams.Read: one stream forwards/backwards from a revision, `$all`
 *   forwards/backwards from a position (with or without a filter), and
 *   catch-up subscriptions to `$all` from the start, the end or a position,
 *   with server-side filters by stream-name prefix/regex or event-type
 *   prefix/regex and the checkpoint messages of filtered subscriptions;
 * - Streams.Delete (soft delete) and Streams.Tombstone.
 *
 * Everything else (subscriptions to one stream, persistent subscriptions,
 * projections, users, operations, gossip, monitoring) answers UNIMPLEMENTED,
 * so a gap shows as a failure, never as a pass. Errors carry the status
 * codes and the `exception` metadata the server sends, which the client
 * turns into its typed errors.
 *
 * Faults can be injected (`faults`): the next call of a kind fails as a
 * server that is unavailable, not the leader or timing out would fail it,
 * and subscriptions can be dropped after some events.
 */

export interface ProtocolDoubleOptions {
  /** Log position of the first record (default: after an epoch record at 0, as on a server). */
  readonly firstPosition?: bigint;
  /** Offer BatchAppend (default true, as servers from 21.10 on do); without it the client appends through Append. */
  readonly batchAppend?: boolean;
  /** Write the system events a fresh server has (default true). */
  readonly systemEvents?: boolean;
  /** Port to listen on (default: a free one). */
  readonly port?: number;
}

/** A failure as the server would answer it. */
export type Fault =
  /** The node cannot serve: the call ends with UNAVAILABLE (a node restarting, a dropped connection). */
  | 'unavailable'
  /** A follower answering a call that needs the leader: NOT_FOUND with the leader's address (this double's). */
  | 'not-leader'
  /** The write or read timed out on the server. */
  | 'timeout'
  /** The append is written, then its answer is lost: the call ends with UNAVAILABLE. */
  | 'lost-answer';

export type FaultTarget = 'append' | 'read-stream' | 'read-all' | 'subscribe' | 'delete';

/** A subscription to `$all` as the double received it. */
export interface SubscriptionRequest {
  readonly from: 'start' | 'end' | bigint;
  readonly filter: string | null;
  readonly at: number;
}

interface FilterSpec {
  readonly describe: string;
  readonly matches: (record: LogRecord) => boolean;
  /** Considered events between two checkpoint messages. */
  readonly checkpointInterval: number;
}

/** Events the server reads per page, and so its default filter search window (Enumerator.DefaultReadBatchSize). */
const DEFAULT_SEARCH_WINDOW = 32;

export class EventStoreProtocolDouble {
  readonly log: InMemoryLog;
  /** Every `$all` subscription received, in order. */
  readonly subscriptionRequests: SubscriptionRequest[] = [];
  readonly faults = new Faults();
  /** Calls received per method (e.g. `append`, `batchAppend`, `read`). */
  readonly calls: Record<string, number> = {};
  private server: grpc.Server | undefined;
  private readonly activeSubscriptions = new Set<SubscriptionPump>();
  private boundPort = 0;

  private constructor(private readonly options: ProtocolDoubleOptions) {
    this.log = new InMemoryLog({ firstPosition: options.firstPosition });
    if (options.systemEvents ?? true) {
      // What a fresh server writes before any client does.
      this.log.writeSystemEvent('$user-admin', '$User', { loginName: 'admin', fullName: 'Event Store Administrator' });
      this.log.writeSystemEvent('$users', '$UserCreated', { loginName: 'admin' });
    }
  }

  static async start(options: ProtocolDoubleOptions = {}): Promise<EventStoreProtocolDouble> {
    const double = new EventStoreProtocolDouble(options);
    await double.listen(options.port ?? 0);
    return double;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The connection string the client takes. */
  get url(): string {
    return `esdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  /** Subscriptions currently open. */
  get openSubscriptions(): number {
    return this.activeSubscriptions.size;
  }

  /** Stops serving at once, as a node that goes down: open calls fail with UNAVAILABLE. The log is kept. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const pump of this.activeSubscriptions) pump.stop();
    this.activeSubscriptions.clear();
    server?.forceShutdown();
  }

  /** Serves again on the same port with the same log (after `stop`). */
  async restart(): Promise<void> {
    await this.listen(this.boundPort);
  }

  /** Ends every open subscription with `fault` after it has sent `afterEvents` more events; answers how many. */
  dropSubscriptions(afterEvents = 0, fault: Fault = 'unavailable'): number {
    const open = [...this.activeSubscriptions];
    for (const pump of open) pump.dropAfter(afterEvents, fault);
    return open.length;
  }

  private async listen(port: number): Promise<void> {
    const server = new grpc.Server();
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (
        _call: grpc.ServerUnaryCall<Empty, SupportedMethods>,
        callback: grpc.sendUnaryData<SupportedMethods>,
      ) => callback(null, this.supportedMethods()),
    });
    const count = (method: string) => (this.calls[method] = (this.calls[method] ?? 0) + 1);
    server.addService(StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => {
        count('read');
        this.read(call);
      },
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) => {
        count('append');
        this.append(call, callback);
      },
      batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
        count('batchAppend');
        this.batchAppend(call);
      },
      delete: (call: grpc.ServerUnaryCall<DeleteReq, DeleteResp>, callback: grpc.sendUnaryData<DeleteResp>) => {
        count('delete');
        this.delete(call.request, false, callback);
      },
      tombstone: (
        call: grpc.ServerUnaryCall<TombstoneReq, TombstoneResp>,
        callback: grpc.sendUnaryData<TombstoneResp>,
      ) => {
        count('tombstone');
        this.delete(call.request, true, callback);
      },
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.server = server;
  }

  private supportedMethods(): SupportedMethods {
    const methods = new SupportedMethods();
    methods.setEventStoreServerVersion('0.0.0-protocol-test-double');
    const add = (service: string, method: string, features: string[] = []) => {
      const supported = new SupportedMethod();
      supported.setServiceName(service);
      supported.setMethodName(method);
      supported.setFeaturesList(features);
      methods.addMethods(supported);
    };
    add('event_store.client.server_features.serverfeatures', 'getsupportedmethods');
    add('event_store.client.streams.streams', 'read', ['position', 'events']);
    add('event_store.client.streams.streams', 'append');
    add('event_store.client.streams.streams', 'delete');
    add('event_store.client.streams.streams', 'tombstone');
    if (this.options.batchAppend ?? true)
      add('event_store.client.streams.streams', 'batchappend', ['deadline_duration']);
    return methods;
  }

  // -------------------------------------------------------------------------
  // Appends
  // -------------------------------------------------------------------------

  private append(
    call: grpc.ServerReadableStream<AppendReq, AppendResp>,
    callback: grpc.sendUnaryData<AppendResp>,
  ): void {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let failed = false;
    call.on('data', (request: AppendReq) => {
      if (failed) return;
      if (request.hasOptions()) options = request.getOptions();
      else if (request.hasProposedMessage()) {
        try {
          events.push(proposedEvent(request.getProposedMessage()!));
        } catch (error) {
          failed = true;
          callback(invalidArgument((error as Error).message));
        }
      }
    });
    call.on('end', () => {
      if (failed) return;
      if (!options) {
        callback(invalidArgument('the first message of an append must carry its options'));
        return;
      }
      const stream = streamName(options.getStreamIdentifier());
      const expected = appendExpected(options);
      const fault = this.faults.take('append');
      if (fault && fault !== 'lost-answer') {
        callback(this.faultError(fault));
        return;
      }
      const outcome = this.log.append(stream, expected, events);
      if (fault === 'lost-answer') {
        callback(this.faultError('unavailable'));
        return;
      }
      if (outcome.kind === 'stream_deleted') {
        callback(streamDeletedError(stream));
        return;
      }
      const response = new AppendResp();
      if (outcome.kind === 'success') {
        const success = new AppendResp.Success();
        if (outcome.currentRevision === null) success.setNoStream(new Empty());
        else success.setCurrentRevision(outcome.currentRevision.toString());
        if (outcome.position === null) success.setNoPosition(new Empty());
        else {
          const position = new AppendResp.Position();
          position.setCommitPosition(outcome.position.toString());
          position.setPreparePosition(outcome.position.toString());
          success.setPosition(position);
        }
        response.setSuccess(success);
      } else {
        // The deprecated *_2060 fields of older servers are left out: clients from 21.x on read these.
        const wrong = new AppendResp.WrongExpectedVersion();
        if (outcome.currentRevision === null) wrong.setCurrentNoStream(new Empty());
        else wrong.setCurrentRevision(outcome.currentRevision.toString());
        switch (expected.kind) {
          case 'any':
            wrong.setExpectedAny(new Empty());
            break;
          case 'no_stream':
            wrong.setExpectedNoStream(new Empty());
            break;
          case 'stream_exists':
            wrong.setExpectedStreamExists(new Empty());
            break;
          case 'revision':
            wrong.setExpectedRevision(expected.revision.toString());
            break;
        }
        response.setWrongExpectedVersion(wrong);
      }
      callback(null, response);
    });
  }

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    const pending = new Map<string, { stream: string; expected: ExpectedRevision; events: ProposedEvent[] }>();
    let ended = false;
    const fail = (error: grpc.ServiceError | Partial<grpc.StatusObject>) => {
      if (ended) return;
      ended = true;
      call.emit('error', error);
    };
    call.on('data', (request: BatchAppendReq) => {
      if (ended) return;
      const correlation = request.getCorrelationId();
      const key = uuidText(correlation);
      const options = request.getOptions();
      if (options) {
        pending.set(key, {
          stream: streamName(options.getStreamIdentifier()),
          expected: batchExpected(options),
          events: [],
        });
      }
      const write = pending.get(key);
      if (!write) return;
      try {
        write.events.push(...request.getProposedMessagesList().map(proposedEvent));
      } catch (error) {
        pending.delete(key);
        call.write(batchError(correlation, write.stream, badRequest((error as Error).message)));
        return;
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const fault = this.faults.take('append');
      if (fault === 'timeout') {
        call.write(batchError(correlation, write.stream, timeoutStatus()));
        return;
      }
      if (fault && fault !== 'lost-answer') {
        // The server fails the whole call here (a NotLeader answer is thrown, a lost node ends the connection).
        fail(this.faultError(fault));
        return;
      }
      const outcome = this.log.append(write.stream, write.expected, write.events);
      if (fault === 'lost-answer') {
        fail(this.faultError('unavailable'));
        return;
      }
      call.write(batchResponse(correlation, write.stream, write.expected, outcome));
    });
    call.on('end', () => {
      if (!ended) {
        ended = true;
        call.end();
      }
    });
    call.on('error', () => undefined);
  }

  private delete(
    request: DeleteReq | TombstoneReq,
    hard: boolean,
    callback: grpc.sendUnaryData<DeleteResp & TombstoneResp>,
  ): void {
    const options = request.getOptions();
    if (!options) {
      callback(invalidArgument('a delete needs its options'));
      return;
    }
    const stream = streamName(options.getStreamIdentifier());
    const fault = this.faults.take('delete');
    if (fault) {
      callback(this.faultError(fault === 'lost-answer' ? 'unavailable' : fault));
      return;
    }
    const expected = deleteExpected(options);
    const outcome = this.log.delete(stream, expected, hard);
    if (outcome.kind === 'stream_deleted') {
      callback(streamDeletedError(stream));
      return;
    }
    if (outcome.kind === 'wrong_expected_version') {
      const metadata = new grpc.Metadata();
      metadata.set('exception', 'wrong-expected-version');
      metadata.set('stream-name', stream);
      metadata.set('expected-version', expectedVersionNumber(expected).toString());
      metadata.set('actual-version', outcome.currentRevision === null ? '-1' : outcome.currentRevision.toString());
      callback({
        code: grpc.status.FAILED_PRECONDITION,
        details: `${hard ? 'Tombstone' : 'Delete'} failed due to WrongExpectedVersion. Stream: ${stream}`,
        metadata,
      });
      return;
    }
    const response = hard ? new TombstoneResp() : new DeleteResp();
    if (outcome.position === null) response.setNoPosition(new Empty());
    else {
      const position = hard ? new TombstoneResp.Position() : new DeleteResp.Position();
      position.setCommitPosition(outcome.position.toString());
      position.setPreparePosition(outcome.position.toString());
      (response as DeleteResp).setPosition(position as DeleteResp.Position);
    }
    callback(null, response as DeleteResp & TombstoneResp);
  }

  // -------------------------------------------------------------------------
  // Reads and subscriptions
  // -------------------------------------------------------------------------

  private read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', invalidArgument('a read needs its options'));
      return;
    }
    const uuidOption = options.getUuidOption();
    if (!uuidOption) {
      call.emit('error', invalidArgument("'uuidOption' is a required argument"));
      return;
    }
    const structuredIds = uuidOption.hasStructured();
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const subscription = options.hasSubscription();
    let filter: FilterSpec | null;
    try {
      filter = options.hasFilter() ? filterSpec(options.getFilter()!) : null;
    } catch (error) {
      call.emit('error', invalidArgument((error as Error).message));
      return;
    }

    if (options.hasStream()) {
      if (subscription) {
        call.emit('error', {
          code: grpc.status.UNIMPLEMENTED,
          details: 'the EventStoreDB protocol test double does not implement subscriptions to one stream',
        });
        return;
      }
      if (filter) {
        call.emit('error', invalidArgument('The combination of (Stream, Count, Filter) is invalid.'));
        return;
      }
      this.readStream(call, options.getStream()!, backwards, BigInt(options.getCount()), structuredIds);
      return;
    }
    if (!options.hasAll()) {
      call.emit('error', invalidArgument('a read names a stream or $all'));
      return;
    }
    const all = options.getAll()!;
    const from: 'start' | 'end' | bigint = all.hasStart()
      ? 'start'
      : all.hasEnd()
        ? 'end'
        : BigInt(all.getPosition()!.getCommitPosition());
    if (subscription) {
      if (backwards) {
        call.emit('error', invalidArgument('subscriptions read forwards'));
        return;
      }
      this.subscribe(call, from, filter, structuredIds);
      return;
    }
    this.readAll(call, from, backwards, BigInt(options.getCount()), filter, structuredIds);
  }

  private readStream(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    streamOptions: ReadReq.Options.StreamOptions,
    backwards: boolean,
    count: bigint,
    structuredIds: boolean,
  ): void {
    const stream = streamName(streamOptions.getStreamIdentifier());
    const fault = this.faults.take('read-stream');
    if (fault) {
      call.emit('error', this.faultError(fault === 'lost-answer' ? 'unavailable' : fault));
      return;
    }
    const from: 'start' | 'end' | bigint = streamOptions.hasStart()
      ? 'start'
      : streamOptions.hasEnd()
        ? 'end'
        : BigInt(streamOptions.getRevision());
    const outcome = this.log.readStream(stream, from, backwards ? 'backwards' : 'forwards', count);
    if (outcome.kind === 'deleted') {
      call.emit('error', streamDeletedError(stream));
      return;
    }
    if (outcome.kind === 'not_found') {
      const notFound = new ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamIdentifier(stream));
      const response = new ReadResp();
      response.setStreamNotFound(notFound);
      call.write(response);
      call.end();
      return;
    }
    void writeAll(
      call,
      outcome.events.map((record) => eventResponse(record, structuredIds)),
    );
  }

  private readAll(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    from: 'start' | 'end' | bigint,
    backwards: boolean,
    count: bigint,
    filter: FilterSpec | null,
    structuredIds: boolean,
  ): void {
    const fault = this.faults.take('read-all');
    if (fault) {
      call.emit('error', this.faultError(fault === 'lost-answer' ? 'unavailable' : fault));
      return;
    }
    const records = this.log.all;
    let index: number | null;
    if (from === 'start') index = backwards ? -1 : 0;
    else if (from === 'end') index = backwards ? records.length - 1 : records.length;
    else index = this.log.indexAt(from, backwards ? 'backwards' : 'forwards');
    if (index === null) {
      // What the server answers for a position inside a record (ReadAllResult.InvalidPosition).
      call.emit('error', { code: grpc.status.UNKNOWN, details: 'Unexpected ReadAllResult: InvalidPosition' });
      return;
    }
    const responses: ReadResp[] = [];
    for (let i = index; i >= 0 && i < records.length && BigInt(responses.length) < count; i += backwards ? -1 : 1) {
      const record = records[i]!;
      if (!(filter ? filter.matches(record) : defaultAllFilter(record))) continue;
      responses.push(eventResponse(record, structuredIds));
    }
    void writeAll(call, responses);
  }

  private subscribe(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    from: 'start' | 'end' | bigint,
    filter: FilterSpec | null,
    structuredIds: boolean,
  ): void {
    this.subscriptionRequests.push({ from, filter: filter?.describe ?? null, at: Date.now() });
    const fault = this.faults.take('subscribe');
    if (fault) {
      call.emit('error', this.faultError(fault === 'lost-answer' ? 'unavailable' : fault));
      return;
    }
    let start: number;
    if (from === 'start') start = 0;
    else if (from === 'end') start = this.log.all.length;
    else {
      if (from < this.log.endPosition && from !== 0n && this.log.findRecord(from) === null) {
        call.emit('error', invalidArgument('Trying to read from an invalid position.'));
        return;
      }
      start = this.log.indexAfter(from);
    }
    const pump = new SubscriptionPump(call, this.log, start, filter, structuredIds, (fault) => this.faultError(fault));
    this.activeSubscriptions.add(pump);
    const scheduled = this.faults.takeSubscriptionDrop();
    if (scheduled) pump.dropAfter(scheduled.afterEvents, scheduled.fault);
    pump.onStop(() => this.activeSubscriptions.delete(pump));
    pump.start();
  }

  private faultError(fault: Fault): Partial<grpc.StatusObject> {
    switch (fault) {
      case 'unavailable':
      case 'lost-answer':
        return { code: grpc.status.UNAVAILABLE, details: 'Server Is Not Ready' };
      case 'timeout':
        return {
          code: grpc.status.ABORTED,
          details: 'Operation timed out: the protocol test double injected a timeout',
        };
      case 'not-leader': {
        const metadata = new grpc.Metadata();
        metadata.set('exception', 'not-leader');
        metadata.set('leader-endpoint-host', '127.0.0.1');
        metadata.set('leader-endpoint-port', String(this.boundPort));
        return { code: grpc.status.NOT_FOUND, details: 'Leader info available', metadata };
      }
    }
  }
}

/** Faults to inject: each armed fault fails one call of its target. */
export class Faults {
  private readonly armed = new Map<FaultTarget, Fault[]>();
  private readonly drops: Array<{ afterEvents: number; fault: Fault }> = [];

  /** The next `times` calls of `target` fail with `fault`. */
  failNext(target: FaultTarget, fault: Fault, times = 1): void {
    const queue = this.armed.get(target) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.armed.set(target, queue);
  }

  /** The next subscription that starts is dropped with `fault` after sending `afterEvents` events. */
  dropNextSubscription(afterEvents: number, fault: Fault = 'unavailable'): void {
    this.drops.push({ afterEvents, fault });
  }

  /** Disarms every fault. */
  clear(): void {
    this.armed.clear();
    this.drops.length = 0;
  }

  take(target: FaultTarget): Fault | undefined {
    return this.armed.get(target)?.shift();
  }

  takeSubscriptionDrop(): { afterEvents: number; fault: Fault } | undefined {
    return this.drops.shift();
  }
}

/**
 * One catch-up subscription to `$all`: confirmation, then every record after
 * the start through the filter, a checkpoint every `checkpointInterval`
 * considered records and when it catches up (filtered subscriptions only),
 * then live records as they are written. It waits for the connection to
 * drain when the client reads slowly.
 */
class SubscriptionPump {
  private next: number;
  private considered = 0;
  private lastConsidered: bigint | undefined;
  private caughtUp = false;
  private stopped = false;
  private pumping = false;
  private unlisten: (() => void) | undefined;
  private readonly stopListeners: Array<() => void> = [];
  private drop: { remaining: number; fault: Fault } | undefined;

  constructor(
    private readonly call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    private readonly log: InMemoryLog,
    start: number,
    private readonly filter: FilterSpec | null,
    private readonly structuredIds: boolean,
    private readonly faultError: (fault: Fault) => Partial<grpc.StatusObject>,
  ) {
    this.next = start;
  }

  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  start(): void {
    this.call.on('cancelled', () => this.stop());
    this.call.on('error', () => this.stop());
    this.call.on('close', () => this.stop());
    const confirmation = new ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(randomUUID());
    const response = new ReadResp();
    response.setConfirmation(confirmation);
    this.call.write(response);
    this.unlisten = this.log.onWrite(() => void this.pump());
    void this.pump();
  }

  dropAfter(afterEvents: number, fault: Fault): void {
    this.drop = { remaining: afterEvents, fault };
    if (afterEvents <= 0) this.dropNow();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unlisten?.();
    for (const listener of this.stopListeners) listener();
  }

  private dropNow(): void {
    const fault = this.drop!.fault;
    this.stop();
    this.call.emit('error', this.faultError(fault));
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      const records = this.log.all;
      while (!this.stopped && this.next < records.length) {
        const record = records[this.next++]!;
        this.considered++;
        this.lastConsidered = record.position;
        if (this.filter ? this.filter.matches(record) : defaultAllFilter(record)) {
          await this.send(eventResponse(record, this.structuredIds));
          if (this.drop && --this.drop.remaining <= 0) {
            this.dropNow();
            return;
          }
        }
        if (this.filter && this.considered % this.filter.checkpointInterval === 0) {
          await this.send(checkpointResponse(record.position));
        }
      }
      if (!this.stopped && !this.caughtUp) {
        this.caughtUp = true;
        // Going live: a filtered subscription always gets a checkpoint first.
        if (this.filter && this.lastConsidered !== undefined) await this.send(checkpointResponse(this.lastConsidered));
        const response = new ReadResp();
        response.setCaughtUp(new ReadResp.CaughtUp());
        await this.send(response);
      }
    } finally {
      this.pumping = false;
    }
    // Records written while the last write waited for the connection to drain.
    if (!this.stopped && this.next < this.log.all.length) void this.pump();
  }

  private async send(response: ReadResp): Promise<void> {
    if (this.stopped) return;
    if (!this.call.write(response)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.call.off('drain', done);
          this.call.off('close', done);
          resolve();
        };
        this.call.on('drain', done);
        this.call.on('close', done);
      });
    }
  }
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/** `$all` without a filter leaves out the server's epoch records and persistent-subscription bookkeeping. */
function defaultAllFilter(record: LogRecord): boolean {
  if (!record.stream.startsWith('$')) return true;
  if (record.stream === '$epoch-information') return false;
  return !(
    record.stream.startsWith('$persistentsubscription-$all::') &&
    (record.stream.endsWith('-checkpoint') || record.stream.endsWith('-parked'))
  );
}

function filterSpec(options: ReadReq.Options.FilterOptions): FilterSpec {
  const window = options.hasMax() ? options.getMax() : DEFAULT_SEARCH_WINDOW;
  const multiplier = options.getCheckpointintervalmultiplier();
  if (multiplier <= 0) throw new Error('CheckpointIntervalMultiplier must be greater than 0');
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) throw new Error('a filter names stream identifiers or event types');
  const field = (record: LogRecord) => (onStream ? record.stream : record.type);
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  let test: (value: string) => boolean;
  let describe: string;
  if (regex) {
    const pattern = new RegExp(regex);
    test = (value) => pattern.test(value);
    describe = `${onStream ? 'stream' : 'type'} regex ${regex}`;
  } else {
    test = (value) => prefixes.some((prefix) => value.startsWith(prefix));
    describe = `${onStream ? 'stream' : 'type'} prefixes ${prefixes.join(',')}`;
  }
  return {
    describe,
    matches: (record) => defaultAllFilter(record) && test(field(record)),
    checkpointInterval: multiplier * window,
  };
}

function eventResponse(record: LogRecord, structuredIds: boolean): ReadResp {
  const event = new ReadResp.ReadEvent.RecordedEvent();
  event.setId(uuidMessage(record.id, structuredIds));
  event.setStreamIdentifier(streamIdentifier(record.stream));
  event.setStreamRevision(record.revision.toString());
  event.setCommitPosition(record.position.toString());
  event.setPreparePosition(record.position.toString());
  event.getMetadataMap().set('type', record.type);
  event.getMetadataMap().set('created', record.created.toString());
  event.getMetadataMap().set('content-type', record.isJson ? 'application/json' : 'application/octet-stream');
  event.setData(record.data);
  event.setCustomMetadata(record.metadata);
  const read = new ReadResp.ReadEvent();
  read.setEvent(event);
  read.setCommitPosition(record.position.toString());
  const response = new ReadResp();
  response.setEvent(read);
  return response;
}

function checkpointResponse(position: bigint): ReadResp {
  const checkpoint = new ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position.toString());
  checkpoint.setPreparePosition(position.toString());
  const response = new ReadResp();
  response.setCheckpoint(checkpoint);
  return response;
}

async function writeAll(
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
  responses: readonly ReadResp[],
): Promise<void> {
  let closed = false;
  call.on('close', () => (closed = true));
  for (const response of responses) {
    if (closed || call.cancelled) return;
    if (!call.write(response)) await new Promise((resolve) => call.once('drain', resolve));
  }
  call.end();
}

function batchResponse(
  correlation: UUID | undefined,
  stream: string,
  expected: ExpectedRevision,
  outcome: WriteOutcome,
): BatchAppendResp {
  if (outcome.kind === 'stream_deleted') {
    const deleted = new StreamDeleted();
    deleted.setStreamIdentifier(streamIdentifier(stream));
    return batchError(correlation, stream, status(grpc.status.NOT_FOUND, 'StreamDeleted', deleted, 'StreamDeleted'));
  }
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new WrongExpectedVersion();
    if (outcome.currentRevision === null) wrong.setCurrentNoStream(new ProtobufEmpty());
    else wrong.setCurrentStreamRevision(outcome.currentRevision.toString());
    switch (expected.kind) {
      case 'any':
        wrong.setExpectedAny(new ProtobufEmpty());
        break;
      case 'no_stream':
        wrong.setExpectedNoStream(new ProtobufEmpty());
        break;
      case 'stream_exists':
        wrong.setExpectedStreamExists(new ProtobufEmpty());
        break;
      case 'revision':
        wrong.setExpectedStreamPosition(expected.revision.toString());
        break;
    }
    return batchError(
      correlation,
      stream,
      status(grpc.status.ALREADY_EXISTS, 'WrongExpectedVersion', wrong, 'WrongExpectedVersion'),
    );
  }
  const success = new BatchAppendResp.Success();
  if (outcome.currentRevision === null) success.setNoStream(new ProtobufEmpty());
  else success.setCurrentRevision(outcome.currentRevision.toString());
  if (outcome.position === null) success.setNoPosition(new ProtobufEmpty());
  else {
    const position = new AllStreamPosition();
    position.setCommitPosition(outcome.position.toString());
    position.setPreparePosition(outcome.position.toString());
    success.setPosition(position);
  }
  const response = new BatchAppendResp();
  if (correlation) response.setCorrelationId(correlation);
  response.setStreamIdentifier(streamIdentifier(stream));
  response.setSuccess(success);
  return response;
}

function batchError(correlation: UUID | undefined, stream: string, error: Status): BatchAppendResp {
  const response = new BatchAppendResp();
  if (correlation) response.setCorrelationId(correlation);
  response.setStreamIdentifier(streamIdentifier(stream));
  response.setError(error);
  return response;
}

/** A google.rpc.Status whose details pack an event_store.client message. */
function status(code: grpc.status, message: string, details: { serializeBinary(): Uint8Array }, type: string): Status {
  const any = new Any();
  any.pack(details.serializeBinary(), `event_store.client.${type}`);
  const result = new Status();
  result.setCode(code as number);
  result.setMessage(message);
  result.setDetails(any);
  return result;
}

function timeoutStatus(): Status {
  return status(grpc.status.DEADLINE_EXCEEDED, 'Timeout', new ProtobufEmpty(), 'Timeout');
}

function badRequest(message: string): Status {
  return status(grpc.status.INVALID_ARGUMENT, message, new ProtobufEmpty(), 'BadRequest');
}

function streamDeletedError(stream: string): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  metadata.set('exception', 'stream-deleted');
  metadata.set('stream-name', stream);
  return { code: grpc.status.FAILED_PRECONDITION, details: `Event stream '${stream}' is deleted.`, metadata };
}

function invalidArgument(details: string): Partial<grpc.StatusObject> {
  return { code: grpc.status.INVALID_ARGUMENT, details };
}

function proposedEvent(message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined) throw new Error("Required Metadata Property 'type' is missing");
  if (contentType === undefined) throw new Error("Required Metadata Property 'content-type' is missing");
  return {
    id: uuidText(message.getId()),
    type,
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function appendExpected(options: AppendReq.Options): ExpectedRevision {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function batchExpected(options: BatchAppendReq.Options): ExpectedRevision {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function deleteExpected(options: DeleteReq.Options | TombstoneReq.Options): ExpectedRevision {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

/** The server's numbers for the expected version in error metadata: -2 any, -1 no stream, -4 stream exists. */
function expectedVersionNumber(expected: ExpectedRevision): bigint {
  switch (expected.kind) {
    case 'any':
      return -2n;
    case 'no_stream':
      return -1n;
    case 'stream_exists':
      return -4n;
    case 'revision':
      return expected.revision;
  }
}

function streamName(identifier: StreamIdentifier | undefined): string {
  if (!identifier) throw new Error('a stream identifier is required');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function streamIdentifier(stream: string): StreamIdentifier {
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(stream, 'utf8'));
  return identifier;
}

/** A UUID message as lower-case text (the server parses either form). */
function uuidText(uuid: UUID | undefined): string {
  if (!uuid) throw new Error('an id is required');
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())), 0);
    bytes.writeBigUInt64BE(BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())), 8);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)) {
    throw new Error(`'${uuid.getString()}' is not a valid UUID`);
  }
  return text;
}

function uuidMessage(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const bytes = Buffer.from(id.replace(/-/g, ''), 'hex');
  const parts = new UUID.Structured();
  parts.setMostSignificantBits(BigInt.asIntN(64, bytes.readBigUInt64BE(0)).toString());
  parts.setLeastSignificantBits(BigInt.asIntN(64, bytes.readBigUInt64BE(8)).toString());
  uuid.setStructured(parts);
  return uuid;
}
