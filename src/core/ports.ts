// Ports: the small interfaces through which the control plane reaches the world. Implementations are
// named for their technology (SqliteStore, DockerRuntime) and chosen only by the composition root (cli/).

/** Time comes in through a port so that core logic and tests replay exactly. */
export interface Clock {
  now(): Date;
}

/**
 * A clock that can also be waited on: background loops pace themselves by it, so a test moves its time
 * instead of sleeping. `sleep` resolves (never rejects) once `ms` have passed, or as soon as `signal` aborts.
 */
export interface Timer extends Clock {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Fresh identifiers. ECS resource ids are 32 lowercase hex digits. */
export interface Ids {
  id(): string;
}

/** Structured logs: a constant message plus fields. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** A persisted record: a JSON document of one kind (`task`, `cluster`, ...) under its id (usually its ARN). */
export interface StoredRecord {
  kind: string;
  id: string;
  doc: unknown;
}

/** One write of a commit: `doc: null` deletes the record. */
export interface StoredChange {
  kind: string;
  id: string;
  doc: unknown | null;
}

/**
 * Durable state. The control plane keeps its working set in memory and writes through this port; a
 * commit is atomic (all of its changes or none). SQLite by default; PostgreSQL implements the same port.
 */
export interface Store {
  load(): Promise<StoredRecord[]>;
  /**
   * Commits before it returns (throwing when it cannot), as SQLite does in-process, or answers a promise of
   * the commit, as a database over the network would. State gives memory back to what is committed only
   * while a commit is under way, so an in-process store spares it that undoing and redoing.
   */
  commit(changes: StoredChange[]): Promise<void> | void;
  close(): Promise<void>;
}
