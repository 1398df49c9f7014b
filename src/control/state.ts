// The control plane's state: every record in memory for fast reads, written through the Store port.
// Mutations run one at a time (a queue), so a mutation's reads and writes are consistent without locks;
// each commits atomically to the store before memory changes and listeners hear of it.
import type { Store, StoredChange } from '../core/ports.js';
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

/** A mutation's view: reads see its own staged writes; writes are staged until the mutation returns. */
export class Transaction {
  readonly staged = new Map<string, { kind: Kind; id: string; doc: unknown | undefined }>();
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

export class State {
  private readonly tables = new Map<Kind, Map<string, unknown>>();
  /** The indexes in use, by kind, each with its values -> ids. */
  private readonly indexes = new Map<Kind, Map<Index, Map<string, Set<string>>>>();
  private readonly listeners = new Set<Listener>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<State> {
    const state = new State(store);
    for (const { kind, id, doc } of await store.load()) state.apply(kind as Kind, id, doc);
    return state;
  }

  get<K extends Kind>(kind: K, id: string): RecordKinds[K] | undefined {
    return this.tables.get(kind)?.get(id) as RecordKinds[K] | undefined;
  }

  all<K extends Kind>(kind: K): IterableIterator<RecordKinds[K]> {
    return ((this.tables.get(kind) ?? new Map()).values() as IterableIterator<RecordKinds[K]>);
  }

  /** Every record of `kind` with the id it is stored under. */
  entries<K extends Kind>(kind: K): IterableIterator<[string, RecordKinds[K]]> {
    return ((this.tables.get(kind) ?? new Map()).entries() as IterableIterator<[string, RecordKinds[K]]>);
  }

  kinds(): Kind[] {
    return [...this.tables.keys()];
  }

  count(kind: Kind): number {
    return this.tables.get(kind)?.size ?? 0;
  }

  /** Records filed under `value` in `index`. */
  where<K extends Kind>(index: Index<K>, value: string): RecordKinds[K][] {
    const ids = this.built(index).get(value);
    if (!ids) return [];
    const table = this.tables.get(index.kind)!;
    return [...ids].map((id) => table.get(id) as RecordKinds[K]);
  }

  private built(index: Index<any>): Map<string, Set<string>> {
    let byKind = this.indexes.get(index.kind);
    if (!byKind) this.indexes.set(index.kind, (byKind = new Map()));
    let values = byKind.get(index);
    if (values) return values;
    byKind.set(index, (values = new Map()));
    for (const [id, record] of this.tables.get(index.kind) ?? []) file(values, index.key(record as never), id);
    return values;
  }

  /** Hear of every committed change, after memory reflects it. Returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `fn` alone against the current state, then commits what it staged. `fn` must not await: it
   * decides from what it reads, so nothing can change between its reads and the commit.
   */
  mutate<T>(fn: (tx: Transaction) => T): Promise<T> {
    const run = async () => {
      const tx = new Transaction(this);
      const result = fn(tx);
      if (tx.staged.size === 0) return result;
      const writes = [...tx.staged.values()];
      const stored: StoredChange[] = writes.map(({ kind, id, doc }) => ({ kind, id, doc: doc ?? null }));
      await this.store.commit(stored);
      const changes = writes.map(({ kind, id, doc }) => {
        const before = this.get(kind, id);
        this.apply(kind, id, doc);
        return { kind, id, before, after: doc } as Change;
      });
      for (const listener of this.listeners) listener(changes);
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private apply(kind: Kind, id: string, doc: unknown | undefined): void {
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
  }
}

function file(values: Map<string, Set<string>>, value: string | undefined, id: string): void {
  if (value !== undefined) values.set(value, (values.get(value) ?? new Set()).add(id));
}
