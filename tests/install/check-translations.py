#!/usr/bin/env python3
"""Every translation is valid and complete against a template made from the current sources.

Usage: check-translations.py SOURCE_ROOT
For each language in po/LINGUAS: msgfmt --check-format -c, then msgmerge with a fresh template
(xgettext over po/POTFILES.in with the keywords of meson's glib preset) and no untranslated or
fuzzy message may remain.
"""
import os
import subprocess
import sys
import tempfile

root = sys.argv[1]
po_dir = os.path.join(root, 'po')
KEYWORDS = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
            '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
            '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
            '--flag=g_dngettext:2:pass-c-format']


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def messages(po_text):
    """Number of real messages (not the header) in a PO text."""
    return sum(1 for line in po_text.splitlines() if line.startswith('msgid ')) - (1 if 'msgid ""' in po_text else 0)


with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'routewise.pot')
    run('xgettext', '--package-name=routewise', '--from-code=UTF-8', '--add-comments=Translators',
        *KEYWORDS, '-D', root, '-f', os.path.join(po_dir, 'POTFILES.in'), '-o', pot)
    with open(pot, encoding='utf-8') as f:
        template = f.read()
    if messages(template) < 50:
        sys.exit(f'the template has only {messages(template)} messages: the extraction is broken')

    failed = False
    languages = [l.strip() for l in open(os.path.join(po_dir, 'LINGUAS')) if l.strip() and not l.startswith('#')]
    if not languages:
        sys.exit('po/LINGUAS names no language')
    for lang in languages:
        po = os.path.join(po_dir, lang + '.po')
        try:
            run('msgfmt', '--check-format', '-c', '-o', os.devnull, po)
        except subprocess.CalledProcessError as e:
            print(f'{lang}.po: msgfmt -c failed:\n{e.stderr}', file=sys.stderr)
            failed = True
            continue
        lang_failed = False
        merged = os.path.join(tmp, lang + '.po')
        run('msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot)
        # msgmerge marks a message fuzzy when the new C format differs, so fuzzy counts too
        for what, flag in (('untranslated', '--untranslated'), ('fuzzy', '--only-fuzzy')):
            out = run('msgattrib', flag, '--no-obsolete', merged).stdout
            n = messages(out)
            if n:
                print(f'{lang}.po: {n} {what} message(s):\n{out}', file=sys.stderr)
                lang_failed = True
        if 'Plural-Forms: nplurals=2; plural=(n != 1);' not in open(po, encoding='utf-8').read() and lang == 'de':
            print('de.po: Plural-Forms must be nplurals=2; plural=(n != 1);', file=sys.stderr)
            lang_failed = True
        if lang_failed:
            failed = True
        else:
            print(f'{lang}.po: complete against {messages(template)} messages')
    sys.exit(1 if failed else 0)
