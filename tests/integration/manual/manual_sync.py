#!/usr/bin/env python3
"""The manual says the same as --help: every long option and every
subcommand in one is in the other.

    manual_sync.py DRAFTSMITH_BINARY MAN_PAGE

--help side: `draftsmith --help`, then `draftsmith <command> --help` for every
subcommand CLI11 lists, recursively (so `config check` too). An option is the
first column of an indented line in an "Options:" block (`-h,--help`,
`--log-level TEXT:{...}`); a subcommand is the first word of an indented line
in a "Subcommands:" block.

Manual side (mdoc): every `Fl` argument anywhere (`.It Fl \\-log\\-level Ar
level` is --log-level, `.Op Fl \\-dry\\-run` is --dry-run), and every command
named by an `.It Cm ...` line in a section whose title contains COMMANDS
(`.It Cm config check` documents `config check`, and with it `config`).

--help (-h) is left out on both sides: every command has it. Options are
compared as one set over all commands (the manual may group them however it
likes), so an option documented under the wrong command is not caught. Before
comparing, the extractors run on a deliberately changed copy of the manual
and must find the changes, so an extractor that finds nothing fails the test.
"""
import os
import re
import subprocess
import sys

k_ignored_options = {"--help"}
k_macro = re.compile(r"^[A-Z][a-z][a-z]?$|^%[A-Z]$")  # mdoc macro names: Ar, Cm, Fl, Op, Ns, ...


