'use strict';

const { hookTrigger } = require('./hook');
const { prefixed, CLIENT, CLIENT_FIELDS } = require('../lib/shapes');

module.exports = hookTrigger({
  key: 'client_created',
  noun: 'Client',
  label: 'New Client',
  description:
    'Triggers when a client is added: through the API, in the dashboard, or by a client signing up on an access page.',
  sample: {
    client: CLIENT,
    source: 'dashboard',
    event_id: 'Ev2Wq6Er9Ty3Ui7Op1As',
    event_type: 'client.created',
  },
  outputFields: [
    ...prefixed('client__', CLIENT_FIELDS),
    { key: 'source', label: 'Added From (api, dashboard or access_page)' },
  ],
});
