#pragma once
// The command line: `draftsmith run | parse | apply | config check | version`.
//
// run() is the whole program: it parses argv, configures logging, runs the
// chosen subcommand and turns any error into a message on stderr and an exit
// code (see man draftsmith, EXIT STATUS). It never throws.

namespace draftsmith::cli {

int run(int argc, char** argv);

} // namespace draftsmith::cli
