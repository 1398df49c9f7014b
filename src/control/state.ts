// The control plane's state: every record in memory for fast reads, written through the Store port.
// Mutations run one at a time, in order, so a mutation's reads and writes are consistent without locks.
// Mutations that arrive together (within one turn of the event loop, or while a commit is under way) are
// committed together: a group commit, one store transaction for the batch instead of one per call, which
// is what bounds write throughput. Durability is unchanged: a mutation settles only after the commit that
// holds its writes, what else reads memory sees them and listeners hear of them only after that commit, and
// a failed commit fails every mutation of its batch and leaves memory as it was.
//
// Records are regional, as on AWS: a `State` is one region's view (`inRegion` gives another's), and reads,
// writes, indexes and subscriptions see that region's records and the global ones (IAM's kinds, named at
// open) alone. The store files a regional record under `<kind>@<region>`; a record stored before regions
// (a bare regional kind) belongs to the region the state is opened with, and moves there once at open.
import type { Store, StoredChange, StoredRecord } from '../core/ports.js';
import type { Kind, RecordKinds } from '../core/records.js';

export type Change<K extends Kind = Kind> = {
  kind: K;
  id: string;
  before: RecordKinds[K] | undefined;
  after: RecordKinds[K] | undefined;
};

type Listener = (changes: Change[]) => void;

/**
 * A secondary index: records of one kind filed under the value `key` gives them (undefined: not filed).
 * Each service defines its own next to its operations; State builds an index the first time it is asked
 * for it and keeps it current from then on, so no central list names them.
 */
export interface Index<K extends Kind = Kind> {
  readonly kind: K;
  readonly key: (record: RecordKinds[K]) => string | undefined;
}

export const defineIndex = <K extends Kind>(kind: K, key: (record: RecordKinds[K]) => string | undefined): Index<K> => ({ kind, key });

export interface StateOptions {
  /** The region of the view `open` answers, and of records stored before regions (default us-east-1). */
  region?: string;
  /** Kinds that are global (IAM's): one set of records whatever the region. */
  globalKinds?: Iterable<Kind>;
}

/** The namespace of global kinds. */
const GLOBAL = '';

/** One staged write: `doc` undefined deletes the record. */
type Write = { kind: Kind; id: string; doc: unknown | undefined };

/** A mutation's view: reads see its own staged writes; writes are staged until the mutation returns. */
export class Transaction {
  readonly staged = new Map<string, Write>();
  constructor(private readonly state: State) {}

  get<K extends Kind>(kind: K, id: string): RecordKinds[K] | undefined {
    const staged = this.staged.get(`${kind}\0${id}`);
    return staged ? (staged.doc as RecordKinds[K] | undefined) : this.state.get(kind, id);
  }

  put<K extends Kind>(kind: K, id: string, doc: RecordKinds[K]): RecordKinds[K] {
    this.staged.set(`${kind}\0${id}`, { kind, id, doc });
    return doc;
  }

  delete(kind: Kind, id: string): void {
    this.staged.set(`${kind}\0${id}`, { kind, id, doc: undefined });
  }
}

/** One namespace's records (a region's, or the global ones) and the indexes built over them. */
class Namespace {
  readonly tables = new Map<Kind, Map<string, unknown>>();
  /** The indexes in use, by kind, each with its values -> ids. */
  readonly indexes = new Map<Kind, Map<Index, Map<string, Set<string>>>>();

  /** Writes `doc` (undefined: deletes) and returns what was there. */
  apply(kind: Kind, id: string, doc: unknown | undefined): unknown | undefined {
    let table = this.tables.get(kind);
    if (!table) this.tables.set(kind, (table = new Map()));
    const before = table.get(id);
    for (const [index, values] of this.indexes.get(kind) ?? []) {
      const old = before === undefined ? undefined : index.key(before as never);
      const now = doc === undefined ? undefined : index.key(doc as never);
      if (old === now) continue;
      if (old !== undefined) {
        const ids = values.get(old);
        ids?.delete(id);
        if (ids?.size === 0) values.delete(old);
      }
      file(values, now, id);
    }
    if (doc === undefined) table.delete(id);
    else table.set(id, doc);
    return before;
  }

