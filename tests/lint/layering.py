#!/usr/bin/env python3
"""lint.layering: every #include between our modules is allowed by the one
table in cmake/modules.cmake, and docs/architecture.md ("Modules") says the
same as that table.

Usage: layering.py SOURCE_DIR          check the repository; exit 1 on findings
       layering.py --self-test SOURCE_DIR
                                        plant bad includes and a wrong table in
                                        copies of it and check each is caught

What it reads:
- cmake/modules.cmake: DRAFTSMITH_LAYERS (lowest first), DRAFTSMITH_LAYERING_EXCEPTIONS
  (a->b) and one draftsmith_module(name USES ... LIBS ... HEADERS ...) per module;
- every .cpp/.hpp under src/<module>/ and include/draftsmith/<module>/: its
  #include "draftsmith/<m>/...", #include "../<m>/..." and #include <header>;
- docs/architecture.md, section "## Modules": the layer table and the line
  that starts with "Exceptions".

What fails: a module including a module its USES do not list; a USES edge to
the same or a higher layer that is not a named exception; an exception or a
USES edge the code no longer has (the table says what is, so the build links
no more than needed); a C library's headers included outside the module that
owns it; a src/ folder without a row; the documentation disagreeing.
"""
import os
import re
import shutil
import sys
import tempfile

MODULES_CMAKE = "cmake/modules.cmake"
DOC = "docs/architecture.md"


def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def read_table(root):
    text = strip_comments(open(os.path.join(root, MODULES_CMAKE), encoding="utf-8").read())
    layers_match = re.search(r"set\(DRAFTSMITH_LAYERS\s+(.*?)\)", text, re.S)
    exceptions_match = re.search(r"set\(DRAFTSMITH_LAYERING_EXCEPTIONS\s*(.*?)\)", text, re.S)
    if not layers_match or not exceptions_match:
        raise SystemExit(f"{MODULES_CMAKE}: DRAFTSMITH_LAYERS or DRAFTSMITH_LAYERING_EXCEPTIONS not found")
    layers = [quoted.split() for quoted in re.findall(r'"([^"]*)"', layers_match.group(1))]
    exceptions = set(exceptions_match.group(1).split())
    modules = {}
    for body in re.findall(r"draftsmith_module\(([^)]*)\)", text):
        words = body.split()
        row = {"USES": [], "LIBS": [], "HEADERS": []}
        key = None
        for word in words[1:]:
            if word in row:
                key = word
            elif key:
                row[key].append(word)
        modules[words[0]] = row
    return layers, exceptions, modules


