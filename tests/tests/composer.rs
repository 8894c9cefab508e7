//! The composer in headless Chromium: a program typed with a syntax error
//! shows it at its line and column; fixed, it runs on the browser's timers
//! and in virtual time, scrubs to the line a task waits at, and its share
//! link reopens it with its run. A demo's asyncio twin opens in it.

use std::time::Duration;

use asyncscope_e2e::Harness;

const WAIT: Duration = Duration::from_secs(60);

const PROGRAM: &str = r#"import asyncio

async def worker(name, delay):
    print('start', name)
    await asyncio.sleep(delay)
    print('done', name)
    return name

async def main():
    results = await asyncio.gather(worker('a', 0.3), worker('b', 0.2))
    print(results)

asyncio.run(main())
"#;

/// Puts `text` in the editor as a paste would (one `input` event).
async fn paste(h: &Harness, text: &str) {
    h.wait_for("#program", WAIT).await;
    let script = "const t = document.querySelector('#program'); t.focus(); t.value = arguments[0]; \
                  t.dispatchEvent(new InputEvent('input', { bubbles: true }));";
    h.client
        .execute(script, vec![text.into()])
        .await
        .expect("the program is pasted");
}

async fn lane_names(h: &Harness) -> Vec<String> {
    let mut names = Vec::new();
    for el in h.all(".runner .stage .lane .lane-name").await {
        names.push(el.text().await.unwrap_or_default());
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_with_an_error_is_fixed_run_scrubbed_and_shared() {
    let h = Harness::start().await;
    h.set_viewport(1400, 1000).await;
    // The home page's build has no composer: it hands the address, hash
    // and all, to the composer's page.
    h.open("/#/compose?seed=7").await;
    h.wait_for("#program", WAIT).await;
    let at = h.client.current_url().await.expect("url");
    assert_eq!(at.path(), "/compose.html", "{at}");
    assert!(
        at.fragment().is_some_and(|f| f.starts_with("/compose?seed=7")),
        "the seed came along: {at}"
    );
    // A syntax error: `(:` on line 9, column 16, marked in the gutter.
    paste(&h, &PROGRAM.replace("async def main():", "async def main(:")).await;
    let err = h.wait_for(".syntax-error[data-line='9']", WAIT).await;
    assert_eq!(err.attr("data-col").await.ok().flatten().as_deref(), Some("16"));
    assert!(h.text(".syntax-error").await.contains("Line 9, column 16"));
    assert_eq!(h.text(".editor .gutter .ln.bad").await.trim(), "9");
    assert!(h.in_view(".syntax-error").await, "the error is where the eyes are");
    // Typed by hand: the fix, one key at a time at the end of the program.
    paste(&h, PROGRAM).await;
    assert!(
        h.all(".syntax-error").await.is_empty(),
        "the error goes once the code is fixed"
    );

    // Virtual time: exact.
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.number("[data-metric=makespan_ms]").await, 300);
    assert_eq!(lane_names(&h).await, ["Task-1", "Task-2", "Task-3"]);
    assert!(h.in_view(".runner .stage .lane").await, "the run comes into view");

    // Scrubbing lights the line a task waits at: an `await`.
    let mut lit = String::new();
    for _ in 0..40 {
        if let Some(el) = h.all(".panes .source .line.lit").await.first() {
            lit = el.text().await.unwrap_or_default();
            break;
        }
        h.click("#step-back").await;
    }
    assert!(lit.contains("await"), "the lit line is an await: {lit:?}");

    // The share link carries the program and reopens with its run.
    let link = h.value("#share-link").await;
    assert!(link.contains("#/compose?") && link.contains("code="), "{link}");
    assert!(link.len() < 2000, "{} characters", link.len());
    // It is the composer's page (the home page's build goes without the
    // composer).
    let path = link
        .split_once("/compose.html#/")
        .map(|(_, rest)| format!("/compose.html#/{rest}"))
        .expect("a link to the composer's page");
    h.open("/#/").await;
    h.open_link(&path).await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.value("#program").await, PROGRAM);
    assert_eq!(h.number("[data-metric=makespan_ms]").await, 300);

    // The browser's own timers: the same lanes, the time within a tolerance.
    h.click("#run:not([disabled])").await;
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    let real = h.number("[data-metric=makespan_ms]").await;
    assert!((295..3000).contains(&real), "a 300 ms program took {real} ms for real");
    assert_eq!(lane_names(&h).await, ["Task-1", "Task-2", "Task-3"]);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_indents_and_ctrl_enter_runs() {
    let h = Harness::start().await;
    h.open("/#/compose").await;
    paste(&h, "").await;
    let area = h.wait_for("#program", WAIT).await;
    // Enter after a colon indents one level; the next line keeps it.
    area.send_keys("import asyncio\nasync def main():\nawait asyncio.sleep(1)\n\u{E008}\t")
        .await
        .expect("typed");
    let typed = h.value("#program").await;
    // Enter after the colon indented the await; Enter after it kept the
    // indentation, which Shift+Tab then took away.
    assert_eq!(typed, "import asyncio\nasync def main():\n    await asyncio.sleep(1)\n");
    paste(
        &h,
        "import asyncio\nasync def main():\n    await asyncio.sleep(0.05)\nasyncio.run(main())\n",
    )
    .await;
    // Ctrl+Enter runs (on the browser's clock).
    h.wait_for("#program", WAIT)
        .await
        .send_keys("\u{E009}\u{E007}\u{E009}")
        .await
        .expect("ctrl+enter");
    h.wait_for(".runner[data-state=done][data-clock=real]", WAIT).await;
    assert_eq!(lane_names(&h).await, ["Task-1"]);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_twin_opens_in_the_composer_and_runs() {
    let h = Harness::start().await;
    h.open("/#/gather").await;
    h.click("#tab-asyncio").await;
    h.click("#open-in-composer").await;
    h.wait_for("[data-view=compose]", WAIT).await;
    let program = h.value("#program").await;
    assert!(
        program.contains("asyncio.run(main())") && program.contains("asyncio.gather"),
        "{program}"
    );
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    // The twin's first gather keeps B's error in place; its TaskGroup then
    // fails, and the page says so with the traceback.
    assert!(lane_names(&h).await.len() >= 4);
    let notes = h.text(".run-notes").await;
    assert!(
        notes.contains("Traceback") && notes.contains("ExceptionGroup"),
        "{notes}"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_recursion_in_the_page_is_a_recursion_error() {
    let h = Harness::start().await;
    h.open("/#/compose").await;
    paste(
        &h,
        "import asyncio\ndef down(n):\n    return down(n + 1)\nasync def main():\n    try:\n        down(0)\n    except RecursionError as e:\n        print('caught:', e)\nasyncio.run(main())\n",
    )
    .await;
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert!(h.all("#panic-banner").await.is_empty(), "no panic");
    let log = h.text(".event-log").await;
    assert!(
        log.contains("caught: maximum recursion depth exceeded (the composer allows 100 nested calls)"),
        "{log}"
    );
    // Calls that await inside a loop and a try block, as deep as they go:
    // the error climbs out through every `finally`, in the page's own
    // stack, with no panic.
    paste(
        &h,
        "import asyncio
async def main():
    for x in range(4):
        try:
            v = await main()
        except ValueError as e:
            print('except', e)
        else:
            print('else', v)
        finally:
            print('finally', x)
asyncio.run(main())
",
    )
    .await;
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert!(h.all("#panic-banner").await.is_empty(), "no panic");
    let notes = h.text(".run-notes").await;
    assert!(
        notes.contains("RecursionError: maximum recursion depth exceeded"),
        "{notes}"
    );
    // Every level printed its `finally` once, for its first pass of the
    // loop, and nothing else (the count per level is pinned natively).
    let log = h.text(".event-log").await;
    assert!(log.contains("log: finally 0"), "{log}");
    for never in ["finally 1", "log: else", "log: except"] {
        assert!(!log.contains(never), "{never}: {log}");
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_composer_looks_right_at_every_size() {
    let h = Harness::start().await;
    for (w, hgt, name) in [
        (1400, 1000, "composer-1400"),
        (1280, 800, "composer-1280"),
        (1920, 1080, "composer-1920"),
        (390, 844, "composer-phone"),
    ] {
        h.set_viewport(w, hgt).await;
        h.open("/#/").await;
        h.open("/#/compose").await;
        h.wait_for("#program", WAIT).await;
        // The textarea lies exactly over the highlighted layer: what is
        // typed is where it is drawn.
        let (area, layer) = (h.rect("#program").await, h.rect(".editor-hl").await);
        for k in 0..4 {
            assert!(
                (area[k] - layer[k]).abs() < 1.5,
                "{name}: textarea {area:?} over layer {layer:?}"
            );
        }
        h.screenshot(&format!("{name}-editor")).await;
        h.click("#run-virtual:not([disabled])").await;
        h.wait_for(".runner[data-state=done]", WAIT).await;
        let overflow = h.js_number("return document.documentElement.scrollWidth").await;
        let inner = h.js_number("return window.innerWidth").await;
        assert!(
            overflow <= f64::from(w) + 1.0,
            "{name}: the page is {overflow} px wide in a viewport of {inner} px"
        );
        let [left, _, right, _] = h.rect("#program").await;
        assert!(right - left > 250.0, "{name}: the editor is {} px wide", right - left);
        // The event log writes each task's name on one line (`Task-1` was
        // broken at its hyphen).
        let broken = h
            .js_number(
                "return [...document.querySelectorAll('.event-log td.task')].filter(td => { \
                 const r = document.createRange(); r.selectNodeContents(td); \
                 return r.getClientRects().length > 1; }).length;",
            )
            .await;
        assert_eq!(broken, 0.0, "{name}: task names broken across lines in the event log");
        h.screenshot(name).await;
    }
    // In Chinese: the page's own words change, the program does not.
    h.set_viewport(1400, 1000).await;
    h.open("/#/compose").await;
    h.choose("#lang", "zh").await;
    h.wait_for("#program", WAIT).await;
    h.click("#run-virtual:not([disabled])").await;
    h.wait_for(".runner[data-state=done]", WAIT).await;
    assert_eq!(h.text("[data-view=compose] h1").await, "编写器");
    assert!(h.text(".panes .code-caption").await.contains("等待"));
    h.screenshot("composer-1400-zh").await;
    h.choose("#lang", "en").await;
    h.finish().await;
}

/// The page's title once `ok` holds (it is set after the page draws), or
/// as it is after 5 s.
async fn titled(h: &Harness, ok: impl Fn(&str) -> bool) -> String {
    let started = std::time::Instant::now();
    loop {
        let title = h.client.title().await.expect("the title");
        if ok(&title) || started.elapsed() > Duration::from_secs(5) {
            return title;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_composers_own_address_opens_it_and_each_page_is_titled_in_its_language() {
    let h = Harness::start().await;
    // Typed or bookmarked without a hash, the composer's page opens the
    // composer (it showed the list of demos under the composer's title).
    h.open("/compose.html").await;
    h.wait_for("[data-view=compose] #program", WAIT).await;
    let is = |expected: &'static str| move |t: &str| t == expected;
    assert_eq!(titled(&h, is("Composer · asyncscope")).await, "Composer · asyncscope");
    // It has a program, not parameters, to set.
    assert_eq!(h.text("p.status").await, "Write a program and press Run.");
    // `#/` is the list of demos there as everywhere.
    h.open("/compose.html#/").await;
    h.wait_for("[data-view=home]", WAIT).await;
    let home = "asyncscope: watch Rust futures run";
    assert_eq!(titled(&h, is(home)).await, home);
    h.open("/#/countdown").await;
    h.wait_for(".runner", WAIT).await;
    let countdown = "Countdown timers · asyncscope";
    assert_eq!(titled(&h, is(countdown)).await, countdown);
    // In Chinese, the title is too.
    h.choose("#lang", "zh").await;
    h.wait_for("html[lang=zh-Hans]", WAIT).await;
    let zh = titled(&h, |t| !t.contains("Countdown")).await;
    assert!(
        zh.ends_with(" · asyncscope") && !zh.contains("Countdown"),
        "the Chinese page's title: {zh}"
    );
    h.choose("#lang", "en").await;
    h.finish().await;
}
