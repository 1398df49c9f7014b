// Files read out of an image's layers (gzip or plain tar), as the image's filesystem has them once every
// layer is applied: a later layer's copy replaces an earlier one, its whiteout (`.wh.<name>`, or an opaque
// `.wh..wh..opq` directory) removes it. Layers stream through; only the files asked for are kept.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import type { BlobStore } from '../core/ecr-registry.js';

const GZIP_MAGIC = [0x1f, 0x8b];

export async function imageFiles(blobs: BlobStore, layers: readonly string[], paths: readonly string[], maxBytes: number): Promise<Map<string, string>> {
  const wanted = new Set(paths);
  const files = new Map<string, string>();
  for (const layer of layers) {
    const found = await layerFiles(blobs, layer, wanted, maxBytes);
    for (const [path, content] of found) {
      if (content === undefined) files.delete(path);
      else files.set(path, content);
    }
  }
  return files;
}

/** The wanted files a layer writes (content) or removes (undefined). */
async function layerFiles(blobs: BlobStore, layer: string, wanted: Set<string>, maxBytes: number): Promise<Map<string, string | undefined>> {
  const source = Readable.from(blobs.read(layer));
  const first: Buffer | null = await new Promise((resolve, reject) => {
    source.once('readable', () => resolve(source.read(2) as Buffer | null));
    source.once('error', reject);
  });
  if (first) source.unshift(first);
  const gzipped = first !== null && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1];
  const found = new Map<string, string | undefined>();
  const tar = extract();
  tar.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.?\//, '');
    const slash = name.lastIndexOf('/');
    const dir = name.slice(0, slash + 1);
    const base = name.slice(slash + 1);
    if (base === '.wh..wh..opq') for (const path of wanted) if (path.startsWith(dir)) found.set(path, undefined);
    if (base.startsWith('.wh.') && wanted.has(dir + base.slice(4))) found.set(dir + base.slice(4), undefined);
    if (!wanted.has(name) || header.type !== 'file' || (header.size ?? 0) > maxBytes) {
      stream.on('end', next).resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      found.set(name, Buffer.concat(chunks).toString('utf8'));
      next();
    });
  });
  await (gzipped ? pipeline(source, createGunzip(), tar) : pipeline(source, tar));
  return found;
}
