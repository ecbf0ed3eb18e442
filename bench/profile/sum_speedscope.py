"""Sums a speedscope profile of a session by thread and by the map's steps.

Usage: sum_speedscope.py <file.speedscope.json> <items> [<top leaf frames per thread>]

The profile is dotnet-trace's sampled thread time (collect --profile dotnet-sampled-thread-time),
converted with dotnet-trace convert --format speedscope. Only samples in managed code (the
sampler's CPU_TIME leaf) count; a sample's step is the innermost frame on its stack that names one.
Figures are microseconds per item: the time sampled, divided by the items mapped while tracing.
"""
import collections
import json
import re
import sys

path, items = sys.argv[1], int(sys.argv[2])
d = json.load(open(path))
frames = [f['name'] for f in d['shared']['frames']]
STEPS = [
 ('WriteObject', r'CmdletRecordSink|MshCommandRuntime\.(DoWriteObject|WriteObject)|Cmdlet\.WriteObject|Pipe\.Add'),
 ('record routing (pump, drain, order)', r'MapPump|MapResult\.(Drain|Take|OnRecord)|RecordFlow'),
 ('decode (worker reader threads)', r'FrameRouter|ValueDecoder|ShapeTable\.Read|Protocol\.Record|RecordCodec\.Read'),
 ('encode', r'MapDriver\.Encode|ValueCodec\.Write|RowWriter|NoteProperties'),
 ('dispatch (scheduler, outbox, writer)', r'ChunkScheduler|PoolWorker\.Flush|FrameWriter|WorkerPool\.(Dispatch|Run)|PoolEffects|RunChunk\.Write'),
 ('queue', r'MapDriver\.(Queue|AddAll|Add)|ItemQueue|WorkerPool\.(Change|Enqueue)'),
 ('input enumeration / binding', r'LanguagePrimitives|GetEnumerable|ParameterBinder|CommandProcessor.*ProcessRecord'),
]
STEPS = [(n, re.compile(p)) for n, p in STEPS]
tot = collections.Counter(); busy = collections.Counter(); per = collections.defaultdict(collections.Counter)
leafs = collections.defaultdict(collections.Counter)
def account(th, stack, w):
    names = [frames[i] for i in stack]
    tot[th] += w
    # The sampler marks a thread running managed code with a CPU_TIME leaf; anything else
    # (UNMANAGED_CODE_TIME) is native code, mostly waits and reads, and is left out.
    if not names or names[-1] != 'CPU_TIME':
        return
    busy[th] += w
    step = 'other'
    for n in reversed(names):
        hit = next((s for s, rx in STEPS if rx.search(n)), None)
        if hit:
            step = hit; break
    per[th][step] += w
    leafs[th][(step, names[-2][:130])] += w
for prof in d['profiles']:
    th = prof['name']
    stack = []; last = None
    for ev in prof['events']:
        if last is not None and stack:
            account(th, list(stack), ev['at'] - last)
        last = ev['at']
        if ev['type'] == 'O':
            stack.append(ev['frame'])
        else:
            # Close the frame (and anything above it).
            while stack:
                if stack.pop() == ev['frame']:
                    break
unit = d['profiles'][0].get('unit', 'milliseconds')
print('unit', unit, 'items', items)
for th, b in busy.most_common(8):
    print(f'{th}: busy {b:.0f} of {tot[th]:.0f} -> {b*1000/items:.3f} us/item')
    for step, w in per[th].most_common():
        print(f'    {step:40s} {w*1000/items:.3f} us/item ({w:.0f} ms)')
    if len(sys.argv) > 3:
        for (step, leaf), w in leafs[th].most_common(int(sys.argv[3])):
            print(f'        {w*1000/items:.3f} {step[:12]:12s} {leaf}')
