#!/usr/bin/env python3
"""Runs every curl example of docs/api.md, top to bottom, and checks each answer against its expectation.

An example is a ```sh block holding one command and `#` directive lines (docs/api.md, "How to read the
examples"):
    # expect: STATUS [header="Name: value"] [header=Name] [type=PREFIX] [retry] [stream]
    # save: VAR=.json.path   or   # save: VAR=header:Name
optionally followed by a ```json block (an excerpt: every key shown must be in the answer with that value,
"*" standing for any value, numbers equal by value, each array element shown must match some element of the answer, [] only an
empty array) or a ```text block (every non-blank line must occur in the answer body).

The command runs in bash with $ALERTD, $EXPORTER, $SIM, $SERVICE, $TOKEN and every saved variable in its
environment, and with `curl` wrapped so that the response headers are also written to a file the checks read.

usage: run_api_examples.py DOC [--only N]   (environment: ALERTD EXPORTER SIM SERVICE TOKEN, TWIKIT_TIMEOUT_SCALE)
Exit 0 when every example holds, 1 with what did not.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

FENCE = re.compile(r'^```(\w*)\s*$')
STATUS_LINE = re.compile(r'^HTTP/[0-9.]+ (\d{3})')
WILDCARD = '*'


class Example:
    def __init__(self, line, command):
        self.line = line          # 1-based line of the ```sh fence
        self.command = command    # the block's text, directives included (bash ignores them)
        self.status = None
        self.headers = []         # (name, value or None)
        self.content_type = None
        self.retry = False
        self.stream = False
        self.saves = []           # (var, source)
        self.json_excerpt = None
        self.text_excerpt = None


def parse_expect(example, text):
    words = shlex.split(text)
    if not words or not words[0].isdigit() or len(words[0]) != 3:
        raise ValueError('line %d: "# expect:" must start with a three-digit status' % example.line)
    example.status = int(words[0])
    for word in words[1:]:
        if word == 'retry':
            example.retry = True
        elif word == 'stream':
            example.stream = True
        elif word.startswith('header='):
            spec = word[len('header='):]
            name, sep, value = spec.partition(':')
            example.headers.append((name.strip(), value.strip() if sep else None))
        elif word.startswith('type='):
            example.content_type = word[len('type='):]
        else:
            raise ValueError('line %d: unknown expectation %r' % (example.line, word))


def parse_examples(path):
    """Every ```sh block of the document, in order, with its directives and excerpt."""
    lines = open(path, encoding='utf-8').read().split('\n')
    blocks = []  # (language, first line number, text)
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group(1) != '':
            lang, start, body = m.group(1), i + 1, []
            i += 1
            while i < len(lines) and lines[i].rstrip() != '```':
                body.append(lines[i])
                i += 1
            blocks.append((lang, start, '\n'.join(body), i + 1))
        elif m:  # an unlabelled block: skip it whole
            i += 1
            while i < len(lines) and lines[i].rstrip() != '```':
                i += 1
        i += 1
    examples = []
    for n, (lang, start, text, end) in enumerate(blocks):
        if lang != 'sh':
            continue
        ex = Example(start, text)
        for raw in text.split('\n'):
            line = raw.strip()
            if line.startswith('# expect:'):
                if ex.status is not None:
                    raise ValueError('line %d: two "# expect:" lines in one example' % start)
                parse_expect(ex, line[len('# expect:'):])
            elif line.startswith('# save:'):
                var, sep, source = line[len('# save:'):].strip().partition('=')
                if not sep or not re.fullmatch(r'[A-Z_][A-Z0-9_]*', var):
                    raise ValueError('line %d: "# save:" wants VAR=.path or VAR=header:Name' % start)
                ex.saves.append((var, source))
        if ex.status is None:
            raise ValueError('line %d: a ```sh block without "# expect: STATUS"' % start)
        # The excerpt is the next block when only blank lines separate them.
        if n + 1 < len(blocks):
            nlang, nstart, ntext, _ = blocks[n + 1]
            between = lines[end:nstart - 1]
            if all(not b.strip() for b in between):
                if nlang == 'json':
                    try:
                        ex.json_excerpt = json.loads(ntext)
                    except ValueError as e:
                        raise ValueError('line %d: the json excerpt is not JSON: %s' % (nstart, e))
                elif nlang == 'text':
                    ex.text_excerpt = [l for l in ntext.split('\n') if l.strip()]
        examples.append(ex)
    return examples


def matches(excerpt, answer, where='$'):
    """None when `answer` holds everything `excerpt` shows, else where it does not."""
    if excerpt == WILDCARD:
        return None
    if isinstance(excerpt, dict):
        if not isinstance(answer, dict):
            return '%s: expected an object, got %s' % (where, json.dumps(answer)[:200])
        for k, v in excerpt.items():
            if k not in answer:
                return '%s: no key "%s" (keys: %s)' % (where, k, ', '.join(answer))
            problem = matches(v, answer[k], where + '.' + k)
            if problem:
                return problem
        return None
    if isinstance(excerpt, list):
        if not isinstance(answer, list):
            return '%s: expected an array, got %s' % (where, json.dumps(answer)[:200])
        if not excerpt and answer:
            return '%s: expected an empty array, got %d elements' % (where, len(answer))
        for i, e in enumerate(excerpt):
            problems = [matches(e, a, '%s[%d]' % (where, j)) for j, a in enumerate(answer)]
            if all(problems):
                return '%s: no element matches excerpt element %d (%s)' % (
                    where, i, problems[0] if problems else 'the array is empty')
        return None
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (excerpt, answer))
    if excerpt != answer or (type(excerpt) is not type(answer) and not numbers):
        return '%s: expected %s, got %s' % (where, json.dumps(excerpt), json.dumps(answer)[:200])
    return None


