'use strict';

const { callApi } = require('./lib/api');

// Proves the address and the key, and tells whose agency this connection is:
// {"agency": {"id", "name"}, "key": {"name", "capabilities"}}.
const test = (z, bundle) => callApi(z, bundle, { path: '/api/me' });

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'baseUrl',
      label: 'AgencyAccess address',
      required: true,
      type: 'string',
      helpText:
        'The address your AgencyAccess install is served at, as it appears in your browser, e.g. `https://access.youragency.com`. Zapier must be able to reach it over the internet.',
    },
    {
      key: 'apiKey',
      label: 'API key',
      required: true,
      type: 'password',
      helpText:
        'An API key from the API page of the AgencyAccess dashboard (owners only). Give it the capabilities of the steps you use: Create Customer and Retrieve Customer for "Create Client" and "Find Client", Create Link and Retrieve Link for "Create Link".',
    },
  ],
  test,
  // The test's answer arrives here as bundle.inputData.
  connectionLabel: (z, bundle) => bundle.inputData.agency.name,
};
