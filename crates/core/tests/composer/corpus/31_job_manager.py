import asyncio

jobs = {}

async def run_job(job_id, duration, fail_times):
    for attempt in range(3):
        jobs[job_id] = f"running (try {attempt + 1})"
        try:
            await asyncio.wait_for(asyncio.sleep(duration), timeout=2)
            if attempt < fail_times:
                raise RuntimeError("transient")
            jobs[job_id] = "done"
            return
        except (RuntimeError, asyncio.TimeoutError) as e:
            jobs[job_id] = f"retrying after {type(e).__name__}"
            await asyncio.sleep(0.5 * (attempt + 1))
    jobs[job_id] = "failed"

async def main():
    specs = {"j1": (1, 0), "j2": (1, 1), "j3": (3, 0)}
    tasks = [asyncio.create_task(run_job(k, d, f), name=k) for k, (d, f) in specs.items()]
    await asyncio.gather(*tasks)
    for k in sorted(jobs):
        print(k, "->", jobs[k])

asyncio.run(main())
