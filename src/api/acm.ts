// AWS Certificate Manager on the gateway (awsJson 1.1): imported certificates, which HTTPS and TLS
// listeners serve.
import { addTagsToCertificate, listTagsForCertificate, removeTagsFromCertificate } from '../control/acm/certificate-tags.js';
import { deleteCertificate } from '../control/acm/delete-certificate.js';
import { describeCertificate } from '../control/acm/describe-certificate.js';
import { getCertificate } from '../control/acm/get-certificate.js';
import { importCertificate } from '../control/acm/import-certificate.js';
import { listCertificates } from '../control/acm/list-certificates.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const acm: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('acm'),
    handlers: {
      ImportCertificate: (input) => importCertificate(ctx, input),
      DescribeCertificate: (input) => describeCertificate(ctx, input),
      GetCertificate: (input) => getCertificate(ctx, input),
      ListCertificates: (input) => listCertificates(ctx, input),
      DeleteCertificate: (input) => deleteCertificate(ctx, input),
      AddTagsToCertificate: (input) => addTagsToCertificate(ctx, input),
      RemoveTagsFromCertificate: (input) => removeTagsFromCertificate(ctx, input),
      ListTagsForCertificate: (input) => listTagsForCertificate(ctx, input),
    },
  }),
  authorization: { taggedKinds: ['certificate'] },
};
