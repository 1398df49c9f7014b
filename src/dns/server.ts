// Wharf's DNS server (UDP): answers Cloud Map's DNS namespaces from State (src/core/servicediscovery-dns.ts
// decides the answers; dns-packet writes the wire format) and forwards every other question, as it came,
// to the host's resolver, relaying its reply. Most of a query's cost is Node's per datagram, so Wharf's own
// part is kept small: each question's resolution is encoded once, cached by the question's bytes (name in
// lower case, type, class) until the directory's revision changes, and each reply is the query's own header
// and question (its id and the name's case kept) followed by the cached records the routing policy picks.
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
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
  const send = (reply: Buffer | undefined, port: number, address: string) => reply && socket.send(reply, port, address);
  socket.on('message', (message, remote) => {
    try {
      const reply = answer(message);
      if (reply instanceof Promise)
        void reply.then(
          (r) => send(r, remote.port, remote.address),
          (error: unknown) => options.log.warn('dns query failed', { error: String(error) }),
        );
      else send(reply, remote.port, remote.address);
    } catch (error) {
      options.log.warn('dns query failed', { error: String(error) });
    }
  });
  await new Promise<void>((done, fail) => {
    socket.once('error', fail);
    socket.bind(options.port, options.address, () => {
      socket.off('error', fail);
      done();
    });
  });
  socket.on('error', (error) => options.log.warn('dns socket error', { error: String(error) }));
  const bound = socket.address();
  return { address: bound.address, port: bound.port, close: () => new Promise((done) => socket.close(() => done())) };
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

/** The cache key of a question: its name's bytes in lower case (DNS names compare so), then its type and class. */
const questionKey = (message: Buffer, end: number): string =>
  message.toString('latin1', HEADER, end - 4).toLowerCase() + message.toString('latin1', end - 4, end);

/** The reply to one datagram: Wharf's own answer, the upstream's, or nothing for what is not a query. */
function answerer(options: DnsServerOptions): (message: Buffer) => Buffer | Promise<Buffer> | undefined {
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
  return (message) => {
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
    let length = end;
    let answers = 0;
    let additionals = 0;
    for (const i of chosen) {
      length += i.answers.length + i.additionals.length;
      answers += i.answerCount;
      additionals += i.additionalCount;
    }
    const reply = Buffer.allocUnsafe(length);
    message.copy(reply, 0, 0, end);
    // QR, opcode QUERY, AA, the query's RD; RA and the rcode; one question, no authority records.
    reply[2] = 0x84 | (message[2]! & 0x01);
    reply[3] = 0x80 | prepared.rcode;
    reply.writeUInt16BE(answers, 6);
    reply.writeUInt16BE(0, 8);
    reply.writeUInt16BE(additionals, 10);
    let at = end;
    for (const i of chosen) at += i.answers.copy(reply, at);
    for (const i of chosen) at += i.additionals.copy(reply, at);
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
