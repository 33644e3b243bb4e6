#!/usr/bin/env python3
"""Every source file under src/ and ui/ with a translatable string is listed in po/POTFILES.in,
every listed file exists, and the list is sorted. Usage: check-potfiles.py SOURCE_ROOT

Before looking at the real tree it runs the same check on a small made-up tree with one
unlisted file, so a checker that stopped finding anything would fail too.
"""
import os
import re
import sys
import tempfile

MARKERS = re.compile(r'\b_\("|\bN_\("|\bC_\(|\bNC_\(|ngettext|translatable="yes"')
EXTENSIONS = ('.c', '.h', '.ui', '.blp', '.xml', '.in')


def listed(root):
    path = os.path.join(root, 'po', 'POTFILES.in')
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append(line)
    return entries


def translatable_sources(root):
    found = []
    for top in ('src', 'ui'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(EXTENSIONS):
                    continue
                full = os.path.join(dirpath, name)
                with open(full, encoding='utf-8', errors='replace') as f:
                    if MARKERS.search(f.read()):
                        found.append(os.path.relpath(full, root))
    return found


def problems(root):
    entries = listed(root)
    out = []
    for rel in translatable_sources(root):
        if rel not in entries:
            out.append(f'{rel} has translatable strings but is not in po/POTFILES.in')
    for rel in entries:
        if not os.path.isfile(os.path.join(root, rel)):
            out.append(f'po/POTFILES.in lists {rel}, which does not exist')
    if entries != sorted(entries):
        out.append('po/POTFILES.in is not sorted')
    return out


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, 'po'))
        os.makedirs(os.path.join(tmp, 'src', 'app'))
        os.makedirs(os.path.join(tmp, 'ui'))
        with open(os.path.join(tmp, 'src', 'app', 'listed.c'), 'w') as f:
            f.write('puts (_("Hello"));\n')
        with open(os.path.join(tmp, 'src', 'app', 'unlisted.c'), 'w') as f:
            f.write('puts (g_dngettext (GETTEXT_PACKAGE, "a", "b", n));\n')
        with open(os.path.join(tmp, 'ui', 'window.ui'), 'w') as f:
            f.write('<property name="title" translatable="yes">Routewise</property>\n')
        with open(os.path.join(tmp, 'src', 'app', 'plain.c'), 'w') as f:
            f.write('puts ("not for people");\n')
        with open(os.path.join(tmp, 'po', 'POTFILES.in'), 'w') as f:
            f.write('src/app/listed.c\n')
        got = problems(tmp)
        want = ['src/app/unlisted.c has translatable strings but is not in po/POTFILES.in',
                'ui/window.ui has translatable strings but is not in po/POTFILES.in']
        if got != want:
            sys.exit(f'self-test: the checker reported {got}, expected {want}')


def main():
    root = sys.argv[1]
    self_test()
    found = problems(root)
    for p in found:
        print(p, file=sys.stderr)
    if found:
        sys.exit(1)
    print(f'po/POTFILES.in covers all {len(translatable_sources(root))} files with translatable strings')


main()
