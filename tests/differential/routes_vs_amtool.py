#!/usr/bin/env python3
"""Differential test: routing trees answered by amtool (Alertmanager 0.25) and by alertd.

Generates a fixed (seeded) set of routing trees — nested routes with `matchers`, legacy `match`/`match_re`,
all four operators, `continue` — writes each as a configuration file both programs load, and compares
byte for byte:
- `config routes show` (the tree as amtool draws it);
- `config routes test --tree LABELS...` for generated label sets (the matching routes and the receivers).

usage: routes_vs_amtool.py ALERTD [--trees N] [--label-sets N] [--seed S] [--keep DIR]
Exit 0 when every answer agrees, 1 with the differences listed, 77 (skipped) without amtool.
"""
import os
import sys

from runner import main, run

LABELS = {
    'service': ['api', 'db', 'proxy_rotation', 'session_manager'],
    'severity': ['critical', 'warning', 'info'],
    'team': ['ops', 'dev'],
    'env': ['prod', 'staging'],
}


def gen_matcher(rng):
    name = rng.choice(sorted(LABELS))
    op = rng.choice(['=', '!=', '=~', '!~'])
    if op in ('=~', '!~'):
        values = rng.sample(LABELS[name], rng.randint(1, 2))
        value = '|'.join(values) if rng.random() < 0.7 else values[0][:2] + '.*'
    else:
        value = rng.choice(LABELS[name] + [''])
    return name, op, value


def gen_route(rng, depth, receivers, lines, indent):
    pad = ' ' * indent
    kind = rng.random()
    if kind < 0.6:
        ms = [gen_matcher(rng) for _ in range(rng.randint(1, 2))]
        quoted = ', '.join("'" + f'{n}{op}"{v}"' + "'" for n, op, v in ms)
        lines.append(f'{pad}- matchers: [{quoted}]')
    elif kind < 0.8:
        name = rng.choice(sorted(LABELS))
        lines.append(f'{pad}- match: {{{name}: "{rng.choice(LABELS[name])}"}}')
    else:
        name = rng.choice(sorted(LABELS))
        lines.append(f'{pad}- match_re: {{{name}: "{"|".join(rng.sample(LABELS[name], 2))}"}}')
    if rng.random() < 0.6:
        lines.append(f'{pad}  receiver: {rng.choice(receivers)}')
    if rng.random() < 0.3:
        lines.append(f'{pad}  continue: true')
    if depth > 0 and rng.random() < 0.5:
        lines.append(f'{pad}  routes:')
        for _ in range(rng.randint(1, 3)):
            gen_route(rng, depth - 1, receivers, lines, indent + 4)


def gen_config(rng):
    receivers = [f'r{i}' for i in range(4)]
    lines = ['route:', '  receiver: default', '  routes:']
    for _ in range(rng.randint(1, 4)):
        gen_route(rng, 2, receivers, lines, 4)
    lines.append('receivers:')
    for r in ['default'] + receivers:
        lines.append(f'  - name: {r}')
    return '\n'.join(lines) + '\n'


def gen_labels(rng):
    names = rng.sample(sorted(LABELS), rng.randint(0, len(LABELS)))
    return [f'{n}={rng.choice(LABELS[n])}' for n in sorted(names)]


def add_arguments(ap):
    ap.add_argument('--trees', type=int, default=60)
    ap.add_argument('--label-sets', type=int, default=8)


def compare_all(args, amtool, rng, work):
    differences = []
    compared = 0
    for t in range(args.trees):
        path = os.path.join(work, f'tree{t}.yml')
        with open(path, 'w') as f:
            f.write(gen_config(rng))
        cases = [['show']] + [['test', '--tree'] + gen_labels(rng) for _ in range(args.label_sets)]
        for case in cases:
            cmd = ['config', 'routes', case[0], f'--config.file={path}'] + case[1:]
            theirs = run([amtool] + cmd)
            ours = run([args.alertd] + cmd)
            compared += 1
            if theirs[0] != 0:
                differences.append((path, case, f'amtool failed (exit {theirs[0]}): it rejects the generated file'))
            elif theirs != ours:
                differences.append((path, case, f'amtool (exit {theirs[0]}):\n{theirs[1]}alertd (exit {ours[0]}):\n{ours[1]}'))
    print(f'{args.trees} routing trees (seed {args.seed}), {compared} answers compared with amtool; '
          f'{len(differences)} differ')
    for path, case, why in differences[:20]:
        print(f'DIFFERS: {path} {" ".join(case)}\n{why}')
    return bool(differences) or compared == 0


if __name__ == '__main__':
    sys.exit(main('amtool', 'prometheus-alertmanager', 'routes-diff-', add_arguments, compare_all))
