// Elastic Load Balancing v2 on the gateway (awsQuery, XML answers): each operation of models/elbv2.json
// Wharf serves, bound to its control-plane function.
import { runLoadBalancerMetrics } from '../control/cloudwatch-publishers/load-balancer-metrics.js';
import { addListenerCertificates } from '../control/elbv2/add-listener-certificates.js';
import { addTags } from '../control/elbv2/add-tags.js';
import { createListener } from '../control/elbv2/create-listener.js';
import { createLoadBalancer } from '../control/elbv2/create-load-balancer.js';
import { createRule } from '../control/elbv2/create-rule.js';
import { createTargetGroup } from '../control/elbv2/create-target-group.js';
import { deleteListener } from '../control/elbv2/delete-listener.js';
import { deleteLoadBalancer } from '../control/elbv2/delete-load-balancer.js';
import { deleteRule } from '../control/elbv2/delete-rule.js';
import { deleteTargetGroup } from '../control/elbv2/delete-target-group.js';
import { deregisterTargets } from '../control/elbv2/deregister-targets.js';
import { describeListenerCertificates } from '../control/elbv2/describe-listener-certificates.js';
import { describeListeners } from '../control/elbv2/describe-listeners.js';
import { describeLoadBalancerAttributes } from '../control/elbv2/describe-load-balancer-attributes.js';
import { describeLoadBalancers } from '../control/elbv2/describe-load-balancers.js';
import { describeRules } from '../control/elbv2/describe-rules.js';
import { describeTags } from '../control/elbv2/describe-tags.js';
import { describeTargetGroupAttributes } from '../control/elbv2/describe-target-group-attributes.js';
import { describeTargetGroups } from '../control/elbv2/describe-target-groups.js';
import { describeTargetHealth } from '../control/elbv2/describe-target-health.js';
import { modifyListener } from '../control/elbv2/modify-listener.js';
import { modifyLoadBalancerAttributes } from '../control/elbv2/modify-load-balancer-attributes.js';
import { modifyRule } from '../control/elbv2/modify-rule.js';
import { modifyTargetGroup } from '../control/elbv2/modify-target-group.js';
import { modifyTargetGroupAttributes } from '../control/elbv2/modify-target-group-attributes.js';
import { registerTargets } from '../control/elbv2/register-targets.js';
import { removeListenerCertificates } from '../control/elbv2/remove-listener-certificates.js';
import { removeTags } from '../control/elbv2/remove-tags.js';
import { setRulePriorities } from '../control/elbv2/set-rule-priorities.js';
import { describeCapacityReservation } from '../control/elbv2/describe-capacity-reservation.js';
import { modifyCapacityReservation } from '../control/elbv2/modify-capacity-reservation.js';
import { describeListenerAttributes } from '../control/elbv2/describe-listener-attributes.js';
import { modifyListenerAttributes } from '../control/elbv2/modify-listener-attributes.js';
import { setSubnets } from '../control/elbv2/set-subnets.js';
import { setSecurityGroups } from '../control/elbv2/set-security-groups.js';
import { setIpAddressType } from '../control/elbv2/set-ip-address-type.js';
import { describeAccountLimits } from '../control/elbv2/describe-account-limits.js';
import { modifyIpPools } from '../control/elbv2/modify-ip-pools.js';
import { getResourcePolicy } from '../control/elbv2/get-resource-policy.js';
import { describeSSLPolicies } from '../control/elbv2/describe-ssl-policies.js';
import { createTrustStore } from '../control/elbv2/create-trust-store.js';
import { describeTrustStores } from '../control/elbv2/describe-trust-stores.js';
import { modifyTrustStore } from '../control/elbv2/modify-trust-store.js';
import { deleteTrustStore } from '../control/elbv2/delete-trust-store.js';
import { getTrustStoreCaCertificatesBundle } from '../control/elbv2/get-trust-store-ca-certificates-bundle.js';
import { addTrustStoreRevocations } from '../control/elbv2/add-trust-store-revocations.js';
import { removeTrustStoreRevocations } from '../control/elbv2/remove-trust-store-revocations.js';
import { describeTrustStoreRevocations } from '../control/elbv2/describe-trust-store-revocations.js';
import { getTrustStoreRevocationContent } from '../control/elbv2/get-trust-store-revocation-content.js';
import { describeTrustStoreAssociations } from '../control/elbv2/describe-trust-store-associations.js';
import { deleteSharedTrustStoreAssociation } from '../control/elbv2/delete-shared-trust-store-association.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';
import { LoadBalancerController } from '../control/elbv2/load-balancer-controller.js';
import { ServiceTargetsController } from '../control/elbv2/service-targets.js';

