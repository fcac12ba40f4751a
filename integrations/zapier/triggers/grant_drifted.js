'use strict';

const { hookTrigger } = require('./hook');
const { CLIENT } = require('../lib/shapes');

module.exports = hookTrigger({
  key: 'grant_drifted',
  noun: 'Grant',
  label: 'Access Changed Outside AgencyAccess',
  description:
    "Triggers when a daily re-check finds your access to a client's asset removed, or its role lowered or raised, by someone else.",
  sample: {
    link_id: 'ccXFZzXwyB35IXNFMW6N',
    client: CLIENT,
    grant: {
      native_id: 'customers/1234567890',
      name: "Jane's Bakery Ads",
      type: 'ad_account',
      platform: 'Google',
      service: 'Google Ads',
      state: 'revoked',
      role: 'STANDARD',
      access_level: 'STANDARD',
      connected_account: { id: 'Gh7Tq2Lm9Xc4Vb8Nz1Kd', name: 'ads@agency.example' },
      notes: 'The agency no longer has access.',
      granted_at: 1764550800000,
      last_verified_at: 1764637200000,
    },
    drift: 'removed',
    observed_role: '',
    detected_at: 1764637200000,
    event_id: 'Ev3Dr9Ft2Kq7Lm4Np8Xz',
    event_type: 'grant.drifted',
  },
  outputFields: [
    { key: 'drift', label: 'Drift (removed or role_changed)' },
    { key: 'observed_role', label: 'Role Now' },
    { key: 'grant__platform', label: 'Platform' },
    { key: 'grant__service', label: 'Service' },
    { key: 'grant__name', label: 'Asset Name' },
    { key: 'grant__native_id', label: 'Asset ID' },
    { key: 'grant__role', label: 'Role Granted' },
    { key: 'client__id', label: 'Client ID' },
    { key: 'client__name', label: 'Client Name' },
    { key: 'client__email', label: 'Client Email' },
    { key: 'link_id', label: 'Link ID' },
    { key: 'detected_at', label: 'Detected At (epoch ms)', type: 'integer' },
  ],
});
