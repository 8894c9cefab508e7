//! The page's two languages. Interface text is written in English at the
//! call site and looked up here for Simplified Chinese; a phrase with no
//! entry stays English (a test checks the table has no gaps or repeats).
//! The demos' own words come from `asyncscope_core::demos::About`.

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
    ("Zoom in", "放大"),
    ("Zoom out", "缩小"),
    ("Whole run", "整个运行"),
    ("Pin for comparison", "固定以便比较"),
    ("Unpin", "取消固定"),
    ("Copy link", "复制链接"),
    ("Link copied", "链接已复制"),
    ("Download trace (Perfetto)", "下载轨迹（Perfetto）"),
    ("Download SVG", "下载 SVG"),
    ("Seed", "种子"),
    ("Set the parameters and press Run.", "设置参数后按“运行”。"),
    ("Done. Every future completed.", "完成。每个 future 都已完成。"),
    (
        "Cancelled: every unfinished future was dropped.",
        "已取消：每个未完成的 future 都被丢弃了。",
    ),
    ("Cancelling: dropping every future…", "正在取消：丢弃每个 future……"),
    (
        "Ran in virtual time: exact, and at once.",
        "已以虚拟时间运行：精确，且瞬间完成。",
    ),
    ("makespan", "总耗时"),
    ("max in flight", "最大并发"),
    ("ok", "成功"),
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
    ("Code", "代码"),
    ("The Rust code this demo runs", "本演示运行的 Rust 代码"),
    ("The same idea in Python's asyncio", "同一思路的 Python asyncio 写法"),
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
        "Keyboard: space plays or pauses, ← → step through events, + and − zoom.",
        "键盘：空格键播放或暂停，← → 逐个事件移动，+ 和 − 缩放。",
    ),
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
    }
}
