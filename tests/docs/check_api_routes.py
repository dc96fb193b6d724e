#!/usr/bin/env python3
"""Every HTTP route alertd, twikit-exporter and twikit-sim register is documented in docs/api.md, and every
endpoint docs/api.md documents is registered.

Routes are read from the sources: every call `X.add(`, `X.add_prefix(`, `X.add_websocket(` and
`X.add_event_stream(` under alertd/, exporter/ and sim/ whose first argument is a path — a string literal, a
`constexpr` name defined in the sources, `std::string(NAME)`, or a `+` of those. A registration whose path
cannot be read that way fails the check (so a new way of registering is noticed, not skipped), as does any
argument of `add(` on a receiver named like a router or server. The program is the top directory of the file.

Endpoints are read from docs/api.md's headings: a heading naming `METHOD[, METHOD…] /path` (path
parameters as `:name`) under a `## ` section whose title names the program (alertd, twikit-exporter,
twikit-sim). An exact route must be documented by that path; a prefix route (`add_prefix`, ending in "/")
by at least one path below it. Each such heading must be followed, before the next heading, by a curl
example of each method it names on its path.

usage: check_api_routes.py SOURCE_DIR   Exit 0 when both hold, 1 with what does not.
"""
import os
import re
import sys

PROGRAMS = {'alertd': 'alertd', 'exporter': 'twikit-exporter', 'sim': 'twikit-sim'}
CALL = re.compile(r'\b(\w+)(?:\.|->)(add|add_prefix|add_websocket|add_event_stream)\s*\(')
CONSTANT = re.compile(r'\b(k\w+)(?:\[\])?\s*(?:=|\{)\s*"([^"]*)"')
HEADING = re.compile(r'^#{2,6}\s.*?`((?:GET|HEAD|POST|PUT|PATCH|DELETE)(?:, (?:GET|HEAD|POST|PUT|PATCH|DELETE))*) (/[^`\s?]*)')


def first_argument(text, start):
    """The text of the call's first argument (up to a comma or parenthesis at depth 0)."""
    depth, i = 0, start
    in_string = False
    while i < len(text):
        c = text[i]
        if in_string:
            if c == '\\':
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                return text[start:i]
            depth -= 1
        elif c == ',' and depth == 0:
            return text[start:i]
        i += 1
    return text[start:]


def evaluate(expr, constants):
    """The path an argument expression spells, or None when it is not a path expression."""
    out = ''
    for part in expr.split('+'):
        part = part.strip()
        m = re.fullmatch(r'"([^"]*)"', part) or re.fullmatch(r'std::string(?:_view)?\(\s*"([^"]*)"\s*\)', part)
        if m:
            out += m.group(1)
            continue
        m = re.fullmatch(r'(?:std::string(?:_view)?\(\s*)?(k\w+)(?:\s*\))?', part)
        if m and m.group(1) in constants:
            out += constants[m.group(1)]
            continue
        return None
    return out


def registered_routes(source_dir):
    """{program: {path: (kind, file:line)}}; raises ValueError for a registration it cannot read."""
    files = []
    for top in PROGRAMS:
        for root, _, names in os.walk(os.path.join(source_dir, top)):
            files += [os.path.join(root, n) for n in names if n.endswith(('.cpp', '.h'))]
    texts = {f: open(f, encoding='utf-8').read() for f in sorted(files)}
    # A name defined in the file itself wins; else one defined elsewhere (a header) with a single value.
    everywhere = {}
    for text in texts.values():
        for name, value in CONSTANT.findall(text):
            everywhere.setdefault(name, set()).add(value)
    shared = {name: values.pop() for name, values in everywhere.items() if len(values) == 1}
    routes = {p: {} for p in PROGRAMS.values()}
    problems = []
    for path, text in texts.items():
        program = PROGRAMS[os.path.relpath(path, source_dir).split(os.sep)[0]]
        constants = dict(shared, **dict(CONSTANT.findall(text)))
        for m in CALL.finditer(text):
            receiver, kind = m.group(1), m.group(2)
            arg = first_argument(text, m.end()).strip()
            where = '%s:%d' % (os.path.relpath(path, source_dir), text.count('\n', 0, m.start()) + 1)
            value = evaluate(arg, constants)
            if value is None or not value.startswith('/'):
                # `add(` is also a method of counters and sets: only a path-like argument, or any argument
                # of a router's or server's add(), is a route. The other three exist only for routes, so an
                # argument they cannot read is a problem.
                if (kind != 'add' or arg.startswith('"/') or re.match(r'(std::string\()?k[A-Z]', arg) or
                        re.search(r'(?i)router|server', receiver)):
                    problems.append('%s: cannot read the path of %s(%s)' % (where, kind, arg))
                continue
            routes[program][value] = ('prefix' if kind == 'add_prefix' else 'exact', where)
    if problems:
        raise ValueError('\n'.join(problems))
    return routes


