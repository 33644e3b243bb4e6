#!/usr/bin/env python3
"""The Flatpak manifest parses and is complete: GNOME runtime, the desktop finish-args and no
home or host file access, and the modules graphviz, z3 and routewise; every module fetched from
the network is pinned by a sha256 (or a git commit), and routewise builds with meson and runs
its tests. Usage: check-flatpak-manifest.py MANIFEST APP_ID"""
import json
import re
import shutil
import subprocess
import sys

path, app_id = sys.argv[1], sys.argv[2]
errors = []
try:
    with open(path, encoding='utf-8') as f:
        m = json.load(f)
except (OSError, ValueError) as e:
    sys.exit(f'{path}: {e}')


def need(cond, msg):
    if not cond:
        errors.append(msg)


need(m.get('id', m.get('app-id')) == app_id, f'id is not {app_id}')
need(m.get('runtime') == 'org.gnome.Platform', 'runtime is not org.gnome.Platform')
need(m.get('sdk') == 'org.gnome.Sdk', 'sdk is not org.gnome.Sdk')
need(re.fullmatch(r'\d+', str(m.get('runtime-version', ''))) is not None, 'runtime-version is not a GNOME release')
need(m.get('command') == 'routewise', 'command is not routewise')
args = m.get('finish-args', [])
for a in ('--share=ipc', '--socket=wayland', '--socket=fallback-x11', '--device=dri'):
    need(a in args, f'finish-args lacks {a}')
for a in args:
    need(not re.match(r'--filesystem=(home|host)', a), f'{a}: files go through the portal, not home/host access')
    need(a != '--socket=x11', '--socket=x11 would bypass Wayland; fallback-x11 is enough')

modules = {}
def walk(mods):
    for mod in mods:
        if isinstance(mod, str):
            errors.append(f'module {mod}: give modules inline so they can be checked')
            continue
        modules[mod.get('name')] = mod
        walk(mod.get('modules', []))
walk(m.get('modules', []))
for name in ('graphviz', 'z3', 'routewise'):
    need(name in modules, f'no module named {name}')

for name, mod in modules.items():
    sources = mod.get('sources', [])
    need(sources, f'module {name} has no sources')
    for s in sources:
        kind = s.get('type')
        if kind in ('archive', 'file'):
            need('url' in s, f'module {name}: {kind} source without url')
            need(re.fullmatch(r'[0-9a-f]{64}', s.get('sha256', '')) is not None,
                 f'module {name}: {s.get("url")} is not pinned by a sha256')
            need(re.search(r'\d+\.\d+', s.get('url', '')) is not None,
                 f'module {name}: {s.get("url")} names no release')
        elif kind == 'git':
            need(re.fullmatch(r'[0-9a-f]{40}', s.get('commit', '')) is not None,
                 f'module {name}: git source without a commit')
        elif kind == 'dir':
            need(name == 'routewise', f'module {name}: only routewise builds from the local tree')
        else:
            errors.append(f'module {name}: unexpected source type {kind}')

rw = modules.get('routewise', {})
need(rw.get('buildsystem') == 'meson', 'routewise does not build with meson')
need(rw.get('run-tests') is True, 'routewise does not run its tests (run-tests)')
need(any(s.get('type') == 'dir' for s in rw.get('sources', [])), 'routewise is not built from this tree')
need(list(modules)[-1] == 'routewise', 'routewise must be the last module (it needs the others)')

# flatpak-builder's own parser, where it is installed (it needs no runtime for this)
if shutil.which('flatpak-builder'):
    # run in a scratch folder: flatpak-builder leaves a .flatpak-builder state folder behind
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as scratch:
        r = subprocess.run(['flatpak-builder', '--show-manifest', os.path.abspath(path)], capture_output=True,
                           text=True, cwd=scratch)
    need(r.returncode == 0, f'flatpak-builder --show-manifest failed: {r.stderr.strip()}')

for e in errors:
    print(f'{path}: {e}', file=sys.stderr)
if errors:
    sys.exit(1)
print(f'{path}: {len(modules)} modules, all pinned')
