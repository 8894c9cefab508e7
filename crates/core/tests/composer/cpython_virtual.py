"""Runs an asyncio program under CPython on a virtual clock and prints, as
JSON, what the composer's differential test compares: every task (name,
when it was made, when it ended, how), every printed line (time, task,
text) and the exception that ended the program, if any.

The loop is CPython's own; only its clock is virtual: when nothing is
ready, time jumps to the next timer instead of sleeping. time.monotonic,
time.time and time.perf_counter read that clock, and time.sleep moves it
(the thread is blocked: nothing else runs meanwhile).

usage: python3 cpython_virtual.py PROGRAM.py
"""

import asyncio
import asyncio.tasks
import json
import sys
import time


class Stalled(Exception):
    pass


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        super().__init__()
        self._vt = 0.0
        real = self._selector
        loop = self

        class Selector:
            def __getattr__(self, name):
                return getattr(real, name)

            def select(self, timeout=None):
                if timeout is None:
                    raise Stalled()
                if timeout > 0:
                    loop._vt += timeout
                return real.select(0)

        self._selector = Selector()

    def time(self):
        return self._vt


LOOP = []
TASKS = []
LOGS = []


class Policy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        loop = VirtualLoop()
        LOOP.append(loop)
        return loop


def now():
    return LOOP[-1]._vt if LOOP else 0.0


class RecordedTask(asyncio.tasks.Task):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        coro = getattr(self.get_coro(), "__qualname__", "")
        if coro.startswith("BaseEventLoop.shutdown"):
            # asyncio.run's own clean-up, after the program.
            return
        row = {"name": self.get_name(), "spawned_ms": ms(now()), "end_ms": None, "outcome": "running"}
        TASKS.append(row)

        def done(t):
            # asyncio.create_task(name=...) names the task after making it.
            row["name"] = t.get_name()
            row["end_ms"] = ms(now())
            if t.cancelled():
                row["outcome"] = "cancelled"
            elif t.exception() is not None:
                row["outcome"] = "error"
            else:
                row["outcome"] = "ok"

        self.add_done_callback(done)


def ms(seconds):
    return round(seconds * 1000.0, 3)


def recorded_print(*args, sep=" ", end="\n", **_):
    text = sep.join(str(a) for a in args) + end
    if text.endswith("\n"):
        text = text[:-1]
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    LOGS.append({"t_ms": ms(now()), "task": task.get_name() if task else None, "text": text})


def blocking_sleep(seconds):
    if LOOP:
        LOOP[-1]._vt += seconds


def main():
    path = sys.argv[1]
    source = open(path, encoding="utf-8").read()
    asyncio.set_event_loop_policy(Policy())
    asyncio.tasks.Task = RecordedTask
    asyncio.Task = RecordedTask
    time.monotonic = now
    time.time = now
    time.perf_counter = now
    time.sleep = blocking_sleep
    error = None
    env = {"__name__": "__main__", "print": recorded_print}
    try:
        exec(compile(source, "main.py", "exec"), env)
    except Stalled:
        error = "stalled"
    except BaseException as e:  # noqa: BLE001 - the program's own exception is the result
        name = type(e).__name__
        error = f"{name}: {e}" if str(e) else name
    json.dump({"tasks": TASKS, "logs": LOGS, "error": error}, sys.stdout)


main()
