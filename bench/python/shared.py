"""Python multiprocessing counterparts of the shared-object benchmark (bench/scenarios/i-SharedObjects.ps1).

    python3 shared.py queue <items>        a child puts <items> small ints in a Queue; the parent gets them
                                           (timed the second time, as bench/scenarios' i1 steady row)
    python3 shared.py roundtrip <rounds>   parent put -> child get, put -> parent get, per round
    python3 shared.py lock <total>         four children take one Lock <total> times in all

Each prints one line: BENCH_RESULT <json> with the seconds the timed part took.
"""

import json
import sys
import time
from multiprocessing import Event, Lock, Process, Queue


def report(**values):
    print("BENCH_RESULT " + json.dumps(values), flush=True)


def producer(queue, go, items):
    for rounds in (1, 2):
        if rounds == 2:
            go.wait()
        for i in range(items):
            queue.put(i)


def bench_queue(items):
    queue, go = Queue(), Event()
    child = Process(target=producer, args=(queue, go, items))
    child.start()
    for _ in range(items):
        queue.get()
    time.sleep(0.5)
    start = time.perf_counter()
    go.set()
    total = 0
    for _ in range(items):
        total += queue.get()
    seconds = time.perf_counter() - start
    child.join()
    assert total == items * (items - 1) // 2
    report(seconds=seconds)


def echo(inbox, outbox):
    while True:
        item = inbox.get()
        if item is None:
            break
        outbox.put(item)


def bench_roundtrip(rounds):
    inbox, outbox = Queue(), Queue()
    child = Process(target=echo, args=(inbox, outbox))
    child.start()
    inbox.put(0)
    outbox.get()
    start = time.perf_counter()
    for i in range(rounds):
        inbox.put(i)
        outbox.get()
    seconds = time.perf_counter() - start
    inbox.put(None)
    child.join()
    report(seconds=seconds)


def locker(lock, go, done, times):
    go.wait()
    for _ in range(times):
        lock.acquire()
        lock.release()
    done.put(times)


def bench_lock(total):
    lock, go, done = Lock(), Event(), Queue()
    children = [Process(target=locker, args=(lock, go, done, total // 4)) for _ in range(4)]
    for child in children:
        child.start()
    time.sleep(0.5)
    start = time.perf_counter()
    go.set()
    taken = sum(done.get() for _ in children)
    seconds = time.perf_counter() - start
    for child in children:
        child.join()
    assert taken == total
    report(seconds=seconds)


def main(argv):
    command, count = argv[0], int(argv[1])
    {"queue": bench_queue, "roundtrip": bench_roundtrip, "lock": bench_lock}[command](count)


if __name__ == "__main__":
    main(sys.argv[1:])