  built(index: Index<any>): Map<string, Set<string>> {
    let byKind = this.indexes.get(index.kind);
    if (!byKind) this.indexes.set(index.kind, (byKind = new Map()));
    let values = byKind.get(index);
    if (values) return values;
    byKind.set(index, (values = new Map()));
    for (const [id, record] of this.tables.get(index.kind) ?? []) file(values, index.key(record as never), id);
    return values;
  }

  get empty(): boolean {
    for (const table of this.tables.values()) if (table.size > 0) return false;
    return true;
  }
}

/** A mutation waiting for its batch, and then what it did. */
interface Pending {
  view: State;
  fn: (tx: Transaction) => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** What every region's view shares: the store, the one mutation queue, the namespaces and the listeners. */
class Records {
  readonly namespaces = new Map<string, Namespace>();
  /** Each listener with the region it hears (undefined: every region) and whether it follows uncommitted memory. */
  readonly listeners = new Set<{ region: string | undefined; listener: Listener; uncommitted: boolean }>();
  readonly regionListeners = new Set<(region: string) => void>();
  /** Regions whose first records were committed (and so were announced to `regionListeners`). */
  readonly announced = new Set<string>();
  readonly views = new Map<string, State>();
  /** Mutations waiting for the next batch, in arrival order. */
  private pending: Pending[] = [];
  /** A batch is scheduled or under way: later mutations wait for the next one. */
  private busy = false;

  constructor(
    readonly store: Store,
    readonly globalKinds: ReadonlySet<Kind>,
  ) {}

  namespaceOf(kind: Kind, region: string): string {
    return this.globalKinds.has(kind) ? GLOBAL : region;
  }

  namespace(name: string): Namespace {
    let namespace = this.namespaces.get(name);
    if (!namespace) this.namespaces.set(name, (namespace = new Namespace()));
    return namespace;
  }

  /** Tells the region listeners of a region whose first records were just committed. */
  announce(name: string): void {
    if (name === GLOBAL || this.announced.has(name)) return;
    this.announced.add(name);
    for (const listener of this.regionListeners) listener(name);
  }

  enqueue(mutation: Pending): void {
    this.pending.push(mutation);
    this.schedule();
  }

