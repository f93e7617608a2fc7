// The one plain closing line of a test run, readable by any CI: "jest: N passed, N failed, N skipped",
// then the Node.js that ran it. Reads jest's --json results file (the first argument).
const results = require(require("node:path").resolve(process.argv[2]));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(
  `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped (Node.js ${process.version})`,
);
