'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { App, appTester, bundle, api, ok, failure, rejectsWith } = require('./helpers');

const createClient = App.creates.create_client.operation;
const createLink = App.creates.create_link.operation;
const findClient = App.searches.find_client.operation;

const CLIENT = createClient.sample;
const LINK = createLink.sample;
const IDEMPOTENCY_KEY = 'zap-run-Ev5Rt8Yu1Io4Pa7Sd2Fg';
const REQUESTED_ACCOUNTS = {
  Google: {
    'Google Ads': {
      accessLevel: 'STANDARD',
      requestedAccountLinks: [{ internalAccountID: 'Ca2Mn5Bv8Cx1Zl4Kj7Hg' }],
    },
  },
};

const retrieveClient = () =>
  api().get('/api/clients/retrieve').query({ id: CLIENT.id }).reply(200, ok(CLIENT));
const retrieveLink = () =>
  api().get('/api/links/retrieve').query({ id: LINK.id }).reply(200, ok(LINK));

test('Create Client sends the fields given and returns the client as the API shows it', async () => {
  api({ badheaders: ['Idempotency-Key'] })
    .post('/api/clients/create', {
      name: 'Jane Doe',
      email: 'jane@example.com',
      company: "Jane's Bakery",
      language: 'English',
      metadata: { crm_id: '4711' },
    })
    .reply(200, ok(CLIENT.id));
  retrieveClient();

  const inputData = {
    name: 'Jane Doe',
    email: 'jane@example.com',
    company: "Jane's Bakery",
    website: '', // left empty: not sent, so the API keeps its default
    language: 'English',
    metadata: { crm_id: '4711' },
  };
  const result = await appTester(createClient.perform, bundle({ inputData }));

  assert.deepEqual(result, CLIENT);
});

test('Create Client sends the idempotency key as the Idempotency-Key header', async () => {
  api()
    .matchHeader('Idempotency-Key', IDEMPOTENCY_KEY)
    .post('/api/clients/create', { name: 'Jane Doe', email: 'jane@example.com', language: 'Dutch' })
    .reply(200, ok(CLIENT.id));
  retrieveClient();

  const inputData = {
    name: 'Jane Doe',
    email: 'jane@example.com',
    language: 'Dutch',
    idempotencyKey: IDEMPOTENCY_KEY,
  };
  assert.deepEqual(await appTester(createClient.perform, bundle({ inputData })), CLIENT);
});

test('a client the API refuses is an error with its message, and nothing is retrieved', async () => {
  api()
    .post('/api/clients/create')
    .reply(400, failure('email must be a valid e-mail address, such as jane@example.com.'));

  const inputData = { name: 'Jane Doe', email: 'jane', language: 'English' };
  await rejectsWith(appTester(createClient.perform, bundle({ inputData })), {
    code: 'ApiError',
    status: 400,
    message: 'email must be a valid e-mail address, such as jane@example.com.',
  });
});

test('Create Link sends the requested accounts as JSON and yes/no fields as booleans', async () => {
  api()
    .matchHeader('Idempotency-Key', IDEMPOTENCY_KEY)
    .post('/api/links/create', {
      clientID: CLIENT.id,
      requestedAccounts: REQUESTED_ACCOUNTS,
      intakeForm: true,
      sendEmail: false,
      retainTokens: true,
      thankYouMessage: 'Thank you for granting access',
      redirect: 'youragency.example/thanks',
    })
    .reply(200, ok(LINK.id));
  retrieveLink();

  const inputData = {
    clientID: CLIENT.id,
    requestedAccounts: JSON.stringify(REQUESTED_ACCOUNTS, null, 2),
    intakeForm: 'yes', // as a mapped value arrives
    sendEmail: 'false',
    retainTokens: true,
    thankYouMessage: 'Thank you for granting access',
    redirect: 'youragency.example/thanks',
    idempotencyKey: IDEMPOTENCY_KEY,
  };
  const result = await appTester(createLink.perform, bundle({ inputData }));

  assert.deepEqual(result, LINK);
  assert.match(result.url, /^https:\/\//);
});

test('Create Link without an idempotency key sends no Idempotency-Key header', async () => {
  api({ badheaders: ['Idempotency-Key'] })
    .post('/api/links/create', { clientID: CLIENT.id, requestedAccounts: {}, intakeForm: true })
    .reply(200, ok(LINK.id));
  retrieveLink();

  const inputData = {
    clientID: CLIENT.id,
    requestedAccounts: '{}',
    intakeForm: 'true',
    idempotencyKey: '',
  };
  assert.deepEqual(await appTester(createLink.perform, bundle({ inputData })), LINK);
});

for (const [requestedAccounts, message] of [
  ['{"Google": {', 'Requested Accounts (JSON) is not valid JSON ('],
  ['[{"Google": {}}]', 'Requested Accounts (JSON) must be a JSON object, {…}.'],
  ['null', 'Requested Accounts (JSON) must be a JSON object, {…}.'],
]) {
  test(`Create Link refuses requested accounts ${requestedAccounts} before any request`, async () => {
    const inputData = { clientID: CLIENT.id, requestedAccounts };

    await assert.rejects(appTester(createLink.perform, bundle({ inputData })), (error) => {
      const { code, message: actual } = JSON.parse(error.message);
      assert.equal(code, 'InvalidInput');
      assert.ok(actual.startsWith(message), actual);
      return true;
    });
  });
}

for (const sendEmail of ['maybe', 'constructor']) {
  test(`Create Link refuses the yes/no value "${sendEmail}", naming the field`, async () => {
    const inputData = { clientID: CLIENT.id, requestedAccounts: '{}', sendEmail };

    await rejectsWith(appTester(createLink.perform, bundle({ inputData })), {
      code: 'InvalidInput',
      message: `Email the Link to the Client must be yes or no (true or false); got "${sendEmail}".`,
    });
  });
}

test('Find Client asks for the e-mail address and returns the matches, newest first', async () => {
  const older = { ...CLIENT, id: 'Cl0Ld9Er8Pa7Yl6Oa5Ds', created: 1700000000000 };
  api()
    .get('/api/clients/find')
    .query({ email: 'jane+zapier@example.com' })
    .reply(200, ok([CLIENT, older]));

  const inputData = { email: 'jane+zapier@example.com' };
  assert.deepEqual(await appTester(findClient.perform, bundle({ inputData })), [CLIENT, older]);
});

test('Find Client finding nobody is an empty list, not an error', async () => {
  api().get('/api/clients/find').query({ email: 'nobody@example.com' }).reply(200, ok([]));

  const inputData = { email: 'nobody@example.com' };
  assert.deepEqual(await appTester(findClient.perform, bundle({ inputData })), []);
});
