// Runs an OHIF app-config.js as a browser page at the given origin would, and prints the window.config it sets as JSON.
// usage: node app-config.js <app-config.js file> <origin>
"use strict";
const fs = require("fs");
const vm = require("vm");

const [file, origin] = process.argv.slice(2);
const window = { location: { origin } };
vm.runInNewContext(fs.readFileSync(file, "utf8"), { window });
process.stdout.write(JSON.stringify(window.config) + "\n");
