'use strict';

// The app under Zapier's own tester, which runs each step in this process as Zapier would.
// Zapier's core prints every run's memory use unless it knows it is under test: tell it first.
process.env.NODE_ENV = 'test';

const zapier = require('zapier-platform-core');

const App = require('../index');

module.exports = { App, appTester: zapier.createAppTester(App) };
