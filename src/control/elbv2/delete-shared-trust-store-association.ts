import type { DeleteSharedTrustStoreAssociationInput, DeleteSharedTrustStoreAssociationOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteAssociationSameAccount, TrustStoreAssociationNotFound } from '../../core/elbv2-errors.js';
import type { ControlContext } from '../context.js';
import { listenersUsing, resolveTrustStore } from './trust-stores.js';

/**
 * Removes another account's listener from a shared trust store. Wharf has one account, so every association
 * is the owner's own: ELBv2 refuses those (DeleteAssociationSameAccount); an unknown one is not found.
 */
export function deleteSharedTrustStoreAssociation(ctx: ControlContext, input: DeleteSharedTrustStoreAssociationInput): DeleteSharedTrustStoreAssociationOutput {
  const store = resolveTrustStore(ctx.state, input.TrustStoreArn!);
  if (listenersUsing(ctx.state, store.TrustStoreArn).some((l) => l.ListenerArn === input.ResourceArn))
    throw new DeleteAssociationSameAccount('The association belongs to the trust store owner: modify the listener instead');
  throw new TrustStoreAssociationNotFound(`No association of trust store '${store.TrustStoreArn}' with '${input.ResourceArn}'`);
}
