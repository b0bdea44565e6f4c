# Callgrind per-function difference of two builds: python3 cgab.py TAG_A TAG_B N1 N2 [rows] (runs of vg.ts with TAG=…)
import sys

import subprocess, re
def load(path):
    out = subprocess.run(['callgrind_annotate', '--threshold=100', '--inclusive=no', path], capture_output=True, text=True).stdout
    d = {}
    for line in out.split('\n'):
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+(.*)$', line)
        if not m or 'PROGRAM TOTALS' in line: continue
        name = re.sub(r'\s*\[.*\]$', '', m.group(2))
        if name.startswith('???:0x') or name == '???:???': name = '(jit code)'
        name = re.sub(r'^\?\?\?:', '', name)
        name = re.sub(r'\(.*', '', name)[:100]
        d[name] = d.get(name, 0) + int(m.group(1).replace(',', ''))
    return d
def per(tag, n1, n2):
    a, b = load(f'/tmp/p4gw-vg/{tag}-{n1}/cg.out'), load(f'/tmp/p4gw-vg/{tag}-{n2}/cg.out')
    return {k: (b.get(k, 0) - a.get(k, 0)) / (n2 - n1) for k in set(a) | set(b)}
A = per(sys.argv[1], int(sys.argv[3]), int(sys.argv[4])); B = per(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
print('totals', round(sum(A.values())), round(sum(B.values())))
rows = sorted(set(A) | set(B), key=lambda k: -abs(B.get(k, 0) - A.get(k, 0)))
for k in rows[:int(sys.argv[5]) if len(sys.argv) > 5 else 40]:
    print(f'{A.get(k,0):9.0f} {B.get(k,0):9.0f} {B.get(k,0)-A.get(k,0):+9.0f} {k}')
