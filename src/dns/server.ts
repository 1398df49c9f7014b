// Wharf's DNS server (UDP): answers Cloud Map's DNS namespaces from State (src/core/servicediscovery-dns.ts
// decides the answers; dns-packet writes the wire format) and forwards every other question, as it came,
// to the host's resolver, relaying its reply.
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import * as packet from 'dns-packet';
import type { Logger } from '../core/ports.js';
import { resolve, type Directory } from '../core/servicediscovery-dns.js';
import type { DnsAnswer } from '../core/servicediscovery.js';

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

/** Response codes, which dns-packet writes only as the low bits of the flags. */
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

const wire = (a: DnsAnswer): packet.Answer => ({ type: a.type, name: a.name, ttl: a.ttl, class: 'IN', data: a.data }) as packet.Answer;

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const socket = createSocket(isIP(options.address) === 6 ? 'udp6' : 'udp4');
  socket.on('message', (message, remote) => {
    void answer(options, message).then(
      (reply) => reply && socket.send(reply, remote.port, remote.address),
      (error: unknown) => options.log.warn('dns query failed', { error: String(error) }),
    );
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

/** The reply to one datagram: Wharf's own answer, the upstream's, or nothing for what is not a query. */
async function answer(options: DnsServerOptions, message: Buffer): Promise<Buffer | undefined> {
  let query: packet.Packet;
  try {
    query = packet.decode(message);
  } catch {
    return undefined;
  }
  const question = query.questions?.[0];
  if (query.type !== 'query' || !question) return undefined;
  const resolution = resolve({ name: question.name, type: question.type }, options.directory, Math.random);
  if (!resolution) return forward(options, message, query);
  return packet.encode({
    id: query.id,
    type: 'response',
    flags: packet.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & packet.RECURSION_DESIRED) | packet.RECURSION_AVAILABLE | RCODE[resolution.rcode],
    questions: [question],
    answers: resolution.answers.map(wire),
    additionals: resolution.additionals.map(wire),
  } as packet.Packet);
}

async function forward(options: DnsServerOptions, message: Buffer, query: packet.Packet): Promise<Buffer> {
  const upstream = options.upstream[0];
  const servfail = () =>
    packet.encode({ id: query.id, type: 'response', flags: packet.RECURSION_AVAILABLE | RCODE.SERVFAIL, questions: query.questions } as packet.Packet);
  if (!upstream) return servfail();
  const socket: Socket = createSocket(isIP(upstream.address) === 6 ? 'udp6' : 'udp4');
  try {
    return await new Promise<Buffer>((done) => {
      const timer = setTimeout(() => done(servfail()), options.forwardTimeoutMs ?? 3000);
      socket.on('message', (reply) => {
        // Only the reply to this question (same id) is relayed.
        if (reply.length >= 2 && reply.readUInt16BE(0) === query.id) {
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
