# Self time per function of the newest .cpuprofile in a directory: python3 cpuprof-self.py DIR [rows]
import json,sys,glob,collections
f=sorted(glob.glob(sys.argv[1]+'/*.cpuprofile'))[-1]
p=json.load(open(f))
nodes={n['id']:n for n in p['nodes']}
self=collections.Counter()
for s in p['samples']: self[s]+=1
tot=sum(self.values())
by=collections.Counter()
for i,c in self.items():
    cf=nodes[i]['callFrame']; by[(cf['functionName'] or '(anon)')+' '+cf['url'].split('/')[-1]+':'+str(cf['lineNumber'])]+=c
for k,c in by.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 45): print(f'{100*c/tot:5.1f}% {k}')
