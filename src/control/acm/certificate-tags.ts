// AddTagsToCertificate, RemoveTagsFromCertificate, ListTagsForCertificate.
import type { ControlContext } from '../context.js';
import { resolveCertificate } from './certificates.js';
import { checkTags, type AcmTag } from './tags.js';

export async function addTagsToCertificate(ctx: ControlContext, input: { CertificateArn: string; Tags: AcmTag[] }): Promise<Record<string, never>> {
  const added = checkTags(input.Tags);
  await ctx.state.mutate((tx) => {
    const record = resolveCertificate(tx, input.CertificateArn);
    const merged = new Map(record.tags.map((t) => [t.Key, t]));
    for (const tag of added) merged.set(tag.Key, tag);
    tx.put('certificate', record.CertificateArn, { ...record, tags: checkTags([...merged.values()]) });
  });
  return {};
}

/** Removes tags by key, or by key and value when a value is given. */
export async function removeTagsFromCertificate(ctx: ControlContext, input: { CertificateArn: string; Tags: AcmTag[] }): Promise<Record<string, never>> {
  await ctx.state.mutate((tx) => {
    const record = resolveCertificate(tx, input.CertificateArn);
    const removed = (t: AcmTag) => input.Tags.some((r) => r.Key === t.Key && (r.Value === undefined || r.Value === t.Value));
    tx.put('certificate', record.CertificateArn, { ...record, tags: record.tags.filter((t) => !removed(t)) });
  });
  return {};
}

export function listTagsForCertificate(ctx: ControlContext, input: { CertificateArn: string }) {
  return { Tags: resolveCertificate(ctx.state, input.CertificateArn).tags };
}
