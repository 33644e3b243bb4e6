#!/usr/bin/env python3
"""Copy a scenario for the installed layout.

In the source tree a scenario names its topology as ../data/topologies/NAME.json; installed,
scenarios/ and topologies/ are siblings under share/routewise, so the reference becomes
../topologies/NAME.json. Only the "topology" value changes; the file is otherwise byte-for-byte
the same. Fails if the reference points anywhere else, so a new scenario cannot ship broken.
"""
import json
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
doc = json.loads(text)
topo = doc.get("topology")
if isinstance(topo, str):
    prefix = "../data/topologies/"
    if not topo.startswith(prefix) or "/" in topo[len(prefix):]:
        sys.exit(f"{src}: topology {topo!r} is not under ../data/topologies/")
    text, n = re.subn(r'("topology"\s*:\s*")\.\./data/topologies/', r"\1../topologies/", text, count=1)
    if n != 1:
        sys.exit(f"{src}: could not rewrite the topology reference")
open(dst, "w", encoding="utf-8").write(text)
