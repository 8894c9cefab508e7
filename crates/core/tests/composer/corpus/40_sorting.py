import asyncio

async def main():
    people = [("ann", 31), ("bob", 25), ("cy", 35)]
    print(sorted(people, key=lambda p: p[1]))
    print(sorted(people, key=lambda p: -p[1])[0][0])
    print(min(people, key=lambda p: p[1]), max([3, 8, 1]))
    print(sorted([3, 1, 2], reverse=True), list(reversed([1, 2, 3])))
    words = ["pear", "fig", "apple"]
    words.sort(key=len)
    print(words, sum([1, 2, 3]), abs(-4), round(2.5), round(3.14159, 2))
    print(list(zip([1, 2], ["a", "b"])), list(enumerate("ab", 1)))
    print(any([0, 0, 1]), all([1, 0]), int("12") + int(3.9), float("1.5"), str(10) + "!")
    await asyncio.sleep(0)

asyncio.run(main())
