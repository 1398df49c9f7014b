// ACM tags: at most 50 per certificate; keys unique; the `aws:` prefix is AWS's own.
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { InvalidTagException, TooManyTagsException } from '../../core/acm-errors.js';

export type AcmTag = { Key: string; Value?: string };

export function checkTags(tags: readonly AcmTag[]): AcmTag[] {
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new InvalidParameterException('Duplicate tag keys are not allowed');
  const reserved = tags.find((t) => t.Key.toLowerCase().startsWith('aws:'));
  if (reserved) throw new InvalidTagException(`Tag key '${reserved.Key}' uses the reserved prefix 'aws:'`);
  if (tags.length > 50) throw new TooManyTagsException('the TagSet contains too many tags');
  return [...tags];
}
