#!/usr/bin/env python3
"""meson install into a temporary DESTDIR, then check the tree holds what the metainfo and the
desktop file promise, and that the installed routewise-cli runs the default simulation from the
installed data and speaks German from the installed catalog.

Usage: check-install-tree.py BUILD_DIR PREFIX APP_ID [--app]
  --app  the build has the desktop app, so bin/routewise must be installed too
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

build_dir, prefix, app_id = sys.argv[1:4]
with_app = '--app' in sys.argv[4:]
errors = []


def need(cond, msg):
    if not cond:
        errors.append(msg)


def svg_size(path):
    root = ET.parse(path).getroot()
    return root.get('viewBox')


tmp = tempfile.mkdtemp(prefix='routewise-destdir-')
try:
    env = dict(os.environ, DESTDIR=tmp)
    r = subprocess.run(['meson', 'install', '-C', build_dir, '--no-rebuild', '--quiet'], env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f'meson install failed:\n{r.stdout}{r.stderr}')
    root = tmp + prefix
    share = os.path.join(root, 'share')
    data = os.path.join(share, 'routewise')

    binaries = ['routewise-cli'] + (['routewise'] if with_app else [])
    for b in binaries:
        p = os.path.join(root, 'bin', b)
        need(os.path.isfile(p) and os.access(p, os.X_OK), f'bin/{b} is not installed')

    desktop = os.path.join(share, 'applications', app_id + '.desktop')
    metainfo = os.path.join(share, 'metainfo', app_id + '.metainfo.xml')
    need(os.path.isfile(desktop), f'{desktop} missing')
    need(os.path.isfile(metainfo), f'{metainfo} missing')
    need(os.path.isfile(os.path.join(share, 'glib-2.0', 'schemas', app_id + '.gschema.xml')), 'GSettings schema missing')
    # translations merged into both (a stale merge after a .po change shows up here)
    if os.path.isfile(desktop):
        text = open(desktop, encoding='utf-8').read()
        need('Comment[de]=' in text and 'Keywords[de]=' in text, 'the desktop file carries no German translation')
    if os.path.isfile(metainfo):
        need('xml:lang="de"' in open(metainfo, encoding='utf-8').read(), 'the metainfo carries no German translation')

    icon = os.path.join(share, 'icons', 'hicolor', 'scalable', 'apps', app_id + '.svg')
    symbolic = os.path.join(share, 'icons', 'hicolor', 'symbolic', 'apps', app_id + '-symbolic.svg')
    need(os.path.isfile(icon) and svg_size(icon) == '0 0 128 128', 'scalable icon missing or not 128x128')
    need(os.path.isfile(symbolic) and svg_size(symbolic) == '0 0 16 16', 'symbolic icon missing or not 16x16')

    need(os.path.isfile(os.path.join(share, 'locale', 'de', 'LC_MESSAGES', 'routewise.mo')), 'German catalog missing')
    need(os.path.isfile(os.path.join(data, 'topologies', 'enterprise.json')), 'default topology missing')
    scenarios = sorted(os.listdir(os.path.join(data, 'scenarios'))) if os.path.isdir(os.path.join(data, 'scenarios')) else []
    need(len(scenarios) > 0, 'no scenarios installed')
    import json
    for s in scenarios:
        with open(os.path.join(data, 'scenarios', s), encoding='utf-8') as f:
            topo = json.load(f).get('topology')
        if isinstance(topo, str):
            need(os.path.isfile(os.path.normpath(os.path.join(data, 'scenarios', topo))),
                 f'installed scenario {s} names {topo}, which is not installed')
    source_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if os.path.isfile(os.path.join(source_root, 'data', 'runbooks.json')):
        need(os.path.isfile(os.path.join(data, 'runbooks.json')), 'runbooks.json is in the tree but not installed')

    # what the metainfo promises
    if os.path.isfile(metainfo):
        comp = ET.parse(metainfo).getroot()
        need(comp.findtext('id') == app_id, 'metainfo id differs from the app id')
        launch = comp.find('launchable')
        need(launch is not None and os.path.isfile(os.path.join(share, 'applications', launch.text.strip())),
             'the launchable desktop file is not installed')
        for b in comp.findall('provides/binary'):
            if b.text == 'routewise' and not with_app:
                continue  # the app is not part of this build yet
            need(os.path.isfile(os.path.join(root, 'bin', b.text)), f'provided binary {b.text} is not installed')
        images = [i.text.strip() for i in comp.findall('screenshots/screenshot/image')]
        need(len(images) >= 1, 'the metainfo names no screenshot')
        for url in images:
            name = url.rsplit('/', 1)[-1]
            need(os.path.isfile(os.path.join(data, 'screenshots', name)),
                 f'screenshot {name} (named in the metainfo) is not installed under share/routewise/screenshots')

    # the installed CLI finds the installed data by itself: no ROUTEWISE_DATADIR, not run from _build
    cli = os.path.join(root, 'bin', 'routewise-cli')
    run_env = {k: v for k, v in os.environ.items() if k not in ('ROUTEWISE_DATADIR', 'LANGUAGE')}
    run_env['LC_ALL'] = 'C.UTF-8'
    if os.path.isfile(cli):
        r = subprocess.run([cli, 'simulate'], env=run_env, capture_output=True, text=True)
        need(r.returncode in (0, 1), f'installed routewise-cli simulate exited {r.returncode}: {r.stderr}')
        need('Enterprise edge:' in r.stdout and 'BGP converged' in r.stdout and 'Link loads' in r.stdout,
             f'installed routewise-cli simulate did not print the default simulation:\n{r.stdout}{r.stderr}')
        r = subprocess.run([cli, 'simulate'], env=dict(run_env, LANGUAGE='de'), capture_output=True, text=True)
        need('BGP ist nach' in r.stdout, f'installed routewise-cli is not German with LANGUAGE=de:\n{r.stdout}{r.stderr}')
finally:
    shutil.rmtree(tmp, ignore_errors=True)

for e in errors:
    print(e, file=sys.stderr)
if errors:
    sys.exit(1)
print('the installed tree is complete')
