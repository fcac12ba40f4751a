'use strict';

const assert = require('node:assert/strict');
const { describe, test } = require('node:test');

const { App, appTester, bundle, api, ok, failure, rejectsWith } = require('./helpers');

const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/1234567/abcdef/';
const SUBSCRIPTION_ID = 'Sb3Xc7Vb1Nm5Qw9Er2Ty';

// Every trigger is a hook on the event of its own key, whose payload is its sample's shape.
for (const [key, trigger] of Object.entries(App.triggers)) {
  const { operation } = trigger;

  describe(key, () => {
    test('turning a Zap on subscribes its URL to the event', async () => {
      const subscription = { id: SUBSCRIPTION_ID, event: key, target_url: TARGET_URL };
      api()
        .post('/api/hooks/subscribe', { event: key, target_url: TARGET_URL })
        .reply(201, ok(subscription));

      const result = await appTester(operation.performSubscribe, bundle({ targetUrl: TARGET_URL }));

      assert.deepEqual(result, subscription);
    });

    test('turning it off unsubscribes what the subscription answered', async () => {
      api()
        .post('/api/hooks/unsubscribe', { id: SUBSCRIPTION_ID })
        .reply(200, ok({ id: SUBSCRIPTION_ID }));

      const result = await appTester(
        operation.performUnsubscribe,
        bundle({ subscribeData: { id: SUBSCRIPTION_ID, event: key, target_url: TARGET_URL } }),
      );

      assert.deepEqual(result, { id: SUBSCRIPTION_ID });
    });

    test('a delivered payload triggers the Zap once, as it is', async () => {
      const result = await appTester(
        operation.perform,
        bundle({ cleanedRequest: operation.sample }),
      );

      assert.deepEqual(result, [operation.sample]);
    });

    test('the editor gets the recent payloads of the event', async () => {
      const older = { ...operation.sample, event_id: 'Ev0Ld9Er8Pa7Yl6Oa5Ds' };
      api()
        .get('/api/hooks/sample')
        .query({ event: key })
        .reply(200, ok([operation.sample, older]));

      const result = await appTester(operation.performList, bundle());

      assert.deepEqual(result, [operation.sample, older]);
    });
  });
}

const { operation } = App.triggers.access_granted;

test('a subscription AgencyAccess no longer has (404) is already off', async () => {
  api()
    .post('/api/hooks/unsubscribe', { id: SUBSCRIPTION_ID })
    .reply(404, failure('Subscription not found.'));

  const result = await appTester(
    operation.performUnsubscribe,
    bundle({ subscribeData: { id: SUBSCRIPTION_ID } }),
  );

  assert.deepEqual(result, { id: SUBSCRIPTION_ID });
});

test('any other error while unsubscribing is shown', async () => {
  api()
    .post('/api/hooks/unsubscribe', { id: SUBSCRIPTION_ID })
    .reply(401, failure('Invalid API key'));

  await rejectsWith(
    appTester(operation.performUnsubscribe, bundle({ subscribeData: { id: SUBSCRIPTION_ID } })),
    { code: 'AuthenticationError', status: 401, message: 'Invalid API key' },
  );
});

test('a refused subscription is shown with its message', async () => {
  api()
    .post('/api/hooks/subscribe', { event: 'access_granted', target_url: TARGET_URL })
    .reply(400, failure('target_url must be an https:// address.'));

  await rejectsWith(appTester(operation.performSubscribe, bundle({ targetUrl: TARGET_URL })), {
    code: 'ApiError',
    status: 400,
    message: 'target_url must be an https:// address.',
  });
});

test('a delivered list of payloads triggers the Zap once for each', async () => {
  const second = { ...operation.sample, event_id: 'Ev0Ld9Er8Pa7Yl6Oa5Ds' };

  const result = await appTester(
    operation.perform,
    bundle({ cleanedRequest: [operation.sample, second] }),
  );

  assert.deepEqual(result, [operation.sample, second]);
});

test('a delivery that is not an object triggers nothing', async () => {
  for (const cleanedRequest of ['ping', null, [1, 'two']]) {
    assert.deepEqual(await appTester(operation.perform, bundle({ cleanedRequest })), []);
  }
});