def read_doc(root):
    """The layer table and the exceptions of docs/architecture.md's "## Modules"."""
    text = open(os.path.join(root, DOC), encoding="utf-8").read()
    section = re.search(r"^## Modules\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not section:
        raise SystemExit(f"{DOC}: no '## Modules' section")
    layers, owners = [], {}
    for line in section.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 3 and cells[0].isdigit():
            layers.append([name.strip("` ") for name in cells[1].split(",") if name.strip()])
            for library, owner in re.findall(r"([\w-]+) \((\w+)\)", cells[2]):
                owners.setdefault(owner, []).append(library)
    exceptions_line = re.search(r"^Exceptions.*$", section.group(1), re.M)
    exceptions = set(re.findall(r"`(\w+->\w+)`", exceptions_line.group(0))) if exceptions_line else set()
    return layers, exceptions, owners


INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def includes_of(root, module):
    """(file, line number, kind, target) for every #include in a module's files."""
    for top in (os.path.join("src", module), os.path.join("include", "draftsmith", module)):
        base = os.path.join(root, top)
        for folder, _, names in os.walk(base):
            for name in sorted(names):
                if not name.endswith((".cpp", ".hpp", ".h")):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    for number, line in enumerate(handle, 1):
                        match = INCLUDE.match(line)
                        if match:
                            yield os.path.relpath(path, root), number, match.group(1), match.group(2)


def module_of_include(target, modules):
    match = re.match(r"draftsmith/(\w+)/", target) or re.match(r"(?:\.\./)+(?:src/)?(\w+)/", target)
    if match and match.group(1) in modules:
        return match.group(1)
    return None


def check(root):
    findings = []
    layers, exceptions, modules = read_table(root)
    layer_of = {name: index for index, layer in enumerate(layers) for name in layer}
    for name in modules:
        if name not in layer_of:
            findings.append(f"{MODULES_CMAKE}: module {name} is on no layer")
    for folder in sorted(os.listdir(os.path.join(root, "src"))):
        if os.path.isdir(os.path.join(root, "src", folder)) and folder not in modules:
            findings.append(f"src/{folder}: no row in {MODULES_CMAKE}")
    owner_of_header = {prefix: name for name, row in modules.items() for prefix in row["HEADERS"]}

    used_edges = set()
    for name, row in modules.items():
        for path, number, kind, target in includes_of(root, name):
            if kind == "<":
                for prefix, owner in owner_of_header.items():
                    if target.startswith(prefix) and owner != name:
                        findings.append(f"{path}:{number}: {name} includes <{target}>, "
                                        f"which only {owner} may use (its C library)")
                continue
            used = module_of_include(target, modules)
            if not used or used == name:
                continue
            used_edges.add((name, used))
            if used not in row["USES"]:
                findings.append(f"{path}:{number}: {name} includes \"{target}\", but {name} may not "
                                f"use {used} ({MODULES_CMAKE} and docs/architecture.md, Modules)")
        for dep in row["USES"]:
            edge = f"{name}->{dep}"
            if dep not in modules:
                findings.append(f"{MODULES_CMAKE}: {name} USES unknown module {dep}")
                continue
            if layer_of.get(dep, 0) >= layer_of.get(name, 0) and edge not in exceptions:
                findings.append(f"{MODULES_CMAKE}: {edge} points to the same or a higher layer "
                                "and is not in DRAFTSMITH_LAYERING_EXCEPTIONS")
            if (name, dep) not in used_edges:
                findings.append(f"{MODULES_CMAKE}: {name} USES {dep} but includes nothing of it: "
                                "remove it from the row")
    for edge in sorted(exceptions):
        name, _, dep = edge.partition("->")
        if (name, dep) not in used_edges:
            findings.append(f"{MODULES_CMAKE}: exception {edge} is no longer used: remove it "
                            f"(and from {DOC})")
        elif layer_of.get(dep, 0) < layer_of.get(name, 0):
            findings.append(f"{MODULES_CMAKE}: exception {edge} follows the layers anyway: remove it")

    doc_layers, doc_exceptions, doc_owners = read_doc(root)
    if doc_layers != layers:
        findings.append(f"{DOC}: the layers {doc_layers} differ from {MODULES_CMAKE}'s {layers}")
    if doc_exceptions != exceptions:
        findings.append(f"{DOC}: the exceptions {sorted(doc_exceptions)} differ from "
                        f"{MODULES_CMAKE}'s {sorted(exceptions)}")
    libs = {name for name, row in modules.items() if row["LIBS"]}
    if set(doc_owners) != libs:
        findings.append(f"{DOC}: modules with a C library {sorted(doc_owners)} differ from "
                        f"{MODULES_CMAKE}'s {sorted(libs)}")
    return findings


def plant_doc_exception(text):
    """docs/architecture.md naming an exception cmake/modules.cmake does not have."""
    if re.search(r"^Exceptions", text, re.M):
        return re.sub(r"^(Exceptions.*)$", r"\1 `util->cli`", text, count=1, flags=re.M)
    return text.replace("## Modules\n", "## Modules\n\nExceptions: `util->cli`\n", 1)


def self_test(root):
    """Each planted mistake must be caught, and the clean copy must pass."""
    def plant(work, path, edit):
        full = os.path.join(work, path)
        text = open(full, encoding="utf-8").read()
        open(full, "w", encoding="utf-8").write(edit(text))

    first_util = sorted(f for f in os.listdir(os.path.join(root, "src", "util")) if f.endswith(".cpp"))[0]
    first_net = sorted(f for f in os.listdir(os.path.join(root, "src", "net")) if f.endswith(".cpp"))[0]
    cases = [
        ("clean copy", None, None, None),
        ("util includes cli", f"src/util/{first_util}",
         lambda t: '#include "draftsmith/cli/cli.hpp"\n' + t, "util includes \"draftsmith/cli/cli.hpp\""),
        ("relative include upward", f"src/util/{first_util}",
         lambda t: '#include "../report/x.hpp"\n' + t, "util may not use report"),
        ("libgit2 outside git", f"src/net/{first_net}",
         lambda t: "#include <git2.h>\n" + t, "net includes <git2.h>"),
        ("same-layer edge in the table", MODULES_CMAKE,
         lambda t: t.replace("draftsmith_module(llm     USES net util)",
                             "draftsmith_module(llm     USES net util host)"), "llm->host points"),
        ("an exception only the docs name", DOC, plant_doc_exception,
         "docs/architecture.md: the exceptions"),
        ("layers reordered in the docs", DOC,
         lambda t: t.replace("| net, config |", "| config |"), "docs/architecture.md: the layers"),
    ]
    failures = 0
    for title, path, edit, expected in cases:
        with tempfile.TemporaryDirectory() as work:
            for part in ("src", "include", "cmake", "docs"):
                shutil.copytree(os.path.join(root, part), os.path.join(work, part))
            if path:
                plant(work, path, edit)
            found = check(work)
            ok = (not found) if expected is None else any(expected in f for f in found)
            print(f"{'ok  ' if ok else 'FAIL'} {title}: {found[:3] if found else 'no findings'}")
            failures += 0 if ok else 1
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    findings = check(argv[1])
    for finding in findings:
        print(f"layering: {finding}")
    if not findings:
        print("layering: every #include follows cmake/modules.cmake, and docs/architecture.md agrees")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
