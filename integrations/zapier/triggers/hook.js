'use strict';

const { apiRequest, callApi } = require('../lib/api');
const { isObject } = require('../lib/json');
const { checkEnvelope } = require('../middleware');

// Every trigger is a REST hook on one AgencyAccess event: turning a Zap on subscribes its URL,
// AgencyAccess POSTs each event's payload there, turning the Zap off (or deleting it)
// unsubscribes. Only the event, the sample and the labels differ from trigger to trigger.

// Every payload carries the event's own id. Zapier deduplicates on `id` unless fields are marked
// primary, and `id` is not the event's in every payload (in access_granted it is the link's,
// AgencyAccess's documented field), so the event id is the key: one Zap run per event, and a
// delivery AgencyAccess retries or replays (same event id) runs the Zap once.
const EVENT_FIELDS = [
  { key: 'event_id', label: 'Event ID', primary: true },
  { key: 'event_type', label: 'Event Type' },
];

const subscribe = (event) => (z, bundle) =>
  callApi(z, bundle, {
    method: 'POST',
    path: '/api/hooks/subscribe',
    body: { event, target_url: bundle.targetUrl },
  });

const unsubscribe = async (z, bundle) => {
  const { id } = bundle.subscribeData;
  const response = await apiRequest(z, bundle, {
    method: 'POST',
    path: '/api/hooks/unsubscribe',
    body: { id },
    skipThrowForStatus: true,
  });
  // Already gone (AgencyAccess drops a subscription once Zapier answers a delivery with 410):
  // the Zap is off either way.
  if (response.status === 404) {
    return { id };
  }
  return checkEnvelope(response, z).data.data;
};

// The hook's body is the payload itself (or a list of them); anything else triggers nothing.
const hookItems = (z, bundle) => [].concat(bundle.cleanedRequest).filter(isObject);

// For the Zap editor's test step: the newest real payloads of this event, else an example.
const recentPayloads = (event) => (z, bundle) =>
  callApi(z, bundle, { path: '/api/hooks/sample', params: { event } });

const hookTrigger = ({ key, noun, label, description, sample, outputFields }) => ({
  key,
  noun,
  display: { label, description },
  operation: {
    type: 'hook',
    performSubscribe: subscribe(key),
    performUnsubscribe: unsubscribe,
    perform: hookItems,
    performList: recentPayloads(key),
    sample,
    outputFields: [...EVENT_FIELDS, ...outputFields],
  },
});

module.exports = { hookTrigger };
