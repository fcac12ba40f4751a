'use strict';

const { callApi } = require('../lib/api');
const { CLIENT, CLIENT_FIELDS } = require('../lib/shapes');

module.exports = {
  key: 'find_client',
  noun: 'Client',
  display: {
    label: 'Find Client',
    description: 'Finds a client by e-mail address (the newest, when several share it).',
  },
  operation: {
    inputFields: [{ key: 'email', label: 'Email', required: true }],
    // Newest first, an empty list when there is none: what Zapier expects of a search.
    perform: (z, bundle) =>
      callApi(z, bundle, { path: '/api/clients/find', params: { email: bundle.inputData.email } }),
    sample: CLIENT,
    outputFields: CLIENT_FIELDS,
  },
};
