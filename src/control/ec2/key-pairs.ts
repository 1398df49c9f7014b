// Key pairs (Create/Import/Describe/DeleteKeyPair). EC2 keeps only the public key: CreateKeyPair answers the
// private key once. Fingerprints as EC2 computes them: a created RSA key's is the SHA-1 of its private key
// (PKCS#8 DER), an imported RSA key's the MD5 of its public key (DER), an ed25519 key's the base64 SHA-256
// of its OpenSSH public key blob.
import type {
  CreateKeyPairRequest,
  DeleteKeyPairRequest,
  DeleteKeyPairResult,
  DescribeKeyPairsRequest,
  DescribeKeyPairsResult,
  ImportKeyPairRequest,
  ImportKeyPairResult,
  KeyPair,
} from '@aws-sdk/client-ec2';
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { KeyPairRecord } from '../../core/ec2-instances.js';
import { InvalidKeyPairDuplicate, InvalidKeyPairFormat, InvalidKeyPairNotFound } from '../../core/ec2-instances-errors.js';
import { InvalidParameterValue, MissingParameter } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { describe, tagsFor, type FilterFields } from './describe.js';

const colons = (hex: string) => hex.match(/../g)!.join(':');

/** The OpenSSH public key line (`ssh-rsa AAAA...`, `ssh-ed25519 AAAA...`) of a key. */
function openSshLine(key: KeyObject, type: 'rsa' | 'ed25519', name: string): string {
  const string = (b: Buffer) => Buffer.concat([u32(b.length), b]);
  const mpint = (b: Buffer) => string(b[0]! & 0x80 ? Buffer.concat([Buffer.alloc(1), b]) : b);
  const jwk = key.export({ format: 'jwk' });
  const blob =
    type === 'rsa'
      ? Buffer.concat([string(Buffer.from('ssh-rsa')), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))])
      : Buffer.concat([string(Buffer.from('ssh-ed25519')), string(Buffer.from(jwk.x!, 'base64url'))]);
  return `${type === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519'} ${blob.toString('base64')} ${name}`;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** An OpenSSH public key line read back into a key, or undefined when it is not one EC2 imports. */
