#!/usr/bin/env python3
"""Builds a corpus of model-shaped patches from real source files.

For each source file: an intended new version (lines changed, inserted,
deleted, the way a model edits code), a correct unified diff between the two
(difflib, a/ b/ prefixes, 3 lines of context), and copies of that diff
corrupted the way models corrupt them. Every case is a folder:

    CASE/tree/PATH       the file as it is
    CASE/patch.diff      what the "model" wrote
    CASE/expected/PATH   the intended result
    CASE/kind            the corruption's name

Usage: make_corpus.py OUT_DIR [--files N] [--seed S] [--source DIR ...]
"""
import argparse
import difflib
import os
import random
import re
import shutil

KINDS = [
    "clean",           # the diff as a tool would write it
    "shifted",         # every @@ line number off by the same 5..40 lines
    "drifted",         # each hunk's numbers off by a different amount
    "no_numbers",      # "@@ ... @@" headers, no numbers at all
    "dropped_context", # one context line missing per hunk (counts recomputed)
    "reindented",      # all indentation in the hunks lost
    "retabbed",        # indentation of the hunks in tabs / 2 spaces instead of the file's
    "truncated",       # trailing context of each hunk cut, counts left as they were
    "prose",           # a fenced diff inside an explanation
    "combined",        # shifted + dropped context + prose
    # Issue 11: what real models write that the kinds above never produce.
    "past_blank",      # right counts, then one blank context line (" ") after each hunk
    "past_context",    # right counts, then the file's next 1-3 lines as context after each hunk
    "miscounted",      # counts met before each hunk's last change (git apply drops it)
    "blank_added",     # the new version has a line of bare indentation (a "+    " line)
    "latin1",          # the file is latin-1 (German text); the diff is UTF-8, as models write
    "cp1251",          # the file is CP1251 (Russian text)
    "utf16",           # the file is UTF-16LE with a byte order mark
]

# Non-ASCII text for the encoding kinds: a comment in the file, and one the edit adds.
ENCODED = {
    "latin1": ("latin-1", "/* Gr\u00f6\u00dfe der \u00dcbung */", "/* Schl\u00fcssel f\u00fcr B\u00e4r */"),
    "cp1251": ("cp1251", "/* \u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440 */",
               "/* \u041d\u043e\u0432\u0430\u044f \u0441\u0442\u0440\u043e\u043a\u0430 */"),
    "utf16": ("utf-16", "/* Gr\u00fc\u00dfe, \u65e5\u672c\u8a9e */", "/* \u2713 \u00fcber */"),
}


def pick_sources(source_dirs, count, rng):
    candidates = []
    for root in source_dirs:
        for folder, _, names in os.walk(root):
            for name in names:
                if not name.endswith((".h", ".hpp", ".c", ".cpp", ".py")):
                    continue
                path = os.path.join(folder, name)
                try:
                    size = os.path.getsize(path)
                    if not 3000 <= size <= 60000 or os.path.islink(path):
                        continue
                    with open(path, "rb") as f:
                        data = f.read()
                    text = data.decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if "\r" in text or not text.endswith("\n") or "\t" in text[:0]:
                    continue
                candidates.append((path, text))
    candidates.sort()
    rng.shuffle(candidates)
    return candidates[:count]


def indentation(line):
    return line[: len(line) - len(line.lstrip(" \t"))]


