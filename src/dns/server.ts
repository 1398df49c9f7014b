// Wharf's DNS server (UDP and TCP on the same port): answers Cloud Map's DNS namespaces from State
// (src/core/servicediscovery-dns.ts decides the answers; dns-packet writes the wire format) and forwards every
// other question, as it came, to the host's resolver, relaying its reply. A UDP reply fits the query's payload
// size (512 bytes, or what its EDNS record offers, up to 1232): the additional records are left out first, then
// the reply is truncated (TC) so that the resolver asks again over TCP. Most of a query's cost is Node's per datagram, so Wharf's own
// part is kept small: each question's resolution is encoded once, cached by the question's bytes (name in
// lower case, type, class) until the directory's revision changes, and each reply is the query's own header
// and question (its id and the name's case kept) followed by the cached records the routing policy picks.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIP, type Socket as TcpSocket } from 'node:net';
import * as packet from 'dns-packet';
import type { Logger } from '../core/ports.js';
import { resolve, type Directory } from '../core/servicediscovery-dns.js';
import { routed, type DnsAnswer, type RoutingPolicy } from '../core/servicediscovery.js';

export interface DnsServerOptions {
  address: string;
  port: number;
  directory: Directory;
  /** The host's resolvers (resolv.conf's nameservers, port 53): the first is asked. */
  upstream: { address: string; port: number }[];
  log: Logger;
  /** How long a forwarded question waits for the upstream's reply before SERVFAIL. */
  forwardTimeoutMs?: number;
}

export interface DnsServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

/** Response codes: the low 4 bits of a reply's fourth byte. */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;
const HEADER = 12;
/** A UDP reply's size without EDNS (RFC 1035), and the most Wharf offers with it (DNS Flag Day 2020's 1232). */
const PLAIN_UDP_PAYLOAD = 512;
const MAX_UDP_PAYLOAD = 1232;
/** A TCP message's size: its two-byte length prefix bounds it. */
const MAX_TCP_MESSAGE = 65_535;
/** Wharf's EDNS record in a reply to a query that had one: root name, type OPT, its payload size, no options. */
const OPT_RECORD = Buffer.from([0, 0, 41, MAX_UDP_PAYLOAD >> 8, MAX_UDP_PAYLOAD & 0xff, 0, 0, 0, 0, 0, 0]);
/** An idle TCP connection is closed after this long (RFC 7766 leaves it to the server). */
const TCP_IDLE_MS = 10_000;
/** Distinct questions cached before the cache starts over (names are the clients' to choose). */
const CACHED_QUESTIONS = 10_000;

/** One instance's records, encoded. */
interface EncodedRecords {
  answers: Buffer;
  answerCount: number;
  additionals: Buffer;
  additionalCount: number;
}

/** A question Wharf answers, its records encoded; or `forward`: a name that is not Wharf's. */
type Prepared = { rcode: number; routing: RoutingPolicy; instances: EncodedRecords[] } | 'forward';