  /**
   * The next batch starts once the current turn of the event loop is over (setImmediate runs after the
   * poll phase), so the requests read in one turn are committed together; an idle server loses nothing.
   */
  private schedule(): void {
    if (this.busy || this.pending.length === 0) return;
    this.busy = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      await this.commitBatch(batch);
    } catch (error) {
      // Nothing is left waiting on a fault of the batch itself (settled mutations ignore this).
      for (const mutation of batch) mutation.reject(error);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  /**
   * Runs the batch's mutations one after another, each seeing the writes of those before it (they are
   * applied to memory as each returns, indexes included), and commits the batch's writes in one store
   * transaction. A store that commits before it returns (SQLite) leaves no moment in which anything else
   * could read them uncommitted; while an asynchronous commit is under way, memory goes back to what is
   * committed, and the writes are applied again once they are. Then, mutation by mutation, the listeners
   * hear of them and the mutation settles.
   */
  private async commitBatch(batch: Pending[]): Promise<void> {
    const ran: { mutation: Pending; writes: Write[]; changes: Change[]; result?: unknown; error?: unknown; failed: boolean }[] = [];
    for (const mutation of batch) {
      const region = mutation.view.region;
      const tx = new Transaction(mutation.view);
      let changes: Change[] = [];
      try {
        const result = mutation.fn(tx);
        const writes = [...tx.staged.values()];
        changes = this.write(region, writes);
        this.tell(region, changes, 'uncommitted');
        ran.push({ mutation, writes, changes, result, failed: false });
      } catch (error) {
        // A mutation that throws stages nothing; it fails once its batch is settled, like the others.
        this.revert(region, changes);
        ran.push({ mutation, writes: [], changes: [], error, failed: true });
      }
    }
    const undo = () => {
      for (const { mutation, changes } of [...ran].reverse()) this.revert(mutation.view.region, changes);
    };
    const fail = (error: unknown) => {
      for (const { mutation, failed, error: own } of ran) mutation.reject(failed ? own : error);
    };

    // The last write of a record in the batch is the one that counts.
    const stored = new Map<string, StoredChange>();
    for (const { mutation, writes } of ran)
      for (const { kind, id, doc } of writes) {
        const change = { kind: this.storedKind(kind, mutation.view.region), id, doc: doc ?? null };
        const key = `${change.kind}\0${id}`;
        stored.delete(key);
        stored.set(key, change);
      }
    let committing: Promise<void> | void;
    try {
      committing = stored.size > 0 ? this.store.commit([...stored.values()]) : undefined;
    } catch (error) {
      undo();
      return fail(error);
    }
    if (committing) {
      undo();
      try {
        await committing;
      } catch (error) {
        return fail(error);
      }
    }
    for (const { mutation, writes, changes: applied, result, error, failed } of ran) {
      if (failed) {
        mutation.reject(error);
        continue;
      }
      try {
        const region = mutation.view.region;
        const changes = committing ? this.write(region, writes) : applied;
        for (const { kind } of changes) this.announce(this.namespaceOf(kind, region));
        // The listeners that follow memory heard these changes as they were made, unless they were undone since.
        this.tell(region, changes, committing ? 'all' : 'committed');
        mutation.resolve(result);
      } catch (listenerError) {
        mutation.reject(listenerError);
      }
    }
  }

  /** Applies writes to memory, indexes included; returns the changes they made. */
  private write(region: string, writes: Write[]): Change[] {
    return writes.map(({ kind, id, doc }) => {
      const before = this.namespace(this.namespaceOf(kind, region)).apply(kind, id, doc);
      return { kind, id, before, after: doc } as Change;
    });
  }

  /** Takes memory back from `changes`, telling the listeners that follow it. */
  private revert(region: string, changes: Change[]): void {
    this.tell(region, this.write(region, [...changes].reverse().map(({ kind, id, before }) => ({ kind, id, doc: before }))), 'uncommitted');
  }

  /** Tells a region's changes to the listeners that follow memory, to those that hear commits only, or to all. */
  private tell(region: string, changes: Change[], to: 'uncommitted' | 'committed' | 'all'): void {
    if (changes.length === 0) return;
    // Other regions' views hear only the global changes.
    const global = changes.filter((change) => this.globalKinds.has(change.kind));
    for (const { region: heard, listener, uncommitted } of this.listeners) {
      if ((to === 'uncommitted' && !uncommitted) || (to === 'committed' && uncommitted)) continue;
      const seen = heard === region || heard === undefined ? changes : global;
      if (seen.length > 0) listener(seen);
    }
  }

  storedKind(kind: Kind, region: string): string {
    const namespace = this.namespaceOf(kind, region);
    return namespace === GLOBAL ? kind : `${kind}@${namespace}`;
  }
}

export class State {
  private constructor(
    private readonly records: Records,
    /** The region this view reads and writes. */
    readonly region: string,
  ) {}

  static async open(store: Store, options: StateOptions = {}): Promise<State> {
    const region = options.region ?? 'us-east-1';
    const records = new Records(store, new Set(options.globalKinds ?? []));
    const moves: StoredChange[] = [];
    for (const record of await store.load()) {
      const { kind, region: stored } = splitKind(record);
      const namespace = stored ?? records.namespaceOf(kind, region);
      // A regional record stored before regions: it moves to the region the state opens with.
      if (stored === undefined && namespace !== GLOBAL)
        moves.push({ kind: record.kind, id: record.id, doc: null }, { kind: records.storedKind(kind, namespace), id: record.id, doc: record.doc });
      records.namespace(namespace).apply(kind, record.id, record.doc);
      if (namespace !== GLOBAL) records.announced.add(namespace);
    }
    if (moves.length > 0) await store.commit(moves);
    return new State(records, region).inRegion(region);
  }

  /** The same records as seen from `region`. */
  inRegion(region: string): State {
    let view = this.records.views.get(region);
    if (!view) this.records.views.set(region, (view = new State(this.records, region)));
    return view;
  }