def edit_lines(lines, rng):
    """The intended change: 1-3 places, each a change, an insertion or a deletion."""
    new = list(lines)
    places = sorted(rng.sample(range(5, len(new) - 5), k=min(3, max(1, len(new) // 60))),
                    reverse=True)
    for at in places:
        # Only touch lines with some text, so the change is meaningful.
        while at < len(new) - 1 and len(new[at].strip()) < 4:
            at += 1
        kind = rng.choice(["change", "insert", "delete", "change"])
        if kind == "change":
            body = new[at].rstrip("\n")
            if body.endswith("\\"):  # a macro continuation: the comment goes in front
                indent = indentation(body)
                new[at] = indent + "/* edited */ " + body[len(indent):] + "\n"
            else:
                new[at] = body + "  /* edited */\n"
        elif kind == "insert":
            indent = indentation(new[at])
            added = [f"{indent}/* added line {i} by the model */\n" for i in range(rng.randint(1, 3))]
            new[at + 1:at + 1] = added
        else:
            del new[at:at + rng.randint(1, 2)]
    return new


HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$")


def split_hunks(diff_lines):
    """(file header lines, [hunk as [header, lines...]])"""
    header, hunks = [], []
    for line in diff_lines:
        if line.startswith("@@"):
            hunks.append([line])
        elif hunks:
            hunks[-1].append(line)
        else:
            header.append(line)
    return header, hunks


def recount(hunk):
    m = HEADER.match(hunk[0].rstrip("\n"))
    old = sum(1 for l in hunk[1:] if l[:1] in (" ", "-"))
    new = sum(1 for l in hunk[1:] if l[:1] in (" ", "+"))
    hunk[0] = f"@@ -{m.group(1)},{old} +{m.group(3)},{new} @@{m.group(5)}\n"


def shift(hunk, by):
    m = HEADER.match(hunk[0].rstrip("\n"))
    a = max(1, int(m.group(1)) + by)
    c = max(1, int(m.group(3)) + by)
    hunk[0] = f"@@ -{a},{m.group(2) or 1} +{c},{m.group(4) or 1} @@{m.group(5)}\n"


def miscount(hunk):
    """Counts that a prefix ending before the hunk's last block of changes meets."""
    body = hunk[1:]
    last = max(i for i, l in enumerate(body) if l[:1] in "+-")
    while last > 0 and body[last - 1][:1] in "+-":
        last -= 1
    m = HEADER.match(hunk[0].rstrip("\n"))
    old = sum(1 for l in body[:last] if l[:1] in (" ", "-"))
    new = sum(1 for l in body[:last] if l[:1] in (" ", "+"))
    hunk[0] = f"@@ -{m.group(1)},{old} +{m.group(3)},{new} @@{m.group(5)}\n"


def corrupt(kind, diff, rng, old_lines):
    header, hunks = split_hunks(diff)
    if kind == "past_blank":
        for h in hunks:
            h.append(" \n")
    if kind == "past_context":
        for h in hunks:
            m = HEADER.match(h[0].rstrip("\n"))
            end = int(m.group(1)) - 1 + int(m.group(2) or 1)
            h.extend(" " + l for l in old_lines[end:end + rng.randint(1, 3)])
    if kind == "miscounted":
        for h in hunks:
            miscount(h)
    by = rng.choice([-1, 1]) * rng.randint(5, 40)
    if kind in ("shifted", "combined"):
        for h in hunks:
            shift(h, by)
    if kind == "drifted":
        for h in hunks:
            shift(h, rng.choice([-1, 1]) * rng.randint(3, 60))
    if kind == "no_numbers":
        for h in hunks:
            h[0] = "@@ ... @@\n"
    if kind in ("dropped_context", "combined"):
        for h in hunks:
            context = [i for i, l in enumerate(h) if i > 0 and l.startswith(" ") and l.strip()]
            if len(context) > 2:
                del h[rng.choice(context[1:-1])]
            recount(h)
    if kind == "reindented":
        for h in hunks:
            h[1:] = [l[0] + l[1:].lstrip(" \t") if l[:1] in " +-" else l for l in h[1:]]
    if kind == "retabbed":
        for h in hunks:
            out = []
            for l in h[1:]:
                if l[:1] in " +-":
                    body = l[1:]
                    indent = indentation(body)
                    width = len(indent.expandtabs(8))
                    if "\t" in indent:
                        new_indent = " " * (width // 2)
                    else:
                        new_indent = "\t" * (width // 4) + " " * (width % 4)
                    l = l[0] + new_indent + body[len(indent):]
                out.append(l)
            h[1:] = out
    if kind == "truncated":
        for h in hunks:
            while len(h) > 2 and h[-1].startswith(" "):
                h.pop()
    text = "".join(header) + "".join("".join(h) for h in hunks)
    if kind in ("prose", "combined"):
        text = ("Here is the change you asked for. I kept the style of the file.\n\n```diff\n"
                + text + "```\n\nThis should fix the problem; let me know if it needs more.\n")
    return text


def variant_blank_added(lines, new, rng):
    """The intended version with a line of bare indentation added before a line."""
    want = list(new)
    at = rng.randrange(5, len(want) - 5)
    indent = indentation(want[at]) or "    "
    want[at:at] = [indent + "\n", indent + "/* after a blank line */\n"]
    return lines, want


def variant_encoded(spec, lines, rng):
    """The file with non-ASCII text in it, and an intended version that adds more."""
    encoding, present, added = spec
    old = list(lines)
    old.insert(2, present + "\n")
    want = edit_lines(old, rng)
    at = rng.randrange(5, len(want) - 5)
    want.insert(at, added + "\n")
    return encoding, old, want


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", action="append")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sources = args.source or ["/usr/include"]
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    count = 0
    for index, (path, text) in enumerate(pick_sources(sources, args.files, rng)):
        lines = [line + "\n" for line in text.split("\n")[:-1]]  # only "\n" ends a line
        if len(lines) < 20:
            continue
        new = edit_lines(lines, rng)
        rel = f"src/file{index}{os.path.splitext(path)[1]}"
        diff = list(difflib.unified_diff(lines, new, "a/" + rel, "b/" + rel, n=3))
        if not diff:
            continue
        for kind in KINDS:
            case = os.path.join(args.out, f"{index:03d}-{kind}")
            old, want, encoding = lines, new, "utf-8"
            if kind == "blank_added":
                old, want = variant_blank_added(lines, new, rng)
            elif kind in ENCODED:
                encoding, old, want = variant_encoded(ENCODED[kind], lines, rng)
            case_diff = diff if old is lines and want is new else list(
                difflib.unified_diff(old, want, "a/" + rel, "b/" + rel, n=3))
            for sub, content in (("tree", "".join(old)), ("expected", "".join(want))):
                os.makedirs(os.path.join(case, sub, "src"), exist_ok=True)
                with open(os.path.join(case, sub, rel), "wb") as f:
                    f.write(content.encode(encoding))
            with open(os.path.join(case, "patch.diff"), "w") as f:
                f.write(corrupt(kind, case_diff, rng, old))
            with open(os.path.join(case, "kind"), "w") as f:
                f.write(kind + "\n")
            with open(os.path.join(case, "source"), "w") as f:
                f.write(path + "\n")
            count += 1
    print(f"{count} cases in {args.out}")


if __name__ == "__main__":
    main()
