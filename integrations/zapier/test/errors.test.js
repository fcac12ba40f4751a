'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { App, appTester, bundle, api, failure, rejectsWith } = require('./helpers');

// Any request will do: the mapping is the middleware's, the same for every step.
const findClient = () =>
  appTester(
    App.searches.find_client.operation.perform,
    bundle({ inputData: { email: 'x@example.com' } }),
  );
const answer = (status, body, headers) =>
  api().get('/api/clients/find').query({ email: 'x@example.com' }).reply(status, body, headers);

for (const [status, msg] of [
  [400, 'email must be a valid e-mail address, such as jane@example.com.'],
  [403, 'This API key lacks the clients:retrieve capability.'],
  [404, 'Not found.'],
  [409, 'The intake form is disabled.'],
  [500, 'Something went wrong on our side.'],
]) {
  test(`an error envelope with ${status} is an error with its message`, async () => {
    answer(status, failure(msg));

    await rejectsWith(findClient(), { code: 'ApiError', status, message: msg });
  });
}

test('an error envelope is an error whatever its status', async () => {
  answer(200, failure('Please provide a valid clientID'));

  await rejectsWith(findClient(), {
    code: 'ApiError',
    status: 200,
    message: 'Please provide a valid clientID',
  });
});

test('a 401 without the envelope is still an AuthenticationError', async () => {
  answer(401, 'Unauthorized', { 'Content-Type': 'text/plain' });

  await rejectsWith(findClient(), {
    code: 'AuthenticationError',
    status: 401,
    message: 'The API key was refused.',
  });
});

test('a server error page without the envelope says what answered', async () => {
  answer(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' });

  await rejectsWith(findClient(), { code: 'NotAgencyAccess', status: 502 });
});

test('a rate limit (429) is left to Zapier, which retries after Retry-After', async () => {
  answer(429, failure('Too many requests.'), { 'Retry-After': '17' });

  await assert.rejects(findClient(), (error) => {
    assert.equal(error.name, 'ThrottledError');
    assert.equal(JSON.parse(error.message).delay, 17);
    return true;
  });
});