  /** The regions that have records. */
  regions(): string[] {
    return [...this.records.namespaces].filter(([name, namespace]) => name !== GLOBAL && !namespace.empty).map(([name]) => name);
  }

  /** Hear of every region the moment its first record is committed. Returns the unsubscribe function. */
  onNewRegion(listener: (region: string) => void): () => void {
    this.records.regionListeners.add(listener);
    return () => this.records.regionListeners.delete(listener);
  }

  private namespace(kind: Kind): Namespace | undefined {
    return this.records.namespaces.get(this.records.namespaceOf(kind, this.region));
  }

  get<K extends Kind>(kind: K, id: string): RecordKinds[K] | undefined {
    return this.namespace(kind)?.tables.get(kind)?.get(id) as RecordKinds[K] | undefined;
  }

  all<K extends Kind>(kind: K): IterableIterator<RecordKinds[K]> {
    return ((this.namespace(kind)?.tables.get(kind) ?? new Map()).values() as IterableIterator<RecordKinds[K]>);
  }

  /** Every record of `kind` with the id it is stored under. */
  entries<K extends Kind>(kind: K): IterableIterator<[string, RecordKinds[K]]> {
    return ((this.namespace(kind)?.tables.get(kind) ?? new Map()).entries() as IterableIterator<[string, RecordKinds[K]]>);
  }

  /** The kinds this view sees records of: its region's and the global ones. */
  kinds(): Kind[] {
    const kinds = new Set<Kind>();
    for (const name of [this.region, GLOBAL]) for (const kind of this.records.namespaces.get(name)?.tables.keys() ?? []) kinds.add(kind);
    return [...kinds];
  }

  count(kind: Kind): number {
    return this.namespace(kind)?.tables.get(kind)?.size ?? 0;
  }

  /** Records filed under `value` in `index`. */
  where<K extends Kind>(index: Index<K>, value: string): RecordKinds[K][] {
    const namespace = this.namespace(index.kind);
    const ids = namespace?.built(index).get(value);
    if (!ids) return [];
    const table = namespace!.tables.get(index.kind)!;
    return [...ids].map((id) => table.get(id) as RecordKinds[K]);
  }

  /** How many records are filed under `value` in `index` (without reading them). */
  size<K extends Kind>(index: Index<K>, value: string): number {
    return this.namespace(index.kind)?.built(index).get(value)?.size ?? 0;
  }

  /**
   * Hear of every committed change this view sees, after memory reflects it (with `everyRegion`, every
   * region's: for what serves all regions at once). Returns the unsubscribe function.
   *
   * With `uncommitted`, hear every change to memory as it is made: also those of the mutations of a batch
   * before theirs runs (so that what the listener derives is current for each mutation, as an index is),
   * then their undoing before the commit, then their committed form. For what is derived from memory and
   * read by mutations (placement's snapshots, policy caches), never for effects.
   */
  subscribe(listener: Listener, options: { everyRegion?: boolean; uncommitted?: boolean } = {}): () => void {
    const entry = { region: options.everyRegion ? undefined : this.region, listener, uncommitted: options.uncommitted ?? false };
    this.records.listeners.add(entry);
    return () => this.records.listeners.delete(entry);
  }

  /**
   * Runs `fn` alone against the current state (with the writes of the mutations before it in its batch),
   * then commits what it staged; resolves once that is durable. `fn` must not await: it decides from what
   * it reads, so nothing can change between its reads and the commit.
   */
  mutate<T>(fn: (tx: Transaction) => T): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.records.enqueue({ view: this, fn, resolve: resolve as (result: unknown) => void, reject }),
    );
  }
}

/** A stored record's kind and, for a regional one stored since regions, its region. */
function splitKind(record: StoredRecord): { kind: Kind; region?: string } {
  const at = record.kind.indexOf('@');
  return at < 0 ? { kind: record.kind as Kind } : { kind: record.kind.slice(0, at) as Kind, region: record.kind.slice(at + 1) };
}

function file(values: Map<string, Set<string>>, value: string | undefined, id: string): void {
  if (value !== undefined) values.set(value, (values.get(value) ?? new Set()).add(id));
}