def run_help(binary, path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DRAFTSMITH_")}
    result = subprocess.run([binary, *path, "--help"], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"FAIL: `draftsmith {' '.join(path + ['--help'])}` exited {result.returncode}:\n"
                         f"{result.stdout}{result.stderr}")
    return result.stdout


def parse_help(text):
    """(options, subcommands) of one --help page."""
    options, subcommands = set(), []
    block = None
    for line in text.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if not stripped:
            block = None
            continue
        if stripped.endswith(":") and " " not in stripped:  # "Options:", "Subcommands:", "Positionals:"
            block = stripped[:-1]
            continue
        if indent == 0 or indent >= 12:  # a heading, or a wrapped description
            if indent == 0:
                block = None
            continue
        first = stripped.split()[0]
        if block == "Options" and first.startswith("-"):
            options.update(name for name in first.split(",") if name.startswith("--"))
        elif block == "Subcommands" and re.fullmatch(r"[a-z][a-z0-9-]*", first):
            subcommands.append(first)
    return options, subcommands


def help_side(binary):
    """{option: [command paths]}, {command path}."""
    options, commands = {}, set()
    pending = [[]]
    while pending:
        path = pending.pop()
        found_options, subcommands = parse_help(run_help(binary, path))
        for option in found_options - k_ignored_options:
            options.setdefault(option, []).append(" ".join(["draftsmith", *path]))
        for name in subcommands:
            commands.add(" ".join(path + [name]))
            pending.append(path + [name])
    return options, commands


def mdoc_words(line):
    """The arguments of a macro line, with mdoc's escapes undone."""
    return [word.replace("\\-", "-").replace("\\&", "") for word in line[1:].split()]


def manual_side(text):
    """{option: [line numbers]}, {command path: line number}."""
    options, commands = {}, {}
    section = ""
    in_xo = False  # inside `.It Xo` ... `.Xc`: the first `.Cm` line names the command
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("."):
            continue
        words = mdoc_words(line)
        if not words:
            continue
        if words[:2] == ["It", "Xo"]:
            in_xo = True
            continue
        if in_xo and words[0] == "Cm":
            words = ["It"] + words
        if words[0] in ("Cm", "Xc", "It"):
            in_xo = False
        if words[0] == "Sh":
            section = " ".join(words[1:])
            continue
        for index, word in enumerate(words):
            if word != "Fl":
                continue
            for argument in words[index + 1:]:
                if k_macro.match(argument) or not argument.startswith("-"):
                    break
                name = "-" + argument
                # A bare `--` is the end-of-options marker, not an option.
                if name.startswith("--") and name != "--" and name not in k_ignored_options:
                    options.setdefault(name, []).append(number)
        if "COMMANDS" in section and words[:2] == ["It", "Cm"]:
            names = []
            for word in words[2:]:
                if word == "Cm":
                    continue
                if k_macro.match(word) or not re.fullmatch(r"[a-z][a-z0-9-]*", word):
                    break
                names.append(word)
            if names:
                commands[" ".join(names)] = number
    return options, commands


def differences(help_options, help_commands, man_options, man_commands):
    problems = []
    for option in sorted(set(help_options) - set(man_options)):
        problems.append(f"option {option} is in --help of {', '.join(sorted(help_options[option]))} "
                        "but not in the manual (add it with .Fl)")
    for option in sorted(set(man_options) - set(help_options)):
        lines = ", ".join(str(n) for n in man_options[option])
        problems.append(f"option {option} is in the manual (line {lines}) but in no --help")
    documented = set(man_commands)
    for command in list(man_commands):  # `config check` documents `config`
        words = command.split()
        documented.update(" ".join(words[:i]) for i in range(1, len(words)))
    for command in sorted(help_commands - documented):
        problems.append(f"command '{command}' is in --help but not in the manual "
                        "(add .It Cm under .Sh COMMANDS)")
    for command in sorted(set(man_commands) - help_commands):
        problems.append(f"command '{command}' is in the manual (line {man_commands[command]}) but in no --help")
    return problems


def self_check(man_text, help_options, help_commands):
    """The extractors must see a change to the manual in both directions."""
    lines = man_text.splitlines()
    option_line = next((i for i, l in enumerate(lines) if l.startswith(".It Fl \\-")), None)
    if option_line is None:
        raise SystemExit("FAIL: the manual has no `.It Fl \\-option` line; this test cannot check itself")
    escaped = lines[option_line].split()[2]  # e.g. \-log\-level
    removed = [l for l in lines if f"Fl {escaped}" not in l]
    commands_at = next((i for i, l in enumerate(removed) if l.startswith(".Sh") and "COMMANDS" in l), None)
    if commands_at is None:
        raise SystemExit("FAIL: the manual has no COMMANDS section (.Sh COMMANDS with .It Cm entries)")
    changed = removed[:commands_at + 2] + [".It Cm frobnicate", "Not a command."] + removed[commands_at + 2:]
    problems = differences(help_options, help_commands, *manual_side("\n".join(changed)))
    gone = "-" + escaped.replace("\\-", "-")
    expected = [f"option {gone} is in --help", "command 'frobnicate' is in the manual"]
    for needle in expected:
        if not any(p.startswith(needle) for p in problems):
            raise SystemExit(f"FAIL: self-check: a manual without {gone} and with a command 'frobnicate' "
                             f"should give {needle!r}..., but the comparison said:\n" + "\n".join(problems))
    print(f"ok: self-check: removing {gone} and adding 'frobnicate' to a copy of the manual is noticed")


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: manual_sync.py DRAFTSMITH_BINARY MAN_PAGE")
    binary, man_path = argv[1], argv[2]
    man_text = open(man_path, encoding="utf-8").read()
    help_options, help_commands = help_side(binary)
    man_options, man_commands = manual_side(man_text)
    if not help_options or not help_commands:
        raise SystemExit("FAIL: found no options or no subcommands in --help; has CLI11's format changed?")
    if not man_options or not man_commands:
        raise SystemExit(f"FAIL: found no .Fl options or no .It Cm commands in {man_path}")
    self_check(man_text, help_options, help_commands)
    problems = differences(help_options, help_commands, man_options, man_commands)
    if problems:
        print(f"FAIL: {man_path} and draftsmith --help differ ({len(problems)}):")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"ok: {len(help_options)} options and {len(help_commands)} commands agree: "
          f"{', '.join(sorted(help_options))}; {', '.join(sorted(help_commands))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