const wire = (a: DnsAnswer): packet.Answer => ({ type: a.type, name: a.name, ttl: a.ttl, class: 'IN', data: a.data }) as packet.Answer;
/** Resource records in wire form: a reply's sections, without its header. */
const encoded = (records: DnsAnswer[]): Buffer =>
  records.length ? packet.encode({ type: 'response', answers: records.map(wire) } as packet.Packet).subarray(HEADER) : Buffer.alloc(0);

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  // Replies go to the address the query came from, already an IP: looked up as itself, at once (the default
  // lookup defers each send to the next tick).
  const family = isIP(options.address) === 6 ? 6 : 4;
  const socket = createSocket({ type: `udp${family}`, lookup: (address, _options, done) => done(null, address, family) });
  const answer = answerer(options);
  /** Answers one query and hands its reply (if any) to `send`, now or once the upstream has answered. */
  const reply = (message: Buffer, transport: Transport, send: (reply: Buffer) => void) => {
    try {
      const replied = answer(message, transport);
      if (replied instanceof Promise)
        void replied.then(
          (r) => send(r),
          (error: unknown) => options.log.warn('dns query failed', { error: String(error) }),
        );
      else if (replied) send(replied);
    } catch (error) {
      options.log.warn('dns query failed', { error: String(error) });
    }
  };
  socket.on('message', (message, remote) => reply(message, 'udp', (r) => socket.send(r, remote.port, remote.address)));
  await new Promise<void>((done, fail) => {
    socket.once('error', fail);
    socket.bind(options.port, options.address, () => {
      socket.off('error', fail);
      done();
    });
  });
  socket.on('error', (error) => options.log.warn('dns socket error', { error: String(error) }));
  const bound = socket.address();
  // TCP on the UDP socket's port, for truncated replies; without it (port taken) UDP still serves.
  const tcp = createServer((connection) => serveTcp(connection, reply));
  await new Promise<void>((done) => {
    tcp.once('error', (error) => {
      options.log.warn('dns server cannot listen on TCP', { address: bound.address, port: bound.port, error: String(error) });
      done();
    });
    tcp.listen(bound.port, bound.address, () => done());
  });
  const closeTcp = () => new Promise<void>((done) => (tcp.listening ? tcp.close(() => done()) : done()));
  return {
    address: bound.address,
    port: bound.port,
    close: async () => void (await Promise.all([new Promise<void>((done) => socket.close(() => done())), closeTcp()])),
  };
}

type Transport = 'udp' | 'tcp';

/** DNS over TCP (RFC 7766): each message after its two-byte length, answered in the same framing. */
function serveTcp(connection: TcpSocket, reply: (message: Buffer, transport: Transport, send: (reply: Buffer) => void) => void): void {
  let pending = Buffer.alloc(0);
  connection.setTimeout(TCP_IDLE_MS, () => connection.destroy());
  connection.on('error', () => connection.destroy());
  connection.on('data', (data) => {
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + message.length);
      reply(message, 'tcp', (r) => {
        if (connection.destroyed || r.length > MAX_TCP_MESSAGE) return;
        const length = Buffer.allocUnsafe(2);
        length.writeUInt16BE(r.length);
        connection.write(Buffer.concat([length, r]));
      });
    }
  });
}

/**
 * Where the one question of a query ends (after its type and class), or undefined when the datagram is
 * not a query with exactly one question written without compression (as every resolver writes them).
 */
function questionEnd(message: Buffer): number | undefined {
  if (message.length < HEADER || message[2]! & 0x80 || message.readUInt16BE(4) !== 1) return undefined;
  let at = HEADER;
  for (let length = message[at]; length !== 0; length = message[at]) {
    if (length === undefined || length > 63) return undefined;
    at += length + 1;
  }
  return at + 5 <= message.length ? at + 5 : undefined;
}

/**
 * The UDP payload size a query's EDNS record (OPT) offers, or undefined without one. A query carries it as its
 * one additional record, right after its question.
 */
function ednsPayloadSize(message: Buffer, end: number): number | undefined {
  if (message.readUInt16BE(6) !== 0 || message.readUInt16BE(8) !== 0 || message.readUInt16BE(10) !== 1) return undefined;
  if (message.length < end + OPT_RECORD.length || message[end] !== 0 || message.readUInt16BE(end + 1) !== 41) return undefined;
  return message.readUInt16BE(end + 3);
}

/** The cache key of a question: its name's bytes in lower case (DNS names compare so), then its type and class. */
const questionKey = (message: Buffer, end: number): string =>
  message.toString('latin1', HEADER, end - 4).toLowerCase() + message.toString('latin1', end - 4, end);

