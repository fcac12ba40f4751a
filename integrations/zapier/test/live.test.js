'use strict';

// The app's real steps against a running AgencyAccess, over HTTP: `make run`'s server, or the
// one agencyaccess/tests/test_zapier_app.py starts. It needs
//   AGENCYACCESS_URL                 the server's address, e.g. http://127.0.0.1:8000
//   AGENCYACCESS_API_KEY             a key of one agency with every capability
//   AGENCYACCESS_GOOGLE_ACCOUNT_ID   optional: a connected Google account of that agency, to
//                                    create a link that asks for Google Ads
// and is skipped without the first two. It creates clients (and a link) in that agency.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { App, appTester } = require('./tester');

const {
  AGENCYACCESS_URL: baseUrl,
  AGENCYACCESS_API_KEY: apiKey,
  AGENCYACCESS_GOOGLE_ACCOUNT_ID: googleAccountId,
} = process.env;

const skip = !(baseUrl && apiKey) && 'set AGENCYACCESS_URL and AGENCYACCESS_API_KEY to run it';

// A Zap's URL as Zapier makes them. Nothing is delivered there during the test: every
// subscription is removed before the test that made it ends.
const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/0/agencyaccess-live-test/';
const RUN = Date.now().toString(36);

const bundle = (extra = {}) => ({ authData: { baseUrl, apiKey }, ...extra });

const appErrorOf = (error) => JSON.parse(error.message);

const subscribe = async (key) => {
  const subscription = await appTester(
    App.triggers[key].operation.performSubscribe,
    bundle({ targetUrl: TARGET_URL }),
  );
  assert.match(subscription.id, /^\S+$/);
  assert.equal(subscription.event, key);
  assert.equal(subscription.target_url, TARGET_URL);
  return subscription;
};

const unsubscribe = (key, subscription) =>
  appTester(
    App.triggers[key].operation.performUnsubscribe,
    bundle({ subscribeData: subscription }),
  );

const createClient = (inputData) =>
  appTester(App.creates.create_client.operation.perform, bundle({ inputData }));

// Each test skipped on its own, so that the runner's count of skipped tests says so.
const live = (name, fn, options = {}) => test(name, { skip, timeout: 30_000, ...options }, fn);

live('the connection test names the agency', async () => {
  const me = await appTester(App.authentication.test, bundle());

  assert.match(me.agency.id, /^[A-Za-z0-9]{20}$/);
  assert.ok(Array.isArray(me.key.capabilities));
  const label = await appTester(App.authentication.connectionLabel, bundle({ inputData: me }));
  assert.equal(label, me.agency.name);
  assert.ok(label.length > 0);
});

live('a wrong key is an AuthenticationError', async () => {
  const wrongKey = bundle({ authData: { baseUrl, apiKey: `aak_000000000000_${'0'.repeat(40)}` } });

  await assert.rejects(appTester(App.authentication.test, wrongKey), (error) => {
    const { code, status } = appErrorOf(error);
    assert.deepEqual({ code, status }, { code: 'AuthenticationError', status: 401 });
    return true;
  });
});

for (const [key, { operation }] of Object.entries(App.triggers)) {
  live(`${key}: subscribe, recent payloads, unsubscribe`, async () => {
    const subscription = await subscribe(key);
    try {
      const items = await appTester(operation.performList, bundle());

      assert.ok(items.length >= 1 && items.length <= 3, `${items.length} items`);
      for (const item of items) {
        assert.match(item.event_id, /^\S+$/);
        assert.equal(item.event_type, operation.sample.event_type);
      }
    } finally {
      assert.deepEqual(await unsubscribe(key, subscription), { id: subscription.id });
    }
    // Once more: AgencyAccess no longer knows it (404), which the app takes as done.
    assert.deepEqual(await unsubscribe(key, subscription), { id: subscription.id });
  });
}

live('Create Client, once per idempotency key; Find Client; the New Client trigger', async () => {
  const subscription = await subscribe('client_created');
  try {
    const email = `zapier-live-${RUN}@example.com`;
    const inputData = {
      name: 'Zapier Live Test',
      email,
      language: 'english',
      metadata: { source: 'zapier live test' },
      idempotencyKey: `zapier-live-${RUN}`,
    };

    const client = await createClient(inputData);
    assert.match(client.id, /^[A-Za-z0-9]{20}$/);
    assert.deepEqual(
      { email: client.email, language: client.language, metadata: client.metadata },
      { email, language: 'English', metadata: { source: 'zapier live test' } },
    );
    assert.equal((await createClient(inputData)).id, client.id, 'a replay creates nothing');

    const found = await appTester(
      App.searches.find_client.operation.perform,
      bundle({ inputData: { email } }),
    );
    assert.deepEqual(
      found.map((c) => c.id),
      [client.id],
    );

    const [newest] = await appTester(App.triggers.client_created.operation.performList, bundle());
    assert.equal(newest.client.id, client.id);
    assert.equal(newest.source, 'api');
  } finally {
    await unsubscribe('client_created', subscription);
  }
});

live("the API's error message reaches the step", async () => {
  const inputData = { name: 'Zapier Live Test', email: 'not-an-email', language: 'English' };

  await assert.rejects(createClient(inputData), (error) => {
    const { code, status, message } = appErrorOf(error);
    assert.deepEqual({ code, status }, { code: 'ApiError', status: 400 });
    assert.match(message, /email/);
    return true;
  });
});

live(
  'Create Link returns the link with the address to send',
  async () => {
    const client = await createClient({
      name: 'Zapier Live Test',
      email: `zapier-live-link-${RUN}@example.com`,
      language: 'English',
    });
    const requestedAccounts = {
      Google: { 'Google Ads': { requestedAccountLinks: [{ internalAccountID: googleAccountId }] } },
    };

    const link = await appTester(
      App.creates.create_link.operation.perform,
      bundle({
        inputData: {
          clientID: client.id,
          requestedAccounts: JSON.stringify(requestedAccounts),
          sendEmail: 'no',
          thankYouMessage: 'Thanks from Zapier',
          idempotencyKey: `zapier-live-link-${RUN}`,
        },
      }),
    );

    assert.equal(link.clientID, client.id);
    assert.ok(link.url.includes(link.id), link.url);
    assert.equal(link.thankYouMessage, 'Thanks from Zapier');
    assert.equal(link.requestedAccounts.Google['Google Ads'].requested, true);
  },
  { skip: skip || (!googleAccountId && 'set AGENCYACCESS_GOOGLE_ACCOUNT_ID to create a link') },
);
