#!/usr/bin/env node
'use strict';
// Committed entry point so `npx logwitness` resolves before and after the TypeScript build.
require('../dist/bin.js').main(process.argv.slice(2));
