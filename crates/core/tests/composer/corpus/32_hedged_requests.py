import asyncio

async def replica(name, latency):
    await asyncio.sleep(latency)
    return name

async def hedged(latencies, hedge_after):
    tasks = []
    for i, lat in enumerate(latencies):
        tasks.append(asyncio.create_task(replica(f"r{i}", lat), name=f"r{i}"))
        done, _ = await asyncio.wait(tasks, timeout=hedge_after, return_when=asyncio.FIRST_COMPLETED)
        if done:
            break
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()
    winner = list(done)[0]
    return winner.result()

async def main():
    print("winner", await hedged([5, 0.5, 3], 1))

asyncio.run(main())
