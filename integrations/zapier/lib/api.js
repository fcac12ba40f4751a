'use strict';

// How every operation talks to AgencyAccess: the install's own address (each agency hosts its
// own), the path of the API, and the `data` of the answer. middleware.js has already put the key
// on the request and turned any error answer into an error, so what reaches here is a success.

const installAddress = (z, bundle) => {
  const address = String(bundle.authData.baseUrl || '')
    .trim()
    .replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/i.test(address)) {
    throw new z.errors.Error(
      `The AgencyAccess address must start with https:// (or http://), e.g. https://access.youragency.com; got "${address}".`,
      'InvalidAddress',
      400,
    );
  }
  return address;
};

// `options` are z.request's, with `path` (under the install's address) in place of `url`.
const apiRequest = (z, bundle, { path, ...options }) =>
  z.request({ method: 'GET', ...options, url: installAddress(z, bundle) + path });

const callApi = async (z, bundle, options) => (await apiRequest(z, bundle, options)).data.data;

// A create's optional "Idempotency key" input, as the header the API reads: a retried Zap step
// with the same key gets the first answer back instead of a second client or link.
const idempotencyHeaders = (bundle) => {
  const key = bundle.inputData.idempotencyKey;
  return key ? { 'Idempotency-Key': String(key) } : {};
};

// POST /api/<resource>/create answers with the new id; the step returns the object as
// /api/<resource>/retrieve shows it, so that later steps can map any of its fields.
const createAndRetrieve = async (z, bundle, resource, body) => {
  const id = await callApi(z, bundle, {
    method: 'POST',
    path: `/api/${resource}/create`,
    body,
    headers: idempotencyHeaders(bundle),
  });
  return callApi(z, bundle, { path: `/api/${resource}/retrieve`, params: { id } });
};

const IDEMPOTENCY_KEY_FIELD = {
  key: 'idempotencyKey',
  label: 'Idempotency key',
  required: false,
  helpText:
    'Optional. Map something unique to this run, e.g. the ID of the trigger item: if Zapier runs this step again with the same key within 24 hours, AgencyAccess answers with the first result and creates nothing new.',
};

module.exports = { apiRequest, callApi, createAndRetrieve, IDEMPOTENCY_KEY_FIELD };