def json_path(value, path):
    """The value at `.a.b[0].c` in `value`; raises KeyError/IndexError/TypeError when it is not there."""
    for name, index in re.findall(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]', path):
        value = value[name] if name else value[int(index)]
    return value


def parse_headers(text):
    """The status and headers of the last response in a `curl -D` file (after 100 Continue, say)."""
    status, headers = None, []
    for line in text.replace('\r', '').split('\n'):
        m = STATUS_LINE.match(line)
        if m:
            status, headers = int(m.group(1)), []
        elif ':' in line and status is not None:
            name, _, value = line.partition(':')
            headers.append((name.strip().lower(), value.strip()))
    return status, headers


def header_value(headers, name):
    for k, v in headers:
        if k == name.lower():
            return v
    return None


def run_once(ex, env, workdir):
    """Runs the example; returns (problem or None, status, headers, body)."""
    header_file = os.path.join(workdir, 'headers')
    if os.path.exists(header_file):
        os.remove(header_file)
    script = ('curl() { command curl -D "$DOCS_HEADER_FILE" "$@"; }\n' + ex.command + '\n')
    env = dict(env, DOCS_HEADER_FILE=header_file)
    p = subprocess.run(['bash', '-c', script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=60)
    body = p.stdout.decode('utf-8', 'replace')
    headers_text = open(header_file, encoding='latin-1').read() if os.path.exists(header_file) else ''
    status, headers = parse_headers(headers_text)
    # curl exits 28 when --max-time ends a stream; only a `stream` example may end so.
    if p.returncode != 0 and not (ex.stream and p.returncode == 28):
        return ('the command exited %d: %s' % (p.returncode, p.stderr.decode('utf-8', 'replace').strip()),
                status, headers, body)
    if status != ex.status:
        return ('status %s, expected %d; body: %s' % (status, ex.status, body[:400]), status, headers, body)
    for name, value in ex.headers:
        got = header_value(headers, name)
        if got is None:
            return ('no %s header' % name, status, headers, body)
        if value is not None and got != value:
            return ('header %s is %r, expected %r' % (name, got, value), status, headers, body)
    if ex.content_type is not None:
        got = header_value(headers, 'content-type') or ''
        if not got.startswith(ex.content_type):
            return ('Content-Type %r, expected %s…' % (got, ex.content_type), status, headers, body)
    parsed = None
    if ex.json_excerpt is not None or any(not s.startswith('header:') for _, s in ex.saves):
        try:
            parsed = json.loads(body)
        except ValueError:
            return ('the answer is not JSON: %s' % body[:400], status, headers, body)
    if ex.json_excerpt is not None:
        problem = matches(ex.json_excerpt, parsed)
        if problem:
            return ('the answer does not match the excerpt: %s' % problem, status, headers, body)
    if ex.text_excerpt is not None:
        for line in ex.text_excerpt:
            if line not in body:
                return ('the answer has no line %r' % line, status, headers, body)
    return None, status, headers, body


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    doc = args[0]
    only = int(args[2]) if len(args) > 2 and args[1] == '--only' else None
    scale = int(os.environ.get('TWIKIT_TIMEOUT_SCALE', '1'))
    try:
        examples = parse_examples(doc)
    except ValueError as e:
        print('FAIL: %s: %s' % (doc, e))
        return 1
    if not examples:
        print('FAIL: %s has no examples' % doc)
        return 1
    env = dict(os.environ)
    for var in ('ALERTD', 'EXPORTER', 'SIM', 'SERVICE', 'TOKEN'):
        if not env.get(var):
            print('FAIL: $%s is not set' % var)
            return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix='twikit-docs-') as workdir:
        for n, ex in enumerate(examples, 1):
            if only is not None and n != only:
                continue
            deadline = time.monotonic() + 30 * scale
            while True:
                problem, status, headers, body = run_once(ex, env, workdir)
                if problem is None or not ex.retry or time.monotonic() >= deadline:
                    break
                time.sleep(0.5)  # polling a condition with a deadline (a `retry` example), not waiting for a timer
            first = ex.command.split('\n')[0]
            if problem is None:
                for var, source in ex.saves:
                    try:
                        if source.startswith('header:'):
                            value = header_value(headers, source[len('header:'):])
                            if value is None:
                                raise KeyError(source)
                        else:
                            value = json_path(json.loads(body), source)
                    except (KeyError, IndexError, TypeError, ValueError):
                        problem = 'cannot save %s from %s' % (var, source)
                        break
                    env[var] = value if isinstance(value, str) else json.dumps(value)
            if problem is None:
                print('ok   %s:%d %s' % (doc, ex.line, first), flush=True)
            else:
                failures += 1
                print('FAIL %s:%d %s\n     %s' % (doc, ex.line, first, problem), flush=True)
    print('%d examples, %d failed' % (len(examples) if only is None else 1, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
