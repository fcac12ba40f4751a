'use strict';

// Every request carries the API key; every answer is AgencyAccess's envelope,
// {"error": false, "data": ...} or {"error": true, "msg": "..."}, and an error one becomes an
// error Zapier shows with the server's own message.

const { isObject } = require('./lib/json');

const addApiKey = (request, z, bundle) => {
  request.headers = request.headers || {};
  request.headers['X-Auth'] = bundle.authData.apiKey;
  request.headers.Accept = 'application/json';
  return request;
};

const isEnvelope = (body) => isObject(body) && typeof body.error === 'boolean';

// Throws for an answer that is not a success envelope; returns the response otherwise. Exported
// for requests that read a status themselves first (skipThrowForStatus).
const checkEnvelope = (response, z) => {
  const body = response.data;
  if (response.status === 401) {
    const msg = isEnvelope(body) && body.msg ? body.msg : 'The API key was refused.';
    throw new z.errors.Error(msg, 'AuthenticationError', 401);
  }
  if (!isEnvelope(body)) {
    // Our API answers every /api/ request in the envelope, errors and unknown paths included: an
    // answer without it comes from something else at that address.
    throw new z.errors.Error(
      `${new URL(response.url).host} did not answer as an AgencyAccess server would (HTTP ${response.status}): check the AgencyAccess address of this connection.`,
      'NotAgencyAccess',
      response.status,
    );
  }
  if (body.error) {
    throw new z.errors.Error(body.msg, 'ApiError', response.status);
  }
  return response;
};

const raiseForErrors = (response, z) =>
  response.skipThrowForStatus ? response : checkEnvelope(response, z);

module.exports = {
  befores: [addApiKey],
  afters: [raiseForErrors],
  checkEnvelope,
};
