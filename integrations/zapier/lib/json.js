'use strict';

// A JSON object: not null, not a list, not a text or a number.
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

module.exports = { isObject };