export const elbv2: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('elbv2'),
    // ELBv2 answers input that breaks the model's constraints with ValidationError.
    validationErrorCode: 'ValidationError',
    handlers: {
      CreateLoadBalancer: (input) => createLoadBalancer(ctx, input),
      DescribeLoadBalancers: (input) => describeLoadBalancers(ctx, input),
      DeleteLoadBalancer: (input) => deleteLoadBalancer(ctx, input),
      DescribeLoadBalancerAttributes: (input) => describeLoadBalancerAttributes(ctx, input),
      ModifyLoadBalancerAttributes: (input) => modifyLoadBalancerAttributes(ctx, input),
      CreateTargetGroup: (input) => createTargetGroup(ctx, input),
      DescribeTargetGroups: (input) => describeTargetGroups(ctx, input),
      ModifyTargetGroup: (input) => modifyTargetGroup(ctx, input),
      DeleteTargetGroup: (input) => deleteTargetGroup(ctx, input),
      DescribeTargetGroupAttributes: (input) => describeTargetGroupAttributes(ctx, input),
      ModifyTargetGroupAttributes: (input) => modifyTargetGroupAttributes(ctx, input),
      RegisterTargets: (input) => registerTargets(ctx, input),
      DeregisterTargets: (input) => deregisterTargets(ctx, input),
      DescribeTargetHealth: (input) => describeTargetHealth(ctx, input),
      CreateListener: (input) => createListener(ctx, input),
      DescribeListeners: (input) => describeListeners(ctx, input),
      ModifyListener: (input) => modifyListener(ctx, input),
      DeleteListener: (input) => deleteListener(ctx, input),
      AddListenerCertificates: (input) => addListenerCertificates(ctx, input),
      RemoveListenerCertificates: (input) => removeListenerCertificates(ctx, input),
      DescribeListenerCertificates: (input) => describeListenerCertificates(ctx, input),
      CreateRule: (input) => createRule(ctx, input),
      DescribeRules: (input) => describeRules(ctx, input),
      ModifyRule: (input) => modifyRule(ctx, input),
      DeleteRule: (input) => deleteRule(ctx, input),
      SetRulePriorities: (input) => setRulePriorities(ctx, input),
      AddTags: (input) => addTags(ctx, input),
      RemoveTags: (input) => removeTags(ctx, input),
      DescribeTags: (input) => describeTags(ctx, input),
      DescribeCapacityReservation: (input) => describeCapacityReservation(ctx, input),
      ModifyCapacityReservation: (input) => modifyCapacityReservation(ctx, input),
      DescribeListenerAttributes: (input) => describeListenerAttributes(ctx, input),
      ModifyListenerAttributes: (input) => modifyListenerAttributes(ctx, input),
      SetSubnets: (input) => setSubnets(ctx, input),
      SetSecurityGroups: (input) => setSecurityGroups(ctx, input),
      SetIpAddressType: (input) => setIpAddressType(ctx, input),
      DescribeAccountLimits: (input) => describeAccountLimits(ctx, input),
      ModifyIpPools: (input) => modifyIpPools(ctx, input),
      GetResourcePolicy: (input) => getResourcePolicy(ctx, input),
      DescribeSSLPolicies: (input) => describeSSLPolicies(ctx, input),
      CreateTrustStore: (input) => createTrustStore(ctx, input),
      DescribeTrustStores: (input) => describeTrustStores(ctx, input),
      ModifyTrustStore: (input) => modifyTrustStore(ctx, input),
      DeleteTrustStore: (input) => deleteTrustStore(ctx, input),
      GetTrustStoreCaCertificatesBundle: (input) => getTrustStoreCaCertificatesBundle(ctx, input),
      AddTrustStoreRevocations: (input) => addTrustStoreRevocations(ctx, input),
      RemoveTrustStoreRevocations: (input) => removeTrustStoreRevocations(ctx, input),
      DescribeTrustStoreRevocations: (input) => describeTrustStoreRevocations(ctx, input),
      GetTrustStoreRevocationContent: (input) => getTrustStoreRevocationContent(ctx, input),
      DescribeTrustStoreAssociations: (input) => describeTrustStoreAssociations(ctx, input),
      DeleteSharedTrustStoreAssociation: (input) => deleteSharedTrustStoreAssociation(ctx, input),
    },
  }),
  authorization: { taggedKinds: ['loadBalancer', 'targetGroup', 'listener', 'rule', 'trustStore'] },
  // Targets follow each region's ECS services.
  controllers: (ctx, signal) => [new ServiceTargetsController(ctx).run(signal), runLoadBalancerMetrics(ctx, signal)],
  // The data plane's manager runs where a data plane is (ctx.loadBalancers), once for every region.
  hostControllers: (ctx, signal) =>
    ctx.loadBalancers ? [new LoadBalancerController(ctx, ctx.loadBalancers.dataPlane, { address: ctx.loadBalancers.address }).run(signal)] : [],
};
