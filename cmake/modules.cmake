# The modules, the order they sit in, and what each may use: the one table
# the build (one static library per module, below), the lint.layering test
# (tests/lint/layering.py) and docs/architecture.md ("Modules") agree on.
#
# Layers, lowest first. A module may use modules on lower layers only; modules
# on one layer do not include each other.
set(DRAFTSMITH_LAYERS
  "util"
  "net config"
  "trigger llm edit git host"
  "agent"
  "run"
  "report"
  "cli")

# Edges that break the layers today, each named so it can be removed with a
# one-line edit once the code no longer has it (lint.layering fails on an
# exception nobody uses any more, and on an edge against the layers that is
# not listed here).
set(DRAFTSMITH_LAYERING_EXCEPTIONS)

# One line per module: the modules its files include directly (USES), the C
# library it alone links (LIBS) and the headers of that library, which no
# other module may include (HEADERS). A module's library links its USES; its
# files see the headers of its USES and of theirs, and nothing else of ours,
# so including a module that is not listed fails to compile.
draftsmith_module(util)
draftsmith_module(net     USES util LIBS CURL::libcurl HEADERS curl/)
draftsmith_module(config  USES util LIBS yaml-cpp HEADERS yaml-cpp/)
draftsmith_module(trigger USES util)
draftsmith_module(llm     USES net util)
draftsmith_module(edit    USES util)
draftsmith_module(git     USES util LIBS PkgConfig::LIBGIT2 HEADERS git2)
draftsmith_module(host    USES net util)
draftsmith_module(agent   USES config edit llm trigger util LIBS PkgConfig::RE2 HEADERS re2/)
draftsmith_module(run     USES agent config edit git host llm net trigger util)
draftsmith_module(report  USES host llm net run trigger util)
draftsmith_module(cli     USES config edit git report run trigger util LIBS CLI11::CLI11 HEADERS CLI/)
