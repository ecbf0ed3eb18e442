"""Python multiprocessing counterparts of the ProcCmdlets benchmark scenarios.

Each command does the same work as the PowerShell rows of its scenario, times it inside this
process and prints one line: BENCH_RESULT <json>.

    python3 bench.py map <items>            warm Pool(2).map(square, range(items))
    python3 bench.py cpu <tasks> <iters>    warm Pool(2).map of a summing loop
    python3 bench.py coldstart              Pool(2) created and its first result received
    python3 bench.py process4               four Process objects started, results received, joined
    python3 bench.py rich <items>           warm Pool(2).map building dicts
    python3 bench.py memory <items>         peak RSS growth while streaming items through a warm pool
"""

import json
import sys
import time
from multiprocessing import Pool, Process, Queue

POOL_SIZE = 2


def square(x):
    return x * x


def identity(x):
    return x


def summing_loop(iterations):
    s = 0
    for i in range(iterations):
        s += i
    return s


def rich_object(i):
    return {"Id": i, "Name": f"n{i}", "Value": i * 2, "Flag": i % 2 == 0}


def put_argument(queue, value):
    queue.put(value)


def report(**values):
    print("BENCH_RESULT " + json.dumps(values), flush=True)


def warm(pool):
    pool.map(identity, range(100))


def bench_map(items):
    with Pool(POOL_SIZE) as pool:
        warm(pool)
        start = time.perf_counter()
        results = pool.map(square, range(1, items + 1))
        seconds = time.perf_counter() - start
    assert len(results) == items and results[-1] == items * items
    report(seconds=seconds)


def bench_cpu(tasks, iterations):
    with Pool(POOL_SIZE) as pool:
        warm(pool)
        start = time.perf_counter()
        results = pool.map(summing_loop, [iterations] * tasks)
        seconds = time.perf_counter() - start
    assert results == [iterations * (iterations - 1) // 2] * tasks
    report(seconds=seconds)


def bench_coldstart():
    start = time.perf_counter()
    pool = Pool(POOL_SIZE)
    pool.map(identity, [1])
    milliseconds = (time.perf_counter() - start) * 1000
    pool.close()
    pool.join()
    report(ms=milliseconds)


def bench_process4():
    start = time.perf_counter()
    queue = Queue()
    processes = [Process(target=put_argument, args=(queue, i)) for i in range(1, 5)]
    for process in processes:
        process.start()
    results = sorted(queue.get() for _ in processes)
    for process in processes:
        process.join()
    milliseconds = (time.perf_counter() - start) * 1000
    assert results == [1, 2, 3, 4]
    report(ms=milliseconds)


def bench_rich(items):
    with Pool(POOL_SIZE) as pool:
        warm(pool)
        start = time.perf_counter()
        results = pool.map(rich_object, range(1, items + 1))
        seconds = time.perf_counter() - start
    assert len(results) == items and results[-1]["Value"] == items * 2
    report(seconds=seconds)


def bench_memory(items):
    try:
        import resource
    except ImportError:
        report(mb=None)
        return
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    unit = 1 if sys.platform == "darwin" else 1024
    with Pool(POOL_SIZE) as pool:
        warm(pool)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
        count = 0
        for _ in pool.imap(identity, range(1, items + 1), chunksize=1000):
            count += 1
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    assert count == items
    report(mb=(after - before) / (1024 * 1024))


def main(argv):
    command, arguments = argv[0], [int(a) for a in argv[1:]]
    commands = {
        "map": bench_map,
        "cpu": bench_cpu,
        "coldstart": bench_coldstart,
        "process4": bench_process4,
        "rich": bench_rich,
        "memory": bench_memory,
    }
    commands[command](*arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
