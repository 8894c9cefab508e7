import asyncio

async def child(n):
    me = asyncio.current_task()
    print("I am", me.get_name(), "with", n)
    await asyncio.sleep(n / 10)
    return n * 2

async def main():
    print("main is", asyncio.current_task().get_name())
    t1 = asyncio.create_task(child(1))
    t2 = asyncio.create_task(child(2), name="worker-two")
    t3 = asyncio.create_task(child(3))
    print(await t1, await t2, await t3)
    print(t2.get_name(), t3.get_name(), t3.done(), t3.result())

asyncio.run(main())
