//! The page's two languages. Interface text is written in English at the
//! call site and looked up here for Simplified Chinese; a phrase with no
//! entry stays English (a test checks the table has no gaps or repeats).
//! The demos' own words come from `asyncscope_core::demos::About`.

use asyncscope_core::Bilingual;

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    /// Parses a stored or browser language (`zh`, `zh-CN`, `en-GB`, ...).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// What goes between a label and what it says: `: `, or the
    /// full-width `：` in Chinese.
    pub fn colon(self) -> &'static str {
        match self {
            Lang::En => ": ",
            Lang::Zh => "：",
        }
    }

    /// A message made in both languages, in this one.
    pub fn pick(self, message: &Bilingual) -> &str {
        message.get(self == Lang::Zh)
    }

    /// `text` in this language.
    pub fn t(self, text: &'static str) -> &'static str {
        match self {
            Lang::En => text,
            Lang::Zh => ZH.iter().find(|(en, _)| *en == text).map_or(text, |(_, zh)| zh),
        }
    }
}

/// English → Simplified Chinese.
pub const ZH: &[(&str, &str)] = &[
    (
        "Watch real Rust futures run, in your browser",
        "在浏览器里观看真实的 Rust future 运行",
    ),
    ("Async Rust, drawn as it runs", "异步 Rust，边运行边绘制"),
    (
        "Each demo is real Rust async code running on this page's event loop. Press Run and watch every task's lane: when it is polled, when it sleeps, when it ends.",
        "每个演示都是在本页事件循环上运行的真实 Rust 异步代码。按下“运行”，观察每个任务的泳道：何时被轮询、何时休眠、何时结束。",
    ),
    ("Filter the demos", "筛选演示"),
    ("demos shown", "个演示"),
    ("Demos", "演示"),
    ("Language", "语言"),
    ("Theme", "主题"),
    ("light", "浅色"),
    ("dark", "深色"),
    ("system", "跟随系统"),
    ("Run", "运行"),
    ("Run in virtual time", "以虚拟时间运行"),
    ("Cancel", "取消"),
    ("Replay", "重放"),
    ("Play", "播放"),
    ("Pause", "暂停"),
    ("Previous event", "上一个事件"),
    ("Next event", "下一个事件"),
    ("Speed", "速度"),
    ("Playhead", "播放头"),
    ("Playback", "回放"),
    ("Zoom", "缩放"),
    ("Zoom in", "放大"),
    ("Zoom out", "缩小"),
    ("Whole run", "整个运行"),
    ("Pin for comparison", "固定以便比较"),
    ("Unpin", "取消固定"),
    ("Copy link", "复制链接"),
    ("Link copied", "链接已复制"),
    ("Download trace (Perfetto)", "下载轨迹（Perfetto）"),
    ("Download SVG", "下载 SVG"),
    ("Trace hash", "轨迹哈希"),
    (
        "The same demo, parameters and seed give the same hash here and on the command line.",
        "同一演示、同样参数和种子，在此处和命令行中得到相同的哈希。",
    ),
    ("Seed", "种子"),
    ("Set the parameters and press Run.", "设置参数后按“运行”。"),
    ("Show every demo", "显示全部示例"),
    ("Write a program and press Run.", "写好程序后按“运行”。"),
    (
        "Run waits for the fields marked in red: each says what it takes.",
        "请先改正标红的字段，才能运行：每个字段下方写明了它接受的值。",
    ),
    ("Done:", "完成："),
    (
        "Cancelled, every unfinished future dropped:",
        "已取消，每个未完成的 future 都被丢弃：",
    ),
    (", ", "，"),
    (".", "。"),
    ("Cancelling: dropping every future…", "正在取消：丢弃每个 future……"),
    (
        "Ran in virtual time (exact, and at once):",
        "已以虚拟时间运行（精确，且瞬间完成）：",
    ),
    ("makespan", "总耗时"),
    ("max in flight", "最大并发"),
    ("ok", "成功"),
    ("error", "失败"),
    ("timeout", "超时"),
    ("at", "于"),
    ("events", "个事件"),
    ("failed", "失败"),
    ("cancelled", "已取消"),
    ("timed out", "超时"),
    ("requests ok", "请求成功"),
    ("HTTP errors", "HTTP 错误"),
    ("on the wire at once", "同时在传输"),
    ("so far", "目前"),
    ("in flight", "进行中"),
    ("polled: the future's code is running", "已轮询：future 的代码正在运行"),
    ("sleeping: pending on its timer", "休眠：等待自己的定时器"),
    ("permit: waiting for a semaphore permit", "许可：等待信号量许可"),
    ("io: awaiting a request", "io：等待请求"),
    ("waiting: pending on something else", "等待：等待其他事物"),
    ("created: built, not polled yet", "已创建：已构造，尚未轮询"),
    ("cancelled: dropped before it completed", "已取消：在完成前被丢弃"),
    ("Legend", "图例"),
    ("wake: something woke the task", "唤醒：有东西唤醒了任务"),
    ("retry: another attempt starts", "重试：开始新一次尝试"),
    ("deadline: a timeout's time limit passed", "截止：超时的时间限制已过"),
    ("cancel: the task was dropped here", "取消：任务在此被丢弃"),
    ("timeout: its time limit dropped it here", "超时：时间限制在此丢弃了它"),
    ("error: it failed here", "错误：任务在此失败"),
    (
        "all tasks, by state (click to scroll the lanes there)",
        "全部任务，按状态（点击滚动泳道到那里）",
    ),
    ("Running in virtual time…", "正在以虚拟时间运行…"),
    ("virtual clock at", "虚拟时钟已到"),
    ("events recorded", "个事件已记录"),
    ("Code", "代码"),
    ("Composer", "编写器"),
    (
        "asyncscope: watch Rust futures run",
        "asyncscope：观看真实的 Rust future 运行",
    ),
    (
        "Write asyncio code and watch it run as real Rust futures: asyncio.sleep is a browser timer, create_task a spawned future, and every task a lane. Run it on the browser's clock, or in virtual time for the exact schedule.",
        "编写 asyncio 代码，看它作为真正的 Rust future 运行：asyncio.sleep 是浏览器的定时器，create_task 是派生出的 future，每个任务一条泳道。可按浏览器时钟运行，也可在虚拟时间里得到精确的调度。",
    ),
    ("Examples", "示例"),
    ("Open an example…", "打开一个示例…"),
    ("Where the composer differs from CPython", "编写器与 CPython 的不同之处"),
    ("Program", "程序"),
    (
        "Tab indents, Enter keeps the indentation, Ctrl+Enter runs.",
        "Tab 缩进，回车保持缩进，Ctrl+回车运行。",
    ),
    (
        "The program, with the line each task waits at",
        "程序，亮出每个任务等待的那一行",
    ),
    ("Open in the composer", "在编写器中打开"),
    (
        "Run in the composer, this program gives the same makespan and the same task outcomes as the Rust demo with its defaults.",
        "在编写器中运行，这段程序与使用默认参数的 Rust 演示有相同的总时长和相同的任务结果。",
    ),
    ("Write your own", "自己编写"),
    ("Opening the composer…", "正在打开编写器……"),
    ("Opening the demo…", "正在打开示例……"),
    ("Warnings", "警告"),
    ("Waiting on", "在等什么"),
    (
        "warning: a rule of the Warnings panel fired here",
        "警告：警告面板中的一条规则在此触发",
    ),
    (
        "Click a lane or an event to see what its task waits on at the playhead.",
        "点击一条泳道或一个事件，查看它的任务在播放头处等待什么。",
    ),
    ("scheduled", "待轮询"),
    ("woken, waiting for its turn to be polled", "已被唤醒，等待轮到它被轮询"),
    ("polls", "轮询次数"),
    ("wakes", "唤醒次数"),
    ("self-wakes", "自我唤醒"),
    ("wakes during its own poll", "在自己的轮询中发生的唤醒"),
    (
        "None: nothing was left unpolled, stuck or running unjoined; no poll held the thread over 50 ms; no task was starved or busy-yielding; no lock was held across a slow await; no loop drifted; no queue only grew; nothing ran without a limit; no retry came at once or in step with others.",
        "没有：没有 future 从未被轮询、卡住或无人等待地继续运行；没有一次轮询占住线程超过 50 毫秒；没有任务挨饿或忙等；没有跨越慢速 await 持锁；没有循环漂移；没有只增不减的队列；没有不加限制的并发；没有立刻重试或与别人步调一致的重试。",
    ),
    (
        "paste asyncio code and watch it run as real Rust futures.",
        "粘贴 asyncio 代码，看它作为真正的 Rust future 运行。",
    ),
    ("The Rust code this demo runs", "本演示运行的 Rust 代码"),
    ("The same idea in Python's asyncio", "同一思路的 Python asyncio 写法"),
    ("Loading the code…", "正在加载代码…"),
    ("The code of this demo could not be loaded", "无法加载这个示例的代码"),
    ("no demo has this name", "没有这个名字的示例"),
    ("there is no window", "页面没有 window 对象"),
    ("the network failed", "网络请求失败"),
    ("the answer is not a response", "得到的不是 HTTP 响应"),
    ("the body could not be read", "无法读取响应内容"),
    ("Try again", "重试"),
    ("Where Rust and asyncio differ", "Rust 与 asyncio 的不同之处"),
    ("Event log", "事件日志"),
    ("All tasks", "所有任务"),
    ("All kinds", "所有类型"),
    ("time", "时间"),
    ("task", "任务"),
    ("event", "事件"),
    ("run", "运行"),
    ("No event yet.", "还没有事件。"),
    ("Time per task", "每个任务的时间"),
    ("running", "运行中"),
    ("waiting", "等待"),
    ("not started", "未开始"),
    ("Compare", "比较"),
    ("Each job is", "每个作业是"),
    ("Network", "网络"),
    ("No lab server answers here.", "这里没有实验服务器应答。"),
    ("Page not found", "页面不存在"),
    ("See every demo", "查看所有演示"),
    (
        "Keyboard: space plays or pauses, ← → step through events, Shift+← → pan, + and − zoom, 0 shows the whole run.",
        "键盘：空格键播放或暂停，← → 逐个事件移动，Shift+← → 平移，+ 和 − 缩放，0 显示整个运行。",
    ),
    ("Running on the browser's clock:", "正在浏览器时钟上运行："),
    ("Running on the browser's clock…", "正在浏览器时钟上运行…"),
    (
        " (too big to draw as it goes: its lanes are drawn when it ends)",
        "（太大，无法边运行边绘制：结束时再画出各条泳道）",
    ),
    (
        "Requests go to the simulated lab instead: the same API, with its delays on this page's real clock. To send real requests, serve the page with",
        "请求改由模拟实验室应答：同样的 API，延迟发生在本页的真实时钟上。要发送真实请求，请用",
    ),
    ("and choose the real network.", "提供本页，并选择真实网络。"),
    ("There is no page at", "没有这个页面："),
    ("Skip to content", "跳到正文"),
    // Parameter labels.
    ("A takes (ms)", "A 耗时（毫秒）"),
    ("At most at once", "同时最多"),
    ("Attempts at most", "最多尝试次数"),
    ("B takes (ms)", "B 耗时（毫秒）"),
    ("Backoff factor", "退避倍数"),
    ("Bounded semaphore", "有界信号量"),
    ("C takes (ms)", "C 耗时（毫秒）"),
    ("Cancel at (ms)", "取消时刻（毫秒）"),
    ("Cancel at (ms; 0: never)", "取消时刻（毫秒；0 表示不取消）"),
    ("Cancel by", "取消方式"),
    ("Cancel it at (ms)", "取消时刻（毫秒）"),
    ("Chunk (KiB)", "块大小（KiB）"),
    ("Closing takes (ms)", "关闭耗时（毫秒）"),
    ("Consumers", "消费者数量"),
    ("Countdowns (in counts)", "倒计时（以计数为单位）"),
    ("Daily job at", "每日任务时间"),
    ("Days (daily schedule)", "天数（每日计划）"),
    ("Duration of each job (ms)", "每个作业的时长（毫秒）"),
    ("Duration of each task (ms)", "每个任务的时长（毫秒）"),
    ("Each attempt takes (ms)", "每次尝试耗时（毫秒）"),
    ("Each holds it for (ms)", "每个持有时长（毫秒）"),
    ("Each item takes (ms) to make", "生产每个条目耗时（毫秒）"),
    ("Each task takes (ms)", "每个任务耗时（毫秒）"),
    ("Extra wait after an error (ms)", "出错后额外等待（毫秒）"),
    ("First backoff (ms)", "首次退避（毫秒）"),
    ("Handling an item takes (ms)", "处理每个条目耗时（毫秒）"),
    ("It reports progress every (ms)", "进度报告间隔（毫秒）"),
    ("Items", "条目数"),
    ("Items per producer", "每个生产者的条目数"),
    ("Its HTTP status", "它的 HTTP 状态码"),
    ("Jitter", "抖动"),
    ("Job i takes i × (ms)", "作业 i 耗时 i × （毫秒）"),
    ("Job to cancel (0: none)", "要取消的作业（0 表示无）"),
    (
        "Job whose first attempt fails (0: none)",
        "首次尝试失败的作业（0 表示无）",
    ),
    ("Jobs", "作业数"),
    ("Join with", "汇集方式"),
    ("Let the losers finish", "让落败者继续完成"),
    ("Limit with", "限流方式"),
    ("Longest backoff (ms)", "最长退避（毫秒）"),
    ("Longest server delay (ms)", "服务器最长延迟（毫秒）"),
    ("Mode", "模式"),
    ("One count lasts (ms)", "每次计数时长（毫秒）"),
    ("One item every (ms)", "每隔多久生产一个（毫秒）"),
    ("Opening takes (ms)", "打开耗时（毫秒）"),
    (
        "Outcome of each attempt (the last repeats)",
        "每次尝试的结果（最后一个会重复）",
    ),
    ("Pause between chunks (ms)", "块之间的停顿（毫秒）"),
    ("Period (ms)", "周期（毫秒）"),
    ("Producers", "生产者数量"),
    ("Queue capacity", "队列容量"),
    ("Race with", "竞速方式"),
    ("Requests", "请求数"),
    ("Retries per job", "每个作业的重试次数"),
    ("Run for (ms)", "运行时长（毫秒）"),
    ("Schedule", "计划"),
    ("Shortest server delay (ms)", "服务器最短延迟（毫秒）"),
    ("Size (KiB)", "大小（KiB）"),
    ("Slice when yielding (ms)", "让出时的切片（毫秒）"),
    ("Spawned tasks", "派生的任务数"),
    ("Tasks", "任务数"),
    ("Tasks taking the lock", "获取锁的任务数"),
    ("Tasks waiting (event and condition)", "等待的任务数（事件与条件变量）"),
    ("The event is set at (ms)", "事件设置时刻（毫秒）"),
    ("The operation takes (ms)", "操作耗时（毫秒）"),
    ("The use", "使用的结果"),
    ("Tick every (ms)", "tick 间隔（毫秒）"),
    ("Tick that fails (0: none)", "失败的 tick（0 表示无）"),
    ("Ticks", "tick 次数"),
    ("Ticks per timer", "每个定时器的 tick 次数"),
    ("Time limit (ms)", "时间限制（毫秒）"),
    ("When time runs out, the work is", "时间到了，工作会被"),
    (
        "arrow: a task woke another (all of them when few; else click a lane for its own)",
        "箭头：一个任务唤醒了另一个（数量少时全部画出；否则点击泳道看它自己的）",
    ),
    ("Wait for the next tick", "等待下一次的方式"),
    (
        "Hatched bars bundle segments narrower than a pixel (their tooltip counts them): zoom in (+) to see each.",
        "带竖纹的条把窄于一个像素的多段合在一起（提示里有各状态的段数）：放大（+）可逐段查看。",
    ),
    ("Each tick works (ms)", "每次工作耗时（毫秒）"),
    ("Clients retrying at once", "同时重试的客户端数"),
    ("The holders", "持有者的用法"),
    ("The detached task fails", "被分离的任务失败"),
    ("Each waiter then works (ms of CPU)", "每个等待者随后工作（毫秒 CPU）"),
    (
        "Time limit per job (ms, 0: none)",
        "每个作业的时间限制（毫秒，0 表示无）",
    ),
    ("Time limit per request (ms)", "每个请求的时间限制（毫秒）"),
    ("Timers", "定时器数量"),
    ("Using takes (ms)", "使用耗时（毫秒）"),
    ("Which job fails", "哪个作业失败"),
    ("Which request fails (0: none)", "哪个请求失败（0 表示无）"),
    ("Work (ms of CPU)", "工作量（CPU 毫秒）"),
    ("Work starts at (ms)", "工作开始时刻（毫秒）"),
    ("Workers", "worker 数量"),
    (
        "notify_one at (ms), notify_all a second later",
        "notify_one 时刻（毫秒），一秒后 notify_all",
    ),
    ("Cancel this long into the use (ms)", "使用开始多久后取消（毫秒）"),
    ("Try this", "试试这些"),
    // Request phases, as the fetch strip's legend names them.
    (
        "queued: waiting for a connection (the browser allows 6 per origin)",
        "排队等连接：等待一个连接（浏览器对每个源最多允许 6 个）",
    ),
    ("connecting: opening a connection", "建立连接：正在打开连接"),
    (
        "waiting: request sent, no byte back yet",
        "等待首字节：请求已发出，还没有收到任何字节",
    ),
    ("receiving: the response arriving", "接收响应：响应正在到达"),
    (
        "Measured with the Resource Timing API: from the request going out to the last byte. Browsers open at most 6 connections per HTTP/1.1 origin.",
        "由 Resource Timing API 测得：从请求发出到最后一个字节。浏览器对每个 HTTP/1.1 源最多打开 6 个连接。",
    ),
    ("Download progress", "下载进度"),
    ("tasks", "任务"),
    ("a timeout's deadline passed", "超时的截止时刻已过"),
    ("log:", "日志："),
    ("All tasks: type a task's name", "所有任务：输入任务名可只看它"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_no_gaps_or_repeats() {
        for (i, (en, zh)) in ZH.iter().enumerate() {
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "entry {i}");
            assert!(ZH[..i].iter().all(|(e, _)| e != en), "{en} twice");
        }
        assert_eq!(Lang::Zh.t("Run"), "运行");
        assert_eq!(Lang::En.t("Run"), "Run");
        assert_eq!(Lang::Zh.t("no such phrase"), "no such phrase");
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!((Lang::En.colon(), Lang::Zh.colon()), (": ", "："));
    }

    #[test]
    fn every_parameter_label_has_a_translation() {
        for entry in asyncscope_core::catalog::ENTRIES {
            for spec in asyncscope_core::demos::specs(entry.slug).unwrap_or(&[]) {
                assert_ne!(Lang::Zh.t(spec.label), spec.label, "{}: {}", entry.slug, spec.label);
            }
        }
    }

    /// Every literal the app's code passes to `lang.t(...)` (or
    /// `Lang::…t(...)`) has its Chinese: a phrase added in English only
    /// fails here, not in front of a visitor.
    #[test]
    fn every_phrase_the_code_translates_is_in_the_table() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut missing = Vec::new();
        // This file's own tests look up phrases that are not there on purpose.
        for file in files.into_iter().filter(|f| !f.ends_with("i18n.rs")) {
            let text = std::fs::read_to_string(&file).expect("readable");
            for (at, _) in text.match_indices(".t(\"") {
                let rest = &text[at + 4..];
                let Some(end) = rest.find("\")") else { continue };
                let phrase = &rest[..end];
                if phrase.contains('\\') || phrase.contains('"') {
                    continue;
                }
                let translated = ZH.iter().any(|(en, _)| *en == phrase);
                if !translated {
                    missing.push(format!("{}: {phrase}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "English only:\n{}", missing.join("\n"));
    }
}
