// The ports of Wharf's image registry (src/registry/, the OCI distribution API): where blobs live
// (`BlobStore`: content-addressed bytes, uploads, and which repositories hold which blobs) and who decides
// about repositories, manifests and access (`RegistryBackend`, ECR's control plane). The registry's HTTP
// knows neither ECR nor the disk; these interfaces are all it sees.

/** A byte range, both ends inclusive, as HTTP's Range and the registry's Content-Range write it. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  /** The blob's size, or undefined when it is not stored (complete blobs only: an upload is never visible). */
  stat(digest: string): Promise<number | undefined>;
  /** The blob's bytes (a range of them), streamed from disk. */
  read(digest: string, range?: ByteRange): AsyncIterable<Uint8Array>;
  /** A new upload session; its id is opaque and unguessable. */
  startUpload(): Promise<string>;
  /** The bytes an upload holds so far; undefined when there is no such upload. */
  uploadSize(id: string): Promise<number | undefined>;
  /** Appends `body` to the upload (at `offset`, which must be its current size when given); the new size. */
  append(id: string, body: AsyncIterable<Uint8Array>, offset?: number): Promise<number>;
  /** Verifies the upload's digest and makes it the blob `digest` (kept once, however many upload it); its size. */
  commit(id: string, digest: string): Promise<number>;
  cancel(id: string): Promise<void>;
  /** Stores small bytes (a manifest) whole; their digest. */
  put(bytes: Uint8Array): Promise<string>;
  /** Whether the blob is in `scope` (a repository), which may then read it. */
  linked(scope: string, digest: string): Promise<boolean>;
  link(scope: string, digest: string): Promise<void>;
  unlink(scope: string, digest: string): Promise<void>;
  /** The blobs linked into `scope`. */
  scopeBlobs(scope: string): Promise<string[]>;
  /** Every scope that holds a blob. */
  scopes(): Promise<string[]>;
  /** Removes uploads untouched for `olderThanMs` (abandoned pushes); how many. */
  sweepUploads(olderThanMs: number): Promise<number>;
  /**
   * Deletes the blobs no scope holds (of `digests`, or of all blobs older than `olderThanMs`: an upload just
   * committed is not yet linked); the digests deleted.
   */
  collect(options: { digests?: string[]; olderThanMs?: number }): Promise<string[]>;
}

/** What ECR's control plane has of the registry it serves. */
export interface RegistryPorts {
  /** Where clients reach the registry (`http://127.0.0.1:4567`): GetAuthorizationToken's proxyEndpoint. */
  address: string;
  blobs: BlobStore;
  /**
   * The files at `paths` (no leading slash) as an image's layers (gzip or plain tar, in order) leave them:
   * a later layer's file or whiteout wins. Files past `maxBytes` are skipped.
   */
  imageFiles(layers: readonly string[], paths: readonly string[], maxBytes: number): Promise<Map<string, string>>;
  /** The advisory files the operator imported (docs/ecr.md), as text; image scans match packages against them. */
  advisories(): Promise<string[]>;
}

/** Failures of the blob store, by the registry's error code. */
export class BlobStoreError extends Error {
  constructor(
    readonly code: 'DIGEST_INVALID' | 'BLOB_UPLOAD_UNKNOWN' | 'BLOB_UPLOAD_INVALID' | 'BLOB_UNKNOWN' | 'SIZE_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/** An OCI distribution error (the spec's codes), with the HTTP status it goes out with. */
export class RegistryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** What the registry asks of the backend, each authorised as its own ECR action. */
export type RegistryOperation = 'pullManifest' | 'pullBlob' | 'checkBlob' | 'pushBlob' | 'pushManifest' | 'deleteManifest' | 'listTags';

/** A descriptor in a manifest, and of a manifest (the referrers API answers these). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** What a pushed manifest says, parsed and checked by the registry. */
export interface ParsedManifest {
  digest: string;
  mediaType: string;
  size: number;
  /** Blobs (config, layers) the registry must hold in the repository. */
  blobs: Descriptor[];
  /** Manifests an index names, which must be images of the repository. */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  size: number;
}

/** An authenticated caller, opaque to the registry. */
export type RegistryPrincipal = { readonly registryPrincipal: unknown };

export interface RegistryBackend {
  /** The caller of an `Authorization` header; undefined when there is none or it does not authenticate (401). */
  authenticate(authorization: string | undefined): RegistryPrincipal | undefined;
  /** Authorises one operation on a repository; the repository's blob scope. Throws RegistryError (NAME_UNKNOWN, DENIED). */
  authorize(principal: RegistryPrincipal, repository: string, operation: RegistryOperation): string;
  /** The manifest a tag or digest names in the repository. */
  manifest(principal: RegistryPrincipal, repository: string, reference: string): StoredManifest | undefined;
  /** Records a pushed manifest under `tag` (or untagged); its blobs are stored and linked. Throws RegistryError. */
  putManifest(principal: RegistryPrincipal, repository: string, manifest: ParsedManifest, tag: string | undefined): Promise<void>;
  deleteManifest(principal: RegistryPrincipal, repository: string, digest: string): Promise<void>;
  tags(principal: RegistryPrincipal, repository: string): string[];
  /** The manifests whose subject is `digest`. */
  referrers(principal: RegistryPrincipal, repository: string, digest: string): Descriptor[];
  /** A manifest was pulled (ECR's lastRecordedPullTime). */
  pulled(principal: RegistryPrincipal, repository: string, digest: string): void;
}
