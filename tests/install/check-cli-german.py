#!/usr/bin/env python3
"""routewise-cli speaks German with LANGUAGE=de when run from the build tree (the catalogs in
_build/po). Usage: check-cli-german.py ROUTEWISE_CLI"""
import os
import subprocess
import sys

cli = sys.argv[1]
env = dict(os.environ, LANGUAGE='de', LC_ALL='C.UTF-8')
env.pop('ROUTEWISE_DATADIR', None)


def run(*args, language='de'):
    e = dict(env, LANGUAGE=language)
    return subprocess.run([cli, *args], env=e, capture_output=True, text=True)


checks = [
    (('--help',), 'Aufruf: routewise-cli BEFEHL', 'Befehle:'),
    (('--help',), 'BGP und Verkehr für eine Topologie berechnen', None),
    (('simulate', '--help'), 'Ohne TOPO wird das mit Routewise gelieferte Standardnetz simuliert', None),
    (('simulate',), 'BGP ist nach', 'Beste Routen an unseren Routern'),
]
failed = False
for args, want, also in checks:
    r = run(*args)
    for w in (want, also):
        if w and w not in r.stdout:
            print(f'routewise-cli {" ".join(args)} with LANGUAGE=de lacks {w!r}:\n{r.stdout}{r.stderr}', file=sys.stderr)
            failed = True
# and the same program stays English without a language, so the German above is the catalog's doing
r = run('--help', language='')
if 'Usage: routewise-cli COMMAND' not in r.stdout:
    print(f'routewise-cli --help without LANGUAGE is not English:\n{r.stdout}', file=sys.stderr)
    failed = True
sys.exit(1 if failed else 0)
