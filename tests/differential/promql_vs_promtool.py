#!/usr/bin/env python3
"""Differential test: the same PromQL expressions over the same series, answered by promtool and by alertd.

Generates a fixed (seeded) corpus of expressions from a small grammar — selectors, functions, aggregations,
binary operators with vector matching, range functions and one level of subqueries — plus hand-written
cases, writes them as one promtool unit-test file whose expectations are deliberately wrong, runs
`promtool test rules` and `alertd test rules` on it and compares what each reports it got: the same series
with the same values (relative tolerance 1e-9: Prometheus 3 sums with Kahan compensation), or the same error.

Prometheus 3's deliberate changes are kept out by rule, not by case:
- left-open range selection: every range boundary falls between samples (samples every minute, evaluation
  at 10m17s, ranges of n minutes and 30 s, subquery steps of whole minutes, no nested subqueries);
- holt_winters (renamed in Prometheus 3) is not generated;
- error messages are compared only for parse errors (evaluation errors must occur on both sides);
- a filtering comparison (no `bool`) between vectors whose matching is ambiguous: Prometheus 3 reports
  "multiple matches for labels" even when the comparison filters the duplicates away (its operators.test
  expects that), promtool 2.42 only for those kept;
- count_values' value labels are compared as numbers (same tolerance): Go's math library and glibc's may
  round the last bit of pow or log differently, and the label spells out every digit;
- stddev and stdvar of a group whose only value is NaN or Inf: NaN in Prometheus 3, 0 in promtool 2.42;
- which of several equal (or NaN) values topk and bottomk keep depends on series order, which promtool does
  not fix (its loader walks a Go map: run it twice and it may answer differently): for expressions with
  topk or bottomk the series may differ when their number and values agree, or when one of several more
  promtool runs of that expression gives alertd's answer.

usage: promql_vs_promtool.py ALERTD [--count N] [--seed S] [--keep DIR]
Exit 0 when every expression agrees, 1 with the differences listed, 77 (skipped) without promtool.
"""
import math
import os
import re
import sys

from runner import main, run

SERIES = [
    ('m{a="x",b="1"}', '1 2 3 4 5 6 7 8 9 10 11 12'),
    ('m{a="y",b="1"}', '10 NaN 30 40 50 60 70 80 90 100 110 120'),
    ('m{a="z",b="2"}', '-5 -4 -3 -2 -1 0 1 2 3 4 5 6'),
    ('n{a="x",b="1"}', '5 5 5 5 5 5 5 5 5 5 5 5'),
    ('n{a="y",b="2"}', '0.5 1.5 2.5 Inf 4.5 5.5 6.5 7.5 8.5 9.5 10.5 11.5'),
    ('c_total{a="x"}', '0 10 20 30 5 15 25 35 45 55 65 75'),
    ('c_total{a="y"}', '100 200 300 400 500 600 700 800 900 1000 1100 1200'),
    ('h_bucket{a="x",le="0.1"}', '0 1 2 3 4 5 6 7 8 9 10 11'),
    ('h_bucket{a="x",le="1"}', '0 2 4 6 8 10 12 14 16 18 20 22'),
    ('h_bucket{a="x",le="+Inf"}', '0 3 6 9 12 15 18 21 24 27 30 33'),
]
EVAL_TIME = '10m17s'

INSTANT = ['m', 'n', 'c_total', 'm{a="x"}', 'm{b!="1"}', 'm{a=~"x|y"}', '{__name__=~"m|n"}', 'n{a!~"x"}',
           'm offset 1m', 'c_total offset 2m']
RANGES = ['90s', '2m30s', '5m30s']
RANGE_FUNCS = ['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'avg_over_time',
               'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'last_over_time',
               'stddev_over_time', 'stdvar_over_time', 'present_over_time', 'absent_over_time']
SIMPLE_FUNCS = ['abs', 'ceil', 'floor', 'round', 'sqrt', 'exp', 'ln', 'log2', 'log10', 'sgn', 'timestamp',
                'sort', 'sort_desc', 'hour', 'minute', 'month', 'year', 'day_of_week', 'days_in_month', '-']
AGGS = ['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar']
ARITH = ['+', '-', '*', '/', '%', '^']
CMP = ['==', '!=', '>', '<', '>=', '<=']
SETS = ['and', 'or', 'unless']


