'use strict';

const { hookTrigger } = require('./hook');
const { CLIENT } = require('../lib/shapes');

module.exports = hookTrigger({
  key: 'client_offboarded',
  noun: 'Offboarding',
  label: 'Client Offboarded',
  description:
    "Triggers when removing your access from a client's accounts is settled: each grant removed, left to remove by hand, or failed.",
  sample: {
    offboarding_id: 'Of5Rk2Nw8Lq3Xt7Vb9Hm',
    client: CLIENT,
    link_id: null,
    service: null,
    reason: 'agency',
    requested_at: 1764723500000,
    settled_at: 1764723600000,
    grants: [
      {
        platform: 'Google',
        service: 'Google Ads',
        name: "Jane's Bakery Ads",
        native_id: 'customers/1234567890',
        status: 'done',
        notes: '',
      },
    ],
    grants_truncated: false,
    confirmation_url: 'https://access.agency.example/offboarding/Of5Rk2Nw8Lq3Xt7Vb9Hm/',
    event_id: 'Ev7Of2Nb4Kd9Lq3Xt6Wm',
    event_type: 'client.offboarded',
  },
  outputFields: [
    { key: 'offboarding_id', label: 'Offboarding ID' },
    { key: 'reason', label: 'Reason (agency, client or expired)' },
    { key: 'client__id', label: 'Client ID' },
    { key: 'client__name', label: 'Client Name' },
    { key: 'client__email', label: 'Client Email' },
    { key: 'settled_at', label: 'Settled At (epoch ms)', type: 'integer' },
    { key: 'confirmation_url', label: 'Confirmation Page' },
  ],
});
