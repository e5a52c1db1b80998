#!/usr/bin/env python3
"""Runs squawk and gitgate on the same corpus (bench/squawk/corpus, one statement per file)
and prints the rule-by-rule catch table.

    pip install squawk-cli
    swift build
    python3 bench/squawk/compare.py [--record]

--record rewrites recorded.json (squawk's findings per file), which the Swift test
SquawkComparisonTests reads so that it needs no squawk; then regenerate README's table with
GITGATE_WRITE_RULES_DOC=1 swift test --filter SquawkComparison.

gitgate runs with every optional rule enabled (a .gitgate in a scratch repository), as squawk
runs its prefer-* rules by default. A squawk finding counts as caught when gitgate reports, on
the same file, one of the rules mapping.json lists for it.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")
GITGATE = os.environ.get("GITGATE", os.path.join(ROOT, ".build", "debug", "gitgate"))


def squawk_findings(files):
    version = subprocess.run(["squawk", "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
    out = subprocess.run(["squawk", "--reporter", "json"] + files, capture_output=True, text=True, cwd=CORPUS).stdout
    found = {name: set() for name in files}
    for item in json.loads(out or "[]"):
        found[os.path.basename(item["file"])].add(item["rule_name"])
    return version, {name: sorted(rules) for name, rules in found.items()}


def gitgate_findings(files):
    rules = subprocess.run([GITGATE, "lint", "--rules"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in rules.stdout.splitlines() if line.strip()]
    scratch = tempfile.mkdtemp()
    try:
        env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
        subprocess.run(["git", "init", "-q", "-b", "main", scratch], check=True)
        with open(os.path.join(scratch, ".gitgate"), "w") as f:
            f.write("[gitgate]\n\tmigrations = migrations\n[gitgate \"lint\"]\n")
            for name in names:
                f.write(f"\tenable = {name}\n")
        os.makedirs(os.path.join(scratch, "migrations"))
        open(os.path.join(scratch, "migrations", ".keep"), "w").close()
        subprocess.run(["git", "add", "-A"], cwd=scratch, check=True)
        subprocess.run(["git", "commit", "-qm", "setup"], cwd=scratch, check=True, env=env)
        found = {}
        for name in files:
            shutil.copy(os.path.join(CORPUS, name), os.path.join(scratch, name))
            result = subprocess.run([GITGATE, "lint", "--format", "json", name], capture_output=True, text=True, cwd=scratch)
            found[name] = sorted({f["rule"] for f in json.loads(result.stdout)["findings"]})
        return found
    finally:
        shutil.rmtree(scratch)


def main():
    files = sorted(f for f in os.listdir(CORPUS) if f.endswith(".sql"))
    mapping = json.load(open(os.path.join(HERE, "mapping.json")))
    version, squawk = squawk_findings(files)
    if "--record" in sys.argv:
        with open(os.path.join(HERE, "recorded.json"), "w") as f:
            json.dump({"squawk": version, "files": squawk}, f, indent=1, sort_keys=True)
            f.write("\n")
    gitgate = gitgate_findings(files)
    print(f"squawk {version}, {len(files)} statements\n")
    print("| squawk rule | statements squawk flags | gitgate catches | gitgate rules |")
    print("|---|---|---|---|")
    total = caught = 0
    for rule in sorted({r for rules in squawk.values() for r in rules}):
        flagged = [f for f in files if rule in squawk[f]]
        hits = [f for f in flagged if set(mapping.get(rule, [])) & set(gitgate[f])]
        total += len(flagged)
        caught += len(hits)
        print(f"| {rule} | {len(flagged)} | {len(hits)} | {', '.join(mapping.get(rule, [])) or '—'} |")
    print(f"\ncaught {caught} of {total} squawk findings ({100 * caught / max(total, 1):.0f}%)")


if __name__ == "__main__":
    main()
