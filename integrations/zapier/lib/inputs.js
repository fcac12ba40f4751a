'use strict';

// From a step's inputs to an API request body. Zapier leaves an empty optional field out or
// sends it as "", and a yes/no field as text when mapped; the API wants an absent field for
// "not given" and JSON booleans (it refuses "true"), so both are converted here, and only here.

const { isObject } = require('./json');

const BOOLEANS = new Map([
  ['true', true],
  ['yes', true],
  ['1', true],
  ['false', false],
  ['no', false],
  ['0', false],
]);

const isGiven = (value) => value !== undefined && value !== null && value !== '';

const invalid = (z, message) => new z.errors.Error(message, 'InvalidInput', 400);

const toBoolean = (z, field, value) => {
  const boolean =
    typeof value === 'boolean' ? value : BOOLEANS.get(String(value).trim().toLowerCase());
  if (boolean === undefined) {
    throw invalid(z, `${field.label} must be yes or no (true or false); got "${value}".`);
  }
  return boolean;
};

// The body holds each given field under its key, which is the API's own field name.
const requestBody = (z, fields, inputData) => {
  const body = {};
  for (const field of fields) {
    const value = inputData[field.key];
    if (isGiven(value)) {
      body[field.key] = field.type === 'boolean' ? toBoolean(z, field, value) : value;
    }
  }
  return body;
};

// A JSON object typed or mapped into a text field.
const jsonObject = (z, field, text) => {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(z, `${field.label} is not valid JSON (${error.message}).`);
  }
  if (!isObject(value)) {
    throw invalid(z, `${field.label} must be a JSON object, {…}.`);
  }
  return value;
};

module.exports = { requestBody, jsonObject };