def documented_endpoints(doc_path):
    """{program: {path: line}} from the headings of docs/api.md, and the headings without an example."""
    endpoints = {p: {} for p in PROGRAMS.values()}
    sections = []  # [heading line, methods, path, sh blocks]
    program, in_sh, block = None, False, []
    for n, line in enumerate(open(doc_path, encoding='utf-8'), 1):
        if in_sh:
            if line.rstrip() == '```':
                in_sh = False
                if sections:
                    sections[-1][3].append('\n'.join(block))
            else:
                block.append(line.rstrip('\n'))
            continue
        if line.rstrip() == '```sh':
            in_sh, block = True, []
            continue
        if line.startswith('#'):
            if line.startswith('## '):
                program = next((p for p in sorted(PROGRAMS.values(), key=len, reverse=True) if p in line), None)
            m = HEADING.match(line)
            if m and program:
                endpoints[program].setdefault(m.group(2), n)
                sections.append([n, m.group(1).split(', '), m.group(2), []])
            elif line.startswith('### ') or line.startswith('## ') or m:
                sections.append([n, None, None, []])
    missing = []
    for n, methods, path, blocks in sections:
        if path is None:
            continue
        for method in methods:
            if not any(example_calls(b, method, path) for b in blocks):
                missing.append('docs/api.md:%d: no example of %s %s under its heading' % (n, method, path))
    return endpoints, missing


def example_calls(command, method, path):
    """Whether the curl `command` sends `method` to `path` (whose `:name` / `{name}` segments match any)."""
    command = command.replace('\\\n', ' ')
    m = re.search(r'-X\s*(\w+)', command)
    if m:
        used = m.group(1)
    elif re.search(r'\s-(?:s)?I\b', command):
        used = 'HEAD'
    elif re.search(r'\s-G\b', command):
        used = 'GET'
    elif re.search(r'\s(?:-d|--data\S*)\s', command):
        used = 'POST'
    else:
        used = 'GET'
    pattern = re.sub(r'(?::[A-Za-z_]+|\\\{[A-Za-z_]+\\\})', r'[^/?"]+', re.escape(path))
    return used == method and re.search(r'"\$[A-Z_]+' + pattern + r'(?:[?"])', command) is not None


def covers(route, kind, doc_path):
    if kind == 'exact':
        return doc_path == route
    return doc_path.startswith(route) and len(doc_path) > len(route)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    source_dir = sys.argv[1]
    doc = os.path.join(source_dir, 'docs', 'api.md')
    try:
        routes = registered_routes(source_dir)
    except ValueError as e:
        print('FAIL: %s' % e)
        return 1
    endpoints, failures = documented_endpoints(doc)
    for program in PROGRAMS.values():
        if not routes[program]:
            failures.append('%s: no route registration found in the sources' % program)
        for route, (kind, where) in sorted(routes[program].items()):
            if not any(covers(route, kind, p) for p in endpoints[program]):
                failures.append('%s: %s route %s (%s) is not documented in docs/api.md' % (program, kind, route, where))
        for path, line in sorted(endpoints[program].items()):
            if not any(covers(r, k, path) for r, (k, _) in routes[program].items()):
                failures.append('docs/api.md:%d: %s documents %s, which it does not register' % (line, program, path))
    for f in failures:
        print('FAIL: ' + f)
    total = sum(len(r) for r in routes.values())
    print('%d registered routes, %d documented endpoints, %d problems' %
          (total, sum(len(e) for e in endpoints.values()), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
