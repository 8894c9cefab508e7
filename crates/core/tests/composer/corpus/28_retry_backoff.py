import asyncio

attempts = 0

async def flaky():
    global attempts
    attempts += 1
    await asyncio.sleep(0.1)
    if attempts < 4:
        raise ConnectionError(f"attempt {attempts} failed")
    return "success"

async def with_retry(max_tries, base):
    delay = base
    for attempt in range(1, max_tries + 1):
        try:
            return await flaky()
        except ConnectionError as e:
            print(e, "; retry in", delay)
            await asyncio.sleep(delay)
            delay *= 2
    raise RuntimeError("gave up")

async def main():
    print(await with_retry(5, 0.5))

asyncio.run(main())
