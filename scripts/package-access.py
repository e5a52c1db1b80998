#!/usr/bin/env python3
"""Give `package` access to Swift declarations that have no access modifier.

gitgate's domain is split into SwiftPM targets of one package; what one module uses from
another must be at least `package`. This adds `package` to every declaration at file or type
scope (not inside function bodies, not protocol requirements, not enum cases) that names no
access level. Run it on files you add or move between modules:

    python3 scripts/package-access.py Sources/GitGateTargets/New.swift ...

It rewrites the files in place and prints how many declarations it changed.
"""
import re
import sys

DECL = re.compile(r"(?:func|var|let|init[?!]?(?=[\s(<])|struct|enum|class|actor|protocol|typealias|subscript)\b")
MODIFIERS = {"static", "final", "override", "mutating", "nonmutating", "lazy", "nonisolated",
             "convenience", "required", "indirect", "weak", "unowned", "dynamic", "optional", "distributed"}
ACCESS = re.compile(r"^(public|package|internal|private|fileprivate|open)$")
TYPE_KEYWORDS = {"struct", "enum", "class", "actor", "extension"}
SCOPE_KEYWORDS = re.compile(r"\b(struct|enum|class|actor|extension|protocol|func|init|deinit|var|let|subscript|get|set|willSet|didSet|if|for|while|switch|do|catch|else|guard|defer|repeat|in|return)\b")


def mask(src):
    """The source with comments and string contents blanked (same length, newlines kept)."""
    out = list(src)
    i, n = 0, len(src)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    def skip_string(i):
        # i at the opening quote(s); returns index after the closing quote(s).
        hashes = 0
        while src[i] == "#":
            hashes += 1
            i += 1
        multi = src.startswith('"""', i)
        i += 3 if multi else 1
        close = ('"""' if multi else '"') + "#" * hashes
        start = i
        while i < n:
            if src[i] == "\\" and src[i + 1:i + 1 + hashes] == "#" * hashes:
                j = i + 1 + hashes
                if j < n and src[j] == "(":
                    blank(start, i)
                    i = skip_code(j + 1, ")")
                    start = i
                    continue
                i = j + 1
                continue
            if src.startswith(close, i):
                blank(start, i)
                return i + len(close)
            i += 1
        blank(start, n)
        return n

    def skip_code(i, until):
        depth = 0
        while i < n:
            c = src[i]
            if src.startswith("//", i):
                j = src.find("\n", i)
                j = n if j < 0 else j
                blank(i, j)
                i = j
            elif src.startswith("/*", i):
                j = src.find("*/", i)
                j = n if j < 0 else j + 2
                blank(i, j)
                i = j
            elif c == '"' or (c == "#" and re.match(r'#+"', src[i:i + 8])):
                i = skip_string(i)
            elif c == "(":
                depth += 1
                i += 1
            elif c == ")":
                if depth == 0 and until == ")":
                    return i + 1
                depth -= 1
                i += 1
            else:
                i += 1
        return n

    skip_code(0, None)
    return "".join(out)


def annotate(src):
    masked = mask(src)
    lines_masked = masked.split("\n")
    lines = src.split("\n")
    stack = ["type"]  # file scope behaves like a type body
    header_start = 0
    offset = 0
    changed = 0
    result = []
    for idx, mline in enumerate(lines_masked):
        line = lines[idx]
        scope = stack[-1]
        if scope == "type":
            new = annotate_line(line, mline)
            if new != line:
                changed += 1
                line = new
        result.append(line)
        # Walk the braces of this line to update the scope stack.
        for k, c in enumerate(mline):
            pos = offset + k
            if c == "{":
                header = masked[header_start:pos]
                words = SCOPE_KEYWORDS.findall(header)
                kind = "code"
                if stack[-1] == "type" and words:
                    last = words[-1]
                    if last in TYPE_KEYWORDS:
                        kind = "type"
                    elif last == "protocol":
                        kind = "protocol"
                if stack[-1] != "type":
                    kind = "code"
                stack.append(kind)
                header_start = pos + 1
            elif c == "}":
                if len(stack) > 1:
                    stack.pop()
                header_start = pos + 1
            elif c == ";":
                header_start = pos + 1
        # A declaration on a new line starts a new header within a type body.
        offset += len(mline) + 1
        if stack[-1] == "type" and idx + 1 < len(lines_masked) and DECL_START.match(lines_masked[idx + 1]):
            header_start = offset
    return "\n".join(result), changed


DECL_START = re.compile(r"^\s*(@\w+(\([^)]*\))?\s+)*((public|package|internal|private|fileprivate|open)(\(set\))?\s+)*(\w+\s+)*(func|var|let|init|struct|enum|class|actor|protocol|typealias|subscript|extension|case)\b")


def annotate_line(line, mline):
    m = re.match(r"^(\s*)", mline)
    i = m.end()
    # Attributes written on the same line (`@discardableResult func`, `@Sendable`).
    while True:
        a = re.match(r"@\w+(\([^)]*\))?\s+", mline[i:])
        if not a:
            break
        i += a.end()
    insert_at = i
    rest = mline[i:]
    tokens = re.findall(r"\w+(?:\(set\))?|\S", rest)
    for k, tok in enumerate(tokens):
        if ACCESS.match(tok):
            return line
        # `private(set)` limits the setter only; the declaration still needs an access level.
        if tok in MODIFIERS or tok.endswith("(set)"):
            continue
        if tok == "class" and k + 1 < len(tokens) and tokens[k + 1] in ("func", "var", "let", "subscript"):
            continue
        if DECL.match(tok + " "):
            return line[:insert_at] + "package " + line[insert_at:]
        return line
    return line


def main(paths):
    total = 0
    for path in paths:
        with open(path) as f:
            src = f.read()
        new, changed = annotate(src)
        if changed:
            with open(path, "w") as f:
                f.write(new)
        total += changed
    print(f"package-access: {total} declarations in {len(paths)} files")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(64)
    main(sys.argv[1:])
