import asyncio

def retry(times, delay):
    def wrap(func):
        async def inner(*args, **kwargs):
            last = None
            for i in range(times):
                try:
                    return await func(*args, **kwargs)
                except ValueError as e:
                    last = e
                    print(f"try {i + 1} of {times}: {e}")
                    await asyncio.sleep(delay)
            raise last
        return inner
    return wrap

calls = {"n": 0}

@retry(times=3, delay=1)
async def parse(text, strict=False):
    calls["n"] += 1
    await asyncio.sleep(0.2)
    if calls["n"] < 3:
        raise ValueError(f"bad input {text!r}")
    return int(text)

async def main():
    print(await parse("42", strict=True))

asyncio.run(main())
