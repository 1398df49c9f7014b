// The OCI distribution API (the registry protocol docker, containerd, buildah, skopeo and crane speak) over
// the BlobStore and RegistryBackend ports: its own HTTP listener, domain-free. Blobs stream from and to disk
// (nothing whole in memory but manifests, which are at most 4 MiB); every route is authenticated (Basic,
// answered by a challenge docker understands) and authorised by the backend before it touches anything.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../core/ports.js';
import { BlobStoreError, RegistryError, type BlobStore, type ByteRange, type RegistryBackend, type RegistryPrincipal } from '../core/ecr-registry.js';
import { MAX_MANIFEST_BYTES, MEDIA_TYPES, parseManifest } from '../core/ecr-manifest.js';
import { createHash } from 'node:crypto';

export interface RegistryOptions {
  blobs: BlobStore;
  backend: RegistryBackend;
  log: Logger;
}

// Repository names as the distribution spec allows them (ECR's are a subset; the backend checks those).
const NAME = '((?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)';
const ROUTES: [RegExp, string][] = [
  [new RegExp(`^/v2/${NAME}/manifests/([^/]+)$`), 'manifest'],
  [new RegExp(`^/v2/${NAME}/blobs/uploads/?$`), 'uploads'],
  [new RegExp(`^/v2/${NAME}/blobs/uploads/([a-f0-9]{32})$`), 'upload'],
  [new RegExp(`^/v2/${NAME}/blobs/([^/]+)$`), 'blob'],
  [new RegExp(`^/v2/${NAME}/tags/list$`), 'tags'],
  [new RegExp(`^/v2/${NAME}/referrers/([^/]+)$`), 'referrers'],
];

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class RegistryServer {
  private readonly server: Server;

  constructor(private readonly options: RegistryOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.fail(res, err));
    });
    // A push of one layer may take long; the socket's idle time is what is bounded.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 30_000;
    this.server.keepAliveTimeout = 30_000;
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private get blobs() {
    return this.options.blobs;
  }

  private get backend() {
    return this.options.backend;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const url = new URL(req.url ?? '/', 'http://registry');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/v2/') && url.pathname !== '/v2') throw new RegistryError('NOT_FOUND', 'not found', 404);
    const principal = this.backend.authenticate(req.headers.authorization);
    if (!principal) {
      res.setHeader('WWW-Authenticate', `Basic realm="http://${req.headers.host ?? 'registry'}/",service="ecr.amazonaws.com"`);
      throw new RegistryError('UNAUTHORIZED', 'authentication required', 401);
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      req.resume();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    for (const [pattern, route] of ROUTES) {
      const m = pattern.exec(url.pathname);
      if (!m) continue;
      const [, name, arg] = m as unknown as [string, string, string];
      switch (`${route} ${method}`) {
        case 'manifest GET':
        case 'manifest HEAD':
          return this.getManifest(principal, name, decodeURIComponent(arg), method === 'HEAD', res);
        case 'manifest PUT':
          return this.putManifest(principal, name, decodeURIComponent(arg), req, res);
        case 'manifest DELETE':
          return this.deleteManifest(principal, name, decodeURIComponent(arg), res);
        case 'blob GET':
        case 'blob HEAD':
          return this.getBlob(principal, name, decodeURIComponent(arg), method === 'HEAD', req, res);
        case 'uploads POST':
          return this.startUpload(principal, name, url, req, res);
        case 'upload GET':
          return this.uploadStatus(principal, name, arg, res);
        case 'upload PATCH':
          return this.patchUpload(principal, name, arg, req, res);
        case 'upload PUT':
          return this.finishUpload(principal, name, arg, url, req, res);
        case 'upload DELETE':
          this.backend.authorize(principal, name, 'pushBlob');
          await this.blobs.cancel(arg);
          return void res.writeHead(204).end();
        case 'tags GET':
          return this.listTags(principal, name, url, res);
        case 'referrers GET':
          return this.referrers(principal, name, decodeURIComponent(arg), url, res);
        default:
          throw new RegistryError('UNSUPPORTED', `The operation is unsupported.`, 405);
      }
    }
    throw new RegistryError('NAME_INVALID', 'invalid repository name', 404);
  }

  private async getManifest(principal: RegistryPrincipal, name: string, reference: string, head: boolean, res: ServerResponse): Promise<void> {
    this.backend.authorize(principal, name, 'pullManifest');
    if (!DIGEST.test(reference) && !TAG.test(reference)) throw new RegistryError('MANIFEST_INVALID', 'invalid reference', 400);
    const manifest = this.backend.manifest(principal, name, reference);
    if (!manifest) throw new RegistryError('MANIFEST_UNKNOWN', `Requested image not found`, 404);
    res.writeHead(200, { 'content-type': manifest.mediaType, 'content-length': manifest.size, 'docker-content-digest': manifest.digest, etag: `"${manifest.digest}"` });
    if (head) return void res.end();
    this.backend.pulled(principal, name, manifest.digest);
    await pipeline(this.blobs.read(manifest.digest), res);
  }

  private async putManifest(principal: RegistryPrincipal, name: string, reference: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.backend.authorize(principal, name, 'pushManifest');
    const isDigest = DIGEST.test(reference);
    if (!isDigest && !TAG.test(reference)) throw new RegistryError('TAG_INVALID', `Invalid tag ${reference}`, 400);
    const bytes = await readBounded(req, MAX_MANIFEST_BYTES);
    const manifest = parseManifest(bytes, `sha256:${createHash('sha256').update(bytes).digest('hex')}`, req.headers['content-type']);
    if (isDigest && reference !== manifest.digest) throw new RegistryError('DIGEST_INVALID', `provided digest ${reference} does not match the manifest's ${manifest.digest}`, 400);
    await this.blobs.put(bytes);
    await this.backend.putManifest(principal, name, manifest, isDigest ? undefined : reference);
    res.writeHead(201, { location: `/v2/${name}/manifests/${manifest.digest}`, 'docker-content-digest': manifest.digest, 'content-length': 0 }).end();
  }

  private async deleteManifest(principal: RegistryPrincipal, name: string, reference: string, res: ServerResponse): Promise<void> {
    this.backend.authorize(principal, name, 'deleteManifest');
    if (!DIGEST.test(reference)) throw new RegistryError('UNSUPPORTED', 'manifests are deleted by digest', 400);
    await this.backend.deleteManifest(principal, name, reference);
    res.writeHead(202, { 'content-length': 0 }).end();
  }

  private async getBlob(principal: RegistryPrincipal, name: string, digest: string, head: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const scope = this.backend.authorize(principal, name, head ? 'checkBlob' : 'pullBlob');
    if (!DIGEST.test(digest)) throw new RegistryError('DIGEST_INVALID', 'invalid digest', 400);
    const size = (await this.blobs.linked(scope, digest)) ? await this.blobs.stat(digest) : undefined;
    if (size === undefined) throw new RegistryError('BLOB_UNKNOWN', 'blob unknown to registry', 404, { digest });
    const range = head ? undefined : byteRange(req.headers.range, size);
    const headers = { 'content-type': 'application/octet-stream', 'docker-content-digest': digest, etag: `"${digest}"`, 'accept-ranges': 'bytes' };
    if (range === null) return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    if (range) res.writeHead(206, { ...headers, 'content-length': range.end - range.start + 1, 'content-range': `bytes ${range.start}-${range.end}/${size}` });
    else res.writeHead(200, { ...headers, 'content-length': size });
    if (head) return void res.end();
    await pipeline(this.blobs.read(digest, range), res);
  }

  private async startUpload(principal: RegistryPrincipal, name: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const scope = this.backend.authorize(principal, name, 'pushBlob');
    const mount = url.searchParams.get('mount');
    const from = url.searchParams.get('from');
    if (mount && from && DIGEST.test(mount)) {
      // Cross-repository mount: the caller must be able to pull the blob where it is.
      const fromScope = (() => {
        try {
          return this.backend.authorize(principal, from, 'pullBlob');
        } catch {
          return undefined;
        }
      })();
      if (fromScope && (await this.blobs.linked(fromScope, mount))) {
        await this.blobs.link(scope, mount);
        req.resume();
        return void res.writeHead(201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount, 'content-length': 0 }).end();
      }
    }
    const id = await this.blobs.startUpload();
    const digest = url.searchParams.get('digest');
    if (digest !== null) {
      // Monolithic: the whole blob in the POST.
      return this.commit(scope, name, id, digest, req, res, undefined);
    }
    req.resume();
    res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${id}`, 'docker-upload-uuid': id, range: '0-0', 'content-length': 0 }).end();
  }

  private async uploadStatus(principal: RegistryPrincipal, name: string, id: string, res: ServerResponse): Promise<void> {
    this.backend.authorize(principal, name, 'pushBlob');
    const size = await this.blobs.uploadSize(id);
    if (size === undefined) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', 404);
    res.writeHead(204, { location: `/v2/${name}/blobs/uploads/${id}`, 'docker-upload-uuid': id, range: rangeHeader(size), 'content-length': 0 }).end();
  }

  private async patchUpload(principal: RegistryPrincipal, name: string, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.backend.authorize(principal, name, 'pushBlob');
    const offset = contentRangeStart(req.headers['content-range']);
    let size: number;
    try {
      size = await this.blobs.append(id, req, offset);
    } catch (err) {
      if (err instanceof BlobStoreError && err.code === 'BLOB_UPLOAD_INVALID') {
        const current = (await this.blobs.uploadSize(id)) ?? 0;
        req.resume();
        return void res.writeHead(416, { location: `/v2/${name}/blobs/uploads/${id}`, range: rangeHeader(current), 'docker-upload-uuid': id, 'content-length': 0 }).end();
      }
      throw err;
    }
    res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${id}`, 'docker-upload-uuid': id, range: rangeHeader(size), 'content-length': 0 }).end();
  }

  private async finishUpload(principal: RegistryPrincipal, name: string, id: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const scope = this.backend.authorize(principal, name, 'pushBlob');
    const digest = url.searchParams.get('digest');
    if (digest === null) throw new RegistryError('DIGEST_INVALID', 'digest missing', 400);
    return this.commit(scope, name, id, digest, req, res, contentRangeStart(req.headers['content-range']));
  }

  /** The request's body (maybe empty) is the upload's last bytes; then the digest is verified and the blob is the repository's. */
  private async commit(scope: string, name: string, id: string, digest: string, req: IncomingMessage, res: ServerResponse, offset: number | undefined): Promise<void> {
    if (!DIGEST.test(digest)) {
      await this.blobs.cancel(id);
      throw new RegistryError('DIGEST_INVALID', `unsupported digest ${digest}`, 400);
    }
    await this.blobs.append(id, req, offset);
    await this.blobs.commit(id, digest);
    await this.blobs.link(scope, digest);
    res.writeHead(201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': 0 }).end();
  }

  private listTags(principal: RegistryPrincipal, name: string, url: URL, res: ServerResponse): void {
    this.backend.authorize(principal, name, 'listTags');
    let tags = [...this.backend.tags(principal, name)].sort();
    const last = url.searchParams.get('last');
    if (last) tags = tags.filter((t) => t > last);
    const n = url.searchParams.get('n');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (n !== null && Number(n) >= 0 && tags.length > Number(n)) {
      tags = tags.slice(0, Number(n));
      headers.link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(tags.at(-1) ?? '')}>; rel="next"`;
    }
    res.writeHead(200, headers).end(JSON.stringify({ name, tags }));
  }

  private referrers(principal: RegistryPrincipal, name: string, digest: string, url: URL, res: ServerResponse): void {
    this.backend.authorize(principal, name, 'pullManifest');
    if (!DIGEST.test(digest)) throw new RegistryError('DIGEST_INVALID', 'invalid digest', 400);
    const artifactType = url.searchParams.get('artifactType');
    let manifests = this.backend.referrers(principal, name, digest);
    const headers: Record<string, string> = { 'content-type': MEDIA_TYPES.ociIndex };
    if (artifactType) {
      manifests = manifests.filter((m) => m.artifactType === artifactType);
      headers['oci-filters-applied'] = 'artifactType';
    }
    res.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }));
  }

  private fail(res: ServerResponse, err: unknown): void {
    const error =
      err instanceof RegistryError
        ? err
        : err instanceof BlobStoreError
          ? new RegistryError(err.code, err.message, err.code === 'BLOB_UPLOAD_UNKNOWN' || err.code === 'BLOB_UNKNOWN' ? 404 : 400)
          : undefined;
    if (!error) this.options.log.warn('registry request failed', { error: err instanceof Error ? err.message : String(err) });
    if (res.headersSent) return void res.destroy();
    const { code, message, status, detail } = error ?? new RegistryError('UNKNOWN', 'unknown error', 500);
    const body = JSON.stringify({ errors: [{ code, message, ...(detail !== undefined && { detail }) }] });
    // An unread request body (a refused push) is not waited for: the connection closes after the answer.
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(!res.req.complete && { connection: 'close' }) }).end(body);
  }
}

async function readBounded(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RegistryError('MANIFEST_INVALID', `manifest is larger than ${limit} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The registry's Range answer: the bytes an upload holds, `0-<last>` (docker reads `0-0` for none). */
const rangeHeader = (size: number) => `0-${Math.max(size - 1, 0)}`;

/** A chunk's Content-Range `<start>-<end>` (the distribution spec's form, with or without `bytes `): its start. */
function contentRangeStart(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const m = /^(?:bytes )?(\d+)-(\d+)(?:\/\d+|\/\*)?$/.exec(header.trim());
  if (!m) throw new RegistryError('BLOB_UPLOAD_INVALID', `invalid Content-Range ${header}`, 416);
  return Number(m[1]);
}

/** A blob's `Range: bytes=a-b` (one range): undefined for the whole blob, null when it cannot be served. */
function byteRange(header: string | undefined, size: number): ByteRange | undefined | null {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Math.min(Number(m[2]), size);
    return suffix === 0 ? null : { start: size - suffix, end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? null : { start, end };
}