/** The reply to one query: Wharf's own answer, the upstream's, or nothing for what is not a query. */
function answerer(options: DnsServerOptions): (message: Buffer, transport: Transport) => Buffer | Promise<Buffer> | undefined {
  const cache = new Map<string, Prepared>();
  let revision = options.directory.revision();
  const prepare = (message: Buffer, end: number): Prepared => {
    // The header and question alone (other sections counted out): the records a query carries (EDNS) are not read.
    const alone = Buffer.from(message.subarray(0, end)).fill(0, 6, HEADER);
    const question = packet.decode(alone).questions![0]!;
    const resolution = resolve({ name: question.name, type: question.type }, options.directory);
    if (!resolution) return 'forward';
    return {
      rcode: RCODE[resolution.rcode],
      routing: resolution.routing,
      instances: resolution.instances.map((i) => ({
        answers: encoded(i.answers),
        answerCount: i.answers.length,
        additionals: encoded(i.additionals),
        additionalCount: i.additionals.length,
      })),
    };
  };
  return (message, transport) => {
    if (message.length < HEADER || message[2]! & 0x80) return undefined;
    const end = questionEnd(message);
    if (end === undefined) return forward(options, message);
    if (options.directory.revision() !== revision || cache.size >= CACHED_QUESTIONS) {
      cache.clear();
      revision = options.directory.revision();
    }
    const key = questionKey(message, end);
    let prepared = cache.get(key);
    if (!prepared) cache.set(key, (prepared = prepare(message, end)));
    if (prepared === 'forward') return forward(options, message);
    const chosen = routed(prepared.routing, prepared.instances, Math.random);
    let answersLength = 0;
    let additionalsLength = 0;
    let answers = 0;
    let additionals = 0;
    for (const i of chosen) {
      answersLength += i.answers.length;
      additionalsLength += i.additionals.length;
      answers += i.answerCount;
      additionals += i.additionalCount;
    }
    const edns = ednsPayloadSize(message, end);
    const opt = edns === undefined ? 0 : OPT_RECORD.length;
    const limit = transport === 'tcp' ? MAX_TCP_MESSAGE : Math.min(Math.max(edns ?? 0, PLAIN_UDP_PAYLOAD), MAX_UDP_PAYLOAD);
    // What does not fit: the additional records first (RFC 2181), then the answers, with the TC flag.
    if (end + answersLength + additionalsLength + opt > limit) additionals = additionalsLength = 0;
    const truncated = end + answersLength + opt > limit;
    if (truncated) answers = answersLength = 0;
    const reply = Buffer.allocUnsafe(end + answersLength + additionalsLength + opt);
    message.copy(reply, 0, 0, end);
    // QR, opcode QUERY, AA, TC when truncated, the query's RD; RA and the rcode; one question, no authority records.
    reply[2] = 0x84 | (truncated ? 0x02 : 0) | (message[2]! & 0x01);
    reply[3] = 0x80 | prepared.rcode;
    reply.writeUInt16BE(answers, 6);
    reply.writeUInt16BE(0, 8);
    reply.writeUInt16BE(additionals + (opt ? 1 : 0), 10);
    let at = end;
    if (answers) for (const i of chosen) at += i.answers.copy(reply, at);
    if (additionals) for (const i of chosen) at += i.additionals.copy(reply, at);
    if (opt) OPT_RECORD.copy(reply, at);
    return reply;
  };
}

async function forward(options: DnsServerOptions, message: Buffer): Promise<Buffer> {
  const upstream = options.upstream[0];
  const id = message.readUInt16BE(0);
  // The query's header, answered SERVFAIL, with no records (its question too, when it has one plainly written).
  const servfail = () => {
    const reply = Buffer.from(message.subarray(0, questionEnd(message) ?? HEADER));
    reply[2] = 0x80 | (message[2]! & 0x01);
    reply[3] = 0x80 | RCODE.SERVFAIL;
    reply.writeUInt16BE(reply.length > HEADER ? 1 : 0, 4);
    reply.fill(0, 6, HEADER);
    return reply;
  };
  if (!upstream) return servfail();
  const socket: Socket = createSocket(isIP(upstream.address) === 6 ? 'udp6' : 'udp4');
  try {
    return await new Promise<Buffer>((done) => {
      const timer = setTimeout(() => done(servfail()), options.forwardTimeoutMs ?? 3000);
      socket.on('message', (reply) => {
        // Only the reply to this question (same id) is relayed.
        if (reply.length >= 2 && reply.readUInt16BE(0) === id) {
          clearTimeout(timer);
          done(reply);
        }
      });
      socket.on('error', () => {
        clearTimeout(timer);
        done(servfail());
      });
      socket.send(message, upstream.port, upstream.address);
    });
  } finally {
    socket.close();
  }
}