function parseOpenSsh(line: string): { key: KeyObject; type: 'rsa' | 'ed25519'; blob: Buffer } | undefined {
  const [kind, data] = line.trim().split(/\s+/);
  if ((kind !== 'ssh-rsa' && kind !== 'ssh-ed25519') || data === undefined) return undefined;
  const blob = Buffer.from(data, 'base64');
  const parts: Buffer[] = [];
  for (let at = 0; at + 4 <= blob.length; ) {
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return undefined;
    parts.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (parts[0]?.toString() !== kind) return undefined;
  const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
  try {
    if (kind === 'ssh-rsa' && parts.length === 3) {
      const key = createPublicKey({ key: { kty: 'RSA', e: strip(parts[1]!).toString('base64url'), n: strip(parts[2]!).toString('base64url') }, format: 'jwk' });
      return { key, type: 'rsa', blob };
    }
    if (kind === 'ssh-ed25519' && parts.length === 2 && parts[1]!.length === 32) {
      return { key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: parts[1]!.toString('base64url') }, format: 'jwk' }), type: 'ed25519', blob };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const ed25519Fingerprint = (blob: Buffer) => `${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}=`;

function checkName(name: string | undefined): string {
  if (name === undefined) throw new MissingParameter('The request must contain the parameter KeyName');
  if (!name.length || name.length > 255) throw new InvalidParameterValue(`Value (${name}) for parameter keyName is invalid. Length exceeds maximum of 255.`);
  return name;
}

async function put(ctx: ControlContext, record: Omit<KeyPairRecord, 'KeyPairId' | 'CreateTime'>): Promise<KeyPairRecord> {
  return ctx.state.mutate((tx) => {
    if ([...ctx.state.all('keyPair')].some((k) => k.KeyName === record.KeyName)) throw new InvalidKeyPairDuplicate(`The keypair already exists`);
    const full: KeyPairRecord = { KeyPairId: `key-${ctx.ids.id().slice(-17)}`, CreateTime: ctx.clock.now(), ...record };
    return tx.put('keyPair', full.KeyPairId, full);
  });
}

export async function createKeyPair(ctx: ControlContext, input: CreateKeyPairRequest): Promise<KeyPair> {
  const name = checkName(input.KeyName);
  const type = input.KeyType ?? 'rsa';
  const format = input.KeyFormat ?? 'pem';
  const { publicKey, privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const material =
    format === 'ppk' || type === 'ed25519'
      ? privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      : privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const line = openSshLine(publicKey, type, name);
  const fingerprint = type === 'rsa' ? colons(createHash('sha1').update(privateKey.export({ type: 'pkcs8', format: 'der' })).digest('hex')) : ed25519Fingerprint(Buffer.from(line.split(' ')[1]!, 'base64'));
  const record = await put(ctx, { KeyName: name, KeyType: type, KeyFingerprint: fingerprint, PublicKey: line, Tags: tagsFor('key-pair', input.TagSpecifications) });
  ctx.log.info('key pair created', { keyName: name, keyPairId: record.KeyPairId });
  return { KeyPairId: record.KeyPairId, KeyName: name, KeyFingerprint: fingerprint, KeyMaterial: material.trimEnd(), ...(record.Tags.length && { Tags: record.Tags }) };
}

export async function importKeyPair(ctx: ControlContext, input: ImportKeyPairRequest): Promise<ImportKeyPairResult> {
  const name = checkName(input.KeyName);
  if (input.PublicKeyMaterial === undefined) throw new MissingParameter('The request must contain the parameter PublicKeyMaterial');
  // The SDKs send the key line base64-encoded (a blob); what arrives is the line's bytes.
  const parsed = parseOpenSsh(Buffer.from(input.PublicKeyMaterial).toString('utf8'));
  if (!parsed) throw new InvalidKeyPairFormat('Key is not in valid OpenSSH public key format');
  const fingerprint = parsed.type === 'rsa' ? colons(createHash('md5').update(parsed.key.export({ type: 'spki', format: 'der' })).digest('hex')) : ed25519Fingerprint(parsed.blob);
  const record = await put(ctx, { KeyName: name, KeyType: parsed.type, KeyFingerprint: fingerprint, PublicKey: openSshLine(parsed.key, parsed.type, name), Tags: tagsFor('key-pair', input.TagSpecifications) });
  ctx.log.info('key pair imported', { keyName: name, keyPairId: record.KeyPairId });
  return { KeyPairId: record.KeyPairId, KeyName: name, KeyFingerprint: fingerprint, ...(record.Tags.length && { Tags: record.Tags }) };
}

const FIELDS: FilterFields<KeyPairRecord> = {
  'key-pair-id': (k) => k.KeyPairId,
  fingerprint: (k) => k.KeyFingerprint,
  'key-name': (k) => k.KeyName,
  'key-type': (k) => k.KeyType,
};

export async function describeKeyPairs(ctx: ControlContext, input: DescribeKeyPairsRequest): Promise<DescribeKeyPairsResult> {
  let all = [...ctx.state.all('keyPair')];
  for (const name of input.KeyNames ?? []) if (!all.some((k) => k.KeyName === name)) throw new InvalidKeyPairNotFound(`The key pair '${name}' does not exist`);
  if (input.KeyNames?.length) all = all.filter((k) => input.KeyNames!.includes(k.KeyName));
  const { items } = describe(all, (k) => k.KeyPairId, { Filters: input.Filters, ids: input.KeyPairIds }, FIELDS, (id) => new InvalidKeyPairNotFound(`The key pair ID '${id}' does not exist`));
  return {
    KeyPairs: items.map((k) => ({
      KeyPairId: k.KeyPairId,
      KeyName: k.KeyName,
      KeyFingerprint: k.KeyFingerprint,
      KeyType: k.KeyType,
      CreateTime: k.CreateTime,
      Tags: k.Tags,
      ...(input.IncludePublicKey && { PublicKey: k.PublicKey }),
    })),
  };
}

/** Deleting a key pair that does not exist succeeds, as on EC2. */
export async function deleteKeyPair(ctx: ControlContext, input: DeleteKeyPairRequest): Promise<DeleteKeyPairResult> {
  const deleted = await ctx.state.mutate((tx) => {
    const key = [...ctx.state.all('keyPair')].find((k) => k.KeyName === input.KeyName || k.KeyPairId === input.KeyPairId);
    if (key) tx.delete('keyPair', key.KeyPairId);
    return key;
  });
  if (deleted) ctx.log.info('key pair deleted', { keyName: deleted.KeyName });
  return { Return: true, ...(deleted && { KeyPairId: deleted.KeyPairId }) };
}
