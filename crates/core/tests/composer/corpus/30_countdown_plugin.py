import asyncio

async def countdown(name, seconds):
    remaining = seconds
    while remaining > 0:
        print(f"[{name}] {remaining} s left")
        await asyncio.sleep(1)
        remaining -= 1
    print(f"[{name}] time is up")

async def main():
    a = asyncio.create_task(countdown("tea", 3), name="tea")
    b = asyncio.create_task(countdown("egg", 5), name="egg")
    await asyncio.sleep(2.5)
    b.cancel()
    await asyncio.gather(a, b, return_exceptions=True)
    print("tea:", a.done(), "egg cancelled:", b.cancelled())

asyncio.run(main())
