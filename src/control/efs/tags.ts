// Tags of file systems and access points: TagResource, UntagResource, ListTagsForResource, and the older
// file-system-only CreateTags, DeleteTags, DescribeTags. A file system's `Name` tag is its Name.
import type { EfsTag } from '../../core/efs.js';
import { BadRequest } from '../../core/efs-errors.js';
import type { ControlContext } from '../context.js';
import { resolveAccessPoint } from './access-points.js';
import { resolveFileSystem } from './file-systems.js';
import { page } from './pages.js';
import type { Transaction } from '../state.js';

const MAX_TAGS = 50;

/** The tags after `added` are merged in (a key given again takes its new value). */
function merged(tags: readonly EfsTag[], added: readonly EfsTag[]): EfsTag[] {
  const byKey = new Map(tags.map((t) => [t.Key, t]));
  for (const tag of added) byKey.set(tag.Key, tag);
  if (byKey.size > MAX_TAGS) throw new BadRequest(`A resource can have at most ${MAX_TAGS} tags.`);
  return [...byKey.values()];
}

/** Rewrites the tags of a file system (`fs-`) or an access point (`fsap-`), by id or ARN. */
function retag(tx: Transaction, resourceId: string, change: (tags: EfsTag[]) => EfsTag[]): void {
  if (/(^|\/)fsap-/.test(resourceId)) {
    const ap = resolveAccessPoint(tx, resourceId);
    tx.put('efsAccessPoint', ap.AccessPointId, { ...ap, Tags: change(ap.Tags) });
  } else {
    const fs = resolveFileSystem(tx, resourceId);
    tx.put('efsFileSystem', fs.FileSystemId, { ...fs, Tags: change(fs.Tags) });
  }
}

function tagsOf(ctx: ControlContext, resourceId: string): EfsTag[] {
  return /(^|\/)fsap-/.test(resourceId) ? resolveAccessPoint(ctx.state, resourceId).Tags : resolveFileSystem(ctx.state, resourceId).Tags;
}

export async function tagResource(ctx: ControlContext, input: { ResourceId: string; Tags: EfsTag[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => retag(tx, input.ResourceId, (tags) => merged(tags, input.Tags)));
  return {};
}

export async function untagResource(ctx: ControlContext, input: { ResourceId: string; TagKeys: string[] }): Promise<Record<string, never>> {
  const keys = new Set(input.TagKeys);
  await ctx.state.mutate((tx) => retag(tx, input.ResourceId, (tags) => tags.filter((t) => !keys.has(t.Key))));
  return {};
}

export function listTagsForResource(ctx: ControlContext, input: { ResourceId: string; MaxResults?: number; NextToken?: string }) {
  const { items, next } = page(tagsOf(ctx, input.ResourceId), input.NextToken, input.MaxResults);
  return { Tags: items, ...(next && { NextToken: next }) };
}

export async function createTags(ctx: ControlContext, input: { FileSystemId: string; Tags: EfsTag[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => retag(tx, input.FileSystemId, (tags) => merged(tags, input.Tags)));
  return {};
}

export async function deleteTags(ctx: ControlContext, input: { FileSystemId: string; TagKeys: string[] }): Promise<Record<string, never>> {
  return untagResource(ctx, { ResourceId: input.FileSystemId, TagKeys: input.TagKeys });
}

export function describeTags(ctx: ControlContext, input: { FileSystemId: string; MaxItems?: number; Marker?: string }) {
  const { items, next } = page(resolveFileSystem(ctx.state, input.FileSystemId).Tags, input.Marker, input.MaxItems);
  return { ...(input.Marker !== undefined && { Marker: input.Marker }), Tags: items, ...(next && { NextMarker: next }) };
}
