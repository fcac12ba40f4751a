'use strict';

const authentication = require('./authentication');
const middleware = require('./middleware');

const byKey = (...operations) => Object.fromEntries(operations.map((o) => [o.key, o]));

module.exports = {
  version: require('./package.json').version,
  platformVersion: require('zapier-platform-core').version,
  authentication,
  beforeRequest: middleware.befores,
  afterResponse: middleware.afters,
  triggers: byKey(
    require('./triggers/access_granted'),
    require('./triggers/client_created'),
    require('./triggers/intake_completed'),
    require('./triggers/service_granted'),
    require('./triggers/webhook_failed'),
    require('./triggers/grant_drifted'),
    require('./triggers/client_offboarded'),
  ),
  creates: byKey(require('./creates/create_client'), require('./creates/create_link')),
  searches: byKey(require('./searches/find_client')),
  // "Find Client", and "Create Client" when none has that e-mail, as one step.
  searchOrCreates: {
    find_client: {
      key: 'find_client',
      display: {
        label: 'Find or Create Client',
        description: 'Finds a client by e-mail address, or creates one when there is none.',
      },
      search: 'find_client',
      create: 'create_client',
    },
  },
};
