'use strict';

const { hookTrigger } = require('./hook');

module.exports = hookTrigger({
  key: 'webhook_failed',
  noun: 'Webhook Delivery',
  label: 'Webhook Delivery Failed',
  description:
    'Triggers when AgencyAccess gives up delivering an event to one of your webhook endpoints, after its last retry.',
  sample: {
    endpoint: {
      id: 'Wh6Yh2Uj8Ik4Ol1Pz5Xc',
      url_host: 'crm.youragency.example',
      description: 'CRM sync',
    },
    event: { id: 'Ev5Rt8Yu1Io4Pa7Sd2Fg', type: 'link.completed' },
    attempts: 10,
    last_status: 503,
    last_error: 'HTTP 503 Service Unavailable',
    event_id: 'Ev1Lk9Jh5Gf3Ds7Aq2Wz',
    event_type: 'webhook.failed',
  },
  outputFields: [
    { key: 'endpoint__id', label: 'Endpoint ID' },
    { key: 'endpoint__url_host', label: 'Endpoint Host' },
    { key: 'endpoint__description', label: 'Endpoint Description' },
    { key: 'event__id', label: 'Undelivered Event ID' },
    { key: 'event__type', label: 'Undelivered Event Type' },
    { key: 'attempts', label: 'Attempts', type: 'integer' },
    { key: 'last_status', label: 'Last HTTP Status', type: 'integer' },
    { key: 'last_error', label: 'Last Error' },
  ],
});