def gen_vector(rng, depth):
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(INSTANT)
    kind = rng.randrange(8)
    inner = gen_vector(rng, depth - 1)
    if kind == 0:
        f = rng.choice(SIMPLE_FUNCS)
        return f'-({inner})' if f == '-' else f'{f}({inner})'
    if kind == 1:
        sel = rng.choice([s for s in INSTANT if 'offset' not in s])
        return f'{rng.choice(RANGE_FUNCS)}({sel}[{rng.choice(RANGES)}])'
    if kind == 2:
        op = rng.choice(AGGS)
        grouping = rng.choice(['', ' by (a)', ' without (b)', ' by (b)', ' without (a, b)'])
        return f'{op}{grouping} ({inner})'
    if kind == 3:
        op = rng.choice(['topk', 'bottomk'])
        return f'{op}({rng.randint(1, 3)}, {inner})'
    if kind == 4:
        op = rng.choice(ARITH + CMP)
        if rng.random() < 0.5:
            scalar = rng.choice(['2', '0', '-1', '0.5', 'NaN'])
            b = ' bool' if op in CMP and rng.random() < 0.5 else ''
            return f'({inner}) {op}{b} {scalar}'
        other = gen_vector(rng, depth - 1)
        matching = rng.choice(['', ' on (a)', ' ignoring (b)', ' on (a) group_left', ' ignoring (b) group_left'])
        b = ' bool' if op in CMP and rng.random() < 0.5 else ''
        return f'({inner}) {op}{b}{matching} ({other})'
    if kind == 5:
        op = rng.choice(SETS)
        matching = rng.choice(['', ' on (a)', ' ignoring (b)'])
        return f'({inner}) {op}{matching} ({gen_vector(rng, depth - 1)})'
    if kind == 6:
        # One level of subquery: its inner expression has no subquery of its own.
        f = rng.choice(['max_over_time', 'min_over_time', 'avg_over_time', 'sum_over_time', 'count_over_time',
                        'rate', 'delta', 'deriv'])
        return f'{f}(({gen_flat(rng, 2)})[{rng.choice(["3m", "5m"])}:1m])'
    f = rng.choice(['clamp_min', 'clamp_max', 'quantile', 'label_replace', 'count_values', 'histogram_quantile'])
    if f == 'quantile':
        return f'quantile({rng.choice(["0", "0.5", "0.9", "1"])}, {inner})'
    if f == 'label_replace':
        return f'label_replace({inner}, "dst", "$1", "a", "(.*)")'
    if f == 'count_values':
        return f'count_values("v", {inner})'
    if f == 'histogram_quantile':
        return f'histogram_quantile({rng.choice(["0.5", "0.9"])}, rate(h_bucket[5m30s]))'
    return f'{f}({inner}, {rng.choice(["2", "5", "NaN"])})'


def gen_flat(rng, depth):
    """An expression without subqueries (for inside one)."""
    while True:
        e = gen_vector(rng, depth)
        if ':1m]' not in e:
            return e


HAND_WRITTEN = [
    'label_join(abs(m), "dst", "", "__name__")',
    'sum(abs({__name__=~"m|n"}))',
    'count_values without (v) ("v", m)',
    'absent(x{job=""})',
    'absent(x{job=~"a",job="b"})',
    'hour(vector(NaN))',
    'year(vector(1e15))',
    '0755',
    '1e400',
    'm * group_left m',
    'topk(Inf, m)',
    'abs(m) * on(a, b) group_left(__name__) n',
    'timestamp(sort_desc(m))',
    'clamp(m, NaN, 5)',
    'nothing + on() group_left m',
]


def write_test_file(path, exprs):
    lines = ['rule_files: []', 'evaluation_interval: 1m', 'tests:', '  - interval: 1m', '    input_series:']
    for series, values in SERIES:
        lines.append(f"      - series: '{series}'")
        lines.append(f"        values: '{values}'")
    lines.append('    promql_expr_test:')
    for e in exprs:
        q = e.replace("'", "''")
        lines.append(f"      - expr: '{q}'")
        lines.append(f'        eval_time: {EVAL_TIME}')
        lines.append("        exp_samples: [{labels: 'never_matches', value: -12345}]")
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


EXPR_LINE = re.compile(r'^\s*expr: "(.*)", time: [^,]*,(?: err: (.*))?$')


def results(output):
    """expr -> ('err', message) or ('got', {labels: value}) from a `test rules` report."""
    out = {}
    current = None
    for line in output.splitlines():
        m = EXPR_LINE.match(line)
        if m:
            current = m.group(1).encode().decode('unicode_escape')
            out[current] = ('err', m.group(2)) if m.group(2) is not None else ('got', None)
            continue
        s = line.strip()
        if current and s.startswith('got:') and out[current][0] == 'got':
            out[current] = ('got', parse_samples(s[len('got:'):].strip()))
    return out


SAMPLE = re.compile(r'(\{[^{}]*\}) (\S+?)(?:, |$)')


def parse_samples(text):
    if text == 'nil':
        return {}
    samples = {}
    for labels, value in SAMPLE.findall(text):
        samples[labels] = float(value.replace('+Inf', 'inf').replace('-Inf', '-inf'))
    return samples


