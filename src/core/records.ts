// Every kind of record the control plane persists, by its kind name in the store. Empty here: each service's
// core file adds its own kinds to it (`declare module './records.js' { interface RecordKinds { ... } }`),
// so a new service never edits a central list.
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RecordKinds {}
export type Kind = keyof RecordKinds;
