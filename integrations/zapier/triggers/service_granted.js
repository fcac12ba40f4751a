'use strict';

const { hookTrigger } = require('./hook');
const { prefixed, LINK_CLIENT, LINK_CLIENT_FIELDS, ASSET, ASSET_FIELDS } = require('../lib/shapes');

module.exports = hookTrigger({
  key: 'service_granted',
  noun: 'Service',
  label: 'Service Granted',
  description:
    'Triggers when a client grants one requested service (e.g. Google Ads), with the accounts they shared.',
  sample: {
    link_id: 'ccXFZzXwyB35IXNFMW6N',
    client: LINK_CLIENT,
    platform: 'Google',
    service: 'Google Ads',
    access_level: 'STANDARD',
    result: 'granted',
    assets: [ASSET],
    event_id: 'Ev3Nm7Qa1Ws5Ed9Rf4Tg',
    event_type: 'service.granted',
  },
  outputFields: [
    { key: 'link_id', label: 'Link ID' },
    { key: 'platform', label: 'Platform' },
    { key: 'service', label: 'Service' },
    { key: 'access_level', label: 'Access Level' },
    { key: 'result', label: 'Result (granted, or partial when some accounts are still pending)' },
    ...prefixed('assets[]', ASSET_FIELDS),
    ...prefixed('client__', LINK_CLIENT_FIELDS),
  ],
});