def same_value(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(expr, ours, theirs):
    if theirs is None or ours is None:
        return 'missing from a report'
    if theirs[0] != ours[0]:
        if (ours[0] == 'err' and ours[1].startswith('multiple matches for labels') and
                re.search(r'(==|!=|>=|<=|[<>])(?! bool)\s', expr)):
            return None
        return f'promtool: {theirs}, alertd: {ours}'
    if theirs[0] == 'err':
        parse_error = 'parse error' in theirs[1]
        if parse_error and theirs[1] != ours[1]:
            return f'promtool: {theirs[1]!r}, alertd: {ours[1]!r}'
        return None
    if theirs[1] is None or ours[1] is None:
        return 'unreadable result'
    if re.search(r'\b(stddev|stdvar)\b', expr) and 'NaN' in expr:
        return None  # Prometheus 3's stddev/stdvar of a lone NaN (see above) changes everything after it
    if set(theirs[1]) != set(ours[1]) and 'count_values' in expr:
        if same_series_numerically(theirs[1], ours[1]):
            return None
    if set(theirs[1]) != set(ours[1]):
        if re.search(r'\b(topk|bottomk)\(', expr) and same_values(list(theirs[1].values()), list(ours[1].values())):
            return None
        return f'series differ: promtool {sorted(theirs[1])}, alertd {sorted(ours[1])}'
    for labels, value in theirs[1].items():
        if not same_value(value, ours[1][labels]):
            if re.search(r'\b(stddev|stdvar)\b', expr) and value == 0 and math.isnan(ours[1][labels]):
                continue
            return f'{labels}: promtool {value!r}, alertd {ours[1][labels]!r}'
    return None


LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def same_series_numerically(a, b):
    """Whether two results match when label values that are numbers compare within the tolerance."""
    def key(labels):
        out = []
        for name, value in LABEL.findall(labels):
            try:
                out.append((name, float(value.replace('+Inf', 'inf').replace('-Inf', '-inf'))))
            except ValueError:
                out.append((name, value))
        return out

    def same_key(x, y):
        return len(x) == len(y) and all(
            n1 == n2 and (same_value(v1, v2) if isinstance(v1, float) and isinstance(v2, float) else v1 == v2)
            for (n1, v1), (n2, v2) in zip(x, y))

    unmatched = [(key(k), v) for k, v in b.items()]
    for labels, value in a.items():
        k = key(labels)
        hit = next((i for i, (k2, v2) in enumerate(unmatched) if same_key(k, k2) and same_value(value, v2)), None)
        if hit is None:
            return False
        unmatched.pop(hit)
    return not unmatched


def same_values(a, b):
    key = lambda v: (math.isnan(v), 0.0 if math.isnan(v) else v)
    a, b = sorted(a, key=key), sorted(b, key=key)
    return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))


def add_arguments(ap):
    ap.add_argument('--count', type=int, default=600)


def compare_all(args, promtool, rng, work):
    exprs = list(HAND_WRITTEN)
    seen = set(exprs)
    while len(exprs) < args.count + len(HAND_WRITTEN):
        e = gen_vector(rng, 3)
        if e not in seen:
            seen.add(e)
            exprs.append(e)
    path = os.path.join(work, 'corpus_test.yml')
    write_test_file(path, exprs)
    theirs = results(run([promtool, 'test', 'rules', path], merge_stderr=True)[1])
    ours = results(run([args.alertd, 'test', 'rules', path], merge_stderr=True)[1])
    if len(theirs) < len(exprs) // 2:
        print(f'promtool reported on only {len(theirs)} of {len(exprs)} expressions; see {path}')
        return True
    differences = []
    for e in exprs:
        why = compare(e, ours.get(e), theirs.get(e))
        if why:
            differences.append((e, why))
    # topk/bottomk among ties: ask promtool again; an answer it gives on another run is an answer.
    unsettled = [e for e, _ in differences if re.search(r'\b(topk|bottomk)\(', e)]
    if unsettled:
        retry = os.path.join(work, 'ties_test.yml')
        write_test_file(retry, unsettled)
        settled = set()
        for _ in range(12):
            again = results(run([promtool, 'test', 'rules', retry], merge_stderr=True)[1])
            settled.update(e for e in unsettled if compare(e, ours.get(e), again.get(e)) is None)
        differences = [(e, why) for e, why in differences if e not in settled]
    errors = sum(1 for v in theirs.values() if v[0] == 'err')
    print(f'{len(exprs)} expressions ({len(HAND_WRITTEN)} written, {len(exprs) - len(HAND_WRITTEN)} generated '
          f'with seed {args.seed}); promtool answered {len(theirs) - errors} with samples and {errors} with an '
          f'error; {len(differences)} differ')
    for e, why in differences:
        print(f'DIFFERS: {e}\n    {why}')
    return bool(differences)


if __name__ == '__main__':
    sys.exit(main('promtool', 'prometheus', 'promql-diff-', add_arguments, compare_all))
