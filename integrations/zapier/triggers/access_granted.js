'use strict';

const { hookTrigger } = require('./hook');
const { prefixed, LINK_CLIENT, LINK_CLIENT_FIELDS, ASSET } = require('../lib/shapes');

module.exports = hookTrigger({
  key: 'access_granted',
  noun: 'Link',
  label: 'Access Granted',
  description:
    'Triggers when a client finishes a link: every requested service answered and the intake form, if the link has one, filled in.',
  sample: {
    id: 'ccXFZzXwyB35IXNFMW6N',
    client: LINK_CLIENT,
    services: [
      {
        platform: 'Google',
        service: 'Google Ads',
        accessLevel: 'STANDARD',
        status: 'granted',
        assets: [ASSET],
      },
      {
        platform: 'Meta',
        service: 'Meta Ads',
        accessLevel: 'ADVERTISE',
        status: 'skipped',
        assets: [],
      },
    ],
    // Only for links created with "Retain tokens" (kept 30 days); empty otherwise.
    tokens: [
      {
        platform: 'Google',
        accessToken: 'sample-access-token',
        refreshToken: 'sample-refresh-token',
        scopes: ['https://www.googleapis.com/auth/adwords'],
        expiresAt: 1718199601234,
        keptUntil: 1720788001234,
      },
    ],
    completed: 1718196001234,
    url: 'https://access.youragency.example/l/ccXFZzXwyB35IXNFMW6N/',
    event_id: 'Ev5Rt8Yu1Io4Pa7Sd2Fg',
    event_type: 'link.completed',
  },
  outputFields: [
    { key: 'id', label: 'Link ID' },
    { key: 'url', label: 'Link URL' },
    { key: 'completed', label: 'Completed (epoch milliseconds)', type: 'integer' },
    ...prefixed('client__', LINK_CLIENT_FIELDS),
    { key: 'services[]platform', label: 'Service Platform' },
    { key: 'services[]service', label: 'Service' },
    { key: 'services[]accessLevel', label: 'Service Access Level' },
    { key: 'services[]status', label: 'Service Status (granted or skipped)' },
    { key: 'tokens[]platform', label: 'Retained Token Platform' },
    { key: 'tokens[]accessToken', label: 'Retained Access Token' },
    { key: 'tokens[]refreshToken', label: 'Retained Refresh Token' },
    { key: 'tokens[]expiresAt', label: 'Retained Access Token Expires (epoch milliseconds)' },
    { key: 'tokens[]keptUntil', label: 'Retained Token Kept Until (epoch milliseconds)' },
  ],
});
