import asyncio

async def main():
    nums = [3, 1, 4, 1, 5, 9, 2, 6]
    evens = [n for n in nums if n % 2 == 0]
    squares = {n: n * n for n in nums if n > 2}
    pairs = [(a, b) for a in range(3) for b in range(a)]
    print(evens, squares, pairs)
    ratio = sum(nums) / len(nums)
    print(f"mean {ratio:.3f}, max {max(nums)}, {len(nums):>5}|{'x':<3}|{7:03d}|{0.25:.0%}|{1234567:,}")
    name = "asyncio"
    print(f"{name!r} {name.upper()} {name[1:4]} {name[-1]} {name[::-1]}")
    print(f"{ratio=}")
    await asyncio.sleep(0)

asyncio.run(main())
